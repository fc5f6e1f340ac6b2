package oracle

import (
	"encoding/binary"
	"math/bits"

	"lockstep/unicorn"
)

// PCMPESTRI, PCMPESTRM, PCMPISTRI and PCMPISTRM as the SDM defines them
// (Vol. 2B, "String and Text Processing Instructions"). Unicorn 2.0.1
// (QEMU 5.0) misses a match that runs off the end of the register in the
// equal-ordered aggregation (fixed in QEMU 5.1) and takes a negative
// explicit length as 16 instead of its absolute value; the oracle
// computes their results itself.

// pcmpOp is one PCMPxSTRx: the opcode (0x60-0x63 of 0F 3A), the control
// byte, the operands (a is the first, a register; b the second) and the
// explicit lengths (rax, rdx; 64-bit under REX.W).
type pcmpOp struct {
	op     byte
	imm    byte
	a, b   [16]byte
	rax    uint64
	rdx    uint64
	rexW   bool
	result uint16 // IntRes2, set by run
}

// elems is the number of elements of an operand: 16 bytes or 8 words.
func (p *pcmpOp) elems() int {
	if p.imm&1 != 0 {
		return 8
	}
	return 16
}

// elem returns element i of x, sign-extended when the control byte says
// the elements are signed.
func (p *pcmpOp) elem(x *[16]byte, i int) int32 {
	switch p.imm & 3 {
	case 0:
		return int32(x[i])
	case 1:
		return int32(binary.LittleEndian.Uint16(x[2*i:]))
	case 2:
		return int32(int8(x[i]))
	}
	return int32(int16(binary.LittleEndian.Uint16(x[2*i:])))
}

// length is an operand's number of valid elements: explicit (PCMPESTRx:
// the absolute value of the register, at most the element count) or
// implicit (up to the first zero element).
func (p *pcmpOp) length(x *[16]byte, reg uint64) int {
	n := p.elems()
	if p.op == 0x60 || p.op == 0x61 {
		v := int64(reg)
		if !p.rexW {
			v = int64(int32(reg))
		}
		if v < -int64(n) || v > int64(n) {
			return n
		}
		if v < 0 {
			v = -v
		}
		return int(v)
	}
	for i := 0; i < n; i++ {
		if p.elem(x, i) == 0 {
			return i
		}
	}
	return n
}

// run computes IntRes2 and returns the flags (CF, ZF, SF, OF; AF and PF
// clear).
func (p *pcmpOp) run() (flags uint64) {
	n := p.elems()
	la, lb := p.length(&p.a, p.rax), p.length(&p.b, p.rdx)
	var res uint16
	for j := 0; j < n; j++ {
		var r bool
		switch p.imm >> 2 & 3 {
		case 0: // equal any: b[j] is one of a's elements
			for i := 0; i < la && j < lb; i++ {
				r = r || p.elem(&p.a, i) == p.elem(&p.b, j)
			}
		case 1: // ranges: b[j] in one of a's pairs [a[i], a[i+1]]
			for i := 0; i+1 < la && j < lb; i += 2 {
				v := p.elem(&p.b, j)
				r = r || p.elem(&p.a, i) <= v && v <= p.elem(&p.a, i+1)
			}
		case 2: // equal each: a[j] == b[j]; both past their ends count as equal
			switch {
			case j < la && j < lb:
				r = p.elem(&p.a, j) == p.elem(&p.b, j)
			default:
				r = j >= la && j >= lb
			}
		case 3: // equal ordered: a (the substring) starts at b[j]
			r = true
			for k := 0; k < n-j && k < la; k++ {
				if j+k >= lb || p.elem(&p.a, k) != p.elem(&p.b, j+k) {
					r = false
					break
				}
			}
		}
		if r {
			res |= 1 << j
		}
	}
	all := uint16(1<<n - 1)
	switch p.imm >> 4 & 3 {
	case 1: // negative
		res ^= all
	case 3: // masked negative: only b's valid elements
		res ^= uint16(1<<lb - 1)
	}
	p.result = res
	if res != 0 {
		flags |= flagCF
	}
	if lb < n {
		flags |= flagZF
	}
	if la < n {
		flags |= flagSF
	}
	if res&1 != 0 {
		flags |= flagOF
	}
	return flags
}

// index is PCMPxSTRI's result: the least (or, with control bit 6, the
// most) significant bit of IntRes2, or the element count if none is set.
func (p *pcmpOp) index() uint64 {
	switch {
	case p.result == 0:
		return uint64(p.elems())
	case p.imm&0x40 != 0:
		return uint64(15 - bits.LeadingZeros16(p.result))
	}
	return uint64(bits.TrailingZeros16(p.result))
}

// mask is PCMPxSTRM's result for XMM0: IntRes2 as a bit mask, or (with
// control bit 6) expanded to one byte or word of ones per set bit.
func (p *pcmpOp) mask() (m [16]byte) {
	if p.imm&0x40 == 0 {
		binary.LittleEndian.PutUint16(m[:], p.result)
		return m
	}
	size := 16 / p.elems()
	for i := 0; i < p.elems(); i++ {
		if p.result&(1<<i) != 0 {
			for k := 0; k < size; k++ {
				m[i*size+k] = 0xff
			}
		}
	}
	return m
}

// preparePCMPSTR saves the register operands of a PCMPxSTRx before the
// step: PCMPxSTRM overwrites XMM0, which may be one of them.
func (o *Oracle) preparePCMPSTR(in *insn) error {
	if _, err := o.eng.RegReadBytes(unicorn.X86RegXMM0+unicorn.Reg(in.reg), o.pcmpA[:]); err != nil {
		return err
	}
	if in.regRM {
		if _, err := o.eng.RegReadBytes(unicorn.X86RegXMM0+unicorn.Reg(in.rm), o.pcmpB[:]); err != nil {
			return err
		}
	}
	return nil
}

// fixPCMPSTR sets the results of a PCMPxSTRx Unicorn executed (its
// operands were saved by preparePCMPSTR; a memory operand is unchanged).
func (o *Oracle) fixPCMPSTR(pc uint64, in *insn) error {
	p := pcmpOp{op: byte(in.opc), imm: in.imm8, a: o.pcmpA, b: o.pcmpB,
		rax: o.gpr(o.prev, 0), rdx: o.gpr(o.prev, 2), rexW: in.opsize == 8}
	if !in.regRM {
		if err := o.mem.read(o.effectiveAddress(o.prev, pc, in), p.b[:]); err != nil {
			return err
		}
	}
	flags := p.run()
	if p.op&1 != 0 { // pcmpXstri
		if err := o.setGPR(1, p.index()); err != nil {
			return err
		}
	} else {
		m := p.mask()
		if err := o.eng.RegWriteBytes(unicorn.X86RegXMM0, m[:]); err != nil {
			return err
		}
	}
	return o.setStatusFlags(flags)
}
