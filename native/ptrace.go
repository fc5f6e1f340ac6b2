package native

import (
	"encoding/binary"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ptrace requests and regset notes that golang.org/x/sys/unix has as
// numbers only.
const (
	ntX86XState = 0x202 // NT_X86_XSTATE: the XSAVE area, standard format
	trapTrace   = 2     // si_code of a single-step trap (TRAP_TRACE)
	siKernel    = 0x80  // si_code of a fault the kernel raised (#GP: no address)
)

// XSAVE standard-format offsets (Intel SDM vol. 1, 13.4 and 13.5): the
// legacy region is FXSAVE's, the header follows it, and the AVX state
// (the upper halves of YMM0-15) sits at 576 in the standard format.
const (
	fxFCW      = 0
	fxFSW      = 2
	fxFTW      = 4 // abridged: one bit per physical register, 1 = not empty
	fxFOP      = 6
	fxFIP      = 8
	fxFDP      = 16
	fxMXCSR    = 24
	fxST       = 32  // ST(i) at 32+16i, 10 bytes each, in stack order
	fxXMM      = 160 // XMMi at 160+16i
	xsHeader   = 512 // XSTATE_BV, 8 bytes
	xsYMMH     = 576 // YMMi bits 255:128 at 576+16i
	xsMinSize  = xsYMMH + 16*16
	xstateX87  = 1 << 0
	xstateSSE  = 1 << 1
	xstateAVX  = 1 << 2
	xstateMask = xstateX87 | xstateSSE | xstateAVX
)

// tracee is the ptrace view of the child. Every method must be called from
// the one OS thread that started the child.
type tracee struct {
	pid    int
	xstate []byte // scratch XSAVE area, as long as the kernel's
}

func (t *tracee) getRegs(r *unix.PtraceRegs) error {
	if err := unix.PtraceGetRegs(t.pid, r); err != nil {
		return fmt.Errorf("native: PTRACE_GETREGS: %w", err)
	}
	return nil
}

func (t *tracee) setRegs(r *unix.PtraceRegs) error {
	if err := unix.PtraceSetRegs(t.pid, r); err != nil {
		return fmt.Errorf("native: PTRACE_SETREGS: %w", err)
	}
	return nil
}

func (t *tracee) regset(req int, buf []byte) (int, error) {
	iov := unix.Iovec{Base: &buf[0]}
	iov.SetLen(len(buf))
	_, _, errno := unix.Syscall6(unix.SYS_PTRACE, uintptr(req), uintptr(t.pid), ntX86XState, uintptr(unsafe.Pointer(&iov)), 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(iov.Len), nil
}

// initXState sizes the XSAVE area from the kernel's answer.
func (t *tracee) initXState() error {
	buf := make([]byte, 1<<14)
	n, err := t.regset(unix.PTRACE_GETREGSET, buf)
	if err != nil {
		return fmt.Errorf("native: PTRACE_GETREGSET NT_X86_XSTATE: %w", err)
	}
	if n < xsMinSize {
		return fmt.Errorf("native: the host's XSAVE area is %d bytes, too small to hold AVX state", n)
	}
	t.xstate = buf[:n]
	return nil
}

func (t *tracee) getXState() error {
	if _, err := t.regset(unix.PTRACE_GETREGSET, t.xstate); err != nil {
		return fmt.Errorf("native: PTRACE_GETREGSET: %w", err)
	}
	return nil
}

func (t *tracee) setXState() error {
	if _, err := t.regset(unix.PTRACE_SETREGSET, t.xstate); err != nil {
		return fmt.Errorf("native: PTRACE_SETREGSET: %w", err)
	}
	return nil
}

// siginfo is what the kernel says about the signal that stopped the child.
type siginfo struct {
	signo, code int
	addr        uint64
}

func (t *tracee) siginfo() (siginfo, error) {
	var buf [128]byte
	_, _, errno := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_GETSIGINFO, uintptr(t.pid), 0, uintptr(unsafe.Pointer(&buf[0])), 0, 0)
	if errno != 0 {
		return siginfo{}, fmt.Errorf("native: PTRACE_GETSIGINFO: %w", errno)
	}
	le := binary.LittleEndian
	return siginfo{signo: int(int32(le.Uint32(buf[0:]))), code: int(int32(le.Uint32(buf[8:]))), addr: le.Uint64(buf[16:])}, nil
}

// wait waits for the child's next stop and returns its signal. A child
// that exited or was killed is an error: the executor is then unusable.
func (t *tracee) wait() (int, error) {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(t.pid, &ws, unix.WALL, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("native: wait: %w", err)
		}
		break
	}
	switch {
	case ws.Stopped():
		return int(ws.StopSignal()), nil
	case ws.Exited():
		return 0, fmt.Errorf("native: the executor's child exited with status %d", ws.ExitStatus())
	case ws.Signaled():
		return 0, fmt.Errorf("native: the executor's child was killed by signal %d", int(ws.Signal()))
	}
	return 0, fmt.Errorf("native: unexpected wait status %#x", uint32(ws))
}

// syscall makes the child run one system call through the stub's gadget
// and returns its result; the child's registers are left as the gadget
// leaves them.
func (t *tracee) syscall(nr uintptr, args ...uint64) (uint64, error) {
	var r unix.PtraceRegs
	if err := t.getRegs(&r); err != nil {
		return 0, err
	}
	r.Rax, r.Orig_rax, r.Rip = uint64(nr), ^uint64(0), gadget
	var a [6]uint64
	copy(a[:], args)
	r.Rdi, r.Rsi, r.Rdx, r.R10, r.R8, r.R9 = a[0], a[1], a[2], a[3], a[4], a[5]
	if err := t.setRegs(&r); err != nil {
		return 0, err
	}
	if err := unix.PtraceCont(t.pid, 0); err != nil {
		return 0, fmt.Errorf("native: PTRACE_CONT: %w", err)
	}
	sig, err := t.wait()
	if err != nil {
		return 0, err
	}
	if err := t.getRegs(&r); err != nil {
		return 0, err
	}
	if sig != int(unix.SIGTRAP) || r.Rip != gadgetTrap {
		return 0, fmt.Errorf("native: injected system call %d stopped with signal %d at %#x", nr, sig, r.Rip)
	}
	if int64(r.Rax) < 0 && int64(r.Rax) > -4096 {
		return 0, fmt.Errorf("native: injected system call %d: %w", nr, unix.Errno(-int64(r.Rax)))
	}
	return r.Rax, nil
}
