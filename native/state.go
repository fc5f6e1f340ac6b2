package native

import (
	"encoding/binary"
	"errors"
	"fmt"

	"lockstep/machine"
)

// PageSource supplies the guest's memory as it was before the instruction,
// one page at a time: Page fills p (PageSize bytes) with the page at addr
// and returns its permissions, or ok false when no mapping covers it.
type PageSource interface {
	Page(addr uint64, p []byte) (perm machine.Perm, ok bool, err error)
}

// PageSize is the page granularity of the executor.
const PageSize = pageSize

const pageSize = 4096

// State is a machine state to run one instruction from.
type State struct {
	// Regs holds the registers, by the names of QEMU's x86-64 target
	// description (rax..r15, rip, eflags, cs..gs, fs_base, gs_base,
	// st0..st7 as QEMU reports them: physical registers, fctrl, fstat,
	// fop, xmm0..xmm15, mxcsr). Registers the host does not let a user
	// process set (control registers, k_gs_base, efer) are carried over
	// to the result unchanged.
	Regs *machine.Snapshot
	// FTag is the full x87 tag word (two bits per physical register, 11
	// empty). QEMU's stub does not report it; the oracle keeps it.
	FTag uint16
	// YMMH holds bits 255:128 of YMM0..15, which QEMU's stub does not
	// report either.
	YMMH [16][16]byte
	// Memory is the guest's memory before the instruction.
	Memory PageSource
}

// Fault is an exception the instruction raised natively, as Linux turned
// it into a signal.
type Fault struct {
	Signal int    // Linux signal number: 11 SIGSEGV, 4 SIGILL, 8 SIGFPE, 7 SIGBUS, 5 SIGTRAP
	Code   int    // the siginfo si_code
	Addr   uint64 // si_addr: the faulting address, or the instruction's for SIGILL and SIGFPE
}

func (f Fault) String() string {
	return fmt.Sprintf("signal %d (code %d, address %#x)", f.Signal, f.Code, f.Addr)
}

// Write is a run of bytes the instruction changed.
type Write struct {
	Addr     uint64
	Old, New []byte
}

// Result is the state after the instruction.
type Result struct {
	// Regs is the state after the step in the input's layout. After a
	// fault it is the state the kernel reports: rip at the faulting
	// instruction (past it for traps).
	Regs *machine.Snapshot
	FTag uint16
	YMMH [16][16]byte
	// Fault is set when the instruction raised an exception.
	Fault *Fault
	// Writes lists the bytes that changed, in address order.
	Writes []Write
	// Pages lists the guest pages the instruction touched.
	Pages []uint64
}

// ReadMemory returns the bytes at [addr, addr+len(p)) after the
// instruction: its writes over pre, the memory before.
func (r *Result) ReadMemory(addr uint64, p []byte, pre func(addr uint64, p []byte) error) error {
	if err := pre(addr, p); err != nil {
		return err
	}
	end := addr + uint64(len(p))
	for _, w := range r.Writes {
		wend := w.Addr + uint64(len(w.New))
		if wend <= addr || w.Addr >= end {
			continue
		}
		lo, hi := max(addr, w.Addr), min(end, wend)
		copy(p[lo-addr:hi-addr], w.New[lo-w.Addr:hi-w.Addr])
	}
	return nil
}

// ErrRefused is wrapped by the error of a Run that the executor would not
// run natively; the message says why.
var ErrRefused = errors.New("not run natively")

// regMap locates the registers of one layout.
type regMap struct {
	gpr                      [16]int // rax rbx rcx rdx rsi rdi rbp rsp r8..r15
	rip, eflags              int
	cs, ss, ds, es, fs, gs   int
	fsBase, gsBase           int
	st                       [8]int
	fctrl, fstat, ftag, fop  int
	fiseg, fioff, foseg, foo int
	xmm                      [16]int
	mxcsr                    int
}

var gprNames = [16]string{"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

func newRegMap(l *machine.Layout) (*regMap, error) {
	m := &regMap{}
	for i, n := range gprNames {
		m.gpr[i] = l.Index(n)
	}
	m.rip, m.eflags = l.Index("rip"), l.Index("eflags")
	m.cs, m.ss, m.ds, m.es, m.fs, m.gs = l.Index("cs"), l.Index("ss"), l.Index("ds"), l.Index("es"), l.Index("fs"), l.Index("gs")
	m.fsBase, m.gsBase = l.Index("fs_base"), l.Index("gs_base")
	for i := range m.st {
		m.st[i] = l.Index(fmt.Sprintf("st%d", i))
	}
	m.fctrl, m.fstat, m.ftag, m.fop = l.Index("fctrl"), l.Index("fstat"), l.Index("ftag"), l.Index("fop")
	m.fiseg, m.fioff, m.foseg, m.foo = l.Index("fiseg"), l.Index("fioff"), l.Index("foseg"), l.Index("fooff")
	for i := range m.xmm {
		m.xmm[i] = l.Index(fmt.Sprintf("xmm%d", i))
	}
	m.mxcsr = l.Index("mxcsr")
	for i, ix := range m.gpr {
		if ix < 0 {
			return nil, fmt.Errorf("native: the %s layout has no %s", l.Arch, gprNames[i])
		}
	}
	if m.rip < 0 || m.eflags < 0 {
		return nil, fmt.Errorf("native: the %s layout has no rip or eflags", l.Arch)
	}
	return m, nil
}

func get(s *machine.Snapshot, i int) uint64 {
	if i < 0 {
		return 0
	}
	var b [8]byte
	copy(b[:], s.Reg(i))
	return binary.LittleEndian.Uint64(b[:])
}

func put(s *machine.Snapshot, i int, v uint64) {
	if i < 0 {
		return
	}
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	copy(s.Reg(i), b[:])
}

func putBytes(s *machine.Snapshot, i int, b []byte) {
	if i >= 0 {
		copy(s.Reg(i), b)
	}
}

// abridgedTag turns a full tag word into FXSAVE's abridged one.
func abridgedTag(full uint16) byte {
	var t byte
	for i := range 8 {
		if (full>>(2*i))&3 != 3 {
			t |= 1 << i
		}
	}
	return t
}

// fullTag rebuilds the full tag word from the abridged one and the
// physical registers' contents, as FSTENV would report it.
func fullTag(abridged byte, phys *[8][10]byte) uint16 {
	var t uint16
	for i := range 8 {
		var tag uint16 = 3
		if abridged&(1<<i) != 0 {
			tag = classTag(phys[i])
		}
		t |= tag << (2 * i)
	}
	return t
}

// classTag is the tag of a non-empty register: 00 valid, 01 zero, 10
// special (NaN, infinity, denormal, unnormal).
func classTag(v [10]byte) uint16 {
	mant := binary.LittleEndian.Uint64(v[0:8])
	exp := binary.LittleEndian.Uint16(v[8:10]) & 0x7fff
	switch {
	case exp == 0x7fff:
		return 2
	case exp == 0 && mant == 0:
		return 1
	case exp == 0 || mant>>63 == 0:
		return 2
	}
	return 0
}
