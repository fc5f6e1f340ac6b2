package session

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"lockstep/gdbtarget"
	"lockstep/harness"
	"lockstep/internal/testprog"
)

// TestPairingValgrindCMPXCHG runs QEMU against real valgrind: valgrind
// 3.19 zeroes RAX's upper half on a successful 32-bit CMPXCHG, and the
// host CPU says the test is wrong.
func TestPairingValgrindCMPXCHG(t *testing.T) {
	if _, err := exec.LookPath("valgrind"); err != nil {
		t.Fatalf("valgrind not installed (make deps): %v", err)
	}
	testprog.RequireQEMU(t)
	tmp := t.TempDir()
	testprog.NoLeaks(t, tmp)
	prog := testprog.Build(t, filepath.Join("..", "examples", "valgrind-cmpxchg32.S"))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rep, err := RunTest(ctx, TestOptions{Options: Options{Program: prog, TempDir: tmp}, Test: gdbtarget.Spec{Kind: gdbtarget.Valgrind}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcome != harness.Diverge || len(rep.Divergences) == 0 {
		t.Fatalf("outcome %s (%v), want a divergence", rep.Outcome, rep.Err)
	}
	d := rep.Divergences[0]
	if d.Register != "rax" || d.Verdict != harness.TestWrong || d.Step != 4 {
		t.Errorf("first divergence: step %d %s %s verdict %s, want step 4 rax test-wrong", d.Step, d.Kind, d.Register, d.Verdict)
	}
	if le(d.Reference) != 0x1234567800000005 || le(d.Follower) != 5 || le(d.Hardware) != 0x1234567800000005 {
		t.Errorf("values: reference %x test %x host %x", d.Reference, d.Follower, d.Hardware)
	}
	if rep.Pairing == nil || len(rep.Pairing.Correspondences) != 1 {
		t.Errorf("pairing %+v: want the stack correspondence", rep.Pairing)
	}
	for _, pid := range append(testprog.Children("valgrind"), testprog.Children("vgdb")...) {
		t.Errorf("left running: %d", pid)
	}
}
