package session

import (
	"context"
	"testing"
	"time"

	"lockstep/internal/testprog"
	"lockstep/qemutrace"
)

// BenchmarkModes prints lockstep instructions/s in block mode and in insn
// mode, each next to the RSP floor (a bare vCont;s + g loop under the same
// QEMU, measured in the same run on the compute loop, which makes no system
// call until its end), for:
//   - a compute loop on a page of its own (pageloop.S);
//   - the same kind of loop sharing its page with the exit system call,
//     where block mode's breakpoint makes QEMU translate one instruction
//     per block (bench.S);
//   - a static glibc program making about 1,200 system calls
//     (syscalls.c).
func BenchmarkModes(b *testing.B) {
	testprog.RequireQEMU(b)
	progs := []struct{ name, path string }{
		{"compute loop", testprog.Build(b, "testdata/pageloop.S")},
		{"loop sharing the exit's page", testprog.Build(b, "testdata/bench.S")},
		{"glibc, many syscalls", testprog.Build(b, "testdata/syscalls.c")},
	}
	floor := rspFloor(b, progs[0].path, ArbiterCPU(), 20000)
	for _, p := range progs {
		rates := map[Mode]float64{}
		var steps uint64
		for range b.N {
			for _, mode := range []Mode{BlockMode, InsnMode} {
				rep, err := Run(context.Background(), Options{Program: p.path, Mode: mode, TempDir: b.TempDir()})
				if err != nil {
					b.Fatal(err)
				}
				if rep.Outcome != "agree" {
					b.Fatalf("%s in %v mode: %v %v", p.name, mode, rep.Outcome, rep.Err)
				}
				rates[mode], steps = float64(rep.Steps)/rep.Duration.Seconds(), rep.Steps
			}
		}
		b.Logf("%s (%d instructions): block %.0f/s (%.1f × floor), insn %.0f/s (%.1f × floor); RSP floor %.0f steps/s",
			p.name, steps, rates[BlockMode], rates[BlockMode]/floor, rates[InsnMode], rates[InsnMode]/floor, floor)
		if p.name == "compute loop" {
			b.ReportMetric(rates[BlockMode]/floor, "block-x-floor")
			b.ReportMetric(rates[InsnMode]/floor, "insn-x-floor")
		}
	}
}

// rspFloor steps the program raw (vCont;s + g) for n steps, which must
// stop short of its first system call, and returns the rate.
func rspFloor(b *testing.B, prog, cpu string, n uint64) float64 {
	ctx := context.Background()
	tr, err := qemutrace.Start(ctx, qemutrace.Config{Program: prog, CPU: cpu, TempDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	start := time.Now()
	for range n {
		if err := tr.StepRaw(ctx); err != nil {
			b.Fatal(err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}
