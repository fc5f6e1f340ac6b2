package qemutrace

import (
	"context"
	"fmt"
)

// isRepString reports whether code starts with a rep-prefixed string
// instruction (rep/repe/repne with movs, cmps, stos, lods, scas, ins or
// outs): the only instructions that stop with rip unchanged and are not
// done. Legacy prefixes and one REX prefix may come first.
func isRepString(code []byte) bool {
	rep := false
	for i, b := range code {
		switch {
		case b == 0xf2 || b == 0xf3:
			rep = true
		case b == 0x66 || b == 0x67 || b == 0xf0 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65:
		case b&0xf0 == 0x40: // REX: the opcode must follow
			if i+1 < len(code) {
				return rep && isStringOpcode(code[i+1])
			}
			return false
		default:
			return rep && isStringOpcode(b)
		}
	}
	return false
}

func isStringOpcode(b byte) bool {
	return b >= 0xa4 && b <= 0xa7 || b >= 0xaa && b <= 0xaf || b >= 0x6c && b <= 0x6f
}

// repeated reports whether a step that left rip at pc was one iteration of
// a rep string instruction (anything else, a jump to itself, is an
// ordinary step). The answer is kept for the instruction's next
// iterations.
func (t *Tracer) repeated(ctx context.Context, pc uint64) (bool, error) {
	if t.repValid && t.repPC == pc {
		return t.repIs, nil
	}
	code := make([]byte, 15)
	n := len(code)
	if end := pageUp(pc + 1); pc+uint64(n) > end {
		n = int(end - pc) // read this page first; the next may be unmapped
	}
	if err := t.conn.ReadMemory(ctx, pc, code[:n]); err != nil {
		return false, fmt.Errorf("qemutrace: read instruction at %#x: %w", pc, err)
	}
	if n < len(code) && t.conn.ReadMemory(ctx, pc+uint64(n), code[n:]) == nil {
		n = len(code)
	}
	t.repPC, t.repIs, t.repValid = pc, isRepString(code[:n]), true
	return t.repIs, nil
}
