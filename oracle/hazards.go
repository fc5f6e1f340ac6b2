package oracle

import (
	"context"
	"encoding/binary"
	"fmt"

	"lockstep/machine"
)

// Translation hazards. Unicorn 2.0.1 aborts the whole process ("tcg fatal
// error") when it translates some instructions with a misplaced lock
// prefix: lock cmp, lock cmps, lock bt and bts/btr/btc on a register, lock
// mov to a debug register. The oracle never runs them (the pre-decoder
// makes every misplaced lock a #UD, clsUndefined), but Unicorn translates
// more than the instruction it runs: the rest of the straight-line block
// after it, and the block at the target of a branch it takes. So when the
// program's code holds such bytes, the oracle gives Unicorn an end address
// at the first one it could reach, which stops translation there.
//
// Executable pages are scanned for the hazard when they are fetched (an
// F0 byte that decodes as a misplaced lock; code rarely has any), so a
// step costs one comparison while no page has one. Code the program writes
// is scanned again only when it is fetched again, or made executable.

// maxBlockInsns bounds the look-ahead: a QEMU translation block holds at
// most 512 instructions and two pages.
const maxBlockInsns = 512

// abortsUnicorn reports whether translating an instruction aborts
// Unicorn 2.0.1: the misplaced locks found by translating every opcode,
// ModRM form and prefix combination with a lock prefix (the others it
// rejects as invalid, or executes).
func abortsUnicorn(in *insn) bool {
	if in.class != clsUndefined || in.name != "lock" {
		return false
	}
	switch in.opc {
	case 0x038, 0x039: // cmp r/m, r
		return !in.regRM
	case 0x080, 0x081, 0x083: // cmp r/m, imm
		return in.sub == 7 && !in.regRM
	case 0x0a6, 0x0a7, 0x1a3, 0x123: // cmps, bt, mov to a debug register
		return true
	case 0x1ab, 0x1b3, 0x1bb: // bts, btr, btc on a register
		return in.regRM
	case 0x1ba: // bt, bts, btr, btc on a register, with an immediate
		return in.sub >= 4 && in.regRM
	}
	return false
}

// pageHazard reports whether an executable page may hold an instruction
// whose translation aborts Unicorn: an F0 byte that starts one, or may
// (the page ends before the instruction does).
func pageHazard(pg []byte) bool {
	for i, c := range pg {
		if c != 0xf0 {
			continue
		}
		in := decode(pg[i:min(i+15, len(pg))])
		if abortsUnicorn(&in) || in.len == 0 && in.class == clsNormal {
			return true
		}
	}
	return false
}

// noteHazard scans a page just fetched if the program may execute it.
func (o *Oracle) noteHazard(page uint64, r machine.Region) {
	if r.Perm&machine.PermExec != 0 {
		o.mem.setHazard(page, pageHazard(o.mem.page(page)))
	}
}

// rescanHazards scans the cached pages that became executable since the
// map old (mprotect of code the program wrote, say).
func (o *Oracle) rescanHazards(old *machine.Map) {
	if old == nil {
		return // nothing is cached yet
	}
	var pages []uint64
	for _, r := range o.m.Regions() {
		if r.Perm&machine.PermExec == 0 {
			continue
		}
		if was, ok := old.Find(r.Start); ok && was.Perm&machine.PermExec != 0 && was.Start <= r.Start && was.End >= r.End {
			continue // executable before
		}
		if pages == nil {
			pages = o.mem.presentPages()
		}
		for _, p := range pages {
			if !r.Contains(p) {
				continue
			}
			if was, ok := old.Find(p); ok && was.Perm&machine.PermExec != 0 {
				continue
			}
			o.noteHazard(p, r)
		}
	}
}

// lookahead returns the end address for the step at pc: the first hazard
// Unicorn could translate during it, or noExit. The target of a ret or of
// an indirect branch through memory is read there, fetched if need be.
func (o *Oracle) lookahead(ctx context.Context, pc uint64, in *insn) (uint64, error) {
	if o.mem.nhazard == 0 {
		return noExit, nil
	}
	next := pc + uint64(in.len)
	var x uint64
	switch in.branch {
	case brNone:
		x = o.scanBlock(next)
	case brDirect:
		x = o.scanBlock(next + uint64(in.rel))
	case brCond:
		if x = o.scanBlock(next + uint64(in.rel)); x == 0 {
			x = o.scanBlock(next)
		}
	case brRet, brIndirect:
		var target uint64
		var err error
		switch {
		case in.branch == brRet:
			target, err = o.load64(ctx, o.regs.u64(o.cur, o.regs.rsp))
		case in.regRM:
			target = o.gpr(o.cur, in.rm)
		case in.hasMem:
			target, err = o.load64(ctx, o.effectiveAddress(o.cur, pc, in))
		}
		if err != nil {
			return 0, err
		}
		x = o.scanBlock(target)
	}
	if x == 0 {
		return noExit, nil
	}
	return x, nil
}

// load64 reads a branch target from the program's memory, fetching its
// pages; a page the program cannot read gives 0 (the branch will fault).
func (o *Oracle) load64(ctx context.Context, addr uint64) (uint64, error) {
	var b [8]byte
	for _, p := range [2]uint64{addr &^ pageMask, (addr + 7) &^ pageMask} {
		if !o.mem.present(p) {
			ok, err := o.fetch(ctx, p)
			if err != nil || !ok {
				return 0, err
			}
			if err := o.eng.RemoveCache(p, p+pageSize); err != nil {
				return 0, fmt.Errorf("oracle: %w", err)
			}
		}
	}
	if err := o.mem.read(addr, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}

// scanBlock follows straight-line code from start, as Unicorn would
// translate it, and returns the address of the first hazard, or 0. Only
// fetched pages are read: Unicorn sees nothing else yet.
func (o *Oracle) scanBlock(start uint64) uint64 {
	if !o.mem.hazardous(start) && !o.mem.hazardous(start+pageSize) {
		return 0
	}
	addr := start
	var buf [15]byte
	for n := 0; n < maxBlockInsns && addr>>pageShift <= start>>pageShift+1; n++ {
		k := o.peek(addr, buf[:])
		if k == 0 {
			return 0
		}
		in := decode(buf[:k])
		switch {
		case abortsUnicorn(&in):
			return addr
		case in.len == 0, in.branch != brNone, in.class == clsSyscall, in.class == clsInt80:
			return 0 // the block ends here
		}
		addr += uint64(in.len)
	}
	return 0
}

// peek copies fetched memory at addr into p, stopping at the first page
// that has not been fetched; it returns the bytes copied.
func (o *Oracle) peek(addr uint64, p []byte) int {
	n := 0
	for n < len(p) && o.mem.present(addr) {
		k := copy(p[n:], o.mem.page(addr)[addr&pageMask:])
		n += k
		addr += uint64(k)
	}
	return n
}
