package machine

import "fmt"

// StopKind says why a target stopped after being stepped.
type StopKind int

// Stop kinds.
const (
	// Stepped: one instruction (or one iteration of a rep-prefixed string
	// instruction) executed and the target stopped after it.
	Stepped StopKind = iota
	// Syscall: the instruction was a system call; it has executed and its
	// result is in the registers.
	Syscall
	// Signalled: the guest received a signal (a fault, usually) and is
	// stopped at PC, the faulting instruction, which has not completed.
	Signalled
	// Exited: the guest exited with ExitStatus.
	Exited
	// Killed: the guest was terminated by Signal.
	Killed
	// Delivered: Signal was delivered to the program's handler; the
	// target stopped on the handler's first instruction (PC), with the
	// signal frame written to the stack.
	Delivered
)

func (k StopKind) String() string {
	switch k {
	case Stepped:
		return "stepped"
	case Syscall:
		return "syscall"
	case Signalled:
		return "signal"
	case Exited:
		return "exited"
	case Killed:
		return "killed"
	case Delivered:
		return "delivered"
	}
	return fmt.Sprintf("StopKind(%d)", int(k))
}

// SyscallInfo describes a system call a target stepped over (x86-64 Linux
// convention: number in rax, arguments in rdi rsi rdx r10 r8 r9).
type SyscallInfo struct {
	Number uint64
	Args   [6]uint64
	Result uint64
}

// Stop is the outcome of one step of a target.
type Stop struct {
	Kind StopKind
	// PC is the address of the instruction that was executed (for
	// Signalled, the one that faulted).
	PC uint64
	// Repeat is set for an iteration of a rep-prefixed string instruction
	// after which the program counter did not move.
	Repeat bool
	// Signal is the Linux signal number for Signalled, Killed and
	// Delivered; for Syscall, a signal that arrived as the call returned
	// and that the program handles, pending delivery (0: none).
	Signal int
	// ExitStatus is the exit status for Exited.
	ExitStatus int
	// Syscall is set for Syscall stops.
	Syscall *SyscallInfo
}

func (s Stop) String() string {
	switch s.Kind {
	case Signalled:
		return fmt.Sprintf("signal %s at %#x", SignalText(s.Signal), s.PC)
	case Exited:
		return fmt.Sprintf("exited with status %d", s.ExitStatus)
	case Killed:
		return fmt.Sprintf("killed by signal %s", SignalText(s.Signal))
	case Delivered:
		return fmt.Sprintf("signal %s delivered to the handler at %#x", SignalText(s.Signal), s.PC)
	case Syscall:
		if s.Syscall != nil {
			return fmt.Sprintf("syscall %d at %#x = %#x", s.Syscall.Number, s.PC, s.Syscall.Result)
		}
	}
	return fmt.Sprintf("%s at %#x", s.Kind, s.PC)
}
