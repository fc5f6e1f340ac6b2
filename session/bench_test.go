package session

import (
	"context"
	"syscall"
	"testing"

	"lockstep/internal/testprog"
)

// BenchmarkLockstep prints, for one program of about 190,000 instructions
// measured in the same run: lockstep instructions/s (QEMU against the
// oracle, every register and written byte compared), the raw RSP floor (a
// bare vCont;s + g loop over the same program under the same QEMU), their
// ratio, and the process's peak resident memory.
func BenchmarkLockstep(b *testing.B) {
	testprog.RequireQEMU(b)
	prog := testprog.Build(b, "testdata/bench.S")
	var m measured
	for range b.N {
		m = measure(b, Options{Program: prog}, 0)
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(m.lockstep, "lockstep-insn/s")
	b.ReportMetric(m.floor, "floor-steps/s")
	b.ReportMetric(m.lockstep/m.floor, "ratio")
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak-MB")
	b.Logf("%d instructions: lockstep %.0f instructions/s, RSP floor (vCont;s + g) %.0f steps/s, ratio %.2f, peak RSS %.1f MB",
		m.steps, m.lockstep, m.floor, m.lockstep/m.floor, float64(ru.Maxrss)/1024)
}

// BenchmarkArbiter prints, each next to the RSP floor of the same program
// measured in the same run: lockstep with --arbiter every (every
// instruction also run on the host CPU) on the integer benchmark, and
// lockstep on an AVX2 loop whose every vector instruction Unicorn cannot
// execute, so the host runs it for the oracle (QEMU with -cpu max: AVX
// needs XSAVE in QEMU's model).
func BenchmarkArbiter(b *testing.B) {
	testprog.RequireQEMU(b)
	integer := testprog.Build(b, "testdata/bench.S")
	avx := testprog.Build(b, "testdata/avx2loop.S")
	var every, native measured
	for range b.N {
		every = measure(b, Options{Program: integer, Arbiter: ArbiterEvery}, 0)
		native = measure(b, Options{Program: avx, CPU: "max"}, 100)
		if native.native == 0 {
			b.Fatal("the AVX2 loop ran nothing on the host")
		}
	}
	b.ReportMetric(every.lockstep/every.floor, "every-ratio")
	b.ReportMetric(native.lockstep/native.floor, "avx2-ratio")
	b.Logf("--arbiter every, %d instructions: %.0f instructions/s against an RSP floor of %.0f steps/s, ratio %.2f",
		every.steps, every.lockstep, every.floor, every.lockstep/every.floor)
	b.Logf("AVX2 loop, %d instructions (%d run on the host): %.0f instructions/s against an RSP floor of %.0f steps/s, ratio %.2f",
		native.steps, native.native, native.lockstep, native.floor, native.lockstep/native.floor)
}

// measured is one lockstep run and its RSP floor.
type measured struct {
	steps, native   uint64
	lockstep, floor float64
}

// measure runs opts in lockstep (it must agree, with the given exit
// status), then steps the same program raw over the same QEMU as often.
func measure(b *testing.B, opts Options, exit int) measured {
	ctx := context.Background()
	opts.TempDir = b.TempDir()
	rep, err := Run(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	if rep.Outcome != "agree" || rep.ExitStatus == nil || *rep.ExitStatus != exit {
		b.Fatalf("benchmark program did not agree: %v %v", rep.Outcome, rep.Err)
	}
	m := measured{steps: rep.Steps, lockstep: float64(rep.Steps) / rep.Duration.Seconds()}
	for _, c := range rep.Native {
		m.native += uint64(c)
	}
	// The floor: the same number of raw steps (the programs make no
	// syscall until their end, which the raw loop stops short of).
	m.floor = rspFloor(b, opts.Program, rep.CPU, m.steps-10)
	return m
}
