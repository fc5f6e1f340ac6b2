package launch

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// SplitCPUs divides the CPUs this process may run on into two halves, for
// two programs that should not wait for each other's core; ok is false
// with fewer than two.
func SplitCPUs() (a, b unix.CPUSet, ok bool) {
	var all unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		return a, b, false
	}
	n := all.Count()
	if n < 2 {
		return a, b, false
	}
	k := 0
	for cpu := 0; cpu < cpuSetBits; cpu++ {
		if !all.IsSet(cpu) {
			continue
		}
		if k < n/2 {
			a.Set(cpu)
		} else {
			b.Set(cpu)
		}
		k++
	}
	return a, b, true
}

// cpuSetBits is how many CPUs a unix.CPUSet can name.
const cpuSetBits = len(unix.CPUSet{}) * 64

// Pin sets the CPU affinity of every thread of each process in pids to
// set. Threads started later inherit it.
func Pin(pids []int, set unix.CPUSet) error {
	for _, pid := range pids {
		tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
		if err != nil {
			return fmt.Errorf("launch: pin process %d: %w", pid, err)
		}
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil {
				continue
			}
			if err := unix.SchedSetaffinity(tid, &set); err != nil {
				return fmt.Errorf("launch: pin thread %d of process %d: %w", tid, pid, err)
			}
		}
	}
	return nil
}
