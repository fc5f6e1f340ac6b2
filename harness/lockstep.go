package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"lockstep/machine"
)

// Config is one lockstep run.
type Config struct {
	// Reference is the target taken as right, stopped at the program's
	// first instruction. Run does not close it.
	Reference Reference
	// NewFollower creates the follower from the reference's state when
	// comparing begins. Run closes the follower.
	NewFollower NewFollower
	// MaxSteps bounds the run (0: no bound). Reaching it before the
	// program ends is not an error: the run ends with what it found so
	// far and Result.LimitReached is LimitSteps.
	MaxSteps uint64
	// TimeLimit bounds the comparison's wall time (0: no bound), like
	// MaxSteps: reaching it sets Result.LimitReached to LimitTime. The
	// end of ctx itself stays an error.
	TimeLimit time.Duration
	// StartAt, when set, runs the reference alone until its pc reaches
	// this address, then starts comparing there.
	StartAt *uint64
	// KeepGoing continues after a divergence by adopting the reference's
	// state, until MaxDivergences (default 10) have been found.
	KeepGoing      bool
	MaxDivergences int
	// Ignore names registers not to compare.
	Ignore []string
	// StrictFlags compares architecturally undefined flags too.
	StrictFlags bool
	// CompareImprecise compares the register bits the follower declares
	// imprecise too.
	CompareImprecise bool
	// Judge, when set, runs instructions on the host CPU: it gives each
	// divergence a verdict, and where the host sides with the reference
	// the follower adopts the reference's state and the run goes on.
	Judge Judge
	// Arbiter says when the judge runs.
	Arbiter ArbiterMode
	// Opinion, when set with Judge, is a third machine (the oracle in a
	// test pairing) that runs each judged instruction from the same state
	// before it as the host: each judged divergence then has its value too
	// (Divergence.Oracle, Agreement).
	Opinion Opinion
	// ReportCorrections reports a divergence where the host sides with
	// the reference (verdict FollowerWrong) as a divergence, with its
	// verdict and Before state, instead of correcting the follower and
	// going on: what minimizing an oracle mistake needs. It does not
	// change tolerance verdicts, which are still adopted (see
	// ReportTolerance).
	ReportCorrections bool
	// VerdictsWithoutImprecise leaves the bits the follower declares
	// imprecise out of verdicts too, on both sides: a test pairing's
	// imprecise bits (the stepper's TF and RF, a stub's conventions at
	// entry) are no instruction's result.
	VerdictsWithoutImprecise bool
	// ReportTolerance reports a difference within what the architecture
	// allows (verdict Tolerance: with StrictFlags, one only in undefined
	// flags; an x87 transcendental result within 1 ulp) as a divergence,
	// with its verdict and Before state, instead of adopting the
	// reference's state: what minimizing a tolerance case needs.
	ReportTolerance bool
	// ArbiterOff, when Judge is nil, says why there is no arbiter; the
	// report says it once.
	ArbiterOff string
	// Blocks runs the reference freely and compares at block boundaries
	// (block mode): the reference must be a Streamer and the follower a
	// Checkpointer. Instructions the follower cannot run alone (syscalls,
	// cpuid...) and those it is known to get wrong are still compared
	// stepped, with the judge.
	Blocks bool
	// Window, in block mode, compares only part of the run: the
	// reference runs freely (not compared) through From system calls, then
	// the run is compared until To system calls have been made (0: to the
	// end), and ends with Result.LimitReached LimitWindow. Windows that
	// split a run at system calls can be checked by separate workers.
	Window *Window
	// History is how many past instructions a report shows (default 16).
	History int
	// Progress, if set, is called about every ProgressEvery with the run
	// so far.
	Progress      func(Progress)
	ProgressEvery time.Duration
}

// Progress is a running count for progress displays.
type Progress struct {
	Steps, Syscalls uint64
	Elapsed         time.Duration
}

// ErrStepLimit is wrapped by the error of a run that reached MaxSteps
// before it reached StartAt.
var ErrStepLimit = errors.New("step limit reached before the program ended")

// run is the state of one lockstep run.
type run struct {
	cfg    Config
	ref    Reference
	fol    Follower
	layout *machine.Layout
	res    *Result
	start  time.Time

	folRegs   *machine.Snapshot
	compared  []bool // per layout register
	skipped   []int  // layout indexes not compared (derived from compared)
	imprecise []imprecise
	flagsIx   int
	rcxIx     int
	pcIx      int

	pre        *machine.Snapshot // the reference's registers before the step
	corrected  bool              // the arbiter corrected the follower in this step
	realigned  bool              // the step's rep instruction was realigned
	inStep     bool              // comparing right after an executed step
	stepWrites []Write           // the follower's writes of that step
	faultSigs  [2]int            // for a fault divergence: the reference's and the follower's signal (0: executed)
	hostPages  []uint64          // pages the host's run of a fault divergence touched

	// Block mode (blocks.go).
	stream        Streamer
	cp            Checkpointer
	blockRef      *machine.Snapshot // the reference's state at a block boundary
	blockCmp      *machine.Snapshot // the same, as compared
	blockCompared []bool            // compared registers the log has
	blockInsns    []uint64          // addresses the follower ran since the last boundary
	signalled     bool              // the reference stopped with a signal to deliver
	trail         []trailOp         // what the reference did, for localization
	pending       *pendingBlock     // a block divergence to localize
	preStop       *machine.Stop     // a stop the reference already made, for the next refStep
	suspects      map[uint64]bool   // addresses whose instruction the judge corrected: stepped from then on
	quiet         *quietJudge       // judging a block for a verdict, not for divergences
	overlap       Overlapper        // the follower, when it can step beside the reference
	stepped       int               // instructions to compare stepped before the next window
	seen          []uint32          // the window that last ran an address (by hash)
	seenGen       uint32            // the current window, in seen
	winPages      map[uint64]bool   // the pages (pc>>12) the scouted window ran

	hist     *history
	refBuf   []byte
	folBuf   []byte
	ranges   []span
	accum    []Write // writes of the follower over a realigned rep
	rcxPrev  uint64
	lastTick time.Time
}

type span struct{ start, end uint64 }

// imprecise is a register with bits left out of the comparison.
type imprecise struct {
	index int
	mask  uint64
}

// Run drives the reference and a follower in lockstep until the program
// ends, they diverge, or ctx ends. It never returns a nil Result; errors
// are reported as ErrorOutcome with Result.Err set.
func Run(ctx context.Context, cfg Config) *Result {
	r := &run{cfg: cfg, ref: cfg.Reference, start: time.Now(), res: &Result{Synced: map[string]int{},
		OracleCorrections: map[string]int{}, Tolerated: map[string]int{}, Unjudged: map[string]int{}, ArbiterOff: cfg.ArbiterOff}}
	if cfg.Judge != nil {
		r.res.Host = cfg.Judge.Host()
		r.res.ArbiterEvery = cfg.Arbiter == ArbiterEvery
	}
	if cfg.MaxDivergences <= 0 {
		r.cfg.MaxDivergences = 10
	}
	if cfg.Window != nil {
		w := *cfg.Window
		r.res.Window = &w
	}
	if cfg.History <= 0 {
		r.cfg.History = 16
	}
	if cfg.ProgressEvery <= 0 {
		r.cfg.ProgressEvery = 200 * time.Millisecond
	}
	err := r.loopWithin(ctx)
	if r.fol != nil {
		r.res.Synced = r.fol.Synced()
		if n, ok := r.fol.(interface{ NativeCounts() map[string]int }); ok {
			r.res.Native = n.NativeCounts()
		}
		if cerr := r.fol.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close follower: %w", cerr)
		}
	}
	r.res.Duration = time.Since(r.start)
	if err != nil {
		r.res.Outcome, r.res.Err = ErrorOutcome, err
	} else if r.res.Outcome == "" || (r.res.Outcome == Agree && len(r.res.Divergences) > 0) {
		r.res.Outcome = Diverge
	}
	return r.res
}

func (r *run) loop(ctx context.Context) error {
	if r.ref == nil || r.cfg.NewFollower == nil {
		return errors.New("harness: a reference and a follower are required")
	}
	r.layout = r.ref.Layout()
	if r.cfg.Blocks {
		r.stream, _ = r.ref.(Streamer) // so that skipToStart leaves a trail
	}
	if err := r.skipToStart(ctx); err != nil {
		return err
	}
	fol, err := r.cfg.NewFollower(ctx, r.ref)
	if err != nil {
		return fmt.Errorf("start follower: %w", err)
	}
	r.fol = fol
	if err := r.setupCompare(); err != nil {
		return err
	}
	next := r.step
	if r.cfg.Blocks {
		if err := r.setupBlocks(); err != nil {
			return err
		}
		next = r.window
	}
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("after %d steps: %w", r.res.Steps, err)
		}
		if r.cfg.MaxSteps > 0 && r.res.Steps >= r.cfg.MaxSteps {
			r.limitReached(LimitSteps)
			return nil
		}
		done, err := next(ctx)
		if err != nil {
			return fmt.Errorf("step %d: %w", r.res.Steps, err)
		}
		if w := r.cfg.Window; !done && w != nil && w.To > 0 && r.res.Syscalls >= w.To && !r.stopForDivergences() {
			r.limitReached(LimitWindow)
			return nil
		}
		if done || r.stopForDivergences() {
			return nil
		}
		r.progress()
	}
}

// skipToStart runs the reference alone to cfg.StartAt.
func (r *run) skipToStart(ctx context.Context) error {
	if r.cfg.StartAt == nil {
		return nil
	}
	pcIx := r.layout.Index("rip")
	if pcIx < 0 {
		return errors.New("harness: the layout has no rip")
	}
	target := *r.cfg.StartAt
	for le(r.ref.Registers().Reg(pcIx)) != target {
		if r.cfg.MaxSteps > 0 && r.res.Skipped >= r.cfg.MaxSteps {
			return fmt.Errorf("%w: %#x not reached in %d steps", ErrStepLimit, target, r.res.Skipped)
		}
		stop, err := r.ref.Step(ctx)
		if err != nil {
			return fmt.Errorf("running to start address %#x: %w", target, err)
		}
		r.record(opStep, 0, stop)
		r.res.Skipped++
		if stop.Kind == machine.Exited || stop.Kind == machine.Killed || stop.Kind == machine.Signalled {
			return fmt.Errorf("start address %#x never reached: the program %v", target, stop)
		}
	}
	return nil
}

func (r *run) setupCompare() error {
	r.compared = make([]bool, len(r.layout.Regs))
	for i := range r.compared {
		r.compared[i] = true
	}
	reasons := r.fol.NotModelled()
	for _, name := range r.cfg.Ignore {
		if r.layout.Index(name) < 0 {
			return fmt.Errorf("harness: --ignore %s: no such register in the %s layout", name, r.layout.Arch)
		}
		if _, ok := reasons[name]; !ok {
			reasons[name] = "ignored"
		}
	}
	for i, reg := range r.layout.Regs {
		if why, ok := reasons[reg.Name]; ok {
			r.compared[i] = false
			r.res.NotCompared = append(r.res.NotCompared, NotCompared{Register: reg.Name, Reason: why})
		}
	}
	if !r.cfg.CompareImprecise {
		for _, b := range r.fol.Imprecise() {
			i := r.layout.Index(b.Register)
			if i < 0 || !r.compared[i] || b.Mask == 0 {
				continue
			}
			r.imprecise = append(r.imprecise, imprecise{index: i, mask: b.Mask})
			r.res.NotCompared = append(r.res.NotCompared, NotCompared{Register: b.Register,
				Reason: fmt.Sprintf("bits %#x: %s", b.Mask, b.Reason)})
		}
	}
	for i, c := range r.compared {
		if !c {
			r.skipped = append(r.skipped, i)
		}
	}
	r.flagsIx, r.rcxIx, r.pcIx = r.layout.Index("eflags"), r.layout.Index("rcx"), r.layout.Index("rip")
	if r.pcIx < 0 {
		return errors.New("harness: the layout has no rip")
	}
	r.folRegs = r.layout.NewSnapshot()
	r.pre = r.layout.NewSnapshot()
	r.overlap, _ = r.fol.(Overlapper)
	r.hist = newHistory(r.cfg.History, r.ref.Registers())
	return nil
}

func (r *run) stopForDivergences() bool {
	n := len(r.res.Divergences)
	return n > 0 && (!r.cfg.KeepGoing || n >= r.cfg.MaxDivergences)
}

func (r *run) progress() {
	if r.cfg.Progress == nil || r.res.Steps&1023 != 0 {
		return
	}
	now := time.Now()
	if now.Sub(r.lastTick) < r.cfg.ProgressEvery {
		return
	}
	r.lastTick = now
	r.cfg.Progress(Progress{Steps: r.res.Steps, Syscalls: r.res.Syscalls, Elapsed: now.Sub(r.start)})
}

// step runs one instruction on both sides and compares. It reports
// whether the run has ended.
func (r *run) step(ctx context.Context) (bool, error) {
	if r.flagsIx >= 0 && r.rcxIx >= 0 {
		r.rcxPrev = le(r.ref.Registers().Reg(r.rcxIx))
	}
	if r.cfg.Judge != nil {
		r.pre.CopyFrom(r.ref.Registers())
		r.realigned, r.corrected = false, false
	}
	fs, err := r.followerStep(ctx)
	if err != nil {
		return false, fmt.Errorf("follower: %w", err)
	}
	switch fs.Kind {
	case Executed:
		return r.stepExecuted(ctx, fs)
	case SyscallStop:
		return r.stepSyscall(ctx, fs)
	case Sync:
		rs, err := r.refStep(ctx)
		if err != nil {
			return false, err
		}
		if rs.Kind == machine.Signalled && !machine.FaultSignal(rs.Signal) {
			return r.asyncSignal(ctx, fs, rs)
		}
		if rs.Kind != machine.Stepped {
			return r.refEnded(ctx, fs, rs), nil
		}
		r.res.Steps++
		r.hist.push(r.res.Steps, fs.PC, r.ref.Registers())
		return false, r.fol.Adopt(r.ref.Registers())
	case Fault:
		rs, err := r.refStep(ctx)
		if err != nil {
			return false, err
		}
		if rs.Kind == machine.Signalled && rs.Signal == fs.Signal && rs.PC == fs.PC {
			return r.agreedFault(ctx, fs.PC, rs.Signal)
		}
		if rs.Kind == machine.Signalled && !machine.FaultSignal(rs.Signal) {
			return r.asyncSignal(ctx, fs, rs)
		}
		detail := fmt.Sprintf("the follower faults (signal %s, %s at %#x); the reference %s",
			machine.SignalText(fs.Signal), accessWord(fs.Access), fs.Addr, describeStop(rs))
		if fs.Reason != "" {
			detail += " (" + fs.Reason + ")"
		}
		d := Divergence{Kind: KindFault, Detail: detail}
		refSig := 0
		if rs.Kind == machine.Signalled {
			refSig = rs.Signal
		}
		if rs.Kind == machine.Stepped || rs.Kind == machine.Signalled {
			r.faultSigs = [2]int{refSig, fs.Signal}
			if r.judge(ctx, &d, fs.PC, nil) {
				return r.adoptFault(rs)
			}
		}
		r.diverge(ctx, d, fs.PC)
		return true, nil
	case Unsupported:
		rs, err := r.refStep(ctx)
		if err != nil {
			return false, err
		}
		if rs.Kind == machine.Signalled && rs.Signal == machine.SIGILL && rs.PC == fs.PC {
			return r.agreedFault(ctx, fs.PC, machine.SIGILL)
		}
		if rs.Kind == machine.Signalled && !machine.FaultSignal(rs.Signal) {
			return r.asyncSignal(ctx, fs, rs)
		}
		in := r.instruction(ctx, fs.PC)
		if fs.Insn != "" && in.Text == "" {
			in.Text = fs.Insn
		}
		r.res.Outcome, r.res.Unsupported, r.res.UnsupportedReason = UnsupportedOutcome, &in, fs.Reason
		return true, nil
	}
	return false, fmt.Errorf("follower: unknown step kind %d", fs.Kind)
}

// Overlapper is a follower that can step at the same time as the
// reference: an emulator under test over its own stub. StepBeside steps
// the follower while refStep steps the reference, and returns both
// outcomes; it returns ok false, having done nothing, for an instruction
// the harness must see before the reference runs it (a system call).
type Overlapper interface {
	StepBeside(ctx context.Context, refStep func() (machine.Stop, error)) (fs FollowStep, rs machine.Stop, ok bool, err error)
}

// followerStep steps the follower, and the reference beside it when the
// follower can overlap the two (the reference's stop is then the next
// refStep's).
func (r *run) followerStep(ctx context.Context) (FollowStep, error) {
	ov := r.overlap
	if ov == nil || r.preStop != nil {
		return r.fol.Step(ctx)
	}
	var refErr error
	fs, rs, ok, err := ov.StepBeside(ctx, func() (machine.Stop, error) {
		rs, err := r.refStep(ctx)
		refErr = err
		return rs, err
	})
	switch {
	case refErr != nil:
		return fs, fmt.Errorf("stepping beside the reference: %w", refErr)
	case err != nil || !ok:
		if err == nil {
			return r.fol.Step(ctx)
		}
		return fs, err
	}
	r.preStop = &rs
	return fs, nil
}

func (r *run) refStep(ctx context.Context) (machine.Stop, error) {
	if r.preStop != nil {
		// Block mode: a free run already stopped there (a fault, a
		// signal from outside).
		rs := *r.preStop
		r.preStop = nil
		return rs, nil
	}
	rs, err := r.ref.Step(ctx)
	if err != nil {
		return rs, fmt.Errorf("reference: %w", err)
	}
	r.record(opStep, 0, rs)
	return rs, nil
}

// refEnded reports a reference that faulted, exited or was killed where the
// follower went on.
func (r *run) refEnded(ctx context.Context, fs FollowStep, rs machine.Stop) bool {
	kind := KindFault
	if rs.Kind == machine.Exited || rs.Kind == machine.Killed {
		kind = KindExit
	}
	d := Divergence{Kind: kind, Detail: fmt.Sprintf("the reference %s; the follower %s", describeStop(rs), fs.Kind)}
	if rs.Kind == machine.Signalled && fs.Kind == Executed {
		r.faultSigs = [2]int{rs.Signal, 0}
		r.pre.CopyFrom(r.ref.Registers()) // a fault leaves the registers as they were
		if r.judge(ctx, &d, fs.PC, fs.Writes) {
			r.res.Outcome, r.res.Signal, r.res.FaultPC = FaultOutcome, rs.Signal, rs.PC
			return true
		}
	}
	r.diverge(ctx, d, fs.PC)
	return true
}

// agreedFault follows a fault both sides take at pc (or that the
// reference takes where the follower could not execute the instruction
// itself: Unsupported, or run on the host for it, when the reference's CPU
// model lacks the extension). A handler runs if the program has one; else
// the run ends with the fault.
func (r *run) agreedFault(ctx context.Context, pc uint64, sig int) (bool, error) {
	if d, ok := r.handles(sig); ok {
		r.res.Steps++
		r.hist.push(r.res.Steps, pc, r.ref.Registers())
		return r.deliver(ctx, d)
	}
	r.res.Outcome, r.res.Signal, r.res.FaultPC = FaultOutcome, sig, pc
	return true, nil
}

// adoptFault makes the follower, which faulted where the reference and the
// host did not, take the reference's state after the instruction.
func (r *run) adoptFault(rs machine.Stop) (bool, error) {
	if rs.Kind == machine.Signalled {
		// The host and the reference fault alike: the run ends there.
		r.res.Outcome, r.res.Signal, r.res.FaultPC = FaultOutcome, rs.Signal, rs.PC
		return true, nil
	}
	r.res.Steps++
	r.hist.push(r.res.Steps, rs.PC, r.ref.Registers())
	for _, p := range r.hostPages {
		r.fol.Invalidate(p, p+pageSize)
	}
	return false, r.fol.Adopt(r.ref.Registers())
}

func (r *run) stepExecuted(ctx context.Context, fs FollowStep) (bool, error) {
	rs, err := r.refStep(ctx)
	if err != nil {
		return false, err
	}
	if rs.Kind == machine.Signalled && !machine.FaultSignal(rs.Signal) {
		return r.asyncSignal(ctx, fs, rs)
	}
	if fs.Native && rs.Kind == machine.Signalled && rs.Signal == machine.SIGILL && rs.PC == fs.PC {
		// The reference's CPU model lacks what the follower had the host
		// run: no divergence, the fault a CPU of that model takes.
		return r.agreedFault(ctx, fs.PC, machine.SIGILL)
	}
	if rs.Kind != machine.Stepped {
		return r.refEnded(ctx, fs, rs), nil
	}
	if !rs.Repeat && !fs.Repeat && le(r.ref.Registers().Reg(r.pcIx)) == fs.PC {
		// QEMU's stub can end a step without running the instruction
		// when a signal reaches the program during it (the signal is
		// then pending). Unless the instruction jumps to itself, step
		// again: that runs it, or stops for the signal.
		if err := r.fol.Registers(r.folRegs); err != nil {
			return false, fmt.Errorf("follower registers: %w", err)
		}
		if le(r.folRegs.Reg(r.pcIx)) != fs.PC {
			if rs, err = r.refStep(ctx); err != nil {
				return false, err
			}
			if rs.Kind == machine.Signalled && !machine.FaultSignal(rs.Signal) {
				return r.asyncSignal(ctx, fs, rs)
			}
			if rs.Kind != machine.Stepped {
				return r.refEnded(ctx, fs, rs), nil
			}
		}
	}
	writes := fs.Writes
	// Align rep string instructions when the sides count iterations
	// differently: run the finer-grained side to the end of the instruction.
	if rs.Repeat != fs.Repeat {
		r.realigned = true
		if writes, err = r.realignRepeat(ctx, fs, rs); err != nil || writes == nil {
			return err != nil || writes == nil, err
		}
	}
	r.res.Steps++
	r.hist.push(r.res.Steps, fs.PC, r.ref.Registers())
	n := len(r.res.Divergences)
	r.inStep, r.stepWrites = true, writes
	defer func() { r.inStep, r.stepWrites = false, nil }()
	if err := r.compareRegisters(ctx, fs.PC, writes); err != nil {
		return false, err
	}
	if err := r.compareWrites(ctx, fs.PC, writes); err != nil {
		return false, err
	}
	if r.cfg.Judge != nil && r.cfg.Arbiter == ArbiterEvery && len(r.res.Divergences) == n && !r.corrected {
		return false, r.judgeEvery(ctx, fs.PC, writes)
	}
	return false, nil
}

// maxRealign bounds the iterations stepped to realign a rep instruction.
const maxRealign = 1 << 22

func (r *run) realignRepeat(ctx context.Context, fs FollowStep, rs machine.Stop) ([]Write, error) {
	r.accum = r.accum[:0]
	r.accum = appendWrites(r.accum, fs.Writes)
	for i := 0; rs.Repeat && !fs.Repeat; i++ {
		if i > maxRealign {
			return nil, fmt.Errorf("rep instruction at %#x did not finish on the reference", fs.PC)
		}
		var err error
		if rs, err = r.refStep(ctx); err != nil {
			return nil, err
		}
		if rs.Kind != machine.Stepped {
			r.refEnded(ctx, fs, rs)
			return nil, nil
		}
	}
	for i := 0; fs.Repeat && !rs.Repeat; i++ {
		if i > maxRealign {
			return nil, fmt.Errorf("rep instruction at %#x did not finish on the follower", fs.PC)
		}
		next, err := r.fol.Step(ctx)
		if err != nil {
			return nil, fmt.Errorf("follower: %w", err)
		}
		if next.Kind != Executed || next.PC != fs.PC {
			r.diverge(ctx, Divergence{Kind: KindRepeat, Detail: fmt.Sprintf("the follower left the rep instruction with %s at %#x", next.Kind, next.PC)}, fs.PC)
			return nil, nil
		}
		r.accum = appendWrites(r.accum, next.Writes)
		fs.Repeat = next.Repeat
	}
	return r.accum, nil
}

// appendWrites copies writes, whose slices the follower reuses.
func appendWrites(dst, src []Write) []Write {
	for _, w := range src {
		dst = append(dst, Write{Addr: w.Addr, Old: slices.Clone(w.Old), New: slices.Clone(w.New)})
	}
	return dst
}

func (r *run) stepSyscall(ctx context.Context, fs FollowStep) (bool, error) {
	// Before the reference runs the syscall, everything the follower wrote
	// must be in the reference's memory too; before exit, every writable
	// page the follower knows must match.
	if r.threadUnsupported(ctx, fs) {
		return true, nil
	}
	nr := le(r.ref.Registers().Bytes("rax"))
	pages := r.fol.DirtyPages()
	if nr == 60 || nr == 231 {
		pages = r.writablePages(r.fol.CachedPages())
	}
	if err := r.comparePages(ctx, fs.PC, pages); err != nil || r.stopForDivergences() {
		return err != nil, err
	}
	rs, err := r.refStep(ctx)
	if err != nil {
		return false, err
	}
	if rs.Kind == machine.Signalled && !machine.FaultSignal(rs.Signal) && rs.PC == fs.PC {
		// A signal from outside stopped the reference before the call.
		return r.asyncSignal(ctx, fs, rs)
	}
	r.res.Steps++
	switch rs.Kind {
	case machine.Exited:
		r.res.Syscalls++
		status := rs.ExitStatus
		r.res.ExitStatus = &status
		if r.res.Outcome == "" {
			r.res.Outcome = Agree
		}
		return true, nil
	case machine.Killed, machine.Signalled:
		// The syscall itself raised a signal (abort, kill): the follower
		// cannot run signal delivery, so the run ends as the reference's.
		r.res.Syscalls++
		r.res.Outcome, r.res.Signal, r.res.FaultPC = FaultOutcome, rs.Signal, rs.PC
		return true, nil
	case machine.Stepped:
		r.diverge(ctx, Divergence{Kind: KindFault, Detail: "the follower stopped at a system call the reference did not make"}, fs.PC)
		return true, nil
	}
	r.res.Syscalls++
	r.hist.push(r.res.Steps, fs.PC, r.ref.Registers())
	if err := r.fol.Adopt(r.ref.Registers()); err != nil {
		return false, fmt.Errorf("follower adopting syscall result: %w", err)
	}
	if err := r.fol.SetMap(r.ref.Map()); err != nil {
		return false, fmt.Errorf("follower adopting memory map: %w", err)
	}
	// What the kernel wrote is taken from the reference: pages the call may
	// have written are fetched again, and so are the pages just compared.
	for _, p := range pages {
		r.fol.Invalidate(p, p+pageSize)
	}
	if s, e, all := syscallWrites(rs.Syscall); all {
		r.fol.Invalidate(0, ^uint64(0))
	} else if e > s {
		r.fol.Invalidate(s&^(pageSize-1), (e+pageSize-1)&^(pageSize-1))
	}
	if rs.Signal != 0 {
		// The call signalled the program itself: deliver to the handler.
		if d, ok := r.handles(rs.Signal); ok {
			return r.deliver(ctx, d)
		}
	}
	return false, nil
}

func (r *run) writablePages(pages []uint64) []uint64 {
	m := r.ref.Map()
	out := pages[:0:0]
	for _, p := range pages {
		if reg, ok := m.Find(p); ok && reg.Perm&machine.PermWrite != 0 {
			out = append(out, p)
		}
	}
	return out
}

const pageSize = 4096

// compareRegisters compares every compared register after a step.
func (r *run) compareRegisters(ctx context.Context, pc uint64, writes []Write) error {
	refS := r.ref.Registers()
	copy(r.folRegs.Regs, refS.Regs)
	if err := r.fol.Registers(r.folRegs); err != nil {
		return fmt.Errorf("follower registers: %w", err)
	}
	for _, i := range r.skipped {
		copy(r.folRegs.Reg(i), refS.Reg(i))
	}
	// Imprecise bits take the reference's value; if that changed anything,
	// the follower must adopt it (programs read these registers back).
	adopt := false
	for _, im := range r.imprecise {
		b := r.folRegs.Reg(im.index)
		v := le(b)
		nv := v&^im.mask | le(refS.Reg(im.index))&im.mask
		if nv != v {
			putLE(b, nv)
			adopt = true
		}
	}
	if bytes.Equal(r.folRegs.Regs, refS.Regs) {
		if adopt {
			return r.fol.Adopt(refS)
		}
		return nil
	}
	var diffs []int
	for i := range r.layout.Regs {
		if !bytes.Equal(r.folRegs.Reg(i), refS.Reg(i)) {
			diffs = append(diffs, i)
		}
	}
	if len(diffs) == 1 && diffs[0] == r.flagsIx && !r.cfg.StrictFlags {
		x := le(refS.Reg(r.flagsIx)) ^ le(r.folRegs.Reg(r.flagsIx))
		if x&^UndefinedFlags(r.code(ctx, pc), r.rcxPrev) == 0 {
			// Only undefined flags differ: take the reference's.
			return r.fol.Adopt(refS)
		}
	}
	d := r.registerDivergence(refS, diffs)
	if r.judge(ctx, &d, pc, writes) {
		r.corrected = true
		return r.fol.Adopt(refS)
	}
	r.diverge(ctx, d, pc)
	if r.cfg.KeepGoing {
		return r.fol.Adopt(refS)
	}
	return nil
}

// registerDivergence describes the registers that differ between refS and
// the follower's registers (r.folRegs), by layout index, first first.
func (r *run) registerDivergence(refS *machine.Snapshot, diffs []int) Divergence {
	first := diffs[0]
	d := Divergence{Kind: KindRegister, Register: r.layout.Regs[first].Name,
		Reference: slices.Clone(refS.Reg(first)), Follower: slices.Clone(r.folRegs.Reg(first))}
	if first == r.flagsIx {
		d.Kind = KindFlags
		d.FlagBits = FlagBits(le(d.Reference) ^ le(d.Follower))
	}
	for _, i := range diffs[1:] {
		d.Others = append(d.Others, r.layout.Regs[i].Name)
	}
	d.Diff = snapshotDiff(refS, r.folRegs)
	return d
}

// compareWrites reads back from the reference every range the follower
// wrote in this step.
func (r *run) compareWrites(ctx context.Context, pc uint64, writes []Write) error {
	if len(writes) == 0 {
		return nil
	}
	r.ranges = r.ranges[:0]
	for _, w := range writes {
		r.ranges = append(r.ranges, span{w.Addr, w.Addr + uint64(len(w.New))})
	}
	if len(r.ranges) > 1 {
		sort.Slice(r.ranges, func(i, j int) bool { return r.ranges[i].start < r.ranges[j].start })
		merged := r.ranges[:1]
		for _, s := range r.ranges[1:] {
			last := &merged[len(merged)-1]
			if s.start <= last.end {
				last.end = max(last.end, s.end)
				continue
			}
			merged = append(merged, s)
		}
		r.ranges = merged
	}
	for _, s := range r.ranges {
		if err := r.compareRange(ctx, pc, s.start, s.end-s.start); err != nil || r.stopForDivergences() {
			return err
		}
	}
	return nil
}

// comparePages compares whole pages.
func (r *run) comparePages(ctx context.Context, pc uint64, pages []uint64) error {
	slices.Sort(pages)
	for _, p := range pages {
		if err := r.compareRange(ctx, pc, p, pageSize); err != nil || r.stopForDivergences() {
			return err
		}
	}
	return nil
}

func (r *run) compareRange(ctx context.Context, pc, addr, n uint64) error {
	if uint64(cap(r.refBuf)) < n {
		r.refBuf, r.folBuf = make([]byte, n), make([]byte, n)
	}
	rb, fb := r.refBuf[:n], r.folBuf[:n]
	if err := r.fol.ReadMemory(addr, fb); err != nil {
		return fmt.Errorf("follower memory at %#x: %w", addr, err)
	}
	if err := r.ref.ReadMemory(ctx, addr, rb); err != nil {
		return fmt.Errorf("reference memory at %#x: %w", addr, err)
	}
	if bytes.Equal(rb, fb) {
		return nil
	}
	first, last := 0, int(n)-1
	for rb[first] == fb[first] {
		first++
	}
	for rb[last] == fb[last] {
		last--
	}
	d := Divergence{Kind: KindMemory, Address: addr + uint64(first),
		Reference: slices.Clone(rb[first : last+1]), Follower: slices.Clone(fb[first : last+1])}
	if reg, ok := r.ref.Map().Find(addr); ok {
		d.Mapping = reg.String()
	}
	d.Window = hexWindow(addr, rb, fb, first, last)
	if r.judgeMemory(ctx, &d, pc) {
		r.corrected = true
		r.fol.Invalidate(addr&^(pageSize-1), (addr+n+pageSize-1)&^(pageSize-1))
		return nil
	}
	r.diverge(ctx, d, pc)
	if r.cfg.KeepGoing {
		r.fol.Invalidate(addr&^(pageSize-1), (addr+n+pageSize-1)&^(pageSize-1))
	}
	return nil
}

// diverge records a divergence at the instruction at pc, with history.
func (r *run) diverge(ctx context.Context, d Divergence, pc uint64) {
	d.Step = r.res.Steps
	if d.Step == 0 || d.Kind == KindFault || d.Kind == KindExit || d.Kind == KindRepeat {
		d.Step = r.res.Steps + 1 // the instruction that was not completed
	}
	d.Instruction = r.instruction(ctx, pc)
	d.History = r.hist.entries(func(pc uint64) Instruction { return r.instruction(ctx, pc) }, pc)
	r.res.Divergences = append(r.res.Divergences, d)
}

// code returns up to 15 bytes of the instruction at pc.
func (r *run) code(ctx context.Context, pc uint64) []byte {
	buf := make([]byte, 15)
	if r.fol != nil && r.fol.ReadMemory(pc, buf) == nil {
		return buf
	}
	if r.ref.ReadMemory(ctx, pc, buf) == nil {
		return buf
	}
	// Near the end of a mapping: read what there is.
	for n := 14; n > 0; n-- {
		if r.ref.ReadMemory(ctx, pc, buf[:n]) == nil {
			return buf[:n]
		}
	}
	return nil
}

func (r *run) instruction(ctx context.Context, pc uint64) Instruction {
	code := r.code(ctx, pc)
	text, n := Disassemble(code, pc)
	return Instruction{PC: pc, Bytes: code[:n], Text: text}
}

func describeStop(s machine.Stop) string {
	switch s.Kind {
	case machine.Stepped:
		return fmt.Sprintf("executed it (now at %#x)", s.PC)
	case machine.Syscall:
		return "made a system call"
	}
	return s.String()
}

func accessWord(a string) string {
	if a == "" {
		return "fault"
	}
	return a
}
