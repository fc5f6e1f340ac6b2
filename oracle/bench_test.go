package oracle

import (
	"context"
	"testing"
	"time"
)

// Benchmark loops. Both write memory on about a third of their
// instructions, so the write hook is busy.
const (
	// inc rax; mov [rsp-8], rax; add rbx, [rsp-8]; push rbx; pop rcx;
	// xor rdx, rcx; jmp
	intLoop = "48ffc0 48894424f8 48035c24f8 53 59 4831ca ebec"
	// inc rax; addps xmm0, xmm1; mov [rsp-8], rax; paddd xmm2, xmm3;
	// push rbx; pop rcx; movdqu [rsp-32], xmm2; jmp
	sseLoop = "48ffc0 0f58c1 48894424f8 660ffed3 53 59 f30f7f5424e0 ebe7"
)

// BenchmarkStep measures single steps with a full register read (every
// register of QEMU's layout) after each, as the harness does. The integer
// loop lets the oracle reuse its x87/SSE registers (no instruction can
// have changed them); the SSE loop makes it read them again after half of
// the steps.
//
//	go test -run '^$' -bench Step -benchtime 2000000x ./oracle/
func BenchmarkStep(b *testing.B) {
	for _, bb := range []struct{ name, code string }{{"int", intLoop}, {"sse", sseLoop}} {
		b.Run(bb.name, func(b *testing.B) {
			o := newTestOracle(b, bb.code, nil)
			snap := o.layout.NewSnapshot()
			ctx := context.Background()
			writes := 0
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				r, err := o.Step(ctx)
				if err != nil || r.Kind != Executed {
					b.Fatalf("step %d: %+v %v", i, r, err)
				}
				writes += len(r.Writes)
				if err := o.Registers(snap); err != nil {
					b.Fatal(err)
				}
			}
			d := time.Since(start)
			b.ReportMetric(float64(b.N)/d.Seconds(), "steps/s")
			b.ReportMetric(float64(writes)/float64(b.N), "writes/step")
		})
	}
}

// TestStepDoesNotAllocate keeps the per-step path allocation-free (once
// the write buffers have grown).
func TestStepDoesNotAllocate(t *testing.T) {
	for _, code := range []string{intLoop, sseLoop} {
		o := newTestOracle(t, code, nil)
		snap := o.layout.NewSnapshot()
		ctx := context.Background()
		step := func() {
			if _, err := o.Step(ctx); err != nil {
				t.Fatal(err)
			}
			if err := o.Registers(snap); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 100; i++ {
			step()
		}
		if n := testing.AllocsPerRun(1000, step); n != 0 {
			t.Errorf("%.2f allocations per step", n)
		}
	}
}

// TestStepRate is a coarse guard on the benchmark's figure: well below the
// 1,000,000 steps/s target, so a loaded machine does not fail it, but far
// above what a per-step allocation or an extra cgo round trip per register
// would give.
func TestStepRate(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test")
	}
	o := newTestOracle(t, intLoop, nil)
	snap := o.layout.NewSnapshot()
	ctx := context.Background()
	best := time.Duration(1 << 62)
	for round := 0; round < 5; round++ {
		const n = 20000
		start := time.Now()
		for i := 0; i < n; i++ {
			if _, err := o.Step(ctx); err != nil {
				t.Fatal(err)
			}
			if err := o.Registers(snap); err != nil {
				t.Fatal(err)
			}
		}
		best = min(best, time.Since(start)/n)
	}
	t.Logf("%v per step (%.0f steps/s)", best, float64(time.Second)/float64(best))
	if best > 5*time.Microsecond {
		t.Errorf("%v per step", best)
	}
}
