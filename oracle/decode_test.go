package oracle

import (
	"encoding/hex"
	"math/rand"
	"strings"
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

// assembled instructions (GNU as, Intel syntax) and their text.
var assembled = []struct{ hex, asm string }{
	{"90", "nop"},
	{"b801000000", "mov eax, 1"},
	{"48b88877665544332211", "mov rax, 0x1122334455667788"},
	{"66b83412", "mov ax, 0x1234"},
	{"6878563412", "push 0x12345678"},
	{"6a12", "push 0x12"},
	{"480578563412", "add rax, 0x12345678"},
	{"83c012", "add eax, 0x12"},
	{"0401", "add al, 1"},
	{"4869c345230100", "imul rax, rbx, 0x12345"},
	{"486bc305", "imul rax, rbx, 5"},
	{"f60001", "test byte ptr [rax], 1"},
	{"f784980001000000100000", "test dword ptr [rax+rbx*4+0x100], 0x1000"},
	{"48f71500010000", "not qword ptr [rip+0x100]"},
	{"a08877665544332211", "mov al, [0x1122334455667788]"},
	{"48a18877665544332211", "mov rax, [0x1122334455667788]"},
	{"c8100002", "enter 0x10, 2"},
	{"c20800", "ret 8"},
	{"c3", "ret"},
	{"e800000000", "call 0x1000"},
	{"e900000000", "jmp 0x1000"},
	{"0f8500000000", "jne 0x10"},
	{"0f8400000000", "je 0x1000"},
	{"644889042528000000", "mov qword ptr fs:[0x28], rax"},
	{"488d446cf8", "lea rax, [rsp+rbp*2-8]"},
	{"8b4500", "mov eax, [rbp]"},
	{"418b4500", "mov eax, [r13]"},
	{"418b0424", "mov eax, [r12]"},
	{"8b0424", "mov eax, [rsp]"},
	{"8b042500100000", "mov eax, [0x1000]"},
	{"0fb6040e", "movzx eax, byte ptr [rsi+rcx]"},
	{"480fa4d807", "shld rax, rbx, 7"},
	{"480fbae005", "bt rax, 5"},
	{"660f70c11b", "pshufd xmm0, xmm1, 0x1b"},
	{"660fc5c103", "pextrw eax, xmm1, 3"},
	{"0fc60044", "shufps xmm0, xmmword ptr [rax], 0x44"},
	{"0fc2c102", "cmpps xmm0, xmm1, 2"},
	{"660f3a0b400804", "roundsd xmm0, qword ptr [rax+8], 4"},
	{"660f3a63061a", "pcmpistri xmm0, xmmword ptr [rsi], 0x1a"},
	{"f20f38f007", "crc32 eax, byte ptr [rdi]"},
	{"480f38f007", "movbe rax, [rdi]"},
	{"4990", "xchg rax, r8"},
	{"480fc70f", "cmpxchg16b [rdi]"},
	{"f00fc107", "lock xadd [rdi], eax"},
	{"f348ab", "rep stosq"},
	{"f3a6", "repe cmpsb"},
	{"dd442408", "fld qword ptr [rsp+8]"},
	{"db1c24", "fistp dword ptr [rsp]"},
	{"d9cb", "fxch st(3)"},
	{"0f6f00", "movq mm0, [rax]"},
	{"0ffcc1", "paddb mm0, mm1"},
	{"0f77", "emms"},
	{"0fae1424", "ldmxcsr [rsp]"},
	{"480fae0424", "fxsave64 [rsp]"},
	{"c4e2e0f24108", "andn rax, rbx, [rcx+8]"},
	{"c4e37bf044240407", "rorx eax, [rsp+4], 7"},
	{"c462b3f604d8", "mulx r8, r9, [rax+rbx*8]"},
	{"c4e2f1f707", "shlx rax, [rdi], rcx"},
	{"c44290f5fe", "bzhi r15, r14, r13"},
	{"c4e2f8f31e", "blsi rax, [rsi]"},
	{"f30f1efa", "endbr64"},
	{"0f0b", "ud2"},
	{"0f05", "syscall"},
	{"0fa2", "cpuid"},
	{"0f31", "rdtsc"},
	{"0f01d0", "xgetbv"},
	{"0f22c0", "mov cr0, rax"},
	{"8ed8", "mov ds, ax"},
	{"0fa1", "pop fs"},
	{"0fb40424", "lfs eax, [rsp]"},
	{"48cf", "iretq"},
	{"cb", "retf"},
	{"ff28", "jmp fword ptr [rax]"},
	{"ff18", "call fword ptr [rax]"},
	{"0f02c0", "lar eax, ax"},
	{"480fbf03", "movsx rax, word ptr [rbx]"},
	{"486303", "movsxd rax, dword ptr [rbx]"},
	{"6699", "cwd"},
	{"cd21", "int 0x21"},
	{"cc", "int3"},
	{"e460", "in al, 0x60"},
	{"ef", "out dx, eax"},
	{"6c", "insb"},
	{"6f", "outsd"},
	{"0f1800", "prefetchnta [rax]"},
	{"0f1f0400", "nop dword ptr [rax+rax*1+0x0]"},
	{"f390", "pause"},
	{"d7", "xlatb"},
	{"f5", "cmc"},
	{"0f280500010000", "movaps xmm0, xmmword ptr [rip+0x100]"},
	{"f20f58442410", "addsd xmm0, qword ptr [rsp+0x10]"},
	{"66480f3a22c001", "pinsrq xmm0, rax, 1"},
	{"660f3a21c110", "insertps xmm0, xmm1, 0x10"},
	{"660f383000", "pmovzxbw xmm0, qword ptr [rax]"},
	{"660f3adfc101", "aeskeygenassist xmm0, xmm1, 1"},
	{"660f3a44c111", "pclmulqdq xmm0, xmm1, 0x11"},
	{"0f3a0fc103", "palignr mm0, mm1, 3"},
	{"0f3800c1", "pshufb mm0, mm1"},
	{"0f2ac1", "cvtpi2ps xmm0, mm1"},
	{"f30fd6c1", "movq2dq xmm0, mm1"},
	{"f20ff006", "lddqu xmm0, [rsi]"},
	{"660f382a06", "movntdqa xmm0, [rsi]"},
	{"f3480fb806", "popcnt rax, [rsi]"},
	{"f30fbdc1", "lzcnt eax, ecx"},
	{"66480f38f606", "adcx rax, [rsi]"},
	{"0f38cbca", "sha256rnds2 xmm1, xmm2"},
	{"c5f1efc2", "vpxor xmm0, xmm1, xmm2"},
	{"c5f45800", "vaddps ymm0, ymm1, [rax]"},
	{"62f27d4878c1", "vpbroadcastb zmm0, xmm1"},
}

func TestDecodeLength(t *testing.T) {
	for _, tt := range assembled {
		b, err := hex.DecodeString(tt.hex)
		if err != nil {
			t.Fatal(err)
		}
		in := decode(b)
		if in.class == clsUnsupported {
			if !strings.HasPrefix(tt.asm, "v") {
				t.Errorf("%s: unsupported (%s)", tt.asm, in.name)
			}
			continue
		}
		if in.len != len(b) {
			t.Errorf("%s (%s): length %d, want %d", tt.asm, tt.hex, in.len, len(b))
		}
		// Truncated bytes never yield a length.
		for n := 0; n < len(b); n++ {
			if got := decode(b[:n]); got.len != 0 {
				t.Errorf("%s cut to %d bytes: length %d", tt.asm, n, got.len)
				break
			}
		}
	}
}

func TestDecodeClasses(t *testing.T) {
	for _, tt := range []struct {
		hex   string
		class class
		name  string
	}{
		{"0f05", clsSyscall, "syscall"},
		{"cd80", clsInt80, "int 0x80"},
		{"0fa2", clsSync, "cpuid"},
		{"0f31", clsSync, "rdtsc"},
		{"0f01f9", clsSync, "rdtscp"},
		{"0f01d0", clsSync, "xgetbv"},
		{"480fc7f0", clsSync, "rdrand"},
		{"660fc7f0", clsSync, "rdrand"},
		{"480fc7f8", clsSync, "rdseed"},
		{"f30fc7f8", clsSync, "rdpid"},
		{"480fc70e", clsNormal, ""}, // cmpxchg16b [rsi]
		{"ec", clsPrivileged, "in/out"},
		{"f36c", clsPrivileged, "in/out"},
		{"0f33", clsPrivileged, "rdpmc"},
		{"480f07", clsPrivileged, "sysret"},
		{"cc", clsTrap, "int3"},
		{"f1", clsTrap, "int1"},
		{"cd21", clsTrap, "int"},
		{"c5f1efc2", clsUnsupported, "avx (vex)"},
		{"c4e2e3f5c1", clsNormal, "pdep"},
		{"c4e2e2f5c1", clsNormal, "pext"},
		{"c4e2e0f2c1", clsNormal, "andn"},
		{"c4e2f0f3d9", clsNormal, "blsr/blsmsk/blsi"}, // blsi rcx... (/3)
		{"62f1fe487f0424", clsUnsupported, "avx-512 (evex)"},
		{"8fe97812c0", clsUnsupported, "xop"},
		{"8f00", clsNormal, ""}, // pop [rax]
		{"66 48 0f05", clsSyscall, "syscall"},
		{"4090", clsNormal, ""},
		{"f00106", clsNormal, ""},               // lock add [rsi], eax
		{"f03906", clsUndefined, "lock"},        // lock cmp [rsi], eax
		{"f0a7", clsUndefined, "lock"},          // lock cmpsd
		{"f00f05", clsUndefined, "lock"},        // lock syscall
		{"f0c4e2e0f2c1", clsUndefined, "lock"},  // lock andn
		{"66f20f58c1", clsUnsupported, "sse"},   // addsd with 66: Unicorn runs addpd
		{"f3660f6f06", clsUnsupported, "sse"},   // movdqu with 66
		{"66f20f38f1c1", clsNormal, ""},         // crc32w: F2 is mandatory, 66 the size
		{"440f381ec1", clsUnsupported, "ssse3"}, // pabsd mm0, mm1 with REX.R
		{"66440f381ec1", clsNormal, ""},         // pabsd xmm8, xmm1
		{"410f381ec1", clsNormal, ""},           // REX.B alone is harmless
	} {
		in := decode(unhexT(t, tt.hex))
		if in.class != tt.class || in.name != tt.name {
			t.Errorf("%s: class %d %q, want %d %q", tt.hex, in.class, in.name, tt.class, tt.name)
		}
	}
}

func TestDecodeFlags(t *testing.T) {
	for _, tt := range []struct {
		hex                        string
		rep, addr32, seg, x87, sse bool
		align16, blsi              bool
		memBase, memIndex          int8
		scale                      uint8
		disp                       int64
		memSeg                     uint8
	}{
		{hex: "f3a4", rep: true, memBase: 0, memIndex: 0},
		{hex: "f367a4", rep: true, addr32: true},
		{hex: "f390", memBase: 0, memIndex: 0},                                   // pause: not a string instruction
		{hex: "8ed8", seg: true, memBase: 0, memIndex: 0},                        // mov ds, ax
		{hex: "0fa1", seg: true},                                                 // pop fs
		{hex: "ff28", seg: true, memBase: 0, memIndex: regNone},                  // jmp far [rax]
		{hex: "d9e8", x87: true},                                                 // fld1
		{hex: "0f6fc1", x87: true},                                               // movq mm0, mm1
		{hex: "660f6fc1", sse: true},                                             // movdqa xmm0, xmm1
		{hex: "0f2806", sse: true, align16: true, memBase: 6, memIndex: regNone}, // movaps xmm0, [rsi]
		{hex: "0f1006", sse: true, memBase: 6, memIndex: regNone},                // movups xmm0, [rsi]
		{hex: "f20f5806", sse: true, memBase: 6, memIndex: regNone},              // addsd xmm0, [rsi]
		{hex: "660f3a630600", sse: true, memBase: 6, memIndex: regNone},          // pcmpistri: unaligned ok
		{hex: "640f58448b03", sse: true, align16: true, memBase: 3, memIndex: 1, scale: 2, disp: 3, memSeg: segFS}, // addps xmm0, fs:[rbx+rcx*4+3]
		{hex: "0f28050001000", sse: true}, // truncated: no operand info needed
		{hex: "0f280500010000", sse: true, align16: true, memBase: regRIP, memIndex: regNone, disp: 0x100}, // movaps xmm0, [rip+0x100]
		{hex: "410f2804e4", sse: true, align16: true, memBase: 12, memIndex: regNone},                      // movaps xmm0, [r12]
		{hex: "0fae0424", x87: true, sse: true, memBase: 4, memIndex: regNone},                             // fxsave [rsp]
		{hex: "660f2cc1", x87: true, sse: true},                                                            // cvttpd2pi mm0, xmm1
		{hex: "660f2ac1", x87: true, sse: true},                                                            // cvtpi2pd xmm0, mm1
		{hex: "c4e2f0f3d9", blsi: true},
	} {
		b := unhexT(t, tt.hex)
		if len(b) == 0 {
			continue
		}
		in := decode(b)
		if in.rep != tt.rep || in.addr32 != tt.addr32 || in.segLoad != tt.seg || in.x87 != tt.x87 || in.sse != tt.sse ||
			in.align16 != tt.align16 || (in.fix == fixBLSI) != tt.blsi {
			t.Errorf("%s: %+v", tt.hex, in)
			continue
		}
		if in.hasMem && (in.mem.base != tt.memBase || in.mem.index != tt.memIndex || in.mem.scale != tt.scale ||
			in.mem.disp != tt.disp || in.mem.seg != tt.memSeg) {
			t.Errorf("%s: operand %+v", tt.hex, in.mem)
		}
	}
}

// TestDecodeFixes checks the operands the oracle's corrections use.
func TestDecodeFixes(t *testing.T) {
	for _, tt := range []struct {
		hex    string
		fix    fixKind
		opsize uint8
		reg    uint8
		rm     int // -1: a memory operand
		vvvv   uint8
		imm8   uint8
		sub    uint8
	}{
		{hex: "c8180002", fix: fixEnter, opsize: 8, rm: -1, imm8: 2},
		{hex: "66c8080024", fix: fixEnter, opsize: 2, rm: -1, imm8: 4},   // level 36 mod 32
		{hex: "6648c8080002", fix: fixEnter, opsize: 8, rm: -1, imm8: 2}, // REX.W wins over 0x66
		{hex: "48c8080003", fix: fixEnter, opsize: 8, rm: -1, imm8: 3},
		{hex: "c8080001", opsize: 4, rm: -1}, // level 1: nothing to correct
		{hex: "48d3648810", fix: fixShiftCL, opsize: 8, reg: 4, rm: -1, sub: 4},
		{hex: "d23e", fix: fixShiftCL, opsize: 1, reg: 7, rm: -1, sub: 7},
		{hex: "d3e0", opsize: 4, reg: 4, rm: 0, sub: 4},    // shl eax, cl: registers are right
		{hex: "c1260c", opsize: 4, reg: 4, rm: -1, sub: 4}, // shl dword [rsi], 12: right
		{hex: "4c0fa41605", fix: fixShiftD, opsize: 8, reg: 10, rm: -1, imm8: 5, sub: 0xa4},
		{hex: "660fad16", fix: fixShiftD, opsize: 2, reg: 2, rm: -1, sub: 0xad},
		{hex: "410fb1c9", fix: fixCmpxchg32, opsize: 4, reg: 1, rm: 9, sub: 1},
		{hex: "f00fb10e", fix: fixCmpxchg32, opsize: 4, reg: 1, rm: -1, sub: 1},
		{hex: "480fb1cb", opsize: 8, reg: 1, rm: 3, sub: 1},
		{hex: "489f", fix: fixLAHF, opsize: 8, rm: -1},
		{hex: "409e", fix: fixSAHF, opsize: 4, rm: -1},
		{hex: "9e", opsize: 4, rm: -1},
		{hex: "df36", fix: fixFBSTP, opsize: 4, reg: 6, rm: -1, sub: 6},
		{hex: "d9eb", fix: fixFLDConst, opsize: 4, reg: 5, rm: 3, sub: 0xeb},
		{hex: "d9e8", opsize: 4, reg: 5, rm: 0, sub: 5}, // fld1 is exact
		{hex: "c4e2f0f7c3", fix: fixBEXTR, opsize: 8, reg: 0, rm: 3, vvvv: 1},
		{hex: "c46270f706", fix: fixBEXTR, opsize: 4, reg: 8, rm: -1, vvvv: 1},
		{hex: "c4c2a8f5c3", fix: fixBZHI, opsize: 8, reg: 0, rm: 11, vvvv: 10},
		{hex: "c4e2f8f3db", fix: fixBLSI, opsize: 8, reg: 3, rm: 3, vvvv: 0},
	} {
		in := decode(unhexT(t, tt.hex))
		rm := int(in.rm)
		if !in.regRM {
			rm = -1
		}
		if in.fix != tt.fix || in.opsize != tt.opsize || in.reg != tt.reg || rm != tt.rm || in.vvvv != tt.vvvv || in.imm8 != tt.imm8 || in.sub != tt.sub {
			t.Errorf("%s: fix %d opsize %d reg %d rm %d vvvv %d imm8 %d sub %#x, want %+v",
				tt.hex, in.fix, in.opsize, in.reg, rm, in.vvvv, in.imm8, in.sub, tt)
		}
		if in.len != len(tt.hex)/2 {
			t.Errorf("%s: length %d", tt.hex, in.len)
		}
	}
}

// TestDecodeVEXMemory checks the memory operands of BMI instructions,
// which the corrections read.
func TestDecodeVEXMemory(t *testing.T) {
	for _, tt := range []struct {
		hex  string
		want memRef
	}{
		{"c4e270f706", memRef{base: 6, index: regNone}},                           // bextr eax, [rsi], ecx
		{"c4c270f74508", memRef{base: 13, index: regNone, disp: 8}},               // bextr eax, [r13+8], ecx
		{"c4a270f7048b", memRef{base: 3, index: 9, scale: 2}},                     // bextr eax, [rbx+r9*4], ecx
		{"c4e270f70500010000", memRef{base: regRIP, index: regNone, disp: 0x100}}, // [rip+0x100]
		{"64c4e270f70424", memRef{base: 4, index: regNone, seg: segFS}},           // fs:[rsp]
	} {
		in := decode(unhexT(t, tt.hex))
		if !in.hasMem || in.mem != tt.want || in.len != len(tt.hex)/2 {
			t.Errorf("%s: len %d operand %+v, want %+v", tt.hex, in.len, in.mem, tt.want)
		}
	}
}

// TestDecodeAgainstX86asm compares lengths with golang.org/x/arch's
// decoder on random bytes, wherever both decode an instruction.
func TestDecodeAgainstX86asm(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	prefixes := []byte{0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x64, 0x65, 0x48, 0x41, 0x0f, 0x0f}
	checked, bad := 0, 0
	for i := 0; i < 200000; i++ {
		b := make([]byte, 15)
		rng.Read(b)
		// Bias toward prefixes and two-byte opcodes.
		for j := 0; j < rng.Intn(3); j++ {
			b[j] = prefixes[rng.Intn(len(prefixes))]
		}
		in := decode(b)
		if in.len == 0 || in.class == clsUnsupported {
			continue
		}
		x, err := x86asm.Decode(b, 64)
		if err != nil || x.Op == 0 {
			continue
		}
		if x.Op == x86asm.MOV && (isSysReg(x.Args[0]) || isSysReg(x.Args[1])) {
			// mov to/from cr, dr, tr: privileged or invalid, and Intel
			// ignores the ModRM mod field where x86asm does not.
			continue
		}
		switch x.Op {
		case x86asm.CALL, x86asm.JMP, x86asm.XBEGIN:
			// 0x66 on near branches: x86asm follows AMD (rel16), the
			// oracle Intel (ignored); such code does not occur.
			if in.len != x.Len && strings.Contains(hex.EncodeToString(b[:in.len]), "66") {
				continue
			}
		}
		checked++
		if in.len != x.Len {
			bad++
			if bad <= 20 {
				t.Errorf("% x (%s): length %d, x86asm %d", b[:max(in.len, x.Len)], x86asm.IntelSyntax(x, 0, nil), in.len, x.Len)
			}
		}
	}
	if checked < 50000 {
		t.Errorf("only %d instructions compared", checked)
	}
}

func isSysReg(a x86asm.Arg) bool {
	r, ok := a.(x86asm.Reg)
	return ok && (r >= x86asm.CR0 && r <= x86asm.CR15 || r >= x86asm.DR0 && r <= x86asm.DR15 || r >= x86asm.TR0 && r <= x86asm.TR7)
}

func unhexT(t *testing.T, s string) []byte {
	t.Helper()
	s = strings.ReplaceAll(s, " ", "")
	if len(s)%2 != 0 {
		return nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func BenchmarkDecode(b *testing.B) {
	code := []byte{0x48, 0x89, 0x44, 0x24, 0x08}
	for i := 0; i < b.N; i++ {
		decode(code)
	}
}
