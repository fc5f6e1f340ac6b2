package harness

import (
	"context"
	"fmt"

	"lockstep/machine"
)

// SignalDeliverer is a Reference that can deliver signals to the
// program's handlers. With it the harness follows a signal like a system
// call: the reference delivers it, the follower adopts the registers at
// the handler's first instruction and refetches memory (the signal frame),
// the handler is compared instruction by instruction, and rt_sigreturn is
// adopted like any system call. Without it, or for a signal the program
// does not handle, a signal ends the run.
type SignalDeliverer interface {
	// Handled reports whether the program has a handler for the Linux
	// signal sig.
	Handled(sig int) bool
	// Deliver delivers the signal the last step stopped with (a
	// Signalled stop, or a Syscall stop with Signal set) to its handler;
	// the stop is Delivered, on the handler's first instruction.
	Deliver(ctx context.Context) (machine.Stop, error)
}

// SignalFollower is a follower that takes signals itself, as a program
// under test does: its own kernel (or emulator) builds its own signal
// frame. At delivery it is handed the reference's signal and registers at
// the handler's first instruction instead of adopting them, and a step it
// made that the reference's asynchronous signal pre-empted is undone. A
// non-empty mismatch says how its delivery differed (a divergence of kind
// signal, unjudged: delivery is the kernel's work, not an instruction's).
type SignalFollower interface {
	DeliverSignal(ctx context.Context, sig int, atHandler *machine.Snapshot) (mismatch string, err error)
	UndoStep(ctx context.Context) (mismatch string, err error)
}

// handles reports whether the reference can deliver sig to a handler.
func (r *run) handles(sig int) (SignalDeliverer, bool) {
	d, ok := r.ref.(SignalDeliverer)
	if !ok || !d.Handled(sig) {
		return nil, false
	}
	return d, true
}

// asyncSignal handles a signal from outside the instruction (a timer,
// kill) that stopped the reference before it executed the instruction the
// follower just ran: the follower's step is undone (its writes are
// refetched; its registers are replaced at delivery) and the signal is
// delivered. A signal the program does not handle ends the run with it.
func (r *run) asyncSignal(ctx context.Context, fs FollowStep, rs machine.Stop) (bool, error) {
	d, ok := r.handles(rs.Signal)
	if !ok {
		r.res.Outcome, r.res.Signal, r.res.FaultPC = FaultOutcome, rs.Signal, rs.PC
		return true, nil
	}
	if sf, ok := r.fol.(SignalFollower); ok {
		mismatch, err := sf.UndoStep(ctx)
		if err != nil {
			return false, fmt.Errorf("follower undoing its step for %s: %w", machine.SignalName(rs.Signal), err)
		}
		if mismatch != "" {
			r.signalMismatch(ctx, mismatch, fs.PC)
			return true, nil
		}
	}
	for _, w := range fs.Writes {
		r.fol.Invalidate(w.Addr&^(pageSize-1), (w.Addr+uint64(len(w.New))+pageSize-1)&^(pageSize-1))
	}
	return r.deliver(ctx, d)
}

// deliver has the reference deliver its pending signal and the follower
// adopt the result: registers at the handler's first instruction, the map,
// and memory refetched (the frame was written to the stack, or to an
// alternate stack anywhere).
func (r *run) deliver(ctx context.Context, d SignalDeliverer) (bool, error) {
	rs, err := d.Deliver(ctx)
	if err != nil {
		return false, fmt.Errorf("reference: %w", err)
	}
	r.record(opDeliver, 0, rs)
	switch rs.Kind {
	case machine.Exited:
		status := rs.ExitStatus
		r.res.ExitStatus = &status
		if r.res.Outcome == "" {
			r.res.Outcome = Agree
		}
		return true, nil
	case machine.Killed:
		r.res.Outcome, r.res.Signal, r.res.FaultPC = FaultOutcome, rs.Signal, rs.PC
		return true, nil
	}
	r.res.Signals++
	if sf, ok := r.fol.(SignalFollower); ok {
		mismatch, err := sf.DeliverSignal(ctx, rs.Signal, r.ref.Registers())
		if err != nil {
			return false, fmt.Errorf("follower taking %s: %w", machine.SignalName(rs.Signal), err)
		}
		if mismatch != "" {
			r.signalMismatch(ctx, mismatch, rs.PC)
			return true, nil
		}
		return false, nil
	}
	if err := r.fol.Adopt(r.ref.Registers()); err != nil {
		return false, fmt.Errorf("follower adopting the signal handler's registers: %w", err)
	}
	if err := r.fol.SetMap(r.ref.Map()); err != nil {
		return false, fmt.Errorf("follower adopting memory map: %w", err)
	}
	r.fol.Invalidate(0, ^uint64(0))
	return false, nil
}

// signalMismatch reports a follower that took a signal differently.
func (r *run) signalMismatch(ctx context.Context, detail string, pc uint64) {
	r.diverge(ctx, Divergence{Kind: KindSignal, Detail: detail, Verdict: Unjudged,
		VerdictReason: "signal delivery is the kernel's work, not an instruction's"}, pc)
}
