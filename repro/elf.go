package repro

import (
	"bytes"
	"cmp"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"slices"

	"lockstep/machine"
)

// Executable is a case written out as a static ELF program.
type Executable struct {
	// Bytes is the ELF file.
	Bytes []byte
	// Entry is the prologue's first instruction (the ELF entry point).
	Entry uint64
	// Start is the case's first instruction, where the prologue jumps
	// once every register is set.
	Start uint64
	// Exit is the address of the exit sequence appended after the last
	// instruction, or 0 when there was no room for it.
	Exit uint64
}

// WriteFile writes the executable to path with mode 0755.
func (e *Executable) WriteFile(path string) error {
	if err := os.WriteFile(path, e.Bytes, 0o755); err != nil {
		return fmt.Errorf("repro: write executable: %w", err)
	}
	return nil
}

// Exit sequence and prologue failure status.
const (
	// ExitLen is the length of the exit sequence: mov eax, 231 (exit_group);
	// xor edi, edi; syscall.
	ExitLen = 9
	// PrologueFailStatus is the exit status of a program whose prologue
	// failed (arch_prctl refused the fs or gs base).
	PrologueFailStatus = 125
)

// User-settable rflags bits the prologue accepts: CF, bit 1 (always set),
// PF, AF, ZF, SF, IF (always set), DF, OF, AC, ID. TF would trap inside
// the prologue; IOPL, NT, RF, VM, VIF and VIP cannot be set by a user
// program.
const (
	flagsAllowed  = 0x1 | 0x2 | 0x4 | 0x10 | 0x40 | 0x80 | 0x200 | 0x400 | 0x800 | 0x40000 | 0x200000
	flagsRequired = 0x202
)

// ELF builds the case as a static x86-64 executable, with no assembler:
//
//   - one PT_LOAD segment per region at its address, with its permissions
//     and the instructions' bytes laid over it;
//   - when the case does not list rsp, a default stack region (rw-) of
//     StackSize bytes at StackAddr;
//   - the prologue, a read-only executable segment at PrologueAddr, which
//     is the entry point.
//
// The prologue sets the fs and gs bases when the case lists them
// (arch_prctl; it clobbers rax, rcx, rdi, rsi and r11, so it comes first;
// a failure exits with PrologueFailStatus), then x87, mxcsr and xmm0-15
// in one fxrstor from a prepared 512-byte area, then the listed ymm upper
// halves (vinsertf128, so only when listed), then the fifteen GPRs other
// than rsp (mov imm64, which leaves the flags alone), then rflags (rsp is
// pointed at a quadword of the prologue and popfq reads it: nothing is
// written to memory), then rsp (mov imm64), and jumps to the first
// instruction through a quadword of the prologue (jmp [rip+disp32]).
// Every register of Registers is thus set, listed or default.
//
// After the last instruction (in file order) an exit sequence, exit_group(0)
// (ExitLen bytes), is placed when the bytes after it lie in the same
// region, are zero and hold no other instruction; otherwise nothing is
// appended (Executable.Exit is 0) and what follows the last instruction
// runs. A program whose last instruction falls through thus exits 0.
//
// ELF fails when the case is invalid, when a region collides with the
// prologue's or the default stack's addresses, or when a register holds
// what the prologue cannot load: rflags bits outside the user-settable
// ones or without bits 1 and 9 (IF), fctrl, fstat, ftag or mxcsr above
// 0xffff, an fs or gs base outside the user address space.
func (c *Case) ELF() (*Executable, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := c.checkLoadable(); err != nil {
		return nil, fmt.Errorf("repro: cannot build an ELF: %w", err)
	}
	image := c.Image()
	exe := &Executable{Entry: PrologueAddr, Start: c.Insns[0].Addr}
	if at, ok := c.exitRoom(); ok {
		i := c.Region(at)
		copy(image[i].Data[at-image[i].Addr:], exitSequence())
		exe.Exit = at
	}
	code, err := c.prologue()
	if err != nil {
		return nil, err
	}
	segs := []Region{{Addr: PrologueAddr, Perm: machine.PermRead | machine.PermExec, Data: code}}
	if _, ok := c.Regs["rsp"]; !ok {
		segs = append(segs, Region{Addr: StackAddr, Perm: machine.PermRead | machine.PermWrite, Data: make([]byte, StackSize)})
	}
	segs = append(segs, image...)
	slices.SortFunc(segs, func(a, b Region) int { return cmp.Compare(a.Addr, b.Addr) })
	exe.Bytes = writeELF(segs, PrologueAddr)
	return exe, nil
}

func (c *Case) checkLoadable() error {
	reserved := []Region{{Addr: PrologueAddr, Data: make([]byte, PrologueSize)}}
	names := []string{"the prologue"}
	if _, ok := c.Regs["rsp"]; !ok {
		reserved = append(reserved, Region{Addr: StackAddr, Data: make([]byte, StackSize)})
		names = append(names, "the default stack (the case lists no rsp)")
	}
	for _, r := range c.Memory {
		for i, res := range reserved {
			if r.Addr < res.End() && res.Addr < r.End() {
				return fmt.Errorf("region %#x-%#x collides with %s at %#x-%#x", r.Addr, r.End(), names[i], res.Addr, res.End())
			}
		}
	}
	fl := c.RegUint64("eflags")
	if fl&flagsRequired != flagsRequired || fl&^flagsAllowed != 0 {
		return fmt.Errorf("eflags %#x: the prologue sets only CF PF AF ZF SF DF OF AC ID, with bit 1 and IF set", fl)
	}
	for _, n := range []string{"fctrl", "fstat", "ftag", "mxcsr"} {
		if v := c.RegUint64(n); v > 0xffff {
			return fmt.Errorf("%s %#x has bits above 15", n, v)
		}
	}
	for _, n := range []string{"fs_base", "gs_base"} {
		if v := c.RegUint64(n); v >= 1<<47 {
			return fmt.Errorf("%s %#x is outside the user address space", n, v)
		}
	}
	return nil
}

// exitRoom says where the exit sequence goes, if anywhere.
func (c *Case) exitRoom() (uint64, bool) {
	at := c.Insns[len(c.Insns)-1].End()
	i := c.Region(at)
	if i < 0 {
		return 0, false
	}
	r := c.Memory[i]
	if at+ExitLen > r.End() || slices.ContainsFunc(r.Data[at-r.Addr:at-r.Addr+ExitLen], func(b byte) bool { return b != 0 }) {
		return 0, false
	}
	for _, in := range c.Insns {
		if in.Addr < at+ExitLen && at < in.End() {
			return 0, false
		}
	}
	return at, true
}

func exitSequence() []byte {
	var a asm
	a.movImm32(regAX, 231)
	a.emit(0x31, 0xff) // xor edi, edi
	a.emit(0x0f, 0x05) // syscall
	return a.code
}

// Register numbers as instructions encode them.
const (
	regAX = iota
	regCX
	regDX
	regBX
	regSP
	regBP
	regSI
	regDI
)

// encodingOrder lists the GPRs by their encoding number.
func encodingOrder() [16]string {
	return [16]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}
}

// asm is a small hand assembler: the few instructions the prologue needs,
// with rip-relative and absolute references to a data block after the
// code, patched once the code's length is known.
type asm struct {
	code   []byte
	fixups []fixup
}

type fixup struct {
	at     int  // offset of the 4- or 8-byte field in code
	abs    bool // an absolute 64-bit address, else rip-relative 32-bit
	next   int  // offset of the next instruction (rip-relative)
	target int  // offset in the data block
}

func (a *asm) emit(b ...byte) { a.code = append(a.code, b...) }

func (a *asm) imm32(v uint32) { a.code = binary.LittleEndian.AppendUint32(a.code, v) }

func (a *asm) imm64(v uint64) { a.code = binary.LittleEndian.AppendUint64(a.code, v) }

// movImm64 is mov r64, imm64 (REX.W B8+r io).
func (a *asm) movImm64(reg int, v uint64) {
	a.emit(0x48|byte(reg>>3), 0xb8+byte(reg&7))
	a.imm64(v)
}

// movImm32 is mov r32, imm32 (B8+r id), zero-extending into r64; reg < 8.
func (a *asm) movImm32(reg int, v uint32) {
	a.emit(0xb8 + byte(reg))
	a.imm32(v)
}

// movDataAddr is mov r64, imm64 with the absolute address of data offset
// off; reg < 8.
func (a *asm) movDataAddr(reg, off int) {
	a.emit(0x48, 0xb8+byte(reg))
	a.fixups = append(a.fixups, fixup{at: len(a.code), abs: true, target: off})
	a.imm64(0)
}

// ripRel emits op, a ModRM byte with reg field regField and a
// rip-relative operand at data offset off, and the trailing bytes (an
// immediate).
func (a *asm) ripRel(op []byte, regField int, off int, trailing ...byte) {
	a.emit(op...)
	a.emit(byte(regField&7)<<3 | 0b101)
	at := len(a.code)
	a.imm32(0)
	a.emit(trailing...)
	a.fixups = append(a.fixups, fixup{at: at, next: len(a.code), target: off})
}

// link appends the data block at the next 64-byte boundary and patches
// the references to it, for code loaded at base.
func (a *asm) link(base uint64, data []byte) []byte {
	start := (len(a.code) + 63) &^ 63
	out := make([]byte, start, start+len(data))
	copy(out, a.code)
	out = append(out, data...)
	for _, f := range a.fixups {
		if f.abs {
			binary.LittleEndian.PutUint64(out[f.at:], base+uint64(start+f.target))
		} else {
			binary.LittleEndian.PutUint32(out[f.at:], uint32(int32(start+f.target-f.next)))
		}
	}
	return out
}

// Offsets in the prologue's data block.
const (
	dataFXSave = 0   // 512-byte fxrstor area, 64-byte aligned
	dataFlags  = 512 // rflags quadword for popfq
	dataJump   = 520 // the first instruction's address
	dataYMM    = 528 // 16 bytes per ymm upper half, in register order
)

// prologue assembles the prologue and its data, for PrologueAddr.
func (c *Case) prologue() ([]byte, error) {
	var a asm
	var failJumps []int // offsets of jnz rel32 fields to patch
	for _, b := range []struct {
		name string
		code uint32
	}{{"fs_base", 0x1002}, {"gs_base", 0x1001}} { // ARCH_SET_FS, ARCH_SET_GS
		if _, ok := c.Regs[b.name]; !ok {
			continue
		}
		a.movImm32(regAX, 158) // arch_prctl
		a.movImm32(regDI, b.code)
		a.movImm64(regSI, c.RegUint64(b.name))
		a.emit(0x0f, 0x05)       // syscall
		a.emit(0x48, 0x85, 0xc0) // test rax, rax
		a.emit(0x0f, 0x85)       // jnz fail
		failJumps = append(failJumps, len(a.code))
		a.imm32(0)
	}
	a.ripRel([]byte{0x0f, 0xae}, 1, dataFXSave) // fxrstor [rip+fxsave]
	data := make([]byte, dataYMM, dataYMM+16*16)
	c.fxsaveArea(data[dataFXSave : dataFXSave+512])
	for i := range 16 {
		name := fmt.Sprintf("ymm%dh", i)
		v, ok := c.Regs[name]
		if !ok {
			continue
		}
		off := len(data)
		data = append(data, v...)
		// vinsertf128 ymmI, ymmI, [rip+off], 1: VEX.256.66.0F3A.W0 18 /r ib
		rbar := byte(^i>>3&1) << 7
		vvvv := byte(^i&0xf) << 3
		a.ripRel([]byte{0xc4, rbar | 0x60 | 0x03, vvvv | 0x4 | 0x1, 0x18}, i, off, 1)
	}
	for n, name := range encodingOrder() {
		if n == regSP {
			continue
		}
		a.movImm64(n, c.RegUint64(name))
	}
	binary.LittleEndian.PutUint64(data[dataFlags:], c.RegUint64("eflags"))
	binary.LittleEndian.PutUint64(data[dataJump:], c.Insns[0].Addr)
	a.movDataAddr(regSP, dataFlags)
	a.emit(0x9d) // popfq
	a.movImm64(regSP, c.RegUint64("rsp"))
	a.ripRel([]byte{0xff}, 4, dataJump) // jmp [rip+jump]
	fail := len(a.code)
	for _, at := range failJumps {
		binary.LittleEndian.PutUint32(a.code[at:], uint32(int32(fail-(at+4))))
	}
	a.movImm32(regDI, PrologueFailStatus)
	a.movImm32(regAX, 231) // exit_group
	a.emit(0x0f, 0x05)
	out := a.link(PrologueAddr, data)
	if len(out) > PrologueSize {
		return nil, fmt.Errorf("repro: prologue of %d bytes exceeds %#x", len(out), PrologueSize)
	}
	// Whole pages, so that the segment's file size is its memory size.
	return append(out, make([]byte, (PageSize-len(out)%PageSize)%PageSize)...), nil
}

// fxsaveArea fills a 512-byte FXSAVE image with the case's x87, mxcsr and
// xmm state.
func (c *Case) fxsaveArea(area []byte) {
	fstat := c.RegUint64("fstat")
	ftag := c.RegUint64("ftag")
	binary.LittleEndian.PutUint16(area[0:], uint16(c.RegUint64("fctrl")))
	binary.LittleEndian.PutUint16(area[2:], uint16(fstat))
	var abridged byte
	for i := range 8 {
		if ftag>>(2*i)&3 != 3 {
			abridged |= 1 << i
		}
	}
	area[4] = abridged
	binary.LittleEndian.PutUint32(area[24:], uint32(c.RegUint64("mxcsr")))
	top := int(fstat>>11) & 7
	for i := range 8 { // slot i holds ST(i), physical register (TOP+i) mod 8
		copy(area[32+16*i:], c.Reg(fmt.Sprintf("st%d", (top+i)&7)))
	}
	for i := range 16 {
		copy(area[160+16*i:], c.Reg(fmt.Sprintf("xmm%d", i)))
	}
}

// ELF layout constants.
const (
	ehdrSize = 64
	phdrSize = 56
)

// writeELF lays out an ET_EXEC file: headers in the first page, then each
// segment at a page-aligned offset (segments are page-aligned and whole
// pages, so file size equals memory size), and a PT_GNU_STACK header
// asking for a non-executable process stack.
func writeELF(segs []Region, entry uint64) []byte {
	phnum := len(segs) + 1
	off := uint64(PageSize)
	if need := uint64(ehdrSize + phnum*phdrSize); need > off {
		off = (need + PageSize - 1) &^ (PageSize - 1)
	}
	var b bytes.Buffer
	le := binary.LittleEndian
	ident := [elf.EI_NIDENT]byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT), byte(elf.ELFOSABI_NONE)}
	hdr := elf.Header64{
		Ident: ident, Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_X86_64), Version: uint32(elf.EV_CURRENT),
		Entry: entry, Phoff: ehdrSize, Ehsize: ehdrSize, Phentsize: phdrSize, Phnum: uint16(phnum),
	}
	// Writes to a bytes.Buffer of fixed-size structs cannot fail.
	binary.Write(&b, le, &hdr)
	offsets := make([]uint64, len(segs))
	for i, s := range segs {
		offsets[i] = off
		binary.Write(&b, le, &elf.Prog64{
			Type: uint32(elf.PT_LOAD), Flags: uint32(progFlags(s.Perm)), Off: off, Vaddr: s.Addr, Paddr: s.Addr,
			Filesz: uint64(len(s.Data)), Memsz: uint64(len(s.Data)), Align: PageSize,
		})
		off += uint64(len(s.Data))
	}
	binary.Write(&b, le, &elf.Prog64{Type: uint32(elf.PT_GNU_STACK), Flags: uint32(elf.PF_R | elf.PF_W), Align: 16})
	out := b.Bytes()
	for i, s := range segs {
		out = append(out, make([]byte, int(offsets[i])-len(out))...)
		out = append(out, s.Data...)
	}
	return out
}

func progFlags(p machine.Perm) elf.ProgFlag {
	return machine.PermBits(p, elf.PF_R, elf.PF_W, elf.PF_X)
}
