package qemutrace

import (
	"context"
	"testing"
	"time"

	"lockstep/internal/testprog"
)

// BenchmarkTrace reports the tracer's steps/s next to the raw RSP floor
// (a bare Step + ReadRegisters loop over the same connection) measured on
// the same program in the same run.
func BenchmarkTrace(b *testing.B) {
	testprog.RequireQEMU(b)
	prog := testprog.Build(b, "testdata/spin.S")
	ctx := context.Background()
	const n = 20000

	measure := func(loop func(tr *Tracer) error) float64 {
		tr, err := Start(ctx, Config{Program: prog, TempDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		defer tr.Close()
		start := time.Now()
		if err := loop(tr); err != nil {
			b.Fatal(err)
		}
		return n / time.Since(start).Seconds()
	}
	var floor, trace float64
	for range b.N {
		floor = measure(func(tr *Tracer) error {
			for range n {
				if err := tr.StepRaw(ctx); err != nil {
					return err
				}
			}
			return nil
		})
		trace = measure(func(tr *Tracer) error {
			for range n {
				if _, err := tr.Step(ctx); err != nil {
					return err
				}
			}
			return nil
		})
	}
	b.ReportMetric(floor, "floor-steps/s")
	b.ReportMetric(trace, "trace-steps/s")
	b.ReportMetric(trace/floor, "ratio")
	b.Logf("trace %.0f steps/s, RSP floor (vCont;s + g) %.0f steps/s, ratio %.2f", trace, floor, trace/floor)
}
