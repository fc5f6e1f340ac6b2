package session

import (
	"context"
	"syscall"
	"testing"
	"time"

	"lockstep/internal/testprog"
	"lockstep/qemutrace"
)

// BenchmarkLockstep prints, for one program of about 190,000 instructions
// measured in the same run: lockstep instructions/s (QEMU against the
// oracle, every register and written byte compared), the raw RSP floor (a
// bare vCont;s + g loop over the same program under the same QEMU), their
// ratio, and the process's peak resident memory.
func BenchmarkLockstep(b *testing.B) {
	testprog.RequireQEMU(b)
	prog := testprog.Build(b, "testdata/bench.S")
	ctx := context.Background()
	var lockstep, floor float64
	var steps uint64
	for range b.N {
		rep, err := Run(ctx, Options{Program: prog, TempDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Outcome != "agree" {
			b.Fatalf("benchmark program did not agree: %v %v", rep.Outcome, rep.Err)
		}
		steps = rep.Steps
		lockstep = float64(rep.Steps) / rep.Duration.Seconds()

		// The floor: the same number of raw steps (the program's loop
		// makes no syscall until its end, which the raw loop stops short of).
		tr, err := qemutrace.Start(ctx, qemutrace.Config{Program: prog, CPU: rep.CPU, TempDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		n := steps - 10
		start := time.Now()
		for range n {
			if err := tr.StepRaw(ctx); err != nil {
				tr.Close()
				b.Fatal(err)
			}
		}
		floor = float64(n) / time.Since(start).Seconds()
		tr.Close()
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(lockstep, "lockstep-insn/s")
	b.ReportMetric(floor, "floor-steps/s")
	b.ReportMetric(lockstep/floor, "ratio")
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak-MB")
	b.Logf("%d instructions: lockstep %.0f instructions/s, RSP floor (vCont;s + g) %.0f steps/s, ratio %.2f, peak RSS %.1f MB",
		steps, lockstep, floor, lockstep/floor, float64(ru.Maxrss)/1024)
}
