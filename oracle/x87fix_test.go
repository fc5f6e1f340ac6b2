package oracle

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"lockstep/machine"
)

// Results recorded on hardware (QEMU 7.2 agrees), for the x87 special
// cases Unicorn 2.0.1 gets wrong.

// TestFBSTP: out of range (a magnitude of 10^18 or more after rounding in
// the control word's mode) or not a number stores the packed BCD
// indefinite; the sign byte is the source's, also for a zero result.
func TestFBSTP(t *testing.T) {
	for _, tt := range []struct {
		name     string
		rc       uint64
		st0, bcd string // 80-bit source, 10-byte result (little-endian hex)
	}{
		{"nan", 0, "00000000000000c0ff7f", "00000000000000c0ffff"},
		{"+inf", 0, "0000000000000080ff7f", "00000000000000c0ffff"},
		{"-inf", 0, "0000000000000080ffff", "00000000000000c0ffff"},
		{"1e18", 0, "000040763a6b0bde3a40", "00000000000000c0ffff"},
		{"1e18-1", 0, "f0ff3f763a6b0bde3a40", "99999999999999999900"},
		{"1e18-0.5 nearest", 0, "f8ff3f763a6b0bde3a40", "00000000000000c0ffff"},
		{"1e18-0.5 toward zero", 3, "f8ff3f763a6b0bde3a40", "99999999999999999900"},
		{"1e18-0.5 up", 2, "f8ff3f763a6b0bde3a40", "00000000000000c0ffff"},
		{"1e18-0.5 down", 1, "f8ff3f763a6b0bde3a40", "99999999999999999900"},
		{"-(1e18-0.5) down", 1, "f8ff3f763a6b0bde3ac0", "00000000000000c0ffff"},
		{"-1e18", 0, "000040763a6b0bde3ac0", "00000000000000c0ffff"},
		{"2^63", 0, "00000000000000803e40", "00000000000000c0ffff"},
		{"-0", 0, "00000000000000000080", "00000000000000000080"},
		{"+0", 0, "00000000000000000000", "00000000000000000000"},
		{"-0.3", 0, "9a99999999999999fdbf", "00000000000000000080"},
		{"-0.7", 0, "33333333333333b3febf", "01000000000000000080"},
		{"-0.3 down", 1, "9a99999999999999fdbf", "01000000000000000080"},
		{"0.5", 0, "0000000000000080fe3f", "00000000000000000000"},
		{"2.5", 0, "00000000000000a00040", "02000000000000000000"},
		{"-12.5", 0, "00000000000000c802c0", "12000000000000000080"},
		{"-denormal", 0, "34120000000000000080", "00000000000000000080"},
		{"-denormal down", 1, "34120000000000000080", "01000000000000000080"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// fld tword [rsi]; fbstp [rsi+16]
			o := newTestOracle(t, "db2e df7610", func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsi", dataBase)
				s.SetUint64("fctrl", 0x37f|tt.rc<<10)
				src.write(dataBase, unhex(t, tt.st0))
				src.write(dataBase+16, bytes.Repeat([]byte{0xee}, 10))
			})
			o.step()
			before := cachedMemory(o)
			r := o.step()
			checkWrites(t, o, r, before)
			if m := o.mem(dataBase+16, 10); !bytes.Equal(m, unhex(t, tt.bcd)) {
				t.Errorf("stored %x, hardware %s", m, tt.bcd)
			}
		})
	}
}

// TestFISTTP: a truncated value out of range, an infinity or a NaN
// stores the integer indefinite (the most negative integer).
func TestFISTTP(t *testing.T) {
	for _, tt := range []struct {
		name     string
		st0      string
		m32, m64 uint64
	}{
		{"nan", "00000000000000c0ff7f", 0x80000000, 0x8000000000000000},
		{"+inf", "0000000000000080ff7f", 0x80000000, 0x8000000000000000},
		{"-inf", "0000000000000080ffff", 0x80000000, 0x8000000000000000},
		{"2^31", "00000000000000801e40", 0x80000000, 0x80000000},
		{"2^31-0.5", "00000000ffffffff1d40", 0x7fffffff, 0x7fffffff},
		{"-2^31-0.5", "00000080000000801ec0", 0x80000000, 0xffffffff80000000},
		{"-2^31-1", "00000000010000801ec0", 0x80000000, 0xffffffff7fffffff},
		{"2^63", "00000000000000803e40", 0x80000000, 0x8000000000000000},
		{"2^63-0.5", "ffffffffffffffff3d40", 0x80000000, 0x7fffffffffffffff},
		{"-2^63", "00000000000000803ec0", 0x80000000, 0x8000000000000000},
		{"1e30", "df4e6704cdc9f2c96240", 0x80000000, 0x8000000000000000},
		{"-1e30", "df4e6704cdc9f2c962c0", 0x80000000, 0x8000000000000000},
		{"-2.7", "cdccccccccccccac00c0", 0xfffffffe, 0xfffffffffffffffe},
	} {
		for _, size := range []int{4, 8} {
			t.Run(fmt.Sprintf("%s m%d", tt.name, size*8), func(t *testing.T) {
				code, want := "db2e db4e10", tt.m32 // fld tword [rsi]; fisttp dword [rsi+16]
				if size == 8 {
					code, want = "db2e dd4e10", tt.m64 // fisttp qword [rsi+16]
				}
				o := newTestOracle(t, code, func(s *machine.Snapshot, src *fakeSource) {
					s.SetUint64("rsi", dataBase)
					src.write(dataBase, unhex(t, tt.st0))
				})
				o.step()
				before := cachedMemory(o)
				r := o.step()
				checkWrites(t, o, r, before)
				var b [8]byte
				copy(b[:], o.mem(dataBase+16, size))
				if got := binary.LittleEndian.Uint64(b[:]); got != want {
					t.Errorf("stored %#x, hardware %#x", got, want)
				}
			})
		}
	}
}

// TestFLDSNaN: loading a 32- or 64-bit signalling NaN quiets it.
func TestFLDSNaN(t *testing.T) {
	for _, tt := range []struct {
		name, code, mem, st string
	}{
		{"fld m64 snan", "dd06", "000000000000f47f", "00000000000000e0ff7f"},
		{"fld m32 snan", "d906", "0000a07f", "00000000000000e0ff7f"},
		{"fld m64 -snan", "dd06", "010000000000f0ff", "00080000000000c0ffff"},
		{"fld m64 qnan", "dd06", "000000000000f87f", "00000000000000c0ff7f"},
		{"fld m64 -1.5", "dd06", "000000000000f8bf", "00000000000000c0ffbf"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := newTestOracle(t, tt.code, func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsi", dataBase)
				src.write(dataBase, unhex(t, tt.mem))
			})
			o.step()
			if st := o.regs().Bytes("st7"); !bytes.Equal(st, unhex(t, tt.st)) {
				t.Errorf("R7 = %x, hardware %s", st, tt.st)
			}
		})
	}
}

// TestFXTRACT: infinities, NaNs, denormals and unsupported encodings.
func TestFXTRACT(t *testing.T) {
	for _, tt := range []struct {
		name   string
		sig    uint64
		exp    uint16
		st0sig uint64 // significand, pushed
		st0exp uint16
		st1sig uint64 // exponent, in place of the operand
		st1exp uint16
	}{
		{"+inf", 0x8000000000000000, 0x7fff, 0x8000000000000000, 0x7fff, 0x8000000000000000, 0x7fff},
		{"-inf", 0x8000000000000000, 0xffff, 0x8000000000000000, 0xffff, 0x8000000000000000, 0x7fff},
		{"qnan", 0xc000000000001234, 0x7fff, 0xc000000000001234, 0x7fff, 0xc000000000001234, 0x7fff},
		{"snan", 0x8000000000001234, 0xffff, 0xc000000000001234, 0xffff, 0xc000000000001234, 0xffff},
		{"denormal", 0x1234, 0, 0x91a0000000000000, 0x3fff, 0x8062000000000000, 0xc00d},
		{"-denormal", 0x4000000000000000, 0x8000, 0x8000000000000000, 0xbfff, 0xfffc000000000000, 0xc00c},
		{"pseudo-denormal", 0x8000000000000001, 0, 0x8000000000000001, 0x3fff, 0xfff8000000000000, 0xc00c},
		{"unnormal", 0x4000000000000000, 0x3fff, 0xc000000000000000, 0xffff, 0xc000000000000000, 0xffff},
		{"pseudo-inf", 0, 0x7fff, 0xc000000000000000, 0xffff, 0xc000000000000000, 0xffff},
		{"1.5", 0xc000000000000000, 0x3fff, 0xc000000000000000, 0x3fff, 0, 0},
		{"-10", 0xa000000000000000, 0xc002, 0xa000000000000000, 0xbfff, 0xc000000000000000, 0x4000},
		{"-0", 0, 0x8000, 0, 0x8000, 0x8000000000000000, 0xffff},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := x87val{sig: tt.sig, sign: tt.exp&0x8000 != 0, exp: tt.exp & 0x7fff}.bytes()
			// fld tword [rsi]; fxtract
			o := newTestOracle(t, "db2e d9f4", func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsi", dataBase)
				src.write(dataBase, in[:])
			})
			o.step()
			o.step()
			s := o.regs()
			st0, st1 := readX87(s.Bytes("st6")), readX87(s.Bytes("st7"))
			want0 := x87val{sig: tt.st0sig, sign: tt.st0exp&0x8000 != 0, exp: tt.st0exp & 0x7fff}
			want1 := x87val{sig: tt.st1sig, sign: tt.st1exp&0x8000 != 0, exp: tt.st1exp & 0x7fff}
			if st0 != want0 || st1 != want1 {
				t.Errorf("st0 %+v st1 %+v, hardware %+v %+v", st0, st1, want0, want1)
			}
		})
	}
}
