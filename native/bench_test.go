package native

import (
	"context"
	"encoding/binary"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// BenchmarkVerdict prints the cost of one Run (the median over b.N runs of
// a load-add-store instruction whose pages are already mapped, as in
// --arbiter every) next to its floor measured in the same run: one bare
// PTRACE_SINGLESTEP and wait on the same child.
func BenchmarkVerdict(b *testing.B) {
	e := startExecutor(b)
	p := buildHostProgram(b, "lea half(%rip), %rbx\n mov $3, %eax", "add %rax, (%rbx)")
	in := stateFromDump(p.before, p.insn)
	rsp, _ := in.Regs.Uint64("rsp")
	in.Memory = &elfMemory{f: p.file, rsp: rsp, top: binary.LittleEndian.Uint64(p.before[136:])}
	ctx := context.Background()
	if _, err := e.Run(ctx, in); err != nil { // maps the pages
		b.Fatal(err)
	}
	n := max(b.N, 200)
	runs := make([]time.Duration, n)
	for i := range n {
		start := time.Now()
		res, err := e.Run(ctx, in)
		if err != nil || res.Fault != nil {
			b.Fatalf("Run: %v %v", err, res)
		}
		runs[i] = time.Since(start)
	}
	steps := make([]time.Duration, n)
	err := e.do(ctx, func() error {
		var r unix.PtraceRegs
		if err := e.t.getRegs(&r); err != nil {
			return err
		}
		r.Rip = stubEntry + 1 // jmp .
		if err := e.t.setRegs(&r); err != nil {
			return err
		}
		for i := range n {
			start := time.Now()
			if err := unix.PtraceSingleStep(e.t.pid); err != nil {
				return err
			}
			if _, err := e.t.wait(); err != nil {
				return err
			}
			steps[i] = time.Since(start)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	run, step := median(runs), median(steps)
	b.ReportMetric(float64(run.Nanoseconds())/1e3, "verdict-µs")
	b.ReportMetric(float64(step.Nanoseconds())/1e3, "floor-step-µs")
	b.Logf("one verdict (median of %d): %.1f µs; floor, one bare ptrace single step: %.1f µs; ratio %.1f",
		n, float64(run.Nanoseconds())/1e3, float64(step.Nanoseconds())/1e3, float64(run)/float64(step))
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
