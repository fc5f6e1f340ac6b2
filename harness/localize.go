package harness

import (
	"context"
	"fmt"
	"hash/fnv"

	"lockstep/machine"
)

// Restarter is a Streamer that can run the program again from its first
// instruction, with the same environment and arguments: block mode
// localizes a divergence by running the reference again, single-stepped
// through the block that diverged.
type Restarter interface {
	Restart(ctx context.Context) error
}

// trailOp is one thing the reference did in a block-mode run: a free run
// to a stop, a gdbstub step, or a signal delivery. Replaying the trail on
// a restarted reference brings it back to any window's start; after each
// operation the reference must be where it was the first time.
type trailOp struct {
	kind  opKind
	until uint64 // for a free run: its stop address (0: none)
	pc    uint64 // where the reference stopped
	sum   uint64 // a hash of its registers there
}

type opKind uint8

const (
	opRun opKind = iota
	opStep
	opDeliver
)

func (r *run) regSum() uint64 {
	h := fnv.New64a()
	h.Write(r.ref.Registers().Regs)
	return h.Sum64()
}

// record appends an operation of the reference to the trail (block mode).
func (r *run) record(kind opKind, until uint64, stop machine.Stop) {
	if r.stream == nil {
		return
	}
	op := trailOp{kind: kind, until: until, pc: stop.PC}
	if stop.Kind != machine.Exited && stop.Kind != machine.Killed {
		op.sum = r.regSum()
	}
	r.trail = append(r.trail, op)
}

// windowStart is where a window began: what localization goes back to.
type windowStart struct {
	steps uint64 // r.res.Steps
	trail int    // len(r.trail)
	pc    uint64
}

// pendingBlock is a divergence found at a block boundary, not yet
// localized.
type pendingBlock struct {
	d          *Divergence
	blockStart uint64 // r.res.Steps before the block's first instruction
	end        uint64 // r.res.Steps when it was found
}

// localize runs the reference again to the start of the window where a
// block boundary diverged, then single-steps both sides through it. It
// reports whether the run has ended.
//
//   - Stepped, the sides differ at an instruction: that divergence is
//     reported, with its verdict, as step mode would.
//   - Stepped, the host corrects the follower: the run goes on in block
//     mode from the end of the block, and that address is compared
//     stepped from then on.
//   - Stepped, they agree through the block: QEMU goes wrong only when it
//     translates the block as a whole. The block divergence is reported as
//     such. For its verdict the program is run a third time, and the host
//     runs every instruction of the block: if it agrees with the follower
//     at each, QEMU's block is wrong.
func (r *run) localize(ctx context.Context, w windowStart, p pendingBlock) (bool, error) {
	d := p.d
	if why, err := r.rewind(ctx, w); err != nil || why != "" {
		if err != nil {
			return false, err
		}
		d.Block.Rerun = why
		r.appendBlock(ctx, d)
		return true, nil
	}
	n := len(r.res.Divergences)
	for r.res.Steps < p.end {
		before := countAll(r.res.OracleCorrections) + countAll(r.res.Tolerated)
		pc := r.cp.PC()
		done, err := r.step(ctx)
		if err != nil {
			return false, fmt.Errorf("localizing, step %d: %w", r.res.Steps, err)
		}
		if len(r.res.Divergences) > n {
			r.res.Divergences[n].Block = d.Block
			r.res.Divergences[n].Block.Localized = true
			return true, nil
		}
		if done {
			d.Block.Rerun = "run again single-stepped, the program ended before the block"
			r.appendBlock(ctx, d)
			return true, nil
		}
		if countAll(r.res.OracleCorrections)+countAll(r.res.Tolerated) > before {
			// The follower was wrong here: compare it stepped from now
			// on, where the judge sees it, and go on in block mode.
			if r.suspects == nil {
				r.suspects = map[uint64]bool{}
			}
			r.suspects[pc] = true
			return false, nil
		}
	}
	d.Block.OnlyAsBlock = true
	if r.cfg.Judge != nil {
		if err := r.judgeBlock(ctx, w, p); err != nil {
			return false, err
		}
	}
	r.appendBlock(ctx, d)
	return true, nil
}

// rewind restarts the reference and replays the trail to the window's
// start; the follower rolls back to its checkpoint there. It returns why
// that was not possible, if it was not.
func (r *run) rewind(ctx context.Context, w windowStart) (string, error) {
	rs, ok := r.ref.(Restarter)
	if !ok {
		return "the reference cannot run the program again", nil
	}
	if err := rs.Restart(ctx); err != nil {
		return fmt.Sprintf("running the program again failed: %v", err), nil
	}
	for i, op := range r.trail[:w.trail] {
		var stop machine.Stop
		var err error
		switch op.kind {
		case opRun:
			stop, err = r.replayRun(ctx, op.until)
		case opStep:
			stop, err = r.ref.Step(ctx)
		case opDeliver:
			d, ok := r.ref.(SignalDeliverer)
			if !ok {
				return "the reference cannot deliver signals", nil
			}
			stop, err = d.Deliver(ctx)
		}
		if err != nil {
			return fmt.Sprintf("running the program again failed at its %d-th stop: %v", i+1, err), nil
		}
		if stop.PC != op.pc || (op.sum != 0 && r.regSum() != op.sum) {
			return fmt.Sprintf("run again, the program did not reach the same state at its %d-th stop (pc %#x, the first time %#x): it does not run deterministically", i+1, stop.PC, op.pc), nil
		}
	}
	r.trail = r.trail[:w.trail]
	r.preStop = nil
	if err := r.cp.Rollback(ctx); err != nil {
		return "", fmt.Errorf("follower rollback: %w", err)
	}
	r.res.Steps = w.steps
	return "", nil
}

// quietJudge collects what the host says about each instruction of a
// block, instead of reporting divergences.
type quietJudge struct {
	first *Divergence
	pc    uint64
}

func (q *quietJudge) note(pc uint64, d Divergence) {
	if q.first == nil {
		q.first, q.pc = &d, pc
	}
}

// judgeBlock gives a block-only divergence its verdict: the program runs
// again to the block, and the host runs each of its instructions.
func (r *run) judgeBlock(ctx context.Context, w windowStart, p pendingBlock) error {
	d := p.d
	if why, err := r.rewind(ctx, w); err != nil || why != "" {
		if err == nil {
			d.Verdict, d.VerdictReason = Unjudged, why
		}
		return err
	}
	saved, judged := r.cfg.Arbiter, r.res.Judged
	q := &quietJudge{}
	defer func() { r.cfg.Arbiter, r.quiet = saved, nil }()
	for r.res.Steps < p.end {
		if r.res.Steps >= p.blockStart {
			r.cfg.Arbiter, r.quiet = ArbiterEvery, q
		}
		done, err := r.step(ctx)
		if err != nil {
			return fmt.Errorf("judging the block, step %d: %w", r.res.Steps, err)
		}
		if done {
			break
		}
	}
	switch {
	case q.first != nil:
		d.Verdict = Unjudged
		d.VerdictReason = fmt.Sprintf("the host differs from the follower inside the block, at %#x (%s)", q.pc, q.first.Register)
	case r.res.Judged == judged:
		d.Verdict, d.VerdictReason = Unjudged, "the host could run none of the block's instructions"
	default:
		d.Verdict = ReferenceWrong
		d.VerdictReason = "the host, run instruction by instruction through the block, agrees with the follower at every step"
		d.Hardware = d.Follower
	}
	return nil
}

// BlindRunner is a Streamer that can run freely to a stop without
// reporting its blocks, which costs less when nothing is compared.
type BlindRunner interface {
	RunTo(ctx context.Context, until uint64) (machine.Stop, error)
}

// replayRun repeats a free run of the reference, dropping its blocks.
func (r *run) replayRun(ctx context.Context, until uint64) (machine.Stop, error) {
	if b, ok := r.stream.(BlindRunner); ok {
		return b.RunTo(ctx, until)
	}
	if err := r.stream.Resume(ctx, until); err != nil {
		return machine.Stop{}, err
	}
	for {
		ok, err := r.stream.NextBlock(ctx, r.blockRef)
		if err != nil {
			return machine.Stop{}, err
		}
		if !ok {
			break
		}
	}
	return r.stream.Wait(ctx)
}

func (r *run) appendBlock(ctx context.Context, d *Divergence) {
	last := d.Instruction.PC
	if n := len(d.Block.Instructions); n > 0 {
		last = d.Block.Instructions[n-1].PC
	}
	r.diverge(ctx, *d, last)
}

func countAll(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
