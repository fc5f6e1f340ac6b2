package harness

import (
	"strings"

	"golang.org/x/arch/x86/x86asm"
)

// Arithmetic flag bits of rflags.
const (
	flagCF uint64 = 1 << 0
	flagPF uint64 = 1 << 2
	flagAF uint64 = 1 << 4
	flagZF uint64 = 1 << 6
	flagSF uint64 = 1 << 7
	flagOF uint64 = 1 << 11

	allArith = flagCF | flagPF | flagAF | flagZF | flagSF | flagOF
)

// flagNames names the rflags bits, for reports.
var flagNames = []struct {
	bit  uint64
	name string
}{
	{1 << 0, "CF"}, {1 << 2, "PF"}, {1 << 4, "AF"}, {1 << 6, "ZF"}, {1 << 7, "SF"},
	{1 << 8, "TF"}, {1 << 9, "IF"}, {1 << 10, "DF"}, {1 << 11, "OF"}, {1 << 14, "NT"},
	{1 << 16, "RF"}, {1 << 17, "VM"}, {1 << 18, "AC"}, {1 << 19, "VIF"}, {1 << 20, "VIP"}, {1 << 21, "ID"},
}

// FlagBits names the bits set in x, e.g. "ZF|SF". Bit 1, reserved and
// always set, is left out.
func FlagBits(x uint64) string {
	x &^= 1 << 1
	var names []string
	for _, f := range flagNames {
		if x&f.bit != 0 {
			names = append(names, f.name)
			x &^= f.bit
		}
	}
	if x != 0 {
		names = append(names, "bits "+hex64(x))
	}
	return strings.Join(names, "|")
}

// fixedUndefined lists instructions that leave the same flags undefined
// whatever their operands, per the Intel SDM vol. 2 "Flags Affected"
// sections (and AMD's APM where they agree).
var fixedUndefined = map[x86asm.Op]uint64{
	x86asm.MUL:   flagSF | flagZF | flagAF | flagPF,
	x86asm.IMUL:  flagSF | flagZF | flagAF | flagPF,
	x86asm.DIV:   allArith,
	x86asm.IDIV:  allArith,
	x86asm.BSF:   flagCF | flagOF | flagSF | flagAF | flagPF,
	x86asm.BSR:   flagCF | flagOF | flagSF | flagAF | flagPF,
	x86asm.BT:    flagOF | flagSF | flagAF | flagPF,
	x86asm.BTS:   flagOF | flagSF | flagAF | flagPF,
	x86asm.BTR:   flagOF | flagSF | flagAF | flagPF,
	x86asm.BTC:   flagOF | flagSF | flagAF | flagPF,
	x86asm.AND:   flagAF,
	x86asm.OR:    flagAF,
	x86asm.XOR:   flagAF,
	x86asm.TEST:  flagAF,
	x86asm.LZCNT: flagOF | flagSF | flagAF | flagPF,
	x86asm.TZCNT: flagOF | flagSF | flagAF | flagPF,
	x86asm.AAA:   flagOF | flagSF | flagZF | flagPF,
	x86asm.AAS:   flagOF | flagSF | flagZF | flagPF,
	x86asm.AAM:   flagOF | flagAF | flagCF,
	x86asm.AAD:   flagOF | flagAF | flagCF,
	x86asm.DAA:   flagOF,
	x86asm.DAS:   flagOF,
}

// vexUndefined covers BMI instructions, which x86asm does not decode:
// they are matched by mnemonic from our own VEX decoding.
var vexUndefined = map[string]uint64{
	"andn":   flagAF | flagPF,
	"bextr":  flagAF | flagSF | flagPF,
	"blsi":   flagAF | flagPF,
	"blsmsk": flagAF | flagPF,
	"blsr":   flagAF | flagPF,
	"bzhi":   flagAF | flagPF,
}

// UndefinedFlags returns the rflags bits that the instruction leaves
// architecturally undefined, given the register state before it (for
// shift counts in rcx). Bits outside the mask must agree.
func UndefinedFlags(code []byte, rcxBefore uint64) uint64 {
	if mn, ok := vexMnemonic(code); ok {
		return vexUndefined[mn]
	}
	inst, err := x86asm.Decode(code, 64)
	if err != nil {
		return 0
	}
	if m, ok := fixedUndefined[inst.Op]; ok {
		return m
	}
	switch inst.Op {
	case x86asm.SHL, x86asm.SHR, x86asm.SAR, x86asm.ROL, x86asm.ROR, x86asm.RCL, x86asm.RCR, x86asm.SHLD, x86asm.SHRD:
		return shiftUndefined(inst, rcxBefore)
	}
	return 0
}

// shiftUndefined applies the SDM rules for shifts and rotates: nothing
// changes for a (masked) count of 0; OF is undefined unless the count is
// 1; AF is undefined for shifts; CF is undefined when SHL/SHR shift an 8-
// or 16-bit operand by its width or more; SHLD/SHRD with a count above the
// operand size leave every flag undefined.
func shiftUndefined(inst x86asm.Inst, rcx uint64) uint64 {
	width := operandWidth(inst)
	var count uint64
	countKnown := false
	for _, a := range inst.Args {
		switch a := a.(type) {
		case x86asm.Imm:
			count, countKnown = uint64(a), true
		case x86asm.Reg:
			if a == x86asm.CL {
				count, countKnown = rcx&0xff, true
			}
		}
	}
	if !countKnown {
		count = 1 // the D0/D1 forms shift by one
	}
	if width == 64 {
		count &= 0x3f
	} else {
		count &= 0x1f
	}
	if count == 0 {
		return 0
	}
	var m uint64
	if count != 1 {
		m |= flagOF
	}
	switch inst.Op {
	case x86asm.SHL, x86asm.SHR, x86asm.SAR:
		m |= flagAF
		if count >= width {
			m |= flagCF | flagOF
		}
	case x86asm.SHLD, x86asm.SHRD:
		m |= flagAF
		if count > width {
			m |= allArith
		}
	case x86asm.RCL, x86asm.RCR:
		if width < 32 && count > width {
			m |= flagOF
		}
	}
	return m
}

// vexMnemonic recognises the VEX-encoded BMI1/BMI2 instructions that
// affect flags (x86asm decodes no VEX instructions).
func vexMnemonic(code []byte) (string, bool) {
	i := 0
	for i < len(code) && isLegacyPrefix(code[i]) {
		i++
	}
	if i+4 > len(code) || code[i] != 0xc4 {
		return "", false
	}
	mmmmm := code[i+1] & 0x1f
	pp := code[i+2] & 0x3
	op := code[i+3]
	if mmmmm != 2 {
		return "", false
	}
	switch {
	case op == 0xf2 && pp == 0:
		return "andn", true
	case op == 0xf7 && pp == 0:
		return "bextr", true
	case op == 0xf5 && pp == 0:
		return "bzhi", true
	case op == 0xf3 && pp == 0 && i+4 < len(code):
		switch (code[i+4] >> 3) & 7 {
		case 1:
			return "blsr", true
		case 2:
			return "blsmsk", true
		case 3:
			return "blsi", true
		}
	}
	return "", false
}

func isLegacyPrefix(b byte) bool {
	switch b {
	case 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65:
		return true
	}
	return false
}

// operandWidth is the width in bits of an instruction's destination.
func operandWidth(inst x86asm.Inst) uint64 {
	switch a := inst.Args[0].(type) {
	case x86asm.Reg:
		switch {
		case a >= x86asm.AL && a <= x86asm.R15B:
			return 8
		case a >= x86asm.AX && a <= x86asm.R15W:
			return 16
		case a >= x86asm.EAX && a <= x86asm.R15L:
			return 32
		case a >= x86asm.RAX && a <= x86asm.R15:
			return 64
		}
	case x86asm.Mem:
		if inst.MemBytes > 0 {
			return uint64(inst.MemBytes) * 8
		}
	}
	if inst.DataSize > 0 {
		return uint64(inst.DataSize)
	}
	return 32
}
