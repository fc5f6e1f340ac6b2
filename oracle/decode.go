package oracle

// A small x86-64 instruction pre-decoder. It runs before every step, so it
// is table-driven and allocation-free: it finds the instruction's length,
// its prefixes and memory operand, and classifies the few instructions the
// oracle must not hand to Unicorn. golang.org/x/arch/x86/x86asm is far
// more complete but costs about a microsecond per call, so it is kept for
// the rare paths (naming an invalid or unsupported instruction).

// class says how Step treats an instruction.
type class uint8

const (
	clsNormal      class = iota // executed by Unicorn
	clsSyscall                  // syscall: the reference executes it
	clsInt80                    // int 0x80: a system call too
	clsSync                     // result depends on the host: the reference executes it
	clsPrivileged               // #GP at CPL 3 that Unicorn would not raise
	clsTrap                     // int3, int1, int n: trap or #GP decided by Linux's IDT
	clsUnsupported              // Unicorn cannot execute it faithfully
	clsUndefined                // raises #UD, decided by the oracle (a misplaced lock prefix)
)

// fixKind names a correction the oracle applies after Unicorn executed an
// instruction: Unicorn's result is wrong, but simply and exactly fixable.
type fixKind uint8

const (
	fixNone      fixKind = iota
	fixBLSI              // CF computed as for BLSR
	fixEnter             // ENTER with nesting level 2 or more: copied frame pointers
	fixShiftCL           // shl/shr/sar r/m, cl on memory: flags
	fixShiftD            // shld/shrd on memory: flags
	fixCmpxchg32         // 32-bit cmpxchg: RAX on success, register destination on failure
	fixLAHF              // REX-prefixed lahf: AH, not SPL
	fixSAHF              // REX-prefixed sahf: AH, not SPL
	fixBEXTR             // bextr with a length covering the operand
	fixBZHI              // bzhi with an index of width-1 or more
	fixFBSTP             // fbstp of a negative value that rounds to zero: the sign byte
	fixFLDConst          // fldl2t, fldl2e, fldpi, fldlg2, fldln2: the rounding mode
	fixPCMPSTR           // pcmpestri/m, pcmpistri/m: computed by the oracle (pcmpstr.go)
	fixFISTTP            // fisttp m32/m64 out of range: the integer indefinite
	fixFLDSNaN           // fld m32fp/m64fp of a signalling NaN: quieted
	fixFXTRACT           // fxtract of infinities, NaNs, denormals, unnormals
)

// Segment override prefixes that matter in 64-bit mode.
const (
	segNone = iota
	segFS
	segGS
)

// Register numbers of a memory operand (x86 encoding order, REX-extended).
const (
	regNone = -1
	regRIP  = 16
)

// insn is what the pre-decoder learned about one instruction.
type insn struct {
	len   int // 0 when the bytes do not hold a whole instruction
	class class
	name  string // for clsSync, clsPrivileged, clsTrap, clsUnsupported, clsUndefined
	why   string // for clsUnsupported and clsUndefined: the reason
	vec   int    // interrupt vector of int n, int3 (3) and int1 (1)

	rep     bool // string instruction with a rep/repe/repne prefix
	addr32  bool // 0x67 address-size prefix
	segLoad bool // may load a segment register or read a descriptor table
	x87     bool // may change x87 or MMX state (conservative)
	sse     bool // may change SSE state (conservative)
	align16 bool // legacy SSE with a 16-byte memory operand that must be aligned

	// Operands of the instructions the oracle corrects (fix).
	fix    fixKind
	opsize uint8 // operand size in bytes
	reg    uint8 // ModRM reg field, REX.R (VEX.R) included
	rm     uint8 // ModRM rm field with REX.B, when regRM
	vvvv   uint8 // VEX.vvvv register
	imm8   uint8 // enter's nesting level (mod 32), shld/shrd's count
	sub    uint8 // opcode detail: a group's ModRM reg field, the opcode of shld/shrd, the x87 constant's ModRM
	regRM  bool  // the ModRM r/m operand is a register

	opc uint16 // opcode: map (0 one-byte, 1 0F, 2 0F38, 3 0F3A) << 8 | byte

	// Control transfers, for the look-ahead of hazards.go.
	branch branchKind
	rel    int64 // displacement of a relative branch

	hasMem bool
	mem    memRef
}

// branchKind says how an instruction transfers control.
type branchKind uint8

const (
	brNone     branchKind = iota
	brDirect              // jmp rel, call rel
	brCond                // jcc, loop, jrcxz: the target or the next instruction
	brRet                 // near ret: the target is on the stack
	brIndirect            // jmp r/m, call r/m
)

// memRef is a ModRM memory operand.
type memRef struct {
	base, index int8
	scale       uint8
	seg         uint8
	disp        int64
}

// Opcode attribute bits for the one-byte and 0F maps.
const (
	aM     uint16 = 1 << iota // ModRM follows
	aI8                       // 8-bit immediate
	aIz                       // 16/32-bit immediate (operand size)
	aIv                       // 16/32/64-bit immediate (mov r, imm)
	aI16                      // 16-bit immediate
	aEnter                    // 16-bit and 8-bit immediates
	aMoffs                    // 64-bit (or, with 0x67, 32-bit) address
	aGrp3                     // F6/F7: immediate only for /0 and /1
	aBad                      // invalid in 64-bit mode
	aFPU                      // touches x87/MMX/SSE state
	aStr                      // string instruction (rep applies)
	aSeg                      // may load a segment register / read the GDT
	aRel32                    // 32-bit displacement whatever the operand size
)

var oneByte = func() (t [256]uint16) {
	for _, base := range []int{0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38} {
		t[base], t[base+1], t[base+2], t[base+3] = aM, aM, aM, aM
		t[base+4] = aI8
		t[base+5] = aIz
	}
	for _, op := range []int{0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x60, 0x61, 0x82, 0x9a, 0xce, 0xd4, 0xd5, 0xd6, 0xea} {
		t[op] = aBad
	}
	t[0x63] = aM
	t[0x68] = aIz
	t[0x69] = aM | aIz
	t[0x6a] = aI8
	t[0x6b] = aM | aI8
	for op := 0x6c; op <= 0x6f; op++ {
		t[op] = aStr
	}
	for op := 0x70; op <= 0x7f; op++ {
		t[op] = aI8
	}
	t[0x80] = aM | aI8
	t[0x81] = aM | aIz
	t[0x83] = aM | aI8
	for op := 0x84; op <= 0x8f; op++ {
		t[op] = aM
	}
	t[0x8e] = aM | aSeg
	t[0x9b] = aFPU
	for op := 0xa0; op <= 0xa3; op++ {
		t[op] = aMoffs
	}
	for _, op := range []int{0xa4, 0xa5, 0xa6, 0xa7, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf} {
		t[op] = aStr
	}
	t[0xa8] = aI8
	t[0xa9] = aIz
	for op := 0xb0; op <= 0xb7; op++ {
		t[op] = aI8
	}
	for op := 0xb8; op <= 0xbf; op++ {
		t[op] = aIv
	}
	t[0xc0], t[0xc1] = aM|aI8, aM|aI8
	t[0xc2] = aI16
	t[0xc6] = aM | aI8
	t[0xc7] = aM | aIz
	t[0xc8] = aEnter
	t[0xca] = aI16 | aSeg
	t[0xcb] = aSeg
	t[0xcd] = aI8
	t[0xcf] = aSeg
	for op := 0xd0; op <= 0xd3; op++ {
		t[op] = aM
	}
	for op := 0xd8; op <= 0xdf; op++ {
		t[op] = aM | aFPU
	}
	for op := 0xe0; op <= 0xe7; op++ {
		t[op] = aI8
	}
	t[0xe8], t[0xe9] = aRel32, aRel32
	t[0xeb] = aI8
	t[0xf6] = aM | aGrp3 | aI8
	t[0xf7] = aM | aGrp3 | aIz
	t[0xfe], t[0xff] = aM, aM
	return t
}()

var twoByte = func() (t [256]uint16) {
	for op := range t {
		t[op] = aM // most of the 0F map has a ModRM byte
	}
	for _, op := range []int{0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x37,
		0xa0, 0xa1, 0xa2, 0xa8, 0xa9, 0xaa, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf} {
		t[op] = 0
	}
	for _, op := range []int{0x04, 0x0a, 0x0c, 0x24, 0x25, 0x26, 0x27, 0x36, 0x39, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x7a, 0x7b, 0xa6, 0xa7} {
		t[op] = aBad
	}
	t[0x0e] = aFPU // femms
	t[0x0f] = aM | aI8 | aFPU
	t[0x77] = aFPU // emms
	for op := 0x80; op <= 0x8f; op++ {
		t[op] = aRel32
	}
	for _, op := range []int{0x70, 0x71, 0x72, 0x73, 0xa4, 0xac, 0xba, 0xc2, 0xc4, 0xc5, 0xc6} {
		t[op] |= aI8
	}
	for _, r := range [][2]int{{0x10, 0x17}, {0x28, 0x2f}, {0x50, 0x7f}, {0xc2, 0xc6}, {0xd0, 0xff}} {
		for op := r[0]; op <= r[1]; op++ {
			t[op] |= aFPU
		}
	}
	t[0xae] |= aFPU // fxsave/fxrstor/ldmxcsr/stmxcsr; fences are harmless
	for _, op := range []int{0x00, 0x02, 0x03, 0xa1, 0xa9, 0xb2, 0xb4, 0xb5} {
		t[op] |= aSeg
	}
	return t
}()

// align16 reports whether a legacy-SSE instruction with a memory operand
// requires it 16-byte aligned (#GP otherwise). mp is the mandatory prefix:
// 0, 0x66, 0xf3 or 0xf2; m is 1 (0F), 2 (0F 38) or 3 (0F 3A).
func align16(m int, op byte, mp byte) bool {
	switch m {
	case 1:
		switch {
		case op == 0x12 || op == 0x16:
			return mp == 0xf3 // movsldup, movshdup
		case op == 0x14 || op == 0x15 || op == 0x28 || op == 0x29 || op == 0x2b || op == 0xc2 || op == 0xc6:
			return mp == 0 || mp == 0x66
		case op == 0x2c || op == 0x2d:
			return mp == 0x66 // cvt(t)pd2pi
		case op == 0x5a:
			return mp == 0x66 // cvtpd2ps; cvtps2pd reads 64 bits
		case op == 0x5b:
			return mp != 0xf2
		case op >= 0x51 && op <= 0x5f:
			return mp == 0 || mp == 0x66
		case op >= 0x60 && op <= 0x6d, op == 0x6f, op >= 0x74 && op <= 0x76, op == 0x7f:
			return mp == 0x66
		case op == 0x70:
			return mp != 0 // pshufd, pshufhw, pshuflw (pshufw is MMX)
		case op == 0x7c || op == 0x7d || op == 0xd0:
			return mp == 0x66 || mp == 0xf2
		case op == 0xe6:
			return mp == 0x66 || mp == 0xf2
		case op == 0xd6 || op == 0xd7 || op == 0xf0 || op == 0xf7:
			return false
		case op >= 0xd1 && op <= 0xfe:
			return mp == 0x66
		}
	case 2:
		if mp != 0x66 {
			return false
		}
		switch {
		case op <= 0x0b, op == 0x10, op == 0x14, op == 0x15, op == 0x17, op >= 0x1c && op <= 0x1e,
			op >= 0x28 && op <= 0x2b, op >= 0x37 && op <= 0x41, op == 0xcf, op >= 0xdb && op <= 0xdf:
			return true
		}
	case 3:
		if mp != 0x66 {
			return false
		}
		switch {
		case op == 0x08, op == 0x09, op >= 0x0c && op <= 0x0f, op >= 0x40 && op <= 0x42, op == 0x44,
			op == 0xce, op == 0xcf, op == 0xdf:
			return true
		}
	}
	return false
}

// decode pre-decodes the instruction at the start of b (at most 15 bytes
// are looked at). A zero len means b ends inside the instruction or the
// encoding is not understood; the class is still set when the opcode alone
// decides it.
func decode(b []byte) (in insn) {
	in.vec = -1
	n := min(len(b), 15)
	i := 0
	var rex, last byte // last F2/F3 prefix seen
	var p66, lock bool
prefixes:
	for ; i < n; i++ {
		switch c := b[i]; c {
		case 0x66:
			p66 = true
		case 0x67:
			in.addr32 = true
		case 0xf2, 0xf3:
			last = c
		case 0xf0:
			lock = true
		case 0x2e, 0x36, 0x3e, 0x26:
			// Ignored in 64-bit mode.
		case 0x64:
			in.mem.seg = segFS
		case 0x65:
			in.mem.seg = segGS
		default:
			if c&0xf0 == 0x40 {
				rex = c
				// A REX prefix only counts right before the opcode.
				if i+1 < n && isLegacyPrefix(b[i+1]) {
					rex = 0
				}
				continue
			}
			break prefixes
		}
		rex = 0
	}
	if i >= n {
		return in
	}
	mp := last // mandatory prefix for the SSE maps
	if mp == 0 && p66 {
		mp = 0x66
	}
	op := b[i]
	i++
	var attr uint16
	m := 0 // opcode map: 0 one-byte, 1 0F, 2 0F38, 3 0F3A
	switch op {
	case 0x0f:
		if i >= n {
			return in
		}
		op = b[i]
		i++
		switch op {
		case 0x38, 0x3a:
			if i >= n {
				return in
			}
			m = 2
			if op == 0x3a {
				m = 3
			}
			op = b[i]
			i++
			attr = aM | aFPU
			if m == 3 {
				attr |= aI8
			}
			if m == 2 && (op == 0xf0 || op == 0xf1) {
				attr = aM // movbe, crc32
			}
		default:
			m = 1
			attr = twoByte[op]
		}
	case 0xc4, 0xc5:
		if lock {
			in.class, in.name, in.why = clsUndefined, "lock", whyLock
			return in
		}
		return decodeVEX(b, i-1, n, in)
	case 0x62:
		in.class, in.name = clsUnsupported, "avx-512 (evex)"
		return in
	case 0x8f:
		if i < n && b[i]&0x38 != 0 {
			in.class, in.name = clsUnsupported, "xop"
			return in
		}
		attr = aM
	default:
		attr = oneByte[op]
	}
	if attr&aBad != 0 {
		in.len = i // raises #UD; Unicorn reports it invalid
		return in
	}
	if attr&aFPU != 0 {
		in.x87, in.sse = fpuKind(m, op, mp)
	}
	in.segLoad = attr&aSeg != 0
	in.rep = attr&aStr != 0 && last != 0

	// Classify by opcode before looking at operands.
	if m == 0 {
		switch {
		case op >= 0xe4 && op <= 0xe7, op >= 0xec && op <= 0xef, op >= 0x6c && op <= 0x6f:
			in.class, in.name = clsPrivileged, "in/out"
		case op == 0xcc:
			in.class, in.name, in.vec = clsTrap, "int3", 3
		case op == 0xf1:
			in.class, in.name, in.vec = clsTrap, "int1", 1
		case op == 0xcd && i < n:
			in.vec = int(b[i])
			switch in.vec {
			case 0x80:
				in.class, in.name = clsInt80, "int 0x80"
			default:
				in.class, in.name = clsTrap, "int"
			}
		}
	}
	if m == 1 {
		switch op {
		case 0x05:
			in.class, in.name = clsSyscall, "syscall"
		case 0xa2:
			in.class, in.name = clsSync, "cpuid"
		case 0x31:
			in.class, in.name = clsSync, "rdtsc"
		case 0x33:
			in.class, in.name = clsPrivileged, "rdpmc"
		case 0x07:
			in.class, in.name = clsPrivileged, "sysret"
		case 0x35:
			in.class, in.name = clsPrivileged, "sysexit"
		case 0x01:
			if i < n {
				switch b[i] {
				case 0xf9:
					in.class, in.name = clsSync, "rdtscp"
				case 0xd0:
					in.class, in.name = clsSync, "xgetbv"
				}
			}
		case 0x0e, 0x0f:
			// 3DNow! is off in QEMUCPU (QEMU raises SIGILL) but Unicorn
			// would execute it.
			in.class, in.name = clsUnsupported, "3dnow"
		case 0x78, 0x79, 0x2b:
			// SSE4a (extrq, insertq, movntss, movntsd): off in QEMUCPU,
			// executed by Unicorn. Without these prefixes 0F 78/79 are
			// vmread/vmwrite (#UD at CPL 3) and 0F 2B is movntps.
			if mp == 0xf2 || (op != 0x2b && mp == 0x66) || (op == 0x2b && mp == 0xf3) {
				in.class, in.name = clsUnsupported, "sse4a"
			}
		case 0xc7:
			if i < n && b[i]>>6 == 3 {
				switch r := b[i] >> 3 & 7; {
				case r == 6 && last != 0xf3:
					in.class, in.name = clsSync, "rdrand"
				case r == 7 && last == 0xf3:
					in.class, in.name = clsSync, "rdpid"
				case r == 7:
					in.class, in.name = clsSync, "rdseed"
				}
			}
		}
	}

	if attr&aM != 0 {
		if i >= n {
			return in
		}
		modrm := b[i]
		i++
		mod, reg, rm := modrm>>6, modrm>>3&7, modrm&7
		in.reg = reg | rex<<1&8
		in.sub = reg
		if m == 1 && op >= 0x20 && op <= 0x23 {
			mod = 3 // mov to/from cr/dr: always a register operand
		}
		if m == 0 && attr&aGrp3 != 0 && reg > 1 {
			attr &^= aI8 | aIz
		}
		if m == 0 && (op == 0xff && (reg == 3 || reg == 5)) {
			in.segLoad = true // far call/jmp
		}
		if mod == 3 {
			in.regRM, in.rm = true, rm|rex<<3&8
		} else {
			in.hasMem = true
			in.mem.base, in.mem.index = regNone, regNone
			if rm == 4 {
				if i >= n {
					return in
				}
				sib := b[i]
				i++
				if idx := int8(sib>>3&7) | int8(rex&2)<<2; idx != 4 {
					in.mem.index, in.mem.scale = idx, sib>>6
				}
				base := sib & 7
				if base == 5 && mod == 0 {
					mod = 2 // disp32, no base
				} else {
					in.mem.base = int8(base) | int8(rex&1)<<3
				}
			} else if rm == 5 && mod == 0 {
				in.mem.base = regRIP
				mod = 2
			} else {
				in.mem.base = int8(rm) | int8(rex&1)<<3
			}
			switch mod {
			case 1:
				if i >= n {
					return in
				}
				in.mem.disp = int64(int8(b[i]))
				i++
			case 2:
				if i+4 > n {
					return in
				}
				in.mem.disp = int64(int32(uint32(b[i]) | uint32(b[i+1])<<8 | uint32(b[i+2])<<16 | uint32(b[i+3])<<24))
				i += 4
			}
			if m >= 1 && in.sse && align16(m, op, mp) {
				in.align16 = true
			}
		}
	}
	immAt := i
	switch {
	case attr&aI8 != 0:
		i++
	case attr&aIz != 0:
		if p66 && rex&8 == 0 { // REX.W wins over 0x66
			i += 2
		} else {
			i += 4
		}
	case attr&aIv != 0:
		switch {
		case rex&8 != 0:
			i += 8
		case p66:
			i += 2
		default:
			i += 4
		}
	case attr&aI16 != 0:
		i += 2
	case attr&aEnter != 0:
		i += 3
	case attr&aMoffs != 0:
		if in.addr32 {
			i += 4
		} else {
			i += 8
		}
	case attr&aRel32 != 0:
		i += 4
	}
	if m == 1 && op == 0x78 && (mp == 0x66 || mp == 0xf2) {
		i += 2 // extrq/insertq with immediates
	}
	if i > n {
		return in
	}
	in.len = i
	in.opc = uint16(m)<<8 | uint16(op)
	if lock && !lockable(m, op, in.sub, in.hasMem) {
		// Hardware raises #UD. Unicorn executes some of these (lock
		// movs, lock nop), and translating others (lock cmp, lock cmps,
		// lock bt on a register) aborts the process (tcg fatal error).
		in.class, in.name, in.why = clsUndefined, "lock", whyLock
		return in
	}
	if m >= 1 && p66 && last != 0 && (m == 1 && sseMap(op) || m == 2 && op < 0xf0 || m == 3) {
		// Unicorn (like QEMU 5) takes 0x66 as the mandatory prefix when
		// F2 or F3 is present too: 66 F2 0F 58 runs addpd, not addsd.
		in.class, in.name, in.why = clsUnsupported, "sse", why66F2F3
		return in
	}
	if rex&4 != 0 && (m == 2 && mp == 0 && op <= 0x1e || m == 3 && mp == 0 && op == 0x0f) {
		// SSSE3 on MMX registers: REX.R selects mm8..mm15 in Unicorn,
		// which writes past the x87 registers into its own state.
		in.class, in.name, in.why = clsUnsupported, "ssse3", whyMMXRexR
		return in
	}
	switch {
	case m == 0 && (op == 0xe8 || op == 0xe9):
		in.branch, in.rel = brDirect, int64(int32(uint32(b[immAt])|uint32(b[immAt+1])<<8|uint32(b[immAt+2])<<16|uint32(b[immAt+3])<<24))
	case m == 0 && op == 0xeb:
		in.branch, in.rel = brDirect, int64(int8(b[immAt]))
	case m == 0 && (op >= 0x70 && op <= 0x7f || op >= 0xe0 && op <= 0xe3):
		in.branch, in.rel = brCond, int64(int8(b[immAt]))
	case m == 1 && op >= 0x80 && op <= 0x8f:
		in.branch, in.rel = brCond, int64(int32(uint32(b[immAt])|uint32(b[immAt+1])<<8|uint32(b[immAt+2])<<16|uint32(b[immAt+3])<<24))
	case m == 0 && (op == 0xc3 || op == 0xc2):
		in.branch = brRet
	case m == 0 && op == 0xff && (in.sub == 2 || in.sub == 4):
		in.branch = brIndirect
	}
	opsize := uint8(4)
	switch {
	case rex&8 != 0:
		opsize = 8
	case p66:
		opsize = 2
	}
	in.opsize = opsize
	switch {
	case m == 0 && op == 0xc8 && b[immAt+2]&31 >= 2:
		in.fix, in.imm8 = fixEnter, b[immAt+2]&31
		// 64-bit pushes unless 0x66 (without REX.W) makes them 16-bit.
		in.opsize = 8
		if p66 && rex&8 == 0 {
			in.opsize = 2
		}
	case m == 0 && (op == 0xd2 || op == 0xd3) && in.hasMem && in.sub >= 4:
		in.fix = fixShiftCL
		if op == 0xd2 {
			in.opsize = 1
		}
	case m == 1 && (op == 0xa4 || op == 0xa5 || op == 0xac || op == 0xad) && in.hasMem:
		in.fix, in.sub = fixShiftD, op
		if op == 0xa4 || op == 0xac {
			in.imm8 = b[immAt]
		}
	case m == 1 && op == 0xb1 && opsize == 4:
		in.fix = fixCmpxchg32
	case m == 0 && (op == 0x9e || op == 0x9f) && rex != 0:
		in.fix = fixSAHF
		if op == 0x9f {
			in.fix = fixLAHF
		}
	case m == 0 && op == 0xdf && in.hasMem && in.sub == 6:
		in.fix = fixFBSTP
	case m == 0 && (op == 0xdb || op == 0xdd) && in.hasMem && in.sub == 1:
		in.fix, in.opsize = fixFISTTP, 4
		if op == 0xdd {
			in.opsize = 8
		}
	case m == 0 && (op == 0xd9 || op == 0xdd) && in.hasMem && in.sub == 0:
		in.fix = fixFLDSNaN
	case m == 0 && op == 0xd9 && in.regRM && b[immAt-1] == 0xf4:
		in.fix = fixFXTRACT
	case m == 0 && op == 0xd9 && in.regRM && b[immAt-1] >= 0xe9 && b[immAt-1] <= 0xed:
		in.fix, in.sub = fixFLDConst, b[immAt-1]
	case m == 3 && mp == 0x66 && op >= 0x60 && op <= 0x63:
		in.fix, in.imm8 = fixPCMPSTR, b[immAt]
	}
	return in
}

// Reasons the oracle gives for not executing an instruction.
const (
	whyLock    = "a lock prefix is allowed only on read-modify-write instructions with a memory destination (#UD)"
	why66F2F3  = "Unicorn 2.0.1 takes 0x66 as the mandatory prefix when F2 or F3 is present too (66 F2 0F 58 runs addpd, hardware addsd)"
	whyMMXRexR = "Unicorn 2.0.1 applies REX.R to the MMX register of SSSE3 instructions and writes past the x87 registers into its own state"
)

// sseMap reports whether a 0F opcode is an SSE instruction whose
// mandatory prefix (none, 66, F3, F2) selects the operation.
func sseMap(op byte) bool {
	return op >= 0x10 && op <= 0x17 || op >= 0x28 && op <= 0x2f || op >= 0x50 && op <= 0x7f ||
		op >= 0xc2 && op <= 0xc6 || op >= 0xd0
}

// lockable reports whether a lock prefix is allowed on an instruction:
// only the read-modify-write forms with a memory destination (SDM, LOCK).
// m is the opcode map (0 one-byte, 1 0F), sub the ModRM reg field.
func lockable(m int, op, sub byte, mem bool) bool {
	if !mem {
		return false
	}
	switch m {
	case 0:
		switch {
		case op < 0x40 && op&7 <= 1 && op&0x38 != 0x38: // add, or, adc, sbb, and, sub, xor r/m, r (not cmp)
			return true
		case op == 0x80 || op == 0x81 || op == 0x83:
			return sub != 7 // not cmp
		case op == 0x86 || op == 0x87: // xchg
			return true
		case op == 0xf6 || op == 0xf7:
			return sub == 2 || sub == 3 // not, neg
		case op == 0xfe || op == 0xff:
			return sub <= 1 // inc, dec
		}
	case 1:
		switch op {
		case 0xab, 0xb3, 0xbb, 0xb0, 0xb1, 0xc0, 0xc1: // bts, btr, btc, cmpxchg, xadd
			return true
		case 0xba:
			return sub >= 5 // bts, btr, btc with an immediate (not bt)
		case 0xc7:
			return sub == 1 // cmpxchg8b, cmpxchg16b
		}
	}
	return false
}

// fpuKind says which register state an x87/MMX/SSE opcode may change:
// the x87 registers (which MMX aliases, with the tag word and TOP) or the
// SSE registers. The MMX forms of the 0F map are the unprefixed ones.
func fpuKind(m int, op, mp byte) (x87, sse bool) {
	switch {
	case m == 0:
		return true, false
	case m == 1 && (op == 0x0e || op == 0x0f || op == 0x77): // femms, 3DNow!, emms
		return true, false
	case m == 1 && op == 0xae: // fxrstor, ldmxcsr...
		return true, true
	case m == 1 && (mp == 0 || mp == 0x66) && (op == 0x2a || op == 0x2c || op == 0x2d): // cvtpi2ps/pd, cvt(t)ps2pi, cvt(t)pd2pi
		return true, true
	case m == 1 && op == 0xd6 && mp != 0x66: // movq2dq, movdq2q
		return true, true
	case m == 1 && mp == 0 && (op >= 0x60 && op <= 0x7f || op == 0xc4 || op == 0xc5 || op >= 0xd0):
		return true, false
	case m == 2 && mp == 0 && op <= 0x1e, m == 3 && mp == 0 && op == 0x0f: // SSSE3 on MMX registers
		return true, false
	}
	return false, true
}

func isLegacyPrefix(c byte) bool {
	switch c {
	case 0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65:
		return true
	}
	return false
}

// decodeVEX handles a C4/C5 prefix at b[at]. Unicorn 2.0.1 decodes VEX
// encodings of SSE instructions as their legacy forms, ignoring VEX.vvvv
// and VEX.L (vpxor xmm0, xmm1, xmm2 computes xmm0 ^= xmm2), and has no
// AVX; so only the general-purpose BMI1/BMI2 instructions, which it
// implements, are executed. PDEP and PEXT are excluded too: Unicorn swaps
// their source operands.
func decodeVEX(b []byte, at, n int, in insn) insn {
	in.class, in.name = clsUnsupported, "avx (vex)"
	i := at + 1
	var mapSel, pp, l, r, x, bb, vvvv byte
	var w bool
	if b[at] == 0xc5 {
		if i >= n {
			return in
		}
		mapSel, pp, l = 1, b[i]&3, b[i]>>2&1
		r, vvvv = ^b[i]>>7&1, ^b[i]>>3&15
		i++
	} else {
		if i+1 >= n {
			return in
		}
		mapSel, pp, l = b[i]&0x1f, b[i+1]&3, b[i+1]>>2&1
		r, x, bb = ^b[i]>>7&1, ^b[i]>>6&1, ^b[i]>>5&1
		w, vvvv = b[i+1]&0x80 != 0, ^b[i+1]>>3&15
		i += 2
	}
	if i >= n {
		return in
	}
	op := b[i]
	if l != 0 {
		return in
	}
	name := ""
	switch {
	case mapSel == 2 && op == 0xf2 && pp == 0:
		name = "andn"
	case mapSel == 2 && op == 0xf3 && pp == 0:
		name = "blsr/blsmsk/blsi"
	case mapSel == 2 && op == 0xf5 && pp == 0:
		name = "bzhi"
	case mapSel == 2 && op == 0xf5 && pp == 3:
		// Unicorn 2.0.1 swaps PDEP's and PEXT's sources. They run anyway:
		// the harness reports the difference, and the corpus records it as
		// the oracle's known bug.
		name = "pdep"
	case mapSel == 2 && op == 0xf5 && pp == 2:
		name = "pext"
	case mapSel == 2 && op == 0xf6 && pp == 3:
		name = "mulx"
	case mapSel == 2 && op == 0xf7:
		name = "bextr/shlx/sarx/shrx"
	case mapSel == 3 && op == 0xf0 && pp == 3:
		name = "rorx"
	default:
		return in
	}
	// A BMI instruction: ModRM-encoded, rorx has an imm8.
	rest := decodeModRMLen(b[i+1:n], in.addr32)
	if rest == 0 {
		return insn{vec: -1, class: clsNormal}
	}
	seg, addr32 := in.mem.seg, in.addr32
	in = insn{vec: -1, class: clsNormal, name: name, len: i + 1 + rest, addr32: addr32}
	in.opsize = 4
	if w {
		in.opsize = 8
	}
	in.vvvv = vvvv
	modrm := b[i+1]
	in.reg = modrm>>3&7 | r<<3
	if modrm>>6 == 3 {
		in.regRM, in.rm = true, modrm&7|bb<<3
	} else {
		in.hasMem = true
		in.mem = modRMMem(b[i+1:n], bb, x)
		in.mem.seg = seg
	}
	switch {
	case mapSel == 2 && op == 0xf3 && modrm>>3&7 == 3:
		in.fix = fixBLSI
	case mapSel == 2 && op == 0xf7 && pp == 0:
		in.fix, in.name = fixBEXTR, "bextr"
	case mapSel == 2 && op == 0xf5 && pp == 0:
		in.fix = fixBZHI
	}
	if mapSel == 3 {
		in.len++
	}
	if in.len > n {
		in.len = 0
	}
	return in
}

// modRMMem decodes the memory operand of the ModRM byte at b[0] (whose
// mod is not 3, and which decodeModRMLen found whole); rexB and rexX
// extend the base and index registers.
func modRMMem(b []byte, rexB, rexX byte) memRef {
	mem := memRef{base: regNone, index: regNone}
	mod, rm := b[0]>>6, b[0]&7
	i := 1
	switch {
	case rm == 4:
		sib := b[1]
		i++
		if idx := int8(sib>>3&7 | rexX<<3); idx != 4 {
			mem.index, mem.scale = idx, sib>>6
		}
		if sib&7 == 5 && mod == 0 {
			mod = 2 // disp32, no base
		} else {
			mem.base = int8(sib&7 | rexB<<3)
		}
	case rm == 5 && mod == 0:
		mem.base = regRIP
		mod = 2
	default:
		mem.base = int8(rm | rexB<<3)
	}
	switch mod {
	case 1:
		mem.disp = int64(int8(b[i]))
	case 2:
		mem.disp = int64(int32(uint32(b[i]) | uint32(b[i+1])<<8 | uint32(b[i+2])<<16 | uint32(b[i+3])<<24))
	}
	return mem
}

// decodeModRMLen returns the length of a ModRM byte with its SIB and
// displacement, or 0 if b is too short.
func decodeModRMLen(b []byte, addr32 bool) int {
	if len(b) == 0 {
		return 0
	}
	mod, rm := b[0]>>6, b[0]&7
	l := 1
	if mod == 3 {
		return l
	}
	if rm == 4 {
		if len(b) < 2 {
			return 0
		}
		if b[1]&7 == 5 && mod == 0 {
			l += 4
		}
		l++
	}
	switch {
	case mod == 1:
		l++
	case mod == 2, mod == 0 && rm == 5:
		l += 4
	}
	if l > len(b) {
		return 0
	}
	return l
}
