package machine

import "fmt"

// Linux x86-64 signal numbers the tools name (asm-generic numbering).
const (
	SIGILL  = 4
	SIGTRAP = 5
	SIGBUS  = 7
	SIGFPE  = 8
	SIGSEGV = 11
)

// FaultSignal reports whether sig is one an instruction raises itself
// (#PF, #GP, #DE, #UD, int3...). Other signals come from outside the
// instruction (a timer, another thread, kill).
func FaultSignal(sig int) bool {
	switch sig {
	case SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP:
		return true
	}
	return false
}

// The x86-64 signal frame (rt_sigframe), as far as Linux and QEMU's
// linux-user lay it out alike: the return address, the ucontext
// (uc_flags, uc_link, uc_stack, the saved registers, the signal mask),
// the siginfo. The extended state saved after it differs.
const (
	// UcontextGregs is where the saved general registers start in the
	// ucontext: r8 to r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip,
	// eflags, the selectors, err, trapno, oldmask, cr2.
	UcontextGregs = 40
	// NumGregs is how many there are.
	NumGregs = 23
	// UcontextRIP is where the saved rip is in the ucontext, which the
	// stack pointer points at when the restorer calls rt_sigreturn.
	UcontextRIP = UcontextGregs + 16*8
	// SigframeHeader is the length of the part laid out alike, from the
	// stack pointer at the handler's entry.
	SigframeHeader = 8 + 304 + 128
)

// linuxSignalNames are Linux x86-64's signal names by number.
var linuxSignalNames = [...]string{
	1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS",
	8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE",
	14: "SIGALRM", 15: "SIGTERM", 16: "SIGSTKFLT", 17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP",
	20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU", 23: "SIGURG", 24: "SIGXCPU", 25: "SIGXFSZ",
	26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH", 29: "SIGIO", 30: "SIGPWR", 31: "SIGSYS",
}

// SignalName is the name of a Linux x86-64 signal: "SIGUSR1",
// "SIGRTMIN+3", or "signal 99" for a number Linux does not have.
func SignalName(sig int) string {
	switch {
	case sig > 0 && sig < len(linuxSignalNames) && linuxSignalNames[sig] != "":
		return linuxSignalNames[sig]
	case sig == 32:
		return "SIGRTMIN"
	case sig > 32 && sig <= 64:
		return fmt.Sprintf("SIGRTMIN+%d", sig-32)
	}
	return fmt.Sprintf("signal %d", sig)
}

// SignalText is a signal as reports show it: "SIGUSR1 (10)".
func SignalText(sig int) string {
	return fmt.Sprintf("%s (%d)", SignalName(sig), sig)
}
