package oracle

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"

	"lockstep/unicorn"
)

// calc is a second Unicorn engine, without hooks, on which the oracle
// recomputes results that the main engine's write hook corrupts (see
// fixes.go). It holds one code page with every operation it runs, each
// in its own 16-byte slot, so its translations never go stale. It runs at
// CPL 0 with nothing else mapped: only register operands.
type calc struct {
	eng  *unicorn.Engine
	regs *unicorn.RegBatch // rax, rcx, rdx, eflags at 0, 8, 16, 24 of buf
	out  *unicorn.RegBatch // rax, eflags
	buf  [32]byte
}

const (
	calcCode = 0x1000
	calcSlot = 16
)

// Slots: shl/shr/sal/sar (ModRM reg 4-7) by CL at 8, 16, 32 and 64 bits,
// then shld and shrd by CL at 16, 32 and 64 bits.
func calcSlotOf(in *insn) int {
	size := bits.TrailingZeros8(in.opsize) // 1, 2, 4, 8 bytes: 0..3
	if in.fix == fixShiftCL {
		return size*4 + int(in.sub-4)
	}
	dir := 0
	if in.sub == 0xac || in.sub == 0xad {
		dir = 1
	}
	return 16 + dir*3 + size - 1
}

// calcProgram assembles every slot; the register form of each operation
// uses rax as destination, cl as count and rdx as shld/shrd's source.
func calcProgram() []byte {
	code := make([]byte, 22*calcSlot)
	for i := range code {
		code[i] = 0xf4 // hlt: never reached, Unicorn stops after one instruction
	}
	put := func(slot int, b ...byte) { copy(code[slot*calcSlot:], b) }
	prefix := map[int][]byte{0: nil, 1: {0x66}, 2: nil, 3: {0x48}}
	for size := 0; size < 4; size++ {
		op := byte(0xd3)
		if size == 0 {
			op = 0xd2
		}
		for sub := byte(4); sub <= 7; sub++ {
			put(size*4+int(sub-4), append(append([]byte{}, prefix[size]...), op, 0xc0|sub<<3)...)
		}
	}
	for dir, op := range []byte{0xa5, 0xad} {
		for size := 1; size < 4; size++ {
			put(16+dir*3+size-1, append(append([]byte{}, prefix[size]...), 0x0f, op, 0xd0)...)
		}
	}
	return code
}

func newCalc() (*calc, error) {
	eng, err := unicorn.Open(unicorn.ArchX86, unicorn.Mode64)
	if err != nil {
		return nil, err
	}
	c := &calc{eng: eng}
	ok := false
	defer func() {
		if !ok {
			eng.Close()
		}
	}()
	if err := eng.MemMap(calcCode, pageSize, unicorn.ProtRead|unicorn.ProtExec); err != nil {
		return nil, err
	}
	if err := eng.MemWrite(calcCode, calcProgram()); err != nil {
		return nil, err
	}
	if c.regs, err = eng.NewRegBatch([]unicorn.BatchReg{
		{Reg: unicorn.X86RegRAX, Offset: 0, Size: 8},
		{Reg: unicorn.X86RegRCX, Offset: 8, Size: 8},
		{Reg: unicorn.X86RegRDX, Offset: 16, Size: 8},
		{Reg: unicorn.X86RegEFLAGS, Offset: 24, Size: 8},
	}); err != nil {
		return nil, err
	}
	if c.out, err = eng.NewRegBatch([]unicorn.BatchReg{
		{Reg: unicorn.X86RegRAX, Offset: 0, Size: 8},
		{Reg: unicorn.X86RegEFLAGS, Offset: 24, Size: 8},
	}); err != nil {
		return nil, err
	}
	ok = true
	return c, nil
}

func (c *calc) close() {
	if c != nil && c.eng != nil {
		c.eng.Close()
		c.eng = nil
	}
}

// shift runs a memory shift (fixShiftCL, fixShiftD) on registers: dst is
// the memory operand's old value, count the count (cl or imm8), src
// shld/shrd's source register and flags the flags before. It returns the
// result and the flags after.
func (c *calc) shift(in *insn, dst, count, src, flags uint64) (res, fl uint64, err error) {
	if in.fix != fixShiftCL && in.fix != fixShiftD {
		return 0, 0, errors.New("calc: not a shift")
	}
	le := binary.LittleEndian
	le.PutUint64(c.buf[0:], dst)
	le.PutUint64(c.buf[8:], count)
	le.PutUint64(c.buf[16:], src)
	le.PutUint64(c.buf[24:], flags&flagStatus|2)
	if err := c.regs.Write(c.buf[:]); err != nil {
		return 0, 0, err
	}
	slot := uint64(calcCode + calcSlotOf(in)*calcSlot)
	if err := c.eng.StartRead(slot, noExit, 0, 1, c.out, c.buf[:]); err != nil {
		return 0, 0, fmt.Errorf("calc: %w", err)
	}
	return le.Uint64(c.buf[0:]), le.Uint64(c.buf[24:]) & flagStatus, nil
}

// calculator returns the oracle's calculator engine, opening it on first
// use.
func (o *Oracle) calculator() (*calc, error) {
	if o.calc == nil {
		c, err := newCalc()
		if err != nil {
			return nil, fmt.Errorf("calculator engine: %w", err)
		}
		o.calc = c
	}
	return o.calc, nil
}
