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

// faultSignal reports whether sig is one an instruction raises itself
// (#PF, #GP, #DE, #UD, int3...): such a stop at an ordinary step is a
// fault the follower must take too. Other signals come from outside the
// instruction (a timer, another thread, kill).
func faultSignal(sig int) bool {
	switch sig {
	case machine.SIGSEGV, machine.SIGBUS, machine.SIGFPE, machine.SIGILL, machine.SIGTRAP:
		return true
	}
	return false
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
	if err := r.fol.Adopt(r.ref.Registers()); err != nil {
		return false, fmt.Errorf("follower adopting the signal handler's registers: %w", err)
	}
	if err := r.fol.SetMap(r.ref.Map()); err != nil {
		return false, fmt.Errorf("follower adopting memory map: %w", err)
	}
	r.fol.Invalidate(0, ^uint64(0))
	return false, nil
}
