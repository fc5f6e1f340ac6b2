package session

import (
	"context"
	"testing"
	"time"

	"lockstep/internal/testprog"
)

// TestWindowsCoverRun: a glibc program making about 330 system calls,
// checked whole and in three parts (two at once, and one part alone as a CI
// matrix job would): the parts' instructions add up to the whole run's,
// and each part starts where the one before ended.
func TestWindowsCoverRun(t *testing.T) {
	testprog.RequireQEMU(t)
	prog := testprog.Build(t, "testdata/syscalls.c")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	opts := Options{Program: prog, Args: []string{"100"}, Mode: BlockMode, TempDir: t.TempDir()}
	whole, err := Run(ctx, opts)
	if err != nil || whole.Outcome != "agree" {
		t.Fatalf("whole run: %v %v", err, whole.Err)
	}
	split, err := RunWindows(ctx, opts, Split{N: 3, Only: -1, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if split.Outcome != "agree" || split.ExitStatus == nil || *split.ExitStatus != 0 {
		t.Fatalf("split run: %v %v", split.Outcome, split.Err)
	}
	if len(split.Split) != 3 {
		t.Fatalf("%d parts, want 3", len(split.Split))
	}
	var sum uint64
	for i, p := range split.Split {
		if p.Skipped != sum {
			t.Errorf("part %d starts after %d instructions, want %d", i+1, p.Skipped, sum)
		}
		sum += p.Steps
	}
	if sum != whole.Steps || split.Steps != whole.Steps {
		t.Errorf("parts compare %d instructions (report %d), the whole run %d", sum, split.Steps, whole.Steps)
	}
	if split.Syscalls < 300 {
		t.Errorf("%d system calls counted", split.Syscalls)
	}
	one, err := RunWindows(ctx, opts, Split{N: 3, Only: 1, Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Split) != 1 || one.Steps != split.Split[1].Steps || one.Skipped != split.Split[1].Skipped {
		t.Errorf("part 2 alone: %d instructions after %d, want %d after %d", one.Steps, one.Skipped, split.Split[1].Steps, split.Split[1].Skipped)
	}
	if one.LimitReached != "window" || one.Outcome != "agree" {
		t.Errorf("part 2 alone: %v, limit %q, want agree at the window's end", one.Outcome, one.LimitReached)
	}
}

// TestWindowsDivergence: QEMU 7.2's BLSI bug after forty system calls is
// found at the same step, instruction and register with two workers as
// with one.
func TestWindowsDivergence(t *testing.T) {
	testprog.RequireQEMU(t)
	prog := testprog.Build(t, "testdata/syscalls-blsi.S")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts := Options{Program: prog, Mode: BlockMode, TempDir: t.TempDir()}
	whole, err := Run(ctx, opts)
	if err != nil || whole.Outcome != "diverge" {
		t.Fatalf("whole run: %v %v %v", err, whole.Outcome, whole.Err)
	}
	split, err := RunWindows(ctx, opts, Split{N: 2, Only: -1, Jobs: 2})
	if err != nil || split.Outcome != "diverge" {
		t.Fatalf("split run: %v %v %v", err, split.Outcome, split.Err)
	}
	w, s := whole.Divergences[0], split.Divergences[0]
	if w.Step != s.Step || w.Instruction.PC != s.Instruction.PC || w.Register != s.Register || w.Verdict != s.Verdict {
		t.Errorf("split: step %d at %#x, %s, %s; whole: step %d at %#x, %s, %s",
			s.Step, s.Instruction.PC, s.Register, s.Verdict, w.Step, w.Instruction.PC, w.Register, w.Verdict)
	}
	if split.Split[1].FromSyscall == 0 || split.Split[1].Outcome != "diverge" {
		t.Errorf("parts %+v: the second should hold the divergence", split.Split)
	}
}
