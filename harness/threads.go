package harness

import (
	"context"
	"encoding/binary"
)

// Linux x86-64 calls that can create a thread, and why lockstep cannot follow one.
const (
	sysClone    = 56
	sysClone3   = 435
	cloneThread = 0x10000 // CLONE_THREAD

	// threadReason is why such a program cannot be followed, as measured
	// on QEMU 7.2's user-mode gdbstub (README, "Signals, faults, memory
	// maps and threads"; qemutrace's TestThreadRunsFree).
	threadReason = "the program creates a thread: QEMU 7.2's gdbstub holds only the thread of the last stop, " +
		"and every resume (a step of any thread included) lets the others run at full speed, unobserved: " +
		"the new thread runs from its first instruction while its creator is stopped, " +
		"and a breakpoint both reach after the clone puts both in the stub, which then stops answering; " +
		"threads cannot be followed one at a time, so the run ends before the thread exists"
)

// startsThread reports whether the system call about to run starts a
// thread: clone or clone3 with CLONE_THREAD. (A clone with CLONE_VM but not
// CLONE_THREAD answers EINVAL under QEMU 7.2, measured, and glibc's
// pthread_create tries clone3 first, which QEMU 7.2 answers ENOSYS, so the
// run ends at that clone3.) nr is the call's number, arg0 its first
// argument, and clone3Flags reads clone3's flags (the first field of the
// struct clone_args at arg0); when it cannot, clone3 is taken as starting
// one.
func startsThread(nr, arg0 uint64, clone3Flags func(addr uint64) (uint64, bool)) bool {
	var flags uint64
	switch nr {
	case sysClone:
		flags = arg0
	case sysClone3:
		f, ok := clone3Flags(arg0)
		if !ok {
			return true
		}
		flags = f
	default:
		return false
	}
	return flags&cloneThread != 0
}

// threadUnsupported ends the run before a thread is created, as
// unsupported with the reason: never a time-out in a blocked stub.
func (r *run) threadUnsupported(ctx context.Context, fs FollowStep) bool {
	nr := le(r.ref.Registers().Bytes("rax"))
	arg0 := le(r.ref.Registers().Bytes("rdi"))
	clone3Flags := func(addr uint64) (uint64, bool) {
		var b [8]byte
		if err := r.ref.ReadMemory(ctx, addr, b[:]); err != nil {
			return 0, false
		}
		return binary.LittleEndian.Uint64(b[:]), true
	}
	if !startsThread(nr, arg0, clone3Flags) {
		return false
	}
	in := r.instruction(ctx, fs.PC)
	r.res.Outcome, r.res.Unsupported, r.res.UnsupportedReason, r.res.UnsupportedProgram = UnsupportedOutcome, &in, threadReason, true
	return true
}
