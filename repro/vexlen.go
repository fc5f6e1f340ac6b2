package repro

// vexMap is the length rules of one opcode map of VEX, EVEX and XOP
// encoded instructions: which opcodes take an immediate and of what
// size, and which have no ModRM byte.
type vexMap struct {
	// imm is the immediate size of every opcode of the map (0: none,
	// unless listed in imm8).
	imm int
	// imm8 lists the opcodes with an 8-bit immediate in a map whose
	// opcodes otherwise take none.
	imm8 []byte
	// noModRM lists the opcodes without a ModRM byte.
	noModRM []byte
}

// vexMaps holds the length rules by opcode map: VEX maps 1-3 (0F, 0F38,
// 0F3A), the EVEX maps 5 and 6 (AVX512-FP16), the XOP maps 8-10 (AMD).
// From the SDM's opcode tables (volume 2, appendix A) and AMD's XOP
// manual.
var vexMaps = map[byte]vexMap{
	// 0F: pshufd/pshufhw/pshuflw, the shift-by-immediate groups
	// 71-73, cmpps/pd/ss/sd, pinsrw, pextrw, shufps/pd. 77 is
	// vzeroupper/vzeroall.
	1:  {imm8: []byte{0x70, 0x71, 0x72, 0x73, 0xc2, 0xc4, 0xc5, 0xc6}, noModRM: []byte{0x77}},
	2:  {},       // 0F38: no immediates
	3:  {imm: 1}, // 0F3A: every opcode has an imm8
	5:  {},       // EVEX map 5 (FP16): no immediates
	6:  {},       // EVEX map 6 (FP16): no immediates
	8:  {imm: 1}, // XOP map 8: vpcmov, vpcom*, vprot* by imm, vpmacs*: imm8 (or the is4 register byte)
	9:  {},       // XOP map 9: no immediates
	10: {imm: 4}, // XOP map 10: bextr and lwpins/lwpval with an imm32
}

// VEXLen returns the length of the VEX (C4, C5), EVEX (62) or XOP (8F)
// encoded instruction at the start of code in 64-bit mode, segment and
// address-size prefixes before it included, from the encoding alone: the
// prefix, the opcode map, ModRM, SIB and displacement, and the immediate
// the map and opcode call for (vexMaps). ok is false when code does not
// start with such an instruction, its map is unknown, or code is too
// short to hold it.
func VEXLen(code []byte) (n int, ok bool) {
	i := 0
	for i < len(code) && isVEXPrefixOK(code[i]) {
		i++
	}
	if i+2 > len(code) {
		return 0, false
	}
	var mp byte
	switch code[i] {
	case 0xc5:
		mp, i = 1, i+2
	case 0xc4:
		if i+3 > len(code) {
			return 0, false
		}
		mp, i = code[i+1]&0x1f, i+3
	case 0x8f:
		if i+3 > len(code) || code[i+1]&0x1f < 8 {
			return 0, false // pop r/m (8F /0), not XOP
		}
		mp, i = code[i+1]&0x1f, i+3
	case 0x62:
		if i+4 > len(code) || code[i+2]&0x04 == 0 {
			return 0, false // EVEX has bit 2 of P1 set
		}
		mp, i = code[i+1]&0x07, i+4
	default:
		return 0, false
	}
	rules, known := vexMaps[mp]
	if !known || i >= len(code) {
		return 0, false
	}
	op := code[i]
	i++
	if !contains(rules.noModRM, op) {
		if i >= len(code) {
			return 0, false
		}
		modrm := code[i]
		i++
		mod, rm := modrm>>6, modrm&7
		if mod != 3 {
			if rm == 4 {
				if i >= len(code) {
					return 0, false
				}
				if mod == 0 && code[i]&7 == 5 {
					i += 4 // SIB without a base: disp32
				}
				i++
			}
			switch {
			case mod == 1:
				i++
			case mod == 2, mod == 0 && rm == 5:
				i += 4
			}
		}
	}
	imm := rules.imm
	if imm == 0 && contains(rules.imm8, op) {
		imm = 1
	}
	i += imm
	if i > len(code) || i > MaxInsnLen {
		return 0, false
	}
	return i, true
}

// isVEXPrefixOK reports whether b is a prefix that may precede a VEX
// instruction (segment overrides and the address-size prefix; 66, F2,
// F3, F0 and REX make it #UD).
func isVEXPrefixOK(b byte) bool {
	switch b {
	case 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x67:
		return true
	}
	return false
}

func contains(s []byte, b byte) bool {
	for _, x := range s {
		if x == b {
			return true
		}
	}
	return false
}
