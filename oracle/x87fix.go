package oracle

import (
	"encoding/binary"
	"math/bits"

	"lockstep/unicorn"
)

// x87 corrections. Unicorn 2.0.1 is QEMU 5.0's x87, before QEMU 5.2 made
// its special cases follow the SDM (QEMU 7.2 has them): FBSTP of values
// out of range and FISTTP of positive values out of range store garbage
// or the largest integer instead of the indefinite; FLD of a 32- or
// 64-bit signalling NaN leaves it signalling; FXTRACT mishandles
// infinities, NaNs, denormals and unnormals. The oracle sets what the SDM
// specifies (with the invalid exception masked: the exception flags are
// Imprecise anyway).

// x87val is an x87 register: 64-bit significand (explicit integer bit), sign
// and 15-bit biased exponent.
type x87val struct {
	sig  uint64
	sign bool
	exp  uint16
}

func readX87(b []byte) x87val {
	se := binary.LittleEndian.Uint16(b[8:])
	return x87val{sig: binary.LittleEndian.Uint64(b), sign: se&0x8000 != 0, exp: se & 0x7fff}
}

func (x x87val) bytes() (b [10]byte) {
	binary.LittleEndian.PutUint64(b[:], x.sig)
	se := x.exp
	if x.sign {
		se |= 0x8000
	}
	binary.LittleEndian.PutUint16(b[8:], se)
	return b
}

// Classes the x87 tells apart.
func (x x87val) isNaN() bool      { return x.exp == 0x7fff && x.sig<<1 != 0 && x.sig>>63 == 1 }
func (x x87val) isInf() bool      { return x.exp == 0x7fff && x.sig == 1<<63 }
func (x x87val) isZero() bool     { return x.exp == 0 && x.sig == 0 }
func (x x87val) isDenormal() bool { return x.exp == 0 && x.sig != 0 }

// unsupported: the encodings the 387 no longer accepts (unnormals,
// pseudo-infinities and pseudo-NaNs): a clear integer bit with a
// non-zero exponent.
func (x x87val) unsupported() bool { return x.exp != 0 && x.sig>>63 == 0 }

// indefiniteX87 is the x87's default NaN.
var indefiniteX87 = x87val{sig: 0xc000_0000_0000_0000, sign: true, exp: 0x7fff}

// roundInt rounds x to an integer in rounding mode rc (the control word's
// RC: 0 nearest even, 1 down, 2 up, 3 toward zero) and returns its
// magnitude; ok is false for NaNs, infinities, unsupported encodings and
// magnitudes of 2^64 or more.
func (x x87val) roundInt(rc uint64) (mag uint64, ok bool) {
	if x.exp == 0x7fff || x.unsupported() {
		return 0, false
	}
	e := int(x.exp) - 16383 // value = sig * 2^(e-63)
	if x.exp == 0 {
		e = -16382
	}
	var frac uint64 // the fraction left of the binary point, in its top bits
	switch {
	case e >= 64:
		return 0, false
	case e >= 63:
		mag = x.sig << (e - 63)
	case e >= 0:
		mag, frac = x.sig>>(63-e), x.sig<<(e+1)
	case e == -1:
		frac = x.sig
	default:
		frac = 1 // below a half, not zero (or zero: sig is 0)
		if x.sig == 0 {
			frac = 0
		}
	}
	up := false
	switch rc & 3 {
	case 0:
		up = frac > 1<<63 || frac == 1<<63 && mag&1 == 1
	case 1:
		up = x.sign && frac != 0
	case 2:
		up = !x.sign && frac != 0
	}
	if up {
		if mag == ^uint64(0) {
			return 0, false
		}
		mag++
	}
	return mag, true
}

// x87Reg reads a physical x87 register.
func (o *Oracle) x87Reg(phys uint64) (x87val, error) {
	var b [16]byte
	if _, err := o.eng.RegReadBytes(unicorn.X86RegFP0+unicorn.Reg(phys&7), b[:]); err != nil {
		return x87val{}, err
	}
	return readX87(b[:]), nil
}

func (o *Oracle) setX87Reg(phys uint64, x x87val) error {
	b := x.bytes()
	return o.eng.RegWriteBytes(unicorn.X86RegFP0+unicorn.Reg(phys&7), b[:])
}

// top returns TOP after the step.
func (o *Oracle) top() (uint64, error) {
	sw, err := o.eng.RegRead(unicorn.X86RegFPSW)
	return sw >> 11 & 7, err
}

// fixFBSTP stores what FBSTP must: the packed BCD indefinite when the
// value rounds to 10^18 or more in magnitude or is not a number, and the
// source's sign even when it rounds to zero (-0, -0.3), where Unicorn
// takes the sign from the rounded integer.
func (o *Oracle) fixFBSTP(pc uint64, in *insn) error {
	top, err := o.top()
	if err != nil {
		return err
	}
	src, err := o.x87Reg(top - 1) // FBSTP popped it
	if err != nil {
		return err
	}
	cw, err := o.eng.RegRead(unicorn.X86RegFPCW)
	if err != nil {
		return err
	}
	ea := o.effectiveAddress(o.prev, pc, in)
	var bcd [10]byte
	if err := o.mem.read(ea, bcd[:]); err != nil {
		return err
	}
	want := bcd
	switch mag, ok := src.roundInt(cw >> 10); {
	case !ok || mag >= 1_000_000_000_000_000_000:
		want = [10]byte{7: 0xc0, 8: 0xff, 9: 0xff}
	case mag == 0 && src.sign:
		want[9] = 0x80
	}
	if want == bcd {
		return nil
	}
	if err := o.mem.write(ea, want[:]); err != nil {
		return err
	}
	return o.relog()
}

// fixFISTTP stores the integer indefinite (the most negative integer)
// when the truncated value does not fit; Unicorn stores the largest
// positive integer for positive values, infinities and NaNs.
func (o *Oracle) fixFISTTP(pc uint64, in *insn) error {
	top, err := o.top()
	if err != nil {
		return err
	}
	src, err := o.x87Reg(top - 1) // FISTTP popped it
	if err != nil {
		return err
	}
	w := uint(in.opsize) * 8
	mag, ok := src.roundInt(3)
	limit := uint64(1)<<(w-1) - 1 // the largest positive integer
	if src.sign {
		limit++
	}
	if ok && mag <= limit {
		return nil
	}
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], 1<<(w-1))
	if err := o.mem.write(o.effectiveAddress(o.prev, pc, in), b[:in.opsize]); err != nil {
		return err
	}
	return o.relog()
}

// fixFLDSNaN quiets a signalling NaN loaded from a 32- or 64-bit operand,
// as the conversion to extended precision does.
func (o *Oracle) fixFLDSNaN() error {
	top, err := o.top()
	if err != nil {
		return err
	}
	x, err := o.x87Reg(top)
	if err != nil {
		return err
	}
	if !x.isNaN() || x.sig&(1<<62) != 0 {
		return nil
	}
	x.sig |= 1 << 62
	return o.setX87Reg(top, x)
}

// prepareFXTRACT saves FXTRACT's operand (ST0) before the step.
func (o *Oracle) prepareFXTRACT() error {
	_, err := o.eng.RegReadBytes(unicorn.X86RegST0, o.x87Src[:])
	return err
}

// fixFXTRACT sets FXTRACT's results for the operands Unicorn mishandles:
// an infinity gives +inf and itself, a NaN itself (quieted) twice, a
// denormal its normalized significand and true exponent, an unsupported
// encoding the indefinite twice. (Zeros and normal numbers are right.)
func (o *Oracle) fixFXTRACT() error {
	src := readX87(o.x87Src[:])
	var exp, sig x87val
	switch {
	case src.unsupported():
		exp, sig = indefiniteX87, indefiniteX87
	case src.isInf():
		exp, sig = x87val{sig: 1 << 63, exp: 0x7fff}, src
	case src.isNaN():
		src.sig |= 1 << 62
		exp, sig = src, src
	case src.isDenormal():
		shift := bits.LeadingZeros64(src.sig)
		sig = x87val{sig: src.sig << shift, sign: src.sign, exp: 0x3fff}
		e := uint64(16382 + shift) // the exponent is -e
		lz := bits.LeadingZeros64(e)
		exp = x87val{sig: e << lz, sign: true, exp: uint16(16383 + 63 - lz)}
	default:
		return nil
	}
	top, err := o.top()
	if err != nil {
		return err
	}
	// FXTRACT replaced ST0 with the exponent, then pushed the significand.
	if err := o.setX87Reg(top+1, exp); err != nil {
		return err
	}
	return o.setX87Reg(top, sig)
}
