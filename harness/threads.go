package harness

import "context"

// Linux x86-64 calls that create a thread.
const (
	sysClone     = 56
	sysClone3    = 435
	cloneThread  = 0x10000 // CLONE_THREAD
	threadReason = "the program creates a thread (clone with CLONE_THREAD): lockstep follows one thread; " +
		"under QEMU 7.2's gdbstub, stepping one thread while another waits can block the stub, so the run ends here"
)

// createsThread reports whether the system call about to run (number nr,
// first argument arg0) creates a thread: clone with CLONE_THREAD, or
// clone3 (its flags are in memory; glibc uses it for threads only).
func createsThread(nr, arg0 uint64) bool {
	return nr == sysClone && arg0&cloneThread != 0 || nr == sysClone3
}

// threadUnsupported ends the run before a thread is created, as
// unsupported with the reason: never a time-out in a blocked stub.
func (r *run) threadUnsupported(ctx context.Context, fs FollowStep) bool {
	nr := le(r.ref.Registers().Bytes("rax"))
	arg0 := le(r.ref.Registers().Bytes("rdi"))
	if !createsThread(nr, arg0) {
		return false
	}
	in := r.instruction(ctx, fs.PC)
	r.res.Outcome, r.res.Unsupported, r.res.UnsupportedReason = UnsupportedOutcome, &in, threadReason
	return true
}
