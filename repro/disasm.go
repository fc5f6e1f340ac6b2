package repro

import "golang.org/x/arch/x86/x86asm"

// Disassemble renders the instruction at the start of code in Intel
// syntax for an instruction at pc, and returns its length; ok is false
// when x86asm cannot decode it (it knows no VEX instructions, for one).
func Disassemble(code []byte, pc uint64) (text string, n int, ok bool) {
	inst, err := x86asm.Decode(code, 64)
	if err != nil {
		return "", 0, false
	}
	return x86asm.IntelSyntax(inst, pc, nil), inst.Len, true
}

// decodedLen is the length x86asm decodes at the start of code, or for a
// VEX, EVEX or XOP instruction x86asm does not know, VEXLen's.
func decodedLen(code []byte) (int, bool) {
	if _, n, ok := Disassemble(code, 0); ok {
		return n, true
	}
	return VEXLen(code)
}

// NewInsn returns the instruction with the given bytes at addr, its text
// from x86asm when it can decode it (empty otherwise).
func NewInsn(addr uint64, code []byte) Insn {
	text, _, _ := Disassemble(code, addr)
	return Insn{Addr: addr, Bytes: append([]byte(nil), code...), Text: text}
}
