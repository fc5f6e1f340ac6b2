package oracle

import (
	"encoding/binary"
	"fmt"
	"strings"

	"lockstep/machine"
	"lockstep/unicorn"
)

// Register groups. Unicorn 2.0.1 takes about 11ns per register read, so
// the oracle reads after each step only what the instruction may have
// changed: the general registers, rip and eflags always; the segment
// selectors and bases after instructions that load segments; the x87
// registers (10) and the SSE registers (17) after instructions that may
// touch them, and only when Registers is called.
const (
	groupInt = iota
	groupSeg
	groupX87
	groupSSE
	groups
)

// notModelled explains the target-description registers the oracle leaves
// alone. They are excluded from Registers and Adopt, and the harness should
// not compare them.
var notModelledReasons = [...]struct{ name, why string }{
	{"k_gs_base", "kernel GS base: kernel state, unreadable and unchangeable from user mode"},
	{"cr0", "control register: kernel state; QEMU's user mode reports its own internal value"},
	{"cr2", "control register: kernel state"},
	{"cr3", "control register: kernel state"},
	{"cr4", "control register: kernel state"},
	{"cr8", "control register: kernel state"},
	{"efer", "MSR: kernel state"},
	{"ftag", "QEMU 7.2's gdbstub always reports 0; the oracle keeps its own tags, starting empty"},
	{"fiseg", "QEMU 7.2's gdbstub always reports 0"},
	{"fioff", "QEMU 7.2's gdbstub always reports 0"},
	{"foseg", "QEMU 7.2's gdbstub always reports 0"},
	{"fooff", "QEMU 7.2's gdbstub always reports 0"},
	{"fop", "QEMU 7.2's gdbstub always reports 0"},
}

// NotModelledReason explains why the oracle does not model a register of
// the layout ("" if it does).
func (o *Oracle) NotModelledReason(name string) string {
	for _, n := range o.regs.skipped {
		if n == name {
			return notModelledReason(name)
		}
	}
	return ""
}

func notModelledReason(name string) string {
	for _, r := range notModelledReasons {
		if r.name == name {
			return r.why
		}
	}
	return "no Unicorn counterpart"
}

// ucRegFor maps a register name of QEMU's x86-64 target description to
// Unicorn's register and group.
func ucRegFor(name string) (unicorn.Reg, int, bool) {
	for _, r := range notModelledReasons {
		if r.name == name {
			return 0, 0, false
		}
	}
	switch name {
	case "fctrl":
		return unicorn.X86RegFPCW, groupX87, true
	case "fstat":
		return unicorn.X86RegFPSW, groupX87, true
	case "mxcsr":
		return unicorn.X86RegMXCSR, groupSSE, true
	}
	// QEMU's gdbstub reports st0..st7 as the physical registers
	// (env->fpregs[i]); so are Unicorn's FP0..FP7 (its ST0..ST7 are
	// relative to TOP).
	if len(name) == 3 && strings.HasPrefix(name, "st") && name[2] >= '0' && name[2] <= '7' {
		return unicorn.X86RegFP0 + unicorn.Reg(name[2]-'0'), groupX87, true
	}
	r, ok := unicorn.X86RegByName(name)
	if !ok {
		return 0, 0, false
	}
	if strings.HasPrefix(name, "xmm") {
		return r, groupSSE, true
	}
	switch name {
	case "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip", "eflags":
		return r, groupInt, true
	case "cs", "ss", "ds", "es", "fs", "gs", "fs_base", "gs_base":
		return r, groupSeg, true
	}
	return 0, 0, false
}

// segment is a segment selector of the layout.
type segment struct {
	off, size int
	reg       unicorn.Reg
	name      string
}

// span is a byte range of a snapshot.
type span struct{ off, end int }

// regFile maps a layout onto Unicorn registers.
type regFile struct {
	layout *machine.Layout
	read   [groups]*unicorn.RegBatch // by group
	write  [groups]*unicorn.RegBatch // by group, without segment selectors
	segs   []segment
	spans  []span // modelled bytes, merged
	int    []span // bytes of the integer group, merged
	// Offsets of registers Step needs, or -1.
	rip, rsp, eflags, fsBase, gsBase int
	gpr                              [16]int // rax.. r15 in encoding order
	skipped                          []string
}

func newRegFile(eng *unicorn.Engine, l *machine.Layout) (*regFile, error) {
	rf := &regFile{layout: l}
	var read, write [groups][]unicorn.BatchReg
	for _, r := range l.Regs {
		id, group, ok := ucRegFor(r.Name)
		if !ok {
			rf.skipped = append(rf.skipped, r.Name)
			continue
		}
		if r.Size() > 64 {
			return nil, fmt.Errorf("oracle: register %s is %d bits wide", r.Name, r.Bits)
		}
		br := unicorn.BatchReg{Reg: id, Offset: r.Offset, Size: r.Size()}
		read[group] = append(read[group], br)
		switch r.Name {
		case "cs", "ss", "ds", "es", "fs", "gs":
			rf.segs = append(rf.segs, segment{r.Offset, r.Size(), id, r.Name})
		default:
			write[group] = append(write[group], br)
		}
		rf.spans = addSpan(rf.spans, r.Offset, r.Size())
		if group == groupInt {
			rf.int = addSpan(rf.int, r.Offset, r.Size())
		}
	}
	find := func(name string, bytes int) int {
		r, ok := l.Lookup(name)
		if !ok || r.Size() < bytes {
			return -1
		}
		return r.Offset
	}
	rf.rip, rf.rsp, rf.eflags = find("rip", 8), find("rsp", 8), find("eflags", 4)
	rf.fsBase, rf.gsBase = find("fs_base", 8), find("gs_base", 8)
	for i, n := range [16]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"} {
		if rf.gpr[i] = find(n, 8); rf.gpr[i] < 0 {
			return nil, fmt.Errorf("oracle: layout %q has no 64-bit %s", l.Arch, n)
		}
	}
	if rf.rip < 0 {
		return nil, fmt.Errorf("oracle: layout %q has no 64-bit rip", l.Arch)
	}
	if rf.eflags < 0 {
		return nil, fmt.Errorf("oracle: layout %q has no eflags", l.Arch)
	}
	if len(read[groupInt]) == 0 {
		return nil, fmt.Errorf("oracle: layout %q has no general registers", l.Arch)
	}
	for g := range read {
		var err error
		if len(read[g]) > 0 {
			if rf.read[g], err = eng.NewRegBatch(read[g]); err != nil {
				return nil, err
			}
		}
		if len(write[g]) > 0 {
			if rf.write[g], err = eng.NewRegBatch(write[g]); err != nil {
				return nil, err
			}
		}
	}
	return rf, nil
}

// compatible reports whether a snapshot uses this register file's layout.
func (rf *regFile) compatible(s *machine.Snapshot) error {
	if s == nil || s.Layout == nil {
		return fmt.Errorf("oracle: nil snapshot")
	}
	if s.Layout == rf.layout {
		return nil
	}
	l := s.Layout
	if l.Size() != rf.layout.Size() || len(l.Regs) != len(rf.layout.Regs) || len(s.Regs) != l.Size() {
		return fmt.Errorf("oracle: snapshot layout %q differs from the oracle's", l.Arch)
	}
	for i, r := range l.Regs {
		if q := rf.layout.Regs[i]; r.Name != q.Name || r.Offset != q.Offset || r.Bits != q.Bits {
			return fmt.Errorf("oracle: snapshot layout %q differs from the oracle's at %s", l.Arch, r.Name)
		}
	}
	return nil
}

func (rf *regFile) u64(buf []byte, off int) uint64 {
	return binary.LittleEndian.Uint64(buf[off:])
}

// segmentSelector reads a selector from a snapshot buffer.
func (s segment) value(buf []byte) uint64 {
	var b [8]byte
	copy(b[:], buf[s.off:s.off+s.size])
	return binary.LittleEndian.Uint64(b[:]) & 0xffff
}

// addSpan appends a register's bytes to spans, merging with the last span
// when they touch.
func addSpan(spans []span, off, size int) []span {
	if n := len(spans); n > 0 && spans[n-1].end == off {
		spans[n-1].end = off + size
		return spans
	}
	return append(spans, span{off, off + size})
}
