package qemutrace

import (
	"context"
	"fmt"

	"lockstep/machine"
	"lockstep/rsp"
)

// linuxSignal converts a signal number of a stop reply to Linux's (GDB
// numbers signals its own way; package rsp holds the mapping).
func linuxSignal(gdb int) int { return rsp.LinuxSignal(gdb) }

// gdbSignal converts a Linux signal number to GDB's, for
// continue-with-signal packets.
func gdbSignal(linux int) int { return rsp.GDBSignal(linux) }

const (
	sysRtSigaction = 13
	saResetHand    = 0x80000000 // SA_RESETHAND: the handler is reset on delivery
	sigDfl, sigIgn = 0, 1
)

// action is a signal's disposition as the program set it with
// rt_sigaction.
type action struct {
	handler, flags uint64
}

// followSigaction records the handler a successful rt_sigaction installed
// (read from the new action the program passed, struct kernel_sigaction:
// handler, flags, restorer, mask).
func (t *Tracer) followSigaction(ctx context.Context, sys *machine.SyscallInfo) error {
	if sys.Number != sysRtSigaction || sys.Args[1] == 0 || sys.Result > ^uint64(4095) {
		return nil
	}
	var b [16]byte
	if err := t.conn.ReadMemory(ctx, sys.Args[1], b[:]); err != nil {
		return fmt.Errorf("qemutrace: read rt_sigaction's new action at %#x: %w", sys.Args[1], err)
	}
	if t.actions == nil {
		t.actions = map[int]action{}
	}
	t.actions[int(sys.Args[0])] = action{handler: le64(b[:8]), flags: le64(b[8:])}
	return nil
}

// Handled reports whether the program has installed a handler for the
// Linux signal sig (not the default action, not ignored).
func (t *Tracer) Handled(sig int) bool {
	a, ok := t.actions[sig]
	return ok && a.handler != sigDfl && a.handler != sigIgn
}

// Deliver delivers the signal the guest last stopped with to the
// program's handler: a breakpoint on the handler and a continue with the
// signal (stepping with it would run the handler's first instruction
// too). It stops on the handler's first instruction with the signal frame
// written; the stop is Delivered. The program must handle the signal
// (Handled).
func (t *Tracer) Deliver(ctx context.Context) (machine.Stop, error) {
	sig := t.pending
	if t.ended || sig == 0 || !t.Handled(sig) {
		return machine.Stop{}, fmt.Errorf("qemutrace: no handled signal pending to deliver (signal %d)", sig)
	}
	a := t.actions[sig]
	t.pending = 0
	t.repValid = false
	if err := t.conn.InsertBreakpoint(ctx, a.handler, 1); err != nil {
		return machine.Stop{}, fmt.Errorf("qemutrace: breakpoint on the %s handler: %w", machine.SignalName(sig), err)
	}
	stop, err := t.conn.ContinueWithSignal(ctx, gdbSignal(sig))
	if err != nil {
		return machine.Stop{}, fmt.Errorf("qemutrace: deliver %s: %w", machine.SignalName(sig), err)
	}
	out := machine.Stop{PC: t.PC(), Signal: sig}
	if t.ending(stop, &out) {
		return out, nil
	}
	if err := t.conn.RemoveBreakpoint(ctx, a.handler, 1); err != nil {
		return machine.Stop{}, fmt.Errorf("qemutrace: remove the breakpoint on the %s handler: %w", machine.SignalName(sig), err)
	}
	if err := t.readRegisters(ctx); err != nil {
		return machine.Stop{}, err
	}
	if stop.Signal != 5 || t.PC() != a.handler {
		return machine.Stop{}, fmt.Errorf("qemutrace: delivering %s: stopped with %s at %#x before the handler at %#x",
			machine.SignalName(sig), machine.SignalText(linuxSignal(stop.Signal)), t.PC(), a.handler)
	}
	if a.flags&saResetHand != 0 {
		t.actions[sig] = action{}
	}
	out.Kind, out.PC = machine.Delivered, t.PC()
	t.last = out
	return out, nil
}

// ending fills out for a stop that ends the guest (it exited or was
// killed) and reports whether it was one.
func (t *Tracer) ending(stop rsp.Stop, out *machine.Stop) bool {
	switch stop.Kind {
	case rsp.StopExited:
		t.ended = true
		out.Kind, out.ExitStatus = machine.Exited, stop.ExitStatus
		return true
	case rsp.StopTerminated:
		t.ended = true
		out.Kind, out.Signal = machine.Killed, linuxSignal(stop.Signal)
		return true
	}
	return false
}
