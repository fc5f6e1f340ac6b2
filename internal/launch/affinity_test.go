package launch

import (
	"os"
	"os/exec"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// TestSplitAndPin: the two halves share no CPU and cover every CPU this
// process may use, and Pin confines a real child process to one of them.
func TestSplitAndPin(t *testing.T) {
	var all unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		t.Fatal(err)
	}
	a, b, ok := SplitCPUs()
	if all.Count() < 2 {
		if ok {
			t.Fatal("split with fewer than two CPUs")
		}
		t.Skip("one CPU: nothing to split")
	}
	if !ok || a.Count() == 0 || b.Count() == 0 || a.Count()+b.Count() != all.Count() {
		t.Fatalf("split %d CPUs into %d and %d (ok %v)", all.Count(), a.Count(), b.Count(), ok)
	}
	for cpu := 0; cpu < cpuSetBits; cpu++ {
		if a.IsSet(cpu) && b.IsSet(cpu) || (a.IsSet(cpu) || b.IsSet(cpu)) != all.IsSet(cpu) {
			t.Fatalf("CPU %d: in a %v, in b %v, allowed %v", cpu, a.IsSet(cpu), b.IsSet(cpu), all.IsSet(cpu))
		}
	}
	cmd := exec.Command("sleep", "10")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if err := Pin([]int{cmd.Process.Pid}, b); err != nil {
		t.Fatal(err)
	}
	var got unix.CPUSet
	if err := unix.SchedGetaffinity(cmd.Process.Pid, &got); err != nil || got != b {
		t.Errorf("affinity after Pin: %v (%v), want %v", got, err, b)
	}
	if err := Pin([]int{1 << 30}, a); err == nil {
		t.Error("pinning a process that does not exist succeeded")
	}
}

// TestClaimCPUs: one claim at a time, free again once released (under a
// name of the test's own: pairings may run meanwhile).
func TestClaimCPUs(t *testing.T) {
	name := "@lockstep-claim-test-" + strconv.Itoa(os.Getpid())
	release, ok := claim(name)
	if !ok {
		t.Fatal("first claim refused")
	}
	if r2, ok := claim(name); ok {
		r2()
		t.Fatal("second claim granted while the first is held")
	}
	release()
	r3, ok := claim(name)
	if !ok {
		t.Fatal("claim refused after release")
	}
	r3()
}
