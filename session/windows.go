package session

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"
	"time"

	"lockstep/harness"
	"lockstep/oracle"
	"lockstep/qemutrace"
)

// ParseWindow parses --window I/N (1 <= I <= N) into a Split that checks
// only part I.
func ParseWindow(s string) (Split, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Split{}, fmt.Errorf("%q: want I/N with 1 <= I <= N", s)
	}
	return Split{N: n, Only: i - 1, Jobs: 1}, nil
}

// Split says how RunWindows divides a run: N windows at system-call
// boundaries, Only the one to check (-1: all, by Jobs workers at once).
type Split struct {
	N, Only, Jobs int
}

// RunWindows checks a run in parts: a first run of QEMU alone counts the
// program's system calls (its strace log), then each part
// of N, cut at system calls, is checked by its own worker: QEMU runs freely
// to the part's start, the oracle takes its state there, and the part is
// compared in block mode. The report sums the parts; its first divergence
// is the earliest part's, with its step counted from the program's start.
func RunWindows(ctx context.Context, opts Options, sp Split) (*Report, error) {
	switch {
	case opts.Mode == StepMode:
		return nil, errors.New("windows need --mode block or insn")
	case sp.N < 1 || sp.Only >= sp.N:
		return nil, fmt.Errorf("bad split: window %d of %d", sp.Only, sp.N)
	case opts.Harness.StartAt != nil || opts.Harness.KeepGoing:
		return nil, errors.New("windows cannot be combined with --start or --keep-going")
	}
	start := time.Now()
	// Where the parts start need not be exact: any system-call counts
	// split the run into parts that cover it.
	// The model Run picks where the host can judge (the usual case): a
	// count needs only the same code paths.
	syscalls, err := qemutrace.CountSyscalls(ctx, qemuConfig(opts, qemuCPU(opts, opts.Arbiter != ArbiterOff, oracle.QEMUCPU())))
	if err != nil {
		return nil, err
	}
	parts := make([]*Report, sp.N)
	errs := make([]error, sp.N)
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, sp.Jobs))
	for i := range sp.N {
		if sp.Only >= 0 && i != sp.Only {
			continue
		}
		o := opts
		if i > 0 || sp.Only > 0 {
			o.Stdout, o.Stderr = nil, nil // the guest's output once, from the first part
		}
		w := &harness.Window{From: uint64(i) * syscalls / uint64(sp.N), To: uint64(i+1) * syscalls / uint64(sp.N)}
		if i == sp.N-1 {
			w.To = 0 // to the end
		}
		o.Harness.Window = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			parts[i], errs[i] = Run(ctx, o)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	rep := merge(parts, syscalls)
	rep.Duration = time.Since(start)
	return rep, nil
}

// merge sums the parts' reports into one.
func merge(parts []*Report, syscalls uint64) *Report {
	var out *Report
	for i, p := range parts {
		if p == nil {
			continue
		}
		part := harness.SplitPart{Index: i, Of: len(parts), FromSyscall: p.Window.From, ToSyscall: p.Window.To,
			Steps: p.Steps, Skipped: p.Skipped, Outcome: p.Outcome}
		if out == nil {
			res := *p.Result
			res.Synced, res.OracleCorrections, res.Tolerated = maps.Clone(res.Synced), maps.Clone(res.OracleCorrections), maps.Clone(res.Tolerated)
			res.Native, res.Unjudged = maps.Clone(res.Native), maps.Clone(res.Unjudged)
			res.Divergences = nil
			res.Split = nil
			out = &Report{Result: &res, Layout: p.Layout, CPU: p.CPU}
		} else {
			r := out.Result
			r.Steps += p.Steps
			r.Windows += p.Windows
			r.Blocks += p.Blocks
			r.Signals += p.Signals
			r.Judged += p.Judged
			for _, m := range [][2]map[string]int{{r.Synced, p.Synced}, {r.OracleCorrections, p.OracleCorrections},
				{r.Tolerated, p.Tolerated}, {r.Native, p.Native}, {r.Unjudged, p.Unjudged}} {
				for k, v := range m[1] {
					m[0][k] += v
				}
			}
			if r.Outcome == harness.Agree && r.LimitReached == harness.LimitWindow {
				// The earlier parts agreed to their ends: this part says how
				// the run goes on.
				r.Outcome, r.ExitStatus, r.Signal, r.FaultPC = p.Outcome, p.ExitStatus, p.Signal, p.FaultPC
				r.LimitReached, r.Unsupported, r.UnsupportedReason, r.Err = p.LimitReached, p.Unsupported, p.UnsupportedReason, p.Err
			}
		}
		for _, d := range p.Divergences {
			d.Step += p.Skipped // counted from the program's start
			out.Result.Divergences = append(out.Result.Divergences, d)
		}
		out.Result.Split = append(out.Result.Split, part)
	}
	r := out.Result
	r.Syscalls = syscalls
	r.Skipped = 0
	if len(r.Split) == 1 {
		r.Skipped = r.Split[0].Skipped
	}
	if len(r.Divergences) > 0 {
		r.Outcome = harness.Diverge
		r.Divergences = r.Divergences[:1]
	}
	return out
}
