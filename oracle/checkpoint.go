package oracle

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"lockstep/unicorn"
)

// checkpoint is the oracle's state saved by Checkpoint.
type checkpoint struct {
	ctx         *unicorn.Context
	cur         []byte
	stale       [groups]bool
	preTag      uint16
	preYMMH     [16][16]byte
	ymmUsed     bool
	counts      map[string]int
	nativeCount map[string]int
}

// Checkpoint saves the oracle's state so that Rollback can return to it:
// block mode runs a window ahead to learn which pages it touches while the
// program is stopped, then runs it again against QEMU's log.
//
// Memory is not copied. Rollback fetches every page written since again
// from the source, so the source must still be where it was at the
// checkpoint (QEMU stopped at the window's start), and the oracle's memory
// must agree with it there (block mode compares the written pages at every
// window's end).
func (o *Oracle) Checkpoint() error {
	if err := o.live(); err != nil {
		return err
	}
	if o.cp == nil {
		c, err := o.eng.NewContext()
		if err != nil {
			return fmt.Errorf("oracle: checkpoint: %w", err)
		}
		o.cp = &checkpoint{ctx: c, cur: make([]byte, len(o.cur))}
	} else if err := o.eng.SaveContext(o.cp.ctx); err != nil {
		return fmt.Errorf("oracle: checkpoint: %w", err)
	}
	cp := o.cp
	copy(cp.cur, o.cur)
	cp.stale, cp.preTag, cp.preYMMH, cp.ymmUsed = o.stale, o.preTag, o.preYMMH, o.ymmUsed
	cp.counts, cp.nativeCount = maps.Clone(o.counts), maps.Clone(o.nativeCount)
	return nil
}

// Rollback returns the oracle to its last Checkpoint: registers, counts,
// and every page written since, fetched again from the source. Pages
// fetched since stay: they hold what the source held at the checkpoint.
func (o *Oracle) Rollback(ctx context.Context) error {
	if err := o.live(); err != nil {
		return err
	}
	cp := o.cp
	if cp == nil {
		return errors.New("oracle: Rollback without Checkpoint")
	}
	if err := o.eng.RestoreContext(cp.ctx); err != nil {
		return fmt.Errorf("oracle: rollback: %w", err)
	}
	copy(o.cur, cp.cur)
	o.stale, o.preTag, o.preYMMH, o.ymmUsed = cp.stale, cp.preTag, cp.preYMMH, cp.ymmUsed
	o.counts, o.nativeCount = maps.Clone(cp.counts), maps.Clone(cp.nativeCount)
	for _, page := range o.mem.dirtyPages() {
		o.mem.forget(page, page+pageSize)
		if _, err := o.fetch(ctx, page); err != nil {
			return fmt.Errorf("oracle: rollback: %w", err)
		}
		// Code the window stored into may be translated already.
		if err := o.eng.RemoveCache(page, page+pageSize); err != nil {
			return fmt.Errorf("oracle: rollback: %w", err)
		}
	}
	return nil
}

// suspectX87 are x87 instructions (the byte after D9) that Unicorn 2.0.1
// computes in double precision: f2xm1, fyl2x, fptan, fpatan, fprem1,
// fprem, fyl2xp1, fsincos, fsin, fcos.
var suspectX87 = map[byte]string{0xf0: "f2xm1", 0xf1: "fyl2x", 0xf2: "fptan", 0xf3: "fpatan", 0xf5: "fprem1",
	0xf8: "fprem", 0xf9: "fyl2xp1", 0xfb: "fsincos", 0xfe: "fsin", 0xff: "fcos"}

// suspectNames are decoded instructions Unicorn 2.0.1 gets wrong and the
// oracle does not correct (see Features).
var suspectNames = map[string]bool{"pdep": true, "pext": true}

// suspect names the instruction when the oracle is known to compute it
// wrongly, so that the harness compares it stepped, where the host CPU can
// judge it.
func suspect(code []byte, in *insn) string {
	if suspectNames[in.name] {
		return in.name
	}
	i := 0
	for i < len(code) && (isLegacyPrefix(code[i]) || code[i]&0xf0 == 0x40) {
		i++
	}
	if i+1 < len(code) && code[i] == 0xd9 {
		return suspectX87[code[i+1]]
	}
	return ""
}

// PC is the address of the next instruction.
func (o *Oracle) PC() uint64 { return o.regs.u64(o.cur, o.regs.rip) }

// Clean records that the oracle's copy of these pages equals the source's
// (the harness compared them): they are no longer dirty.
func (o *Oracle) Clean(pages []uint64) {
	for _, p := range pages {
		o.mem.clean(p)
	}
}
