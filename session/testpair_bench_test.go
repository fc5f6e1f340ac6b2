package session

import (
	"context"
	"slices"
	"testing"
	"time"

	"lockstep/gdbtarget"
	"lockstep/harness"
	"lockstep/internal/testprog"
	"lockstep/machine"
)

// BenchmarkPairingValgrind measures QEMU-vs-valgrind lockstep
// instructions/s and, in the same run, the raw stepping floor of each
// side alone (valgrind over vgdb, QEMU over its socket): the pairing can
// be no faster than the slower side; the target is 0.8 of it.
func BenchmarkPairingValgrind(b *testing.B) {
	testprog.RequireQEMU(b)
	benchPairing(b, gdbtarget.Spec{Kind: gdbtarget.Valgrind}, "valgrind")
}

// benchRounds is how many times benchPairing measures the pairing and
// both floors, alternating, per iteration: the shared host's speed drifts
// by 20% from one run to the next, so medians of interleaved runs are
// compared, not one run of each.
const benchRounds = 5

// benchPairing measures QEMU against the test sp on the valgrind loop,
// with both raw floors in the same run, and reports the medians.
func benchPairing(b *testing.B, sp gdbtarget.Spec, name string) {
	prog := testprog.Build(b, "testdata/valgrind-loop.S")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for range b.N {
		var pair, rawTest, rawQEMU, ratio []float64
		for range benchRounds {
			t := rawSteps(b, ctx, sp, prog)
			q := rawSteps(b, ctx, gdbtarget.Spec{Kind: gdbtarget.Template, Words: []string{"qemu-x86_64", "-g", "{sock}", "{prog}"}, Sock: true}, prog)
			rep, err := RunTest(ctx, TestOptions{Options: Options{Program: prog, Arbiter: ArbiterDivergences}, Test: sp})
			if err != nil {
				b.Fatal(err)
			}
			if rep.Outcome != harness.Agree {
				b.Fatalf("outcome %s: %v", rep.Outcome, rep.Err)
			}
			p := float64(rep.Steps) / rep.Duration.Seconds()
			pair, rawTest, rawQEMU = append(pair, p), append(rawTest, t), append(rawQEMU, q)
			ratio = append(ratio, p/min(t, q))
			b.Logf("round: lockstep %.0f insn/s, %s %.0f steps/s, qemu %.0f steps/s: %.2f x", p, name, t, q, p/min(t, q))
		}
		b.ReportMetric(median(pair), "lockstep-insn/s")
		b.ReportMetric(median(rawTest), name+"-raw-steps/s")
		b.ReportMetric(median(rawQEMU), "qemu-raw-steps/s")
		b.ReportMetric(median(ratio), "x-floor")
		b.ReportMetric(slices.Min(ratio), "x-floor-min")
	}
}

// median is the middle value of v (v is sorted in place).
func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}

// rawSteps steps a target alone to the end and returns steps/s.
func rawSteps(b *testing.B, ctx context.Context, sp gdbtarget.Spec, prog string) float64 {
	tg, err := gdbtarget.Start(ctx, gdbtarget.Config{Spec: sp, Program: prog})
	if err != nil {
		b.Fatal(err)
	}
	defer tg.Close()
	start := time.Now()
	n := 0
	for {
		st, err := tg.Step(ctx)
		if err != nil {
			b.Fatal(err)
		}
		n++
		if st.Kind == machine.Exited {
			break
		}
	}
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkPairingGdbserver is BenchmarkPairingValgrind with the host CPU
// under gdbserver as the test (the stack pointer moved, the entry block
// copied, PUSHF-free loop).
func BenchmarkPairingGdbserver(b *testing.B) {
	testprog.RequireQEMU(b)
	sp, err := gdbtarget.ParseSpec("gdbserver")
	if err != nil {
		b.Fatal(err)
	}
	benchPairing(b, sp, "gdbserver")
}
