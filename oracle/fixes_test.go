package oracle

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand"
	"testing"

	"lockstep/machine"
)

// enterModel is ENTER as the SDM defines it, on a flat memory: the stores
// (address, value) of enter size, level with rbp and rsp.
func enterModel(mem map[uint64]uint64, rbp, rsp, size uint64, level int) {
	frame := rsp - size
	mem[frame] = rbp
	for i := uint64(1); i < uint64(level); i++ {
		mem[frame-i*size] = mem[rbp-i*size]
	}
	mem[frame-uint64(level)*size] = frame
}

// TestEnterNested covers ENTER with nesting levels. Unicorn, with a write
// hook installed, copies the instruction's address instead of the outer
// frame pointers; the oracle redoes the copies.
func TestEnterNested(t *testing.T) {
	tests := []struct {
		name     string
		code     string
		size     uint64 // push size
		level    int
		rbpAbove uint64 // rbp - rsp before
	}{
		{"level 2, rbp = rsp (the corpus case)", "c8180002", 8, 2, 0},
		{"level 1", "c8080001", 8, 1, 0x40},
		{"level 3, outer frame above", "c8100003", 8, 3, 0x40},
		{"level 31", "c800001f", 8, 31, 0x400},
		{"level 33 is level 1", "c8000021", 8, 1, 0x40},
		{"16-bit, level 4", "66c8080004", 2, 4, 0x20},
		{"16-bit, level 2, rbp = rsp", "66c8000002", 2, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rsp := uint64(stackPtr - 0x800)
			rbp := rsp + tt.rbpAbove
			model := make(map[uint64]uint64) // by address, in push-size words
			o := runBoth(t, tt.code, func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsp", rsp)
				s.SetUint64("rbp", rbp)
				// The outer frame's display: distinct words below rbp.
				for i := uint64(1); i <= 32; i++ {
					v := 0x1111_0000_0000_0000 | i<<8 | i
					var b [8]byte
					binary.LittleEndian.PutUint64(b[:], v)
					src.write(rbp-i*tt.size, b[:tt.size])
					model[rbp-i*tt.size] = v & sizeMask(int(tt.size))
				}
			}, 1)
			enterModel(model, rbp, rsp, tt.size, tt.level)
			for i := 0; i <= tt.level; i++ {
				a := rsp - tt.size - uint64(i)*tt.size
				var b [8]byte
				copy(b[:], o.mem(a, int(tt.size)))
				if got, want := binary.LittleEndian.Uint64(b[:]), model[a]&sizeMask(int(tt.size)); got != want {
					t.Errorf("word at %#x = %#x, want %#x", a, got, want)
				}
			}
		})
	}
}

// TestShiftFlags covers the memory shifts whose flags the write hook
// corrupts (shl/shr/sal/sar m, cl and shld/shrd m), at every size, with
// random values and counts, against plain Unicorn, which computes them
// right without the hook; and a few results recorded on hardware.
func TestShiftFlags(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var codes []string
	for _, pfx := range []string{"", "66", "48"} {
		for _, modrm := range []string{"26", "2e", "36", "3e"} { // [rsi] with /4 /5 /6 /7
			codes = append(codes, pfx+"d3"+modrm)
		}
		codes = append(codes, pfx+"0fa516", pfx+"0fad16") // shld/shrd [rsi], edx, cl
		codes = append(codes, pfx+"0fa41605", pfx+"0fac161f", pfx+"0fa41611", pfx+"0fac1641")
	}
	codes = append(codes, "d226", "d22e", "d236", "d23e")
	for _, code := range codes {
		for k := 0; k < 6; k++ {
			val, cnt, src := rng.Uint64(), uint64(rng.Intn(70)), rng.Uint64()
			if k == 0 {
				cnt = 1
			}
			flags := uint64(rng.Intn(0x1000)) & flagStatus
			t.Run(fmt.Sprintf("%s %#x by %d", code, val, cnt), func(t *testing.T) {
				runBoth(t, code, func(s *machine.Snapshot, f *fakeSource) {
					s.SetUint64("rsi", dataBase+0x40)
					s.SetUint64("rcx", cnt)
					s.SetUint64("rdx", src)
					s.SetUint64("eflags", 0x202|flags)
					var b [8]byte
					binary.LittleEndian.PutUint64(b[:], val)
					f.write(dataBase+0x40, b[:])
				}, 1)
			})
		}
	}
	// Recorded on hardware: value, count, the result and flags & 0x8d5.
	for _, tt := range []struct {
		name, code      string
		val, cnt, src   uint64
		res, wantStatus uint64
	}{
		{"shl dword 0x80000001 by 1", "d326", 0x80000001, 1, 0, 2, flagCF | flagOF},
		{"shr qword 1 by 1", "48d32e", 1, 1, 0, 0, flagCF | flagZF | flagPF},
		{"sar byte 0x81 by 1", "d23e", 0x81, 1, 0, 0xc0, flagCF | flagSF | flagPF},
		{"shld dword 0x40000000, 0x80000000 by 1", "0fa516", 0x40000000, 1, 0x80000000, 0x80000001, flagSF | flagOF},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := newTestOracle(t, tt.code, func(s *machine.Snapshot, f *fakeSource) {
				s.SetUint64("rsi", dataBase)
				s.SetUint64("rcx", tt.cnt)
				s.SetUint64("rdx", tt.src)
				var b [8]byte
				binary.LittleEndian.PutUint64(b[:], tt.val)
				f.write(dataBase, b[:])
			})
			o.step()
			var b [8]byte
			copy(b[:], o.mem(dataBase, 8))
			if got := binary.LittleEndian.Uint64(b[:]) & 0xffffffff; got != tt.res&0xffffffff {
				t.Errorf("result %#x, want %#x", got, tt.res)
			}
			if got := o.reg("eflags") & (flagStatus &^ flagAF); got != tt.wantStatus {
				t.Errorf("flags %#x, want %#x", got, tt.wantStatus)
			}
		})
	}
}

// TestLockPrefix: a lock prefix is allowed only on read-modify-write
// instructions with a memory destination; anything else raises #UD. The
// oracle decides it: Unicorn executes some (lock movs, lock nop) and
// aborts the process translating others (lock cmp, lock cmps, lock bt).
func TestLockPrefix(t *testing.T) {
	ud := FaultInfo{Signal: sigILL, Vector: VectorUD}
	tests := []struct {
		name string
		code string
		ok   bool
	}{
		{"lock add [rsi], eax", "f00106", true},
		{"lock sub [rsi], 1", "f0832e01", true},
		{"lock xchg [rsi], rax", "f0488706", true},
		{"lock not dword [rsi]", "f0f716", true},
		{"lock inc byte [rsi]", "f0fe06", true},
		{"lock bts [rsi], eax", "f00fab06", true},
		{"lock btc [rsi], 3", "f00fba3e03", true},
		{"lock xadd [rsi], eax", "f00fc106", true},
		{"lock cmpxchg [rsi], ecx", "f00fb10e", true},
		{"lock cmpxchg16b [rsi]", "f0480fc70e", true},
		{"rex before lock add is not a rex", "48f00106", true},
		{"lock cmp [rsi], eax", "f03906", false},
		{"lock cmp dword [rsi], 1", "f0833e01", false},
		{"lock cmpsd", "f0a7", false},
		{"lock movsd", "f0a5", false},
		{"lock nop", "f090", false},
		{"lock mov [rsi], eax", "f08906", false},
		{"lock add eax, [rsi]", "f00306", false},
		{"lock add eax, ecx", "f001c8", false},
		{"lock bt [rsi], eax", "f00fa306", false},
		{"lock bt ecx, eax", "f00fa3c1", false},
		{"lock bts ecx, eax", "f00fabc1", false},
		{"lock bt [rsi], 3", "f00fba2603", false},
		{"lock inc eax", "f0ffc0", false},
		{"lock movdqa xmm0, [rsi]", "66f00f6f06", false},
		{"lock pshufb xmm0, xmm1", "66f00f3800c1", false},
		{"lock andn (vex)", "f0c4e2e0f2c1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newTestOracle(t, tt.code, func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsi", dataBase)
				s.SetUint64("rdi", dataBase+0x100)
			})
			r := o.step()
			if tt.ok {
				if r.Kind != Executed {
					t.Fatalf("result %+v, want executed", r)
				}
				return
			}
			wantFault(t, r, ud)
			if r.Reason == "" {
				t.Error("no reason for the #UD")
			}
			if rip := o.reg("rip"); rip != textBase {
				t.Errorf("rip = %#x after #UD, want the instruction", rip)
			}
		})
	}
}

// TestUnicornCorrections covers the instructions whose results Unicorn
// 2.0.1 gets wrong and the oracle corrects, with results recorded on
// hardware (and, where it matters, QEMU 7.2's choice for flags the SDM
// leaves undefined).
func TestUnicornCorrections(t *testing.T) {
	type regs map[string]uint64
	tests := []struct {
		name string
		code string
		in   regs
		mem  string // at dataBase, rsi points there
		out  regs   // registers; "flags" is eflags & 0x8d5
		want string // memory at dataBase afterwards
	}{
		// CMPXCHG r/m32: EAX written only on failure, a register
		// destination only on success.
		{"cmpxchg ebx, ecx succeeds", "0fb1cb",
			regs{"rax": 0xffffffff00000005, "rbx": 0xaaaaaaaa00000005, "rcx": 0x123456789abcdef0}, "",
			regs{"rax": 0xffffffff00000005, "rbx": 0x9abcdef0, "rcx": 0x123456789abcdef0}, ""},
		{"cmpxchg ebx, ecx fails", "0fb1cb",
			regs{"rax": 0xffffffff00000001, "rbx": 0xaaaaaaaa00000005, "rcx": 0x123456789abcdef0}, "",
			regs{"rax": 5, "rbx": 0xaaaaaaaa00000005}, ""},
		{"cmpxchg [rsi], ecx succeeds", "0fb10e",
			regs{"rax": 0xffffffff00000005, "rcx": 0x123456789abcdef0}, "05000000",
			regs{"rax": 0xffffffff00000005}, "f0debc9a"},
		{"lock cmpxchg [rsi], ecx fails", "f00fb10e",
			regs{"rax": 0xffffffff00000005, "rcx": 0x123456789abcdef0}, "07000000",
			regs{"rax": 7}, "07000000"},
		{"cmpxchg eax, ecx", "0fb1c8",
			regs{"rax": 0xffffffff00000005, "rcx": 0x123456789abcdef0}, "",
			regs{"rax": 0x9abcdef0}, ""},
		{"cmpxchg r9d, r10d fails", "450fb1d1",
			regs{"rax": 0xffffffff00000001, "r9": 0xaaaaaaaa00000005, "r10": 7}, "",
			regs{"rax": 5, "r9": 0xaaaaaaaa00000005}, ""},
		{"cmpxchg rbx, rcx (64-bit) untouched", "480fb1cb",
			regs{"rax": 1, "rbx": 2, "rcx": 3}, "",
			regs{"rax": 2, "rbx": 2}, ""},
		// LAHF/SAHF ignore REX: AH, never SPL.
		{"rex.W lahf", "489f",
			regs{"rax": 0x1234, "eflags": 0x203}, "",
			regs{"rax": 0x0334, "rsp": stackPtr}, ""},
		{"rex sahf", "409e",
			regs{"rax": 0xd500}, "",
			regs{"flags": 0xd5, "rsp": stackPtr}, ""},
		// BEXTR with a length covering the operand keeps the top bit.
		{"bextr rax, rbx, rcx, length 64", "c4e2f0f7c3",
			regs{"rbx": 0x8000000000000001, "rcx": 0x4000}, "",
			regs{"rax": 0x8000000000000001, "flags": flagSF}, ""},
		{"bextr rax, rbx, rcx, length 255", "c4e2f0f7c3",
			regs{"rbx": 0x8000000000000001, "rcx": 0xff00}, "",
			regs{"rax": 0x8000000000000001, "flags": flagSF}, ""},
		{"bextr eax, ebx, ecx, length 32", "c4e270f7c3",
			regs{"rbx": 0x80000003, "rcx": 0x2000}, "",
			regs{"rax": 0x80000003, "flags": flagSF | flagPF}, ""},
		{"bextr eax, [rsi], ecx, start 4 length 40", "c4e270f706",
			regs{"rcx": 0x2804}, "f0debc9a",
			regs{"rax": 0x09abcdef, "flags": 0}, ""},
		{"bextr rax, rbx, rcx, start 1 length 63 (Unicorn is right)", "c4e2f0f7c3",
			regs{"rbx": 0x8000000000000001, "rcx": 0x3f01}, "",
			regs{"rax": 0x4000000000000000, "flags": flagPF}, ""},
		// BZHI: CF only from the width up, and then the source whole.
		{"bzhi rax, rbx, rcx, index 63", "c4e2f0f5c3",
			regs{"rbx": ^uint64(0), "rcx": 63}, "",
			regs{"rax": 0x7fffffffffffffff, "flags": 0}, ""},
		{"bzhi rax, rbx, rcx, index 64", "c4e2f0f5c3",
			regs{"rbx": ^uint64(0), "rcx": 64}, "",
			regs{"rax": ^uint64(0), "flags": flagCF | flagSF}, ""},
		{"bzhi eax, ebx, ecx, index 31", "c4e270f5c3",
			regs{"rbx": ^uint64(0), "rcx": 31}, "",
			regs{"rax": 0x7fffffff, "flags": 0}, ""},
		{"bzhi eax, ebx, ecx, index 0x120", "c4e270f5c3",
			regs{"rbx": 0x7fffffff, "rcx": 0x120}, "",
			regs{"rax": 0x7fffffff, "flags": flagCF}, ""},
		{"bzhi eax, [rsi], ecx, index 200", "c4e270f506",
			regs{"rcx": 200}, "00000080",
			regs{"rax": 0x80000000, "flags": flagCF | flagSF}, ""},
		{"bzhi rax, rbx, rcx, index 5 (Unicorn is right)", "c4e2f0f5c3",
			regs{"rbx": ^uint64(0), "rcx": 5}, "",
			regs{"rax": 0x1f, "flags": 0}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newTestOracle(t, tt.code, func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsi", dataBase)
				for n, v := range tt.in {
					s.SetUint64(n, v)
				}
				if tt.mem != "" {
					src.write(dataBase, unhex(t, tt.mem))
				}
			})
			before := cachedMemory(o)
			r := o.step()
			if r.Kind != Executed {
				t.Fatalf("result %+v", r)
			}
			checkWrites(t, o, r, before)
			for n, want := range tt.out {
				var got uint64
				if n == "flags" {
					got = o.reg("eflags") & flagStatus
				} else {
					got = o.reg(n)
				}
				if got != want {
					t.Errorf("%s = %#x, want %#x", n, got, want)
				}
			}
			if tt.want != "" {
				if m := o.mem(dataBase, len(tt.want)/2); !bytes.Equal(m, unhex(t, tt.want)) {
					t.Errorf("memory %x, want %s", m, tt.want)
				}
			}
		})
	}
}

// TestFLDConstRounding: fldl2t, fldl2e, fldpi, fldlg2 and fldln2 round
// in the control word's rounding mode (values recorded on hardware).
func TestFLDConstRounding(t *testing.T) {
	// Significands for RC = nearest, down, up, toward zero.
	consts := []struct {
		name, code string
		exp        uint16
		sig        [4]uint64
	}{
		{"fldpi", "d9eb", 0x4000, [4]uint64{0xc90fdaa22168c235, 0xc90fdaa22168c234, 0xc90fdaa22168c235, 0xc90fdaa22168c234}},
		{"fldl2e", "d9ea", 0x3fff, [4]uint64{0xb8aa3b295c17f0bc, 0xb8aa3b295c17f0bb, 0xb8aa3b295c17f0bc, 0xb8aa3b295c17f0bb}},
		{"fldl2t", "d9e9", 0x4000, [4]uint64{0xd49a784bcd1b8afe, 0xd49a784bcd1b8afe, 0xd49a784bcd1b8aff, 0xd49a784bcd1b8afe}},
		{"fldlg2", "d9ec", 0x3ffd, [4]uint64{0x9a209a84fbcff799, 0x9a209a84fbcff798, 0x9a209a84fbcff799, 0x9a209a84fbcff798}},
		{"fldln2", "d9ed", 0x3ffe, [4]uint64{0xb17217f7d1cf79ac, 0xb17217f7d1cf79ab, 0xb17217f7d1cf79ac, 0xb17217f7d1cf79ab}},
	}
	for _, c := range consts {
		for rc := uint64(0); rc < 4; rc++ {
			t.Run(fmt.Sprintf("%s RC=%d", c.name, rc), func(t *testing.T) {
				o := newTestOracle(t, c.code, func(s *machine.Snapshot, src *fakeSource) {
					s.SetUint64("fctrl", 0x37f|rc<<10)
				})
				if r := o.step(); r.Kind != Executed {
					t.Fatalf("%+v", r)
				}
				st := o.regs().Bytes("st7")
				var want [10]byte
				binary.LittleEndian.PutUint64(want[:], c.sig[rc])
				binary.LittleEndian.PutUint16(want[8:], c.exp)
				if !bytes.Equal(st, want[:]) {
					t.Errorf("R7 = %x, want %x", st, want)
				}
				if sw := o.reg("fstat"); sw != 0x3800 {
					t.Errorf("fstat = %#x, want 0x3800", sw)
				}
			})
		}
	}
}
