package oracle

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"

	"lockstep/machine"
	"lockstep/unicorn"
)

// Corrections of Unicorn 2.0.1 results. Step runs each instruction on
// Unicorn, then, for the few it gets wrong in a way that is simple to
// correct exactly (insn.fix), sets the architectural result itself.
//
// Two of them come from the write hook rather than from Unicorn's
// instruction semantics: with a UC_HOOK_MEM_WRITE hook installed, Unicorn
// stores the instruction's address into a TCG temporary (tmp0) before
// every store, to sync EIP for the hook; instructions that keep a live
// value in that temporary across a store then use the address instead.
// That corrupts the frame pointers ENTER copies (level 2 and more) and the
// flags of memory shifts by CL and memory SHLD/SHRD (CF and OF come from
// tmp0). Without the hook both are right, so the oracle recomputes those
// flags on a second engine that has no hooks.

// gprRegs are Unicorn's general registers in encoding order.
var gprRegs = [16]unicorn.Reg{
	unicorn.X86RegRAX, unicorn.X86RegRCX, unicorn.X86RegRDX, unicorn.X86RegRBX,
	unicorn.X86RegRSP, unicorn.X86RegRBP, unicorn.X86RegRSI, unicorn.X86RegRDI,
	unicorn.X86RegR8, unicorn.X86RegR9, unicorn.X86RegR10, unicorn.X86RegR11,
	unicorn.X86RegR12, unicorn.X86RegR13, unicorn.X86RegR14, unicorn.X86RegR15,
}

// Arithmetic flags of EFLAGS.
const (
	flagCF     = 1 << 0
	flagPF     = 1 << 2
	flagAF     = 1 << 4
	flagZF     = 1 << 6
	flagSF     = 1 << 7
	flagOF     = 1 << 11
	flagStatus = flagCF | flagPF | flagAF | flagZF | flagSF | flagOF
)

// fixup corrects the result of an instruction Unicorn executed wrongly.
// It runs after the step succeeded; o.prev holds the integer registers
// from before it, o.cur those after it.
func (o *Oracle) fixup(pc uint64, in *insn) error {
	var err error
	switch in.fix {
	case fixBLSI:
		err = o.fixBLSI()
	case fixEnter:
		err = o.fixEnter(in)
	case fixShiftCL, fixShiftD:
		err = o.fixShiftFlags(pc, in)
	case fixCmpxchg32:
		err = o.fixCmpxchg32(in)
	case fixLAHF, fixSAHF:
		err = o.fixLAHFSAHF(in)
	case fixBEXTR, fixBZHI:
		err = o.fixBMI(pc, in)
	case fixFBSTP:
		err = o.fixFBSTP(pc, in)
	case fixFLDConst:
		err = o.fixFLDConst(in)
	case fixPCMPSTR:
		err = o.fixPCMPSTR(pc, in)
	case fixFISTTP:
		err = o.fixFISTTP(pc, in)
	case fixFLDSNaN:
		err = o.fixFLDSNaN()
	case fixFXTRACT:
		err = o.fixFXTRACT()
	}
	if err != nil {
		return fmt.Errorf("oracle: correcting the instruction at %#x: %w", pc, err)
	}
	return nil
}

// gpr returns general register n (encoding order) from a register buffer.
func (o *Oracle) gpr(buf []byte, n uint8) uint64 {
	return o.regs.u64(buf, o.regs.gpr[n&15])
}

// setGPR writes general register n in Unicorn and cur.
func (o *Oracle) setGPR(n uint8, v uint64) error {
	if err := o.eng.RegWrite(gprRegs[n&15], v); err != nil {
		return err
	}
	binary.LittleEndian.PutUint64(o.cur[o.regs.gpr[n&15]:], v)
	return nil
}

// setStatusFlags replaces the arithmetic flags of EFLAGS.
func (o *Oracle) setStatusFlags(status uint64) error {
	fl, err := o.eng.RegRead(unicorn.X86RegEFLAGS)
	if err != nil {
		return err
	}
	if err := o.eng.RegWrite(unicorn.X86RegEFLAGS, fl&^flagStatus|status&flagStatus); err != nil {
		return err
	}
	return o.readGroup(groupInt)
}

// eflags returns the flags after the step.
func (o *Oracle) eflags() (uint64, error) { return o.eng.RegRead(unicorn.X86RegEFLAGS) }

func (o *Oracle) fixBLSI() error {
	// Unicorn (like QEMU up to 7.2) sets CF as for BLSR, when the source
	// is zero; BLSI sets it when the source is not zero, that is when the
	// result is not zero (ZF clear).
	fl, err := o.eflags()
	if err != nil {
		return err
	}
	st := fl &^ flagCF
	if fl&flagZF == 0 {
		st |= flagCF
	}
	return o.setStatusFlags(st)
}

// fixEnter redoes the stores of ENTER with a nesting level of 2 or more.
// Unicorn's addresses and sizes are right (so is every register); only
// the values of the copied frame pointers are not (they hold the
// instruction's address). The step's writes are undone and ENTER's
// stores replayed in order, each copy reading memory as the previous
// stores left it, as hardware does.
func (o *Oracle) fixEnter(in *insn) error {
	size := uint64(in.opsize)
	rbp, rsp := o.gpr(o.prev, 5), o.gpr(o.prev, 4)
	log := o.mem.writes()[o.logSkip:]
	for i := len(log) - 1; i >= 0; i-- {
		if err := o.mem.restore(&log[i]); err != nil {
			return err
		}
	}
	var buf [8]byte
	frame := rsp - size
	binary.LittleEndian.PutUint64(buf[:], rbp)
	if err := o.mem.write(frame, buf[:size]); err != nil {
		return err
	}
	for i := uint64(1); i < uint64(in.imm8); i++ {
		if err := o.mem.read(rbp-i*size, buf[:size]); err != nil {
			return err
		}
		if err := o.mem.write(frame-i*size, buf[:size]); err != nil {
			return err
		}
	}
	binary.LittleEndian.PutUint64(buf[:], frame)
	if err := o.mem.write(frame-uint64(in.imm8)*size, buf[:size]); err != nil {
		return err
	}
	return o.relog()
}

// relog sets the new value of every logged write of the step from the
// oracle's memory, after a correction rewrote it. Only for instructions
// that write each byte once.
func (o *Oracle) relog() error {
	log := o.mem.writes()[o.logSkip:]
	var buf [8]byte
	for i := range log {
		w := &log[i]
		clear(buf[:])
		if err := o.mem.read(uint64(w.addr), buf[:w.size]); err != nil {
			return err
		}
		setValue(w, valueOf(buf))
		o.dropCode(uint64(w.addr), uint64(w.size))
	}
	return nil
}

// dropCode discards Unicorn's translations of [addr, addr+n) when the
// program may execute it: the oracle's own writes to memory do not.
func (o *Oracle) dropCode(addr, n uint64) {
	for p := addr &^ pageMask; p < addr+n; p += pageSize {
		if r, ok := o.m.Find(p); ok && r.Perm&machine.PermExec != 0 {
			o.eng.RemoveCache(p, p+pageSize)
		}
	}
}

// fixShiftFlags recomputes the flags of shl/shr/sar m, cl and shld/shrd m
// (see the top of the file): the same operation runs on registers on the
// calculator engine, whose flags are right, and must give the result
// Unicorn stored.
func (o *Oracle) fixShiftFlags(pc uint64, in *insn) error {
	count := o.gpr(o.prev, 1) & 0xff // cl
	if in.fix == fixShiftD && (in.sub == 0xa4 || in.sub == 0xac) {
		count = uint64(in.imm8)
	}
	mask := uint64(31)
	if in.opsize == 8 {
		mask = 63
	}
	if count&mask == 0 {
		return nil // the flags do not change, and Unicorn keeps them
	}
	size := int(in.opsize)
	ea := o.effectiveAddress(o.prev, pc, in)
	var old, now [8]byte
	if !o.loggedOld(ea, old[:size]) {
		return fmt.Errorf("the shift's store to %#x is not in the write log", ea)
	}
	if err := o.mem.read(ea, now[:size]); err != nil {
		return err
	}
	c, err := o.calculator()
	if err != nil {
		return err
	}
	res, flags, err := c.shift(in, valueOf(old), count, o.gpr(o.prev, in.reg), uint64(binary.LittleEndian.Uint32(o.prev[o.regs.eflags:])))
	if err != nil {
		return err
	}
	if want := valueOf(now); res&sizeMask(size) != want {
		return fmt.Errorf("the calculator computes %#x where Unicorn stored %#x", res&sizeMask(size), want)
	}
	return o.setStatusFlags(flags)
}

// loggedOld fills old with the bytes at addr before the step, from the
// first logged write of each byte; it reports whether all were logged.
func (o *Oracle) loggedOld(addr uint64, old []byte) bool {
	log := o.mem.writes()[o.logSkip:]
	for j := range old {
		a, found := addr+uint64(j), false
		for i := range log {
			w := &log[i]
			if off := a - uint64(w.addr); a >= uint64(w.addr) && off < uint64(w.size) && w.known&(1<<off) != 0 {
				old[j], found = o.mem.oldBytes(w)[off], true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func valueOf(b [8]byte) uint64 { return binary.LittleEndian.Uint64(b[:]) }

func sizeMask(size int) uint64 {
	if size >= 8 {
		return ^uint64(0)
	}
	return 1<<(8*size) - 1
}

// fixCmpxchg32: a 32-bit CMPXCHG writes EAX only when the comparison
// fails, and a register destination only when it succeeds. Unicorn
// always writes both, which zero-extends RAX on success and the
// destination register on failure.
func (o *Oracle) fixCmpxchg32(in *insn) error {
	fl, err := o.eflags()
	if err != nil {
		return err
	}
	switch {
	case fl&flagZF != 0 && in.regRM && in.rm == 0:
		// cmpxchg eax, r32: the destination is EAX, and receives the source.
		err = o.setGPR(0, o.gpr(o.prev, in.reg)&0xffffffff)
	case fl&flagZF != 0:
		err = o.setGPR(0, o.gpr(o.prev, 0))
	case in.regRM:
		err = o.setGPR(in.rm, o.gpr(o.prev, in.rm))
	}
	return err
}

// fixLAHFSAHF: LAHF and SAHF operate on AH whatever the prefixes; with a
// REX prefix Unicorn uses SPL (the byte register encoded like AH).
func (o *Oracle) fixLAHFSAHF(in *insn) error {
	rax, rsp := o.gpr(o.prev, 0), o.gpr(o.prev, 4)
	if in.fix == fixSAHF {
		// SF ZF AF PF CF from AH.
		return o.setStatusFlags(rax >> 8 & (flagSF | flagZF | flagAF | flagPF | flagCF))
	}
	fl, err := o.eflags()
	if err != nil {
		return err
	}
	ah := fl&(flagSF|flagZF|flagAF|flagPF|flagCF) | 2
	if err := o.setGPR(4, rsp); err != nil {
		return err
	}
	return o.setGPR(0, rax&^0xff00|ah<<8)
}

// fixBMI corrects BEXTR with a length covering the operand (Unicorn caps
// the length at width-1, dropping the top bit) and BZHI with an index of
// width-1 or more (Unicorn sets CF from width-1 and caps the index at
// width-1, clearing the top bit). Flags follow Unicorn's (and QEMU's)
// model: logic flags for BEXTR; CF, ZF and SF for BZHI.
func (o *Oracle) fixBMI(pc uint64, in *insn) error {
	width := uint64(in.opsize) * 8
	mask := sizeMask(int(in.opsize))
	var src uint64
	if in.regRM {
		src = o.gpr(o.prev, in.rm)
	} else {
		var b [8]byte
		if err := o.mem.read(o.effectiveAddress(o.prev, pc, in), b[:in.opsize]); err != nil {
			return err
		}
		src = valueOf(b)
	}
	src &= mask
	ctl := o.gpr(o.prev, in.vvvv)
	var res, st uint64
	if in.fix == fixBEXTR {
		start, length := ctl&0xff, ctl>>8&0xff
		if start >= width || length < width {
			return nil // Unicorn is right
		}
		res = src >> start
		st = logicFlags(res, width)
	} else {
		index := ctl & 0xff
		switch {
		case index < width-1:
			return nil
		case index == width-1:
			res = src & (mask >> 1)
		default:
			res, st = src, flagCF
		}
		if res == 0 {
			st |= flagZF
		}
		st |= res >> (width - 1) & 1 * flagSF
	}
	if err := o.setGPR(in.reg, res); err != nil {
		return err
	}
	return o.setStatusFlags(st)
}

// logicFlags are the flags of a logic instruction's result: SF, ZF and PF
// from it, CF, OF and AF clear.
func logicFlags(res, width uint64) uint64 {
	var st uint64
	if res&sizeMask(int(width/8)) == 0 {
		st |= flagZF
	}
	st |= res >> (width - 1) & 1 * flagSF
	if bits.OnesCount8(uint8(res))%2 == 0 {
		st |= flagPF
	}
	return st
}

// x87 constants: the 64-bit significand rounded down (toward zero: they
// are positive), and whether rounding to nearest rounds up. Rounding up
// adds one to the truncated significand (none is exact). Measured on
// hardware.
var fldConsts = map[uint8]struct {
	exp       uint16
	down      uint64
	nearestUp bool
}{
	0xe9: {0x4000, 0xd49a784bcd1b8afe, false}, // fldl2t
	0xea: {0x3fff, 0xb8aa3b295c17f0bb, true},  // fldl2e
	0xeb: {0x4000, 0xc90fdaa22168c234, true},  // fldpi
	0xec: {0x3ffd, 0x9a209a84fbcff798, true},  // fldlg2
	0xed: {0x3ffe, 0xb17217f7d1cf79ab, true},  // fldln2
}

// fixFLDConst rounds the irrational x87 constants in the rounding mode
// of the control word; Unicorn always rounds them to nearest.
func (o *Oracle) fixFLDConst(in *insn) error {
	c, ok := fldConsts[in.sub]
	if !ok {
		return errors.New("unknown x87 constant")
	}
	cw, err := o.eng.RegRead(unicorn.X86RegFPCW)
	if err != nil {
		return err
	}
	sw, err := o.eng.RegRead(unicorn.X86RegFPSW)
	if err != nil {
		return err
	}
	reg := unicorn.X86RegFP0 + unicorn.Reg(sw>>11&7)
	var st [16]byte
	if _, err := o.eng.RegReadBytes(reg, st[:]); err != nil {
		return err
	}
	nearest := c.down
	if c.nearestUp {
		nearest++
	}
	if binary.LittleEndian.Uint64(st[:]) != nearest || binary.LittleEndian.Uint16(st[8:]) != c.exp {
		return nil // not the constant (a stack overflow, say): leave it
	}
	want := c.down
	switch cw >> 10 & 3 {
	case 0: // to nearest
		want = nearest
	case 2: // up
		want = c.down + 1
	}
	binary.LittleEndian.PutUint64(st[:], want)
	return o.eng.RegWriteBytes(reg, st[:10])
}
