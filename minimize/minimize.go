package minimize

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"lockstep/harness"
	"lockstep/repro"
	"lockstep/session"
)

// Options configure a minimization.
type Options struct {
	// Program and Args are the program to run, Env and Dir its
	// environment and working directory (Minimize only).
	Program string
	Args    []string
	Env     []string
	Dir     string
	// MaxSteps bounds the program's run (0: 100 million instructions).
	MaxSteps uint64
	// StartAt, when set, runs the program under QEMU alone up to this
	// address (main, say: a static glibc program runs 50,000 to 100,000
	// instructions before it) and compares from there
	// (harness.Config.StartAt). Case runs start at their first
	// instruction regardless.
	StartAt *uint64
	// QEMU, CPU and Arbiter are passed to session.Run; the arbiter must
	// not be session.ArbiterOff: verdicts and the state before the
	// divergent instruction come from the host CPU.
	QEMU, CPU, Arbiter string
	// StrictFlags compares architecturally undefined flags too; the
	// program's run then also reports tolerance verdicts (a difference
	// only in undefined flags) as divergences to minimize
	// (harness.Config.ReportTolerance) instead of adopting them. Case runs
	// always report them.
	StrictFlags bool
	// TempDir is where temporary directories go (default: the system's).
	TempDir string
	// MaxRuns bounds the lockstep runs of cases (default 400).
	MaxRuns int
	// RunTimeout bounds each run (default 30 s); the context given to
	// Minimize bounds the whole.
	RunTimeout time.Duration
	// MaxWindow is how many instructions before the divergent one the
	// window may grow to when the divergence does not reproduce from one
	// instruction (default 8; it is bounded by the run's history, 16).
	MaxWindow int
	// Log, if set, receives one line per reduction stage.
	Log func(string)
}

func (o Options) withDefaults() Options {
	if o.MaxRuns <= 0 {
		o.MaxRuns = 400
	}
	if o.RunTimeout <= 0 {
		o.RunTimeout = 30 * time.Second
	}
	if o.MaxWindow <= 0 {
		o.MaxWindow = 8
	}
	if o.MaxSteps == 0 {
		o.MaxSteps = 100_000_000
	}
	if o.Arbiter == "" {
		o.Arbiter = session.ArbiterDivergences
	}
	return o
}

func (o Options) log(format string, args ...any) {
	if o.Log != nil {
		o.Log(fmt.Sprintf(format, args...))
	}
}

// Result is a finished minimization.
type Result struct {
	// Report is the program's run.
	Report *session.Report
	// Divergence is the run's first divergence (nil: the program agreed
	// or ended otherwise; see Report.Outcome).
	Divergence *harness.Divergence
	// Signature is the divergence's signature, which every reduced case
	// reproduced.
	Signature Signature
	// Extracted is the case as extracted (with the window it needed),
	// Case the minimal one; both nil when the divergence did not
	// reproduce (see GaveUp).
	Extracted, Case *repro.Case
	// Before and After are their sizes.
	Before, After Size
	// Window is how many instructions before the divergent one the case
	// needed (0: the divergent instruction alone).
	Window int
	// GaveUp says why no reproducer was found ("" when one was).
	GaveUp string
	// Notes are what extraction had to leave out or change, and bounds
	// reached during the reduction.
	Notes []string
	// Runs counts the lockstep runs of cases; Budget is set when MaxRuns
	// ended the reduction early.
	Runs   int
	Budget bool
	// Duration is the whole minimization's wall time (the program's run
	// included), and CaseRun the wall time of one lockstep run of the
	// minimal case (the floor of a reduction step).
	Duration, CaseRun time.Duration
}

// Reproduced reports whether a minimal case was found.
func (r *Result) Reproduced() bool { return r.Case != nil }

// Summary says what the reduction did, on one line.
func (r *Result) Summary() string {
	if r.Case == nil {
		return "no reproducer: " + r.GaveUp
	}
	return fmt.Sprintf("%s → %s in %.1fs (%d runs)", r.Before, r.After, r.Duration.Seconds(), r.Runs)
}

// Minimize runs opts.Program in lockstep, extracts its first divergence
// into a case, checks that the case reproduces it and reduces it. A
// program without a divergence gives a Result with a nil Divergence. An
// error means nothing could be run (bad options, QEMU did not start, the
// context ended); a divergence that cannot be extracted or does not
// reproduce is a Result with GaveUp set.
func Minimize(ctx context.Context, opts Options) (*Result, error) {
	opts = opts.withDefaults()
	if opts.Arbiter == session.ArbiterOff {
		return nil, errors.New("minimize: needs the host CPU as arbiter (the arbiter is off)")
	}
	start := time.Now()
	rep, err := session.Run(ctx, session.Options{
		Program: opts.Program, Args: opts.Args, Env: opts.Env, Dir: opts.Dir, TempDir: opts.TempDir,
		QEMU: opts.QEMU, CPU: opts.CPU, Arbiter: opts.Arbiter,
		Harness: harness.Config{MaxSteps: opts.MaxSteps, StartAt: opts.StartAt, StrictFlags: opts.StrictFlags, ReportCorrections: true,
			ReportTolerance: opts.StrictFlags},
	})
	if err != nil {
		return nil, fmt.Errorf("minimize: run %s: %w", opts.Program, err)
	}
	res := &Result{Report: rep}
	if len(rep.Divergences) == 0 {
		if rep.Outcome == harness.ErrorOutcome {
			return res, fmt.Errorf("minimize: run %s: %w", opts.Program, rep.Err)
		}
		res.Duration = time.Since(start)
		return res, nil
	}
	res, err = FromDivergence(ctx, opts, rep, &rep.Divergences[0])
	if res != nil {
		res.Duration = time.Since(start)
	}
	return res, err
}

// FromDivergence minimizes one divergence d of a run already made (rep,
// run with harness.Config.ReportCorrections, so that d has its verdict
// and Before state): extraction, the reproduction check, reduction. opts
// configures the case runs (Program and Args are not used). The result's
// Duration covers this minimization only.
func FromDivergence(ctx context.Context, opts Options, rep *session.Report, d *harness.Divergence) (*Result, error) {
	opts = opts.withDefaults()
	if opts.Arbiter == session.ArbiterOff {
		return nil, errors.New("minimize: needs the host CPU as arbiter (the arbiter is off)")
	}
	start := time.Now()
	res := &Result{Report: rep, Divergence: d, Signature: SignatureOf(d)}
	opts.log("divergence: %s", res.Signature)
	run, err := NewRunner(opts)
	if err != nil {
		return nil, err
	}
	defer run.Close()
	err = minimizeDivergence(ctx, run, d, res)
	res.Runs = run.Runs()
	res.Duration = time.Since(start)
	return res, err
}

// minimizeDivergence extracts d with the smallest window that reproduces,
// then reduces it.
func minimizeDivergence(ctx context.Context, run *Runner, d *harness.Divergence, res *Result) error {
	opts := run.opts
	var s *state
	var lastMiss string
	maxWin := min(opts.MaxWindow, len(d.History))
	for w := 0; w <= maxWin; w++ {
		cand, notes, err := extract(d, w)
		if err != nil {
			if errors.Is(err, ErrNotExtractable) {
				res.GaveUp = err.Error()
				return nil
			}
			res.GaveUp = fmt.Sprintf("the one-instruction case did not reproduce (%s), and growing the window stopped at %d earlier instructions: %v", lastMiss, w, err)
			return nil
		}
		c, err := cand.Case()
		if err != nil {
			res.GaveUp = fmt.Sprintf("the extracted case is invalid: %v", err)
			return nil
		}
		ok, got, err := run.Reproduces(ctx, c, res.Signature)
		if err := fatal(ctx, err); err != nil {
			return err
		}
		if ok {
			if cand.verd.Reason == "" {
				cand.verd.Reason = verdictReason(res.Signature.Verdict, res.Report.Host)
			}
			s = cand
			res.Window = w
			res.Notes = append(res.Notes, notes...)
			res.Extracted = c
			break
		}
		lastMiss = missText(got, err)
		opts.log("window of %d: %s", w+1, lastMiss)
		if errors.Is(err, ErrBudget) {
			break
		}
	}
	if s == nil {
		res.GaveUp = fmt.Sprintf("the divergence did not reproduce from the extracted state with up to %d earlier instructions (last try: %s); it depends on state the capture does not hold (memory the earlier instructions read, or a longer history)", maxWin, lastMiss)
		return nil
	}
	if res.Window > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("the divergent instruction alone did not reproduce; the window grew back %d instruction(s)", res.Window))
	}
	res.Before = SizeOf(res.Extracted)
	opts.log("extracted: %s (window %d)", res.Before, res.Window)
	red := &reducer{ctx: ctx, run: run, sig: res.Signature}
	s = red.registers(s)
	s = red.pages(s)
	s = red.chunks(s)
	s = red.bytes(s)
	s = red.registers(s) // pointers may have gone with their pages
	if red.err != nil {
		return red.err
	}
	c, err := s.Case()
	if err != nil {
		return fmt.Errorf("minimize: reduced case: %w", err)
	}
	// The final check, timed: the floor of every step.
	ok, got, err := run.Reproduces(ctx, c, res.Signature)
	res.CaseRun = run.last
	if err := fatal(ctx, err); err != nil {
		return err
	}
	if errors.Is(err, ErrBudget) {
		// The budget ran out right before the final check: the case
		// reproduced at its last accepted step.
		ok = true
	} else if !ok {
		return fmt.Errorf("minimize: the reduced case no longer reproduces: %s", missText(got, err))
	}
	if got != nil {
		c.Divergence.Host = slices.Clone(got.Hardware)
		if len(c.Divergence.Host) == 0 {
			c.Divergence.Host = nil
		}
	}
	res.Case = c
	res.After = SizeOf(c)
	res.Budget = red.budget
	if red.budget {
		res.Notes = append(res.Notes, fmt.Sprintf("the run budget (%d runs) ended the reduction early: the case is smaller, not minimal", opts.MaxRuns))
	}
	opts.log("minimal: %s", res.After)
	return nil
}

// fatal returns the errors that end a minimization: the context's end.
// Other run errors count as "does not reproduce".
func fatal(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("minimize: %w", ctx.Err())
	}
	return nil
}

func missText(d *harness.Divergence, err error) string {
	switch {
	case err != nil:
		return err.Error()
	case d == nil:
		return "no divergence"
	}
	return "a different divergence: " + SignatureOf(d).String()
}

// reducer runs the reduction steps over a state.
type reducer struct {
	ctx    context.Context
	run    *Runner
	sig    Signature
	budget bool
	err    error
}

// holds reports whether the state still shows the divergence.
func (r *reducer) holds(s *state) bool {
	if r.err != nil || r.budget {
		return false
	}
	c, err := s.Case()
	if err != nil {
		return false
	}
	ok, _, err := r.run.Reproduces(r.ctx, c, r.sig)
	if errors.Is(err, ErrBudget) {
		r.budget = true
		return false
	}
	if err := fatal(r.ctx, err); err != nil {
		r.err = err
		return false
	}
	return ok && err == nil
}

// registers drops registers to their defaults.
func (r *reducer) registers(s *state) *state {
	names := []string{}
	for _, info := range repro.Registers() {
		if _, ok := s.regs[info.Name]; ok && !s.pinned[info.Name] {
			names = append(names, info.Name)
		}
	}
	with := func(keep []int) *state {
		n := s.clone()
		for i, name := range names {
			if !slices.Contains(keep, i) {
				delete(n.regs, name)
			}
		}
		return n
	}
	keep := ddmin(indexes(len(names)), func(k []int) bool { return r.holds(with(k)) })
	return with(keep)
}

// pages drops pages that hold no instruction.
func (r *reducer) pages(s *state) *state {
	var cand []int
	for i, p := range s.pages {
		if !slices.ContainsFunc(s.insns, func(in repro.Insn) bool {
			return in.Addr < p.addr+repro.PageSize && in.End() > p.addr
		}) {
			cand = append(cand, i)
		}
	}
	with := func(keep []int) *state {
		n := s.clone()
		n.pages = n.pages[:0]
		for i, p := range s.pages {
			if !slices.Contains(cand, i) || slices.Contains(keep, slices.Index(cand, i)) {
				n.pages = append(n.pages, page{addr: p.addr, perm: p.perm, data: slices.Clone(p.data)})
			}
		}
		return n
	}
	keep := ddmin(indexes(len(cand)), func(k []int) bool { return r.holds(with(k)) })
	return with(keep)
}

// span is a run of bytes of one page.
type span struct{ page, off, len int }

// zeroing reduces over spans: a span not kept is cleared.
func (r *reducer) zeroing(s *state, spans []span) *state {
	with := func(keep []int) *state {
		n := s.clone()
		for i, sp := range spans {
			if !slices.Contains(keep, i) {
				clear(n.pages[sp.page].data[sp.off : sp.off+sp.len])
			}
		}
		return n
	}
	keep := ddmin(indexes(len(spans)), func(k []int) bool { return r.holds(with(k)) })
	return with(keep)
}

// chunkSize is the first granule of byte zeroing.
const chunkSize = 64

// chunks zeroes 64-byte chunks that hold non-zero bytes outside the
// instructions.
func (r *reducer) chunks(s *state) *state {
	var spans []span
	for pi, p := range s.pages {
		for off := 0; off < len(p.data); off += chunkSize {
			if s.nonZero(p, off, chunkSize) {
				spans = append(spans, span{pi, off, chunkSize})
			}
		}
	}
	return r.zeroing(s, spans)
}

// bytes zeroes single non-zero bytes outside the instructions.
func (r *reducer) bytes(s *state) *state {
	var spans []span
	for pi, p := range s.pages {
		for off := range p.data {
			if s.nonZero(p, off, 1) {
				spans = append(spans, span{pi, off, 1})
			}
		}
	}
	return r.zeroing(s, spans)
}

// nonZero reports whether p holds a non-zero byte outside the
// instructions in [off, off+n).
func (s *state) nonZero(p page, off, n int) bool {
	for i := off; i < off+n && i < len(p.data); i++ {
		if p.data[i] != 0 && !s.underInsn(p.addr+uint64(i)) {
			return true
		}
	}
	return false
}

func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// verdictReason says in words who is right, naming the host CPU.
func verdictReason(v harness.Verdict, host string) string {
	if host == "" {
		host = "the host CPU"
	} else {
		host = "the host CPU (" + host + ")"
	}
	switch v {
	case harness.ReferenceWrong:
		return host + " agrees with the oracle: QEMU is wrong"
	case harness.FollowerWrong:
		return host + " agrees with QEMU: the Unicorn oracle is wrong"
	case harness.BothWrong:
		return host + " agrees with neither QEMU nor the oracle"
	}
	return ""
}
