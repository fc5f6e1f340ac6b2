package minimize

import (
	"context"
	"testing"
	"time"

	"lockstep/internal/testprog"
)

// BenchmarkMinimize minimizes the bundled BLSI (QEMU's bug) and PDEP
// (Unicorn's) examples and reports, per minimization, the wall time, the
// number of lockstep runs of cases, and the time of one plain lockstep
// run of the minimal case: the floor of every reduction step. Target:
// under 60 s each.
func BenchmarkMinimize(b *testing.B) {
	testprog.RequireQEMU(b)
	for _, ex := range []string{"blsi", "pdep"} {
		b.Run(ex, func(b *testing.B) {
			prog := testprog.Build(b, "../examples/"+ex+".S")
			tmp := b.TempDir()
			var runs int
			var floor time.Duration
			b.ResetTimer()
			for range b.N {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				res, err := Minimize(ctx, Options{Program: prog, TempDir: tmp})
				cancel()
				if err != nil {
					b.Fatal(err)
				}
				if res.Case == nil {
					b.Fatalf("no reproducer: %s", res.GaveUp)
				}
				runs += res.Runs
				floor += res.CaseRun
				b.Logf("%s: %s; one run of the case %.0f ms", ex, res.Summary(), res.CaseRun.Seconds()*1000)
			}
			b.ReportMetric(float64(runs)/float64(b.N), "runs/op")
			b.ReportMetric(floor.Seconds()*1000/float64(b.N), "case-run-ms")
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/minimize")
		})
	}
}
