package native

import (
	"encoding/binary"

	"golang.org/x/arch/x86/x86asm"
	"golang.org/x/sys/unix"
)

// The guest CPU that the executor stands in for differs from the host in
// state the architecture leaves to the implementation or the kernel. These
// are the differences it papers over, each measured on this project's host
// (AMD EPYC) against QEMU 7.2's max CPU:
//
//   - XCR0. The host kernel enables x87, SSE, AVX and AVX-512 state (0xe7);
//     QEMU 7.2 has no AVX-512. XSAVE and XRSTOR run with their requested-
//     feature bitmap (EDX:EAX) cut to x87, SSE and AVX, the components both
//     have, so that an area sized for QEMU's CPU is never overrun.
//   - XINUSE. Hardware writes XSTATE_BV bit i as 0 when component i is in
//     its initial configuration; QEMU always writes 1. Both are allowed
//     (Intel SDM vol. 1, 13.6: a processor may report a component in use
//     even when it is in its initial configuration), so the executor
//     reports every requested component in use, as QEMU does.
//   - MXCSR_MASK. FXSAVE and XSAVE store the host's mask (0x0002ffff here,
//     with AMD's misaligned-SSE bit); QEMU and Unicorn store 0x0000ffff.
//     The executor stores the guest's.
const (
	sharedXCR0     = xstateMask // x87 | SSE | AVX
	guestMXCSRMask = 0x0000ffff
	areaMXCSRMask  = 28  // offset of MXCSR_MASK in an FXSAVE/XSAVE area
	areaXStateBV   = 512 // offset of XSTATE_BV in an XSAVE area
)

// stateSave classifies the instructions the executor adjusts.
type stateSave int

const (
	notStateSave stateSave = iota
	fxsave                 // FXSAVE, FXSAVE64
	xsave                  // XSAVE, XSAVE64
	xrstor                 // XRSTOR, XRSTOR64
)

func stateSaveOf(op x86asm.Op) stateSave {
	switch op {
	case x86asm.FXSAVE, x86asm.FXSAVE64:
		return fxsave
	case x86asm.XSAVE, x86asm.XSAVE64:
		return xsave
	case x86asm.XRSTOR, x86asm.XRSTOR64:
		return xrstor
	}
	return notStateSave
}

// clampRFBM cuts the requested-feature bitmap of XSAVE and XRSTOR to the
// components the guest and the host share. It returns the bitmap used.
func clampRFBM(r *unix.PtraceRegs, k stateSave) uint64 {
	if k != xsave && k != xrstor {
		return 0
	}
	rfbm := (r.Rdx<<32 | r.Rax&0xffffffff) & sharedXCR0
	r.Rax, r.Rdx = r.Rax&^0xffffffff|rfbm, r.Rdx&^0xffffffff
	return rfbm
}

// fixStateSave makes a saved area the guest's: the MXCSR_MASK of the guest
// and, for XSAVE, every requested component reported in use. area is the
// memory operand's address; pre reads memory before the instruction.
func fixStateSave(res *Result, k stateSave, area, rfbm uint64, pre func(uint64, []byte) error) error {
	if res.Fault != nil || (k != fxsave && k != xsave) {
		return nil
	}
	var mask [4]byte
	binary.LittleEndian.PutUint32(mask[:], guestMXCSRMask)
	if err := res.overwrite(area+areaMXCSRMask, mask[:], pre); err != nil {
		return err
	}
	if k != xsave {
		return nil
	}
	var bv [8]byte
	if err := res.ReadMemory(area+areaXStateBV, bv[:], pre); err != nil {
		return err
	}
	binary.LittleEndian.PutUint64(bv[:], binary.LittleEndian.Uint64(bv[:])|rfbm)
	return res.overwrite(area+areaXStateBV, bv[:], pre)
}

// overwrite makes the instruction's result hold b at addr: a write
// appended after the others (later writes win wherever writes are applied
// in order), with the memory before the instruction as its old bytes.
func (r *Result) overwrite(addr uint64, b []byte, pre func(uint64, []byte) error) error {
	cur := make([]byte, len(b))
	if err := r.ReadMemory(addr, cur, pre); err != nil {
		return err
	}
	if string(cur) == string(b) {
		return nil
	}
	old := make([]byte, len(b))
	if err := pre(addr, old); err != nil {
		return err
	}
	r.Writes = append(r.Writes, Write{Addr: addr, Old: old, New: append([]byte(nil), b...)})
	return nil
}

// effectiveAddress computes the address of inst's memory operand from the
// registers before it (rip-relative from the end of the instruction).
func effectiveAddress(inst x86asm.Inst, r *unix.PtraceRegs, pc uint64) (uint64, bool) {
	for _, a := range inst.Args {
		m, ok := a.(x86asm.Mem)
		if !ok {
			continue
		}
		ea := uint64(m.Disp)
		if m.Base == x86asm.RIP {
			ea += pc + uint64(inst.Len)
		} else if m.Base != 0 {
			v, ok := gprValue(m.Base, r)
			if !ok {
				return 0, false
			}
			ea += v
		}
		if m.Index != 0 {
			v, ok := gprValue(m.Index, r)
			if !ok {
				return 0, false
			}
			ea += v * uint64(m.Scale)
		}
		switch m.Segment {
		case x86asm.FS:
			ea += r.Fs_base
		case x86asm.GS:
			ea += r.Gs_base
		}
		return ea, true
	}
	return 0, false
}

// gprValue reads a 64- or 32-bit general register as an address operand.
func gprValue(reg x86asm.Reg, r *unix.PtraceRegs) (uint64, bool) {
	vals := [16]uint64{r.Rax, r.Rcx, r.Rdx, r.Rbx, r.Rsp, r.Rbp, r.Rsi, r.Rdi, r.R8, r.R9, r.R10, r.R11, r.R12, r.R13, r.R14, r.R15}
	switch {
	case reg >= x86asm.RAX && reg <= x86asm.R15:
		return vals[reg-x86asm.RAX], true
	case reg >= x86asm.EAX && reg <= x86asm.R15L:
		return vals[reg-x86asm.EAX] & 0xffffffff, true
	}
	return 0, false
}
