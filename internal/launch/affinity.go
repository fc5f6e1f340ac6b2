package launch

import (
	"fmt"
	"net"
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

// splitName is the abstract Unix socket that marks the machine's CPUs as
// split by one lockstep process: abstract names vanish with their socket,
// so nothing is left behind.
const splitName = "@lockstep-cpu-split"

// ClaimCPUs reports whether this process may split the machine's CPUs
// between two programs, and then holds the claim until release is
// called. One process at a time: two runs that each split the CPUs the
// same way would put their programs on the same halves.
func ClaimCPUs() (release func(), ok bool) { return claim(splitName) }

// claim holds the abstract Unix socket name, if no one else does.
func claim(name string) (release func(), ok bool) {
	l, err := net.Listen("unix", name)
	if err != nil {
		return func() {}, false
	}
	return func() { l.Close() }, true
}
