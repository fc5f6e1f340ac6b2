package session

import (
	"context"
	"fmt"
	"slices"

	"lockstep/machine"
)

// Signals on the test side. Each side's kernel (or emulator) delivers
// signals itself and builds its own signal frame; the rule, as for system
// calls, is that the reference's signal is the one the program gets:
//
//   - When the reference delivers a signal to a handler, the test is
//     resumed with the same signal to the same handler (its own pending
//     signal if the same, else the reference's injected). The frames'
//     layouts differ (the extended state saved after them), but the
//     return address, ucontext and siginfo lie at the same offsets from
//     the stack pointer: the region around the handler's stack pointer
//     corresponds ("signal frame") until the handler's rt_sigreturn, and
//     the siginfo is copied from the reference (si_pid and si_uid name
//     QEMU's process). The registers at the handler are the reference's,
//     translated, as after a system call.
//   - The frame's contents are the reference's too: the siginfo (si_pid
//     and si_uid name QEMU's process; a fault address is translated) and
//     the saved general registers in the ucontext (translated), which the
//     handler may read or change and rt_sigreturn restores.
//   - A system call that sends a signal to a process or thread (kill,
//     tkill, tgkill, rt_[tg]sigqueueinfo) names the reference's pid, as
//     getpid and gettid gave it: the test makes it with its own pid, or
//     it would signal QEMU.
//   - A signal the test's stub reports on its own that the reference does
//     not deliver there (a timer firing at another instruction) is
//     discarded: the test is resumed without it.
//   - A step the test made that the reference's asynchronous signal
//     pre-empted (QEMU stopped before the instruction) is undone: the
//     registers from before, and the memory it wrote.

// sigStackBelow is how far below the handler's stack pointer the signal
// frame correspondence reaches: the handler's own stack.
const sigStackBelow = 64 << 10

// sigFrame is one handler's frame on both sides.
type sigFrame struct {
	c      corr
	testSP uint64 // the test's stack pointer at the handler's entry
}

// maxOwnSignals bounds how many of its own signals the test may report in
// a row at one instruction before the pairing gives up.
const maxOwnSignals = 64

// stepOwnSignals runs step (which starts at tpc) again while the test
// stops with a signal of its own before executing the instruction: the
// signal is discarded.
func (f *testFollower) stepOwnSignals(ctx context.Context, tpc uint64, step func() (machine.Stop, error)) (machine.Stop, error) {
	for n := 0; ; n++ {
		st, err := step()
		if err != nil || st.Kind != machine.Signalled || machine.FaultSignal(st.Signal) || f.t.PC() != tpc {
			return st, err
		}
		if n == maxOwnSignals {
			return st, fmt.Errorf("the test stopped %d times in a row with %s at %#x", n, machine.SignalName(st.Signal), tpc)
		}
		f.synced["own "+machine.SignalName(st.Signal)+" discarded"]++
	}
}

// stepSyscall steps the system call nr at tpc. rt_sigreturn resumes the
// context saved in the signal frame, and leaves the innermost handler. A
// signal the call raised is pending for DeliverSignal (or discarded by
// the next step).
func (f *testFollower) stepSyscall(ctx context.Context, tpc, nr uint64) error {
	next := tpc + 2
	if nr == sysRtSigreturn {
		sp, _ := f.t.Registers().Uint64("rsp")
		var b [8]byte
		if err := f.t.ReadMemory(ctx, sp+machine.UcontextRIP, b[:]); err != nil {
			return fmt.Errorf("reading the test's rt_sigreturn frame: %w", err)
		}
		next = le(b[:])
		if n := len(f.sigFrames); n > 0 {
			f.dropSignalFrame(n - 1)
		}
	}
	st, err := f.stepOwnSignals(ctx, tpc, func() (machine.Stop, error) { return f.t.StepSyscall(ctx, next) })
	if err != nil {
		return err
	}
	if st.Kind == machine.Signalled {
		f.pendingSig = st.Signal
	}
	return nil
}

// sysRtSigreturn is rt_sigreturn's number.
const sysRtSigreturn = 15

// discardPending counts a signal of the test's own that was pending and
// not delivered: the step about to be made resumes the test without it.
func (f *testFollower) discardPending() {
	if f.pendingSig != 0 {
		f.synced["own "+machine.SignalName(f.pendingSig)+" discarded"]++
		f.pendingSig = 0
	}
}

// DeliverSignal implements harness.SignalFollower: the test takes sig to
// the handler the reference runs.
func (f *testFollower) DeliverSignal(ctx context.Context, sig int, ref *machine.Snapshot) (string, error) {
	name := machine.SignalName(sig)
	handler, _ := ref.Uint64("rip")
	th := f.toTest(handler)
	switch f.pendingSig {
	case sig:
		f.synced[name+" delivered"]++
	case 0:
		f.synced[name+" injected"]++
	default:
		f.synced["own "+machine.SignalName(f.pendingSig)+" discarded"]++
		f.synced[name+" injected"]++
	}
	f.pendingSig = 0
	tpc := f.t.PC()
	st, err := f.t.DeliverSignal(ctx, sig, th)
	// valgrind reports a signal it is given back before delivering it:
	// given again, it goes to the handler.
	for n := 0; err == nil && n < 2 && st.Kind == machine.Signalled && st.Signal == sig && f.t.PC() == tpc; n++ {
		st, err = f.t.DeliverSignal(ctx, sig, th)
	}
	if err != nil {
		return "", err
	}
	if st.Kind != machine.Stepped || f.t.PC() != th {
		got := "did not stop"
		switch st.Kind {
		case machine.Signalled:
			got = "stopped with " + machine.SignalText(st.Signal)
		case machine.Stepped:
			got = "stopped"
		case machine.Exited, machine.Killed:
			got = st.String()
		}
		return fmt.Sprintf("the reference runs the %s handler at %#x; the test, given %s at %#x, %s at %#x instead", name, handler, name, tpc, got, f.t.PC()), nil
	}
	get := func(s *machine.Snapshot, n string) uint64 { v, _ := s.Uint64(n); return v }
	rsp, rsi, rdx := get(ref, "rsp"), get(ref, "rsi"), get(ref, "rdx")
	tregs := f.t.Registers()
	tsp, tsi, tdx := get(tregs, "rsp"), get(tregs, "rsi"), get(tregs, "rdx")
	if tsi-tsp != rsi-rsp || tdx-tsp != rdx-rsp {
		return fmt.Sprintf("the %s frames differ: siginfo and ucontext at rsp+%#x and rsp+%#x on the reference, rsp+%#x and rsp+%#x on the test",
			name, rsi-rsp, rdx-rsp, tsi-tsp, tdx-tsp), nil
	}
	fr := sigFrame{c: corr{name: "signal frame", ref: rsp - sigStackBelow, test: tsp - sigStackBelow, n: sigStackBelow + machine.SigframeHeader}, testSP: tsp}
	f.sigFrames = append(f.sigFrames, fr)
	f.corrs = append([]corr{fr.c}, f.corrs...) // inner frames first
	if s := fr.c.String(); !slices.Contains(f.pair.Correspondences, s) {
		f.pair.Correspondences = append(f.pair.Correspondences, s)
	}
	if err := f.copyFrame(ctx, sig, rsi, tsi, rdx, tdx); err != nil {
		return "", err
	}
	f.syscallNr = -1
	f.keepSelectors(ref)
	return "", f.Adopt(ref)
}

// copyFrame writes the reference's siginfo and saved general registers
// into the test's frame, values translated.
func (f *testFollower) copyFrame(ctx context.Context, sig int, rsi, tsi, rdx, tdx uint64) error {
	var info [128]byte
	if err := f.ref.ReadMemory(ctx, rsi, info[:]); err != nil {
		return fmt.Errorf("reading the reference's siginfo: %w", err)
	}
	if sig == machine.SIGSEGV || sig == machine.SIGBUS {
		putLE(info[16:24], f.toTest(le(info[16:24]))) // si_addr
	}
	if err := f.t.WriteMemory(ctx, tsi, info[:]); err != nil {
		return fmt.Errorf("writing the siginfo into the test: %w", err)
	}
	var gregs [machine.NumGregs * 8]byte
	if err := f.ref.ReadMemory(ctx, rdx+machine.UcontextGregs, gregs[:]); err != nil {
		return fmt.Errorf("reading the reference's ucontext: %w", err)
	}
	for k := 0; k < machine.NumGregs; k++ {
		putLE(gregs[8*k:8*k+8], f.toTest(le(gregs[8*k:8*k+8])))
	}
	if err := f.t.WriteMemory(ctx, tdx+machine.UcontextGregs, gregs[:]); err != nil {
		return fmt.Errorf("writing the ucontext into the test: %w", err)
	}
	f.synced["signal frame"]++
	return nil
}

// selectors are the data segment selectors, which the two kernels set
// differently at a signal's delivery: QEMU's loads ds and es with the user
// data selector, Linux leaves them, and valgrind's stub shows 0 and
// ignores writes.
var selectors = []string{"ds", "es", "fs", "gs"}

// keepSelectors takes from the reference, from now on, the bits of the
// selectors in which the test's own delivery left them different: a
// convention of the kernels, like the stub's conventions at entry.
func (f *testFollower) keepSelectors(ref *machine.Snapshot) {
	for _, n := range selectors {
		i := f.rl.Index(n)
		if i < 0 || f.ix[i] < 0 {
			continue
		}
		a, b := ref.Reg(i), f.testValue(i)
		mask := uint64(0)
		for k := 0; k < min(len(a), len(b), 8); k++ {
			mask |= uint64(a[k]^b[k]) << (8 * k)
		}
		if mask&^f.fixed[i] == 0 {
			continue
		}
		f.fixed[i] |= mask
		f.notMod[n] = fmt.Sprintf("a signal's delivery left %s on the test and %s on the reference", hexLE(b), hexLE(a))
	}
}

// pidSyscalls give the caller's pid or tid (getpid, gettid,
// set_tid_address).
var pidSyscalls = map[uint64]bool{39: true, 186: true, 218: true}

// signalling system calls and which of their arguments (register names)
// are a pid or tid: kill, tkill, tgkill, rt_sigqueueinfo,
// rt_tgsigqueueinfo.
var signalling = map[uint64][]string{62: {"rdi"}, 200: {"rdi"}, 234: {"rdi", "rsi"}, 129: {"rdi"}, 297: {"rdi", "rsi"}}

// UndoStep implements harness.SignalFollower.
func (f *testFollower) UndoStep(ctx context.Context) (string, error) {
	if f.madeSyscall {
		return "a signal reached the reference just before a system call the test had already made", nil
	}
	for i := len(f.undo) - 1; i >= 0; i-- {
		if err := f.t.WriteMemory(ctx, f.undo[i].Addr, f.undo[i].Buf); err != nil {
			return "", fmt.Errorf("undoing the test's write at %#x: %w", f.undo[i].Addr, err)
		}
	}
	copy(f.scratch.Regs, f.before)
	if err := f.t.WriteRegisters(ctx, f.scratch); err != nil {
		return "", fmt.Errorf("undoing the test's step: %w", err)
	}
	f.undo = f.undo[:0]
	f.synced["step undone for a signal"]++
	return "", nil
}

// leaveSignalFrames drops the frames of handlers the test's stack pointer
// has left upwards without rt_sigreturn (siglongjmp): their
// correspondence would mistranslate the stack they lay on.
func (f *testFollower) leaveSignalFrames() {
	sp, _ := f.t.Registers().Uint64("rsp")
	for n := len(f.sigFrames); n > 0 && sp > f.sigFrames[n-1].testSP+machine.SigframeHeader; n-- {
		f.dropSignalFrame(n - 1)
	}
}

// dropSignalFrame forgets frame i and its correspondence.
func (f *testFollower) dropSignalFrame(i int) {
	fr := f.sigFrames[i]
	f.sigFrames = f.sigFrames[:i]
	if j := slices.Index(f.corrs, fr.c); j >= 0 {
		f.corrs = slices.Delete(f.corrs, j, j+1)
	}
}
