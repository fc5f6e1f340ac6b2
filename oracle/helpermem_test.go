package oracle

import (
	"bytes"
	"encoding/binary"
	"testing"

	"lockstep/machine"
)

// xmmPattern is a recognisable value for xmm register i.
func xmmPattern(i int) []byte {
	b := make([]byte, 16)
	for j := range b {
		b[j] = byte(0x10*i + j + 1)
	}
	return b
}

// setXMM gives xmm0..xmm15 their patterns.
func setXMM(s *machine.Snapshot) {
	for i := 0; i < 16; i++ {
		copy(s.Bytes("xmm"+itoa(i)), xmmPattern(i))
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return "1" + string(rune('0'+i-10))
}

// fxArea is an FXSAVE image: x87 control word 0x37f, MXCSR 0x1f80 and the
// xmm patterns (reversed, so that a restore is visible).
func fxArea() []byte {
	a := make([]byte, 512)
	binary.LittleEndian.PutUint16(a[0:], 0x37f)
	binary.LittleEndian.PutUint32(a[24:], 0x1f80)
	binary.LittleEndian.PutUint32(a[28:], 0xffff)
	for i := 0; i < 16; i++ {
		copy(a[160+16*i:], xmmPattern(15-i))
	}
	return a
}

// TestHelperMemoryAccesses runs instructions whose memory accesses
// Unicorn makes from helper functions (not inline TCG code) on pages the
// oracle has not fetched yet: every store must be logged and every page
// fetched before the helper reads it. Each case is compared with plain
// Unicorn, and checked against the architectural result.
func TestHelperMemoryAccesses(t *testing.T) {
	const area = dataBase + 0x100 // 16-byte aligned
	tests := []struct {
		name  string
		code  string
		steps int
		edit  func(s *machine.Snapshot, src *fakeSource)
		check func(t *testing.T, o *testOracle)
	}{
		{"fxsave on a fresh page", "0fae06", 1, // fxsave [rsi]
			func(s *machine.Snapshot, src *fakeSource) { s.SetUint64("rsi", area); setXMM(s) },
			func(t *testing.T, o *testOracle) {
				m := o.mem(area, 512)
				for i := 0; i < 16; i++ {
					if !bytes.Equal(m[160+16*i:176+16*i], xmmPattern(i)) {
						t.Errorf("xmm%d saved as %x", i, m[160+16*i:176+16*i])
					}
				}
				if mx := binary.LittleEndian.Uint32(m[24:]); mx != 0x1f80 {
					t.Errorf("MXCSR saved as %#x", mx)
				}
			}},
		{"fxrstor from a fresh page", "0fae0e", 1, // fxrstor [rsi]
			func(s *machine.Snapshot, src *fakeSource) { s.SetUint64("rsi", area); src.write(area, fxArea()) },
			func(t *testing.T, o *testOracle) {
				s := o.regs()
				for i := 0; i < 16; i++ {
					if x := s.Bytes("xmm" + itoa(i)); !bytes.Equal(x, xmmPattern(15-i)) {
						t.Errorf("xmm%d restored as %x", i, x)
					}
				}
			}},
		{"fxsave, clobber, fxrstor", "0fae06 660fefc9 660fefff 0fae0e", 4, // fxsave [rsi]; pxor xmm1, xmm1; pxor xmm7, xmm7; fxrstor [rsi]
			func(s *machine.Snapshot, src *fakeSource) { s.SetUint64("rsi", area); setXMM(s) },
			func(t *testing.T, o *testOracle) {
				s := o.regs()
				for _, i := range []int{1, 7} {
					if x := s.Bytes("xmm" + itoa(i)); !bytes.Equal(x, xmmPattern(i)) {
						t.Errorf("xmm%d after the round trip: %x", i, x)
					}
				}
			}},
		{"fnstenv on a fresh page", "d936", 1, // fnstenv [rsi]
			func(s *machine.Snapshot, src *fakeSource) { s.SetUint64("rsi", area) },
			func(t *testing.T, o *testOracle) {
				if cw := binary.LittleEndian.Uint16(o.mem(area, 2)); cw != 0x37f {
					t.Errorf("control word stored as %#x", cw)
				}
			}},
		{"fldenv from a fresh page", "d926", 1, // fldenv [rsi]
			func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsi", area)
				env := make([]byte, 28)
				binary.LittleEndian.PutUint16(env[0:], 0xe7f) // round toward zero
				binary.LittleEndian.PutUint16(env[8:], 0xffff)
				src.write(area, env)
			},
			func(t *testing.T, o *testOracle) {
				if cw := o.reg("fctrl"); cw != 0xe7f {
					t.Errorf("fctrl = %#x, want 0xe7f", cw)
				}
			}},
		{"fnsave on a fresh page", "d9e8 dd36", 2, // fld1; fnsave [rsi]
			func(s *machine.Snapshot, src *fakeSource) { s.SetUint64("rsi", area) },
			func(t *testing.T, o *testOracle) {
				if st0 := o.mem(area+28, 10); !bytes.Equal(st0, unhex(t, "0000000000000080ff3f")) {
					t.Errorf("st0 saved as %x, want 1.0", st0)
				}
			}},
		{"frstor from a fresh page", "dd26", 1, // frstor [rsi]
			func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsi", area)
				img := make([]byte, 108)
				binary.LittleEndian.PutUint16(img[0:], 0x37f)
				binary.LittleEndian.PutUint16(img[4:], 7<<11)    // TOP 7
				binary.LittleEndian.PutUint16(img[8:], 0x3fff)   // R7 valid
				copy(img[28:], unhex(t, "00000000000000c00040")) // st0 = 3.0
				src.write(area, img)
			},
			func(t *testing.T, o *testOracle) {
				if st7 := o.regs().Bytes("st7"); !bytes.Equal(st7, unhex(t, "00000000000000c00040")) {
					t.Errorf("R7 = %x, want 3.0", st7)
				}
			}},
		{"fbstp on a fresh page", "d9e8 df36", 2, // fld1; fbstp [rsi]
			func(s *machine.Snapshot, src *fakeSource) { s.SetUint64("rsi", area) },
			func(t *testing.T, o *testOracle) {
				if m := o.mem(area, 10); !bytes.Equal(m, unhex(t, "01000000000000000000")) {
					t.Errorf("BCD %x", m)
				}
			}},
		{"fbld from a fresh page", "df26", 1, // fbld [rsi]
			func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsi", area)
				src.write(area, unhex(t, "12000000000000000000"))
			},
			func(t *testing.T, o *testOracle) {
				if st7 := o.regs().Bytes("st7"); !bytes.Equal(st7, unhex(t, "00000000000000c00240")) {
					t.Errorf("R7 = %x, want 12.0", st7)
				}
			}},
		{"fstp and fld tword", "d9e8 db3e db2e", 3, // fld1; fstp tword [rsi]; fld tword [rsi]
			func(s *machine.Snapshot, src *fakeSource) { s.SetUint64("rsi", area) },
			nil},
		{"cmpxchg16b on a fresh page, equal", "480fc70e", 1, // cmpxchg16b [rsi]
			func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsi", area)
				s.SetUint64("rax", 0x1111)
				s.SetUint64("rdx", 0x2222)
				s.SetUint64("rbx", 0x3333)
				s.SetUint64("rcx", 0x4444)
				src.write(area, unhex(t, "1111000000000000 2222000000000000"))
			},
			func(t *testing.T, o *testOracle) {
				if m := o.mem(area, 16); !bytes.Equal(m, unhex(t, "3333000000000000 4444000000000000")) {
					t.Errorf("memory %x after a successful cmpxchg16b", m)
				}
				if o.reg("eflags")&0x40 == 0 { // ZF
					t.Error("ZF clear")
				}
			}},
		{"cmpxchg16b on a fresh page, different", "f0480fc70e", 1, // lock cmpxchg16b [rsi]
			func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsi", area)
				s.SetUint64("rax", 0x1111)
				src.write(area, unhex(t, "5555000000000000 6666000000000000"))
			},
			func(t *testing.T, o *testOracle) {
				if o.reg("rax") != 0x5555 || o.reg("rdx") != 0x6666 {
					t.Errorf("rdx:rax = %#x:%#x, want the memory operand", o.reg("rdx"), o.reg("rax"))
				}
			}},
		{"cmpxchg8b on a fresh page", "0fc70e", 1, // cmpxchg8b [rsi]
			func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsi", area)
				s.SetUint64("rax", 1)
				s.SetUint64("rbx", 0x77)
				src.write(area, unhex(t, "01000000 00000000"))
			},
			func(t *testing.T, o *testOracle) {
				if m := o.mem(area, 8); !bytes.Equal(m, unhex(t, "77000000 00000000")) {
					t.Errorf("memory %x", m)
				}
			}},
		{"maskmovdqu on a fresh page", "660ff7c1", 1, // maskmovdqu xmm0, xmm1 (to [rdi])
			func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rdi", area+3)
				copy(s.Bytes("xmm0"), xmmPattern(2))
				copy(s.Bytes("xmm1"), unhex(t, "80000080 00000000 00000000 000000ff"))
				src.write(area, bytes.Repeat([]byte{0xee}, 32))
			},
			func(t *testing.T, o *testOracle) {
				want := bytes.Repeat([]byte{0xee}, 32)
				want[3], want[6], want[18] = 0x21, 0x24, 0x30
				if m := o.mem(area, 32); !bytes.Equal(m, want) {
					t.Errorf("memory %x\nwant   %x", m, want)
				}
			}},
		{"rep movsb across pages", "f3a4", 3, // rep movsb, three iterations
			func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsi", dataBase+pageSize-1)
				s.SetUint64("rdi", stackBase+pageSize-2)
				s.SetUint64("rcx", 3)
				src.write(dataBase+pageSize-1, []byte{1, 2, 3})
			},
			func(t *testing.T, o *testOracle) {
				if m := o.mem(stackBase+pageSize-2, 3); !bytes.Equal(m, []byte{1, 2, 3}) {
					t.Errorf("copied %x", m)
				}
			}},
		{"pcmpistri from a fresh page", "660f3a630600", 1, // pcmpistri xmm0, [rsi], 0
			func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsi", area)
				copy(s.Bytes("xmm0"), []byte("xyz"))
				src.write(area, []byte("abcdefzhij\x00"))
			},
			func(t *testing.T, o *testOracle) {
				if rcx := o.reg("rcx"); rcx != 6 {
					t.Errorf("rcx = %d, want 6 (the first 'z')", rcx)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := runBoth(t, tt.code, tt.edit, tt.steps)
			if tt.check != nil {
				tt.check(t, o)
			}
		})
	}
}
