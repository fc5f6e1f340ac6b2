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

// TestPairingGdbserver runs QEMU against the host CPU itself (Debian's
// gdbserver running the program natively): agreement where the host and
// QEMU agree, with cpuid, rdtsc, getpid and time written from QEMU into
// the test after each; and QEMU 7.2's BLSI carry flag, reference-wrong.
func TestPairingGdbserver(t *testing.T) {
	if _, err := exec.LookPath("gdbserver"); err != nil {
		t.Fatalf("gdbserver not installed (make deps): %v", err)
	}
	testprog.RequireQEMU(t)
	sp, err := gdbtarget.ParseSpec("gdbserver")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		src     string
		synced  map[string]int // want at least these counts
		diverge bool
	}{
		{src: "../examples/agree.S"},
		{src: "testdata/host-differs.S", synced: map[string]int{"cpuid": 2, "rdtsc": 1, "syscall getpid": 1, "syscall time": 1}},
		{src: "testdata/files.S", synced: map[string]int{"fd": 3, "own fd in a call": 6}}, // numbers differ
		{src: "../examples/blsi.S", diverge: true},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.src), func(t *testing.T) {
			tmp := t.TempDir()
			testprog.NoLeaks(t, tmp)
			prog := testprog.Build(t, tt.src)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			rep, err := RunTest(ctx, TestOptions{Options: Options{Program: prog, TempDir: tmp}, Test: sp, TestName: "gdbserver"})
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				for _, pid := range testprog.Children("gdbserver") {
					t.Errorf("left running: %d", pid)
				}
			}()
			if !tt.diverge {
				if rep.Outcome != harness.Agree || rep.Err != nil {
					t.Fatalf("outcome %s (%v), divergences %+v", rep.Outcome, rep.Err, rep.Divergences)
				}
				if rep.Pairing.TestExitStatus == nil || *rep.Pairing.TestExitStatus != 0 {
					t.Errorf("test exit status %v", rep.Pairing.TestExitStatus)
				}
				for k, n := range tt.synced {
					if rep.Synced[k] < n {
						t.Errorf("synced %s: %d, want %d (all: %v)", k, rep.Synced[k], n, rep.Synced)
					}
				}
				return
			}
			if len(rep.Divergences) == 0 {
				t.Fatalf("outcome %s (%v), want BLSI's divergence", rep.Outcome, rep.Err)
			}
			d := rep.Divergences[0]
			if d.Register != "eflags" || d.Verdict != harness.ReferenceWrong || d.Step != 2 {
				t.Errorf("first divergence: step %d %s %s verdict %s, want step 2 eflags reference-wrong", d.Step, d.Kind, d.Register, d.Verdict)
			}
			if le(d.Reference)&1 != 0 || le(d.Follower)&1 != 1 || le(d.Hardware)&1 != 1 {
				t.Errorf("CF: reference %x test %x host %x, want 0, 1, 1", d.Reference, d.Follower, d.Hardware)
			}
		})
	}
}
