package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"lockstep/machine"
)

// Streamer is a reference that can also run freely and report its state
// at the start of every block it executes: QEMU with its CPU log (block
// mode). Between Resume and Wait only NextBlock may be called.
type Streamer interface {
	Reference
	// Resume runs freely until the reference reaches until (0: no stop
	// address), ends, or stops with a signal.
	Resume(ctx context.Context, until uint64) error
	// NextBlock fills the registers named by BlockRegisters with the
	// state before the next block the reference executed. It returns
	// false once the reference has stopped and every block before the
	// stop has been returned.
	NextBlock(ctx context.Context, dst *machine.Snapshot) (bool, error)
	// Wait ends the free run: the stop, and Registers holds the state
	// there.
	Wait(ctx context.Context) (machine.Stop, error)
	// BlockRegisters names the registers NextBlock fills in.
	BlockRegisters() []string
}

// Checkpointer is a follower that can run ahead and come back: block mode
// runs each window first on the follower alone, while the reference waits
// at the window's start, so that every page the window touches is fetched
// as it was there; then it rolls back and runs the window again against
// the reference's blocks.
type Checkpointer interface {
	Checkpoint() error
	// Rollback returns to the last checkpoint; pages written since are
	// fetched again from the reference, which must not have moved.
	Rollback(ctx context.Context) error
	// PC is the address of the next instruction.
	PC() uint64
	// Clean records that the follower's copy of these pages equals the
	// reference's: they are no longer dirty.
	Clean(pages []uint64)
}

// maxStraight bounds the instructions stepped past a block boundary whose
// comparison failed, looking for a later boundary at the same address (a
// block that branches back into itself); QEMU's blocks hold at most 512.
const maxStraight = 512

// windowEnd is how a window ends: the instruction the follower does not
// run on its own, where the reference is stopped with a breakpoint.
type windowEnd struct {
	pc    uint64
	steps uint64 // instructions in the window before it
	bp    bool   // stop the reference with a breakpoint at pc
	cut   bool   // the window ends at the step limit, not at an instruction
	// written are the pages the follower wrote running the window ahead,
	// besides those it had written before (fastForward drops them).
	written []uint64
}

// Window sizes. A window runs to the next instruction the follower does
// not run alone. One that goes on past windowSoft instructions is cut at
// the first address it has not run yet on a page it has not run yet: a
// breakpoint there stops the reference at the right time (not at an
// earlier pass), and leaves whole the blocks of the pages the window ran
// (QEMU 7.2 translates the page of a breakpoint one instruction per
// block). One that finds no such address by windowHard instructions is a
// loop waiting for something the follower cannot foresee, such as a
// signal: the next spinSteps instructions are compared stepped instead.
const (
	windowSoft = 1 << 20
	windowHard = 1 << 24
	spinSteps  = 4096
	seenBits   = 16
)

// scout runs the next window on the follower alone and rolls back.
func (r *run) scout(ctx context.Context) (windowEnd, error) {
	if r.preStop != nil || r.stepped > 0 {
		return windowEnd{}, nil // the next steps are compared stepped
	}
	if err := r.cp.Checkpoint(); err != nil {
		return windowEnd{}, fmt.Errorf("follower checkpoint: %w", err)
	}
	var limit uint64
	if r.cfg.MaxSteps > 0 {
		limit = r.cfg.MaxSteps - r.res.Steps
	}
	if r.seen == nil {
		r.seen = make([]uint32, 1<<seenBits)
	}
	r.seenGen++
	if r.winPages == nil {
		r.winPages = map[uint64]bool{}
	}
	clear(r.winPages)
	lastPage := ^uint64(0)
	var end windowEnd
	for {
		if limit > 0 && end.steps >= limit {
			end.cut, end.pc = true, r.cp.PC()
			break
		}
		pc := r.cp.PC()
		slot := &r.seen[(pc*0x9e3779b97f4a7c15)>>(64-seenBits)]
		if page := pc >> 12; page != lastPage {
			if end.steps >= windowSoft && !r.winPages[page] && *slot != r.seenGen {
				end.pc, end.bp = pc, true
				break
			}
			lastPage = page
			r.winPages[page] = true
		}
		if end.steps >= windowHard {
			end = windowEnd{}
			r.stepped = spinSteps
			break
		}
		*slot = r.seenGen
		fs, err := r.fol.Step(ctx)
		if err != nil {
			return windowEnd{}, fmt.Errorf("follower, running a window ahead: %w", err)
		}
		if fs.Kind != Executed || fs.Suspect != "" || r.suspects[fs.PC] {
			end.pc = fs.PC
			// A fault stops the reference by itself, and its address may
			// have run before in the window without faulting.
			end.bp = fs.Kind != Fault
			break
		}
		end.steps++
	}
	end.written = r.fol.DirtyPages()
	if err := r.cp.Rollback(ctx); err != nil {
		return windowEnd{}, fmt.Errorf("follower rollback: %w", err)
	}
	return end, nil
}

// Window is the part of a run Config.Window compares, in system calls.
type Window struct {
	From, To uint64
}

// window runs one window in block mode: the reference runs freely from
// here to the window's end while the follower replays it, compared at
// every block boundary. It reports whether the run has ended.
func (r *run) window(ctx context.Context) (bool, error) {
	if w := r.cfg.Window; w != nil && r.res.Syscalls < w.From {
		return r.fastForward(ctx)
	}
	end, err := r.scout(ctx)
	if err != nil {
		return false, err
	}
	if end.steps == 0 && !end.cut {
		// The window is empty, or the reference stopped where the next
		// step is compared: the next instruction is compared stepped.
		if r.stepped > 0 {
			r.stepped--
		}
		return r.step(ctx)
	}

	r.res.Windows++
	w := windowStart{steps: r.res.Steps, trail: len(r.trail), pc: r.cp.PC()}
	until := uint64(0)
	if end.bp {
		until = end.pc
	}
	if err := r.stream.Resume(ctx, until); err != nil {
		return false, err
	}
	blk := r.blockRef
	ok, err := r.stream.NextBlock(ctx, blk)
	if err != nil {
		return false, err
	}
	if ok {
		if pc := le(blk.Reg(r.pcIx)); pc != r.cp.PC() {
			return false, fmt.Errorf("harness: the reference's log starts the window at %#x, not at %#x", pc, r.cp.PC())
		}
	}
	logged := ok
	var done uint64
	r.blockInsns = r.blockInsns[:0]
	for ok {
		if ok, err = r.stream.NextBlock(ctx, blk); err != nil || !ok {
			break
		}
		r.res.Blocks++
		found, err := r.replayBlock(ctx, blk, &done, end)
		if err != nil || !found {
			if err == nil && r.pending != nil {
				return r.localizePending(ctx, w)
			}
			return !found, err
		}
		r.progress()
	}
	if err != nil {
		return false, err
	}
	stop, err := r.stream.Wait(ctx)
	if err != nil {
		return false, err
	}
	if !logged && stop.Kind == machine.Stepped {
		// It ran to the window's end without logging a block.
		return false, errors.New("harness: the reference logged no block (is its CPU log on?)")
	}
	r.record(opRun, until, stop)
	ended, err := r.windowStop(ctx, stop, &done, end, w)
	if err == nil && r.pending != nil {
		return r.localizePending(ctx, w)
	}
	return ended, err
}

func (r *run) localizePending(ctx context.Context, w windowStart) (bool, error) {
	p := *r.pending
	r.pending = nil
	return r.localize(ctx, w, p)
}

// replayBlock steps the follower to the block boundary the reference
// logged in blk. It reports false when it recorded a divergence, or when
// the window was cut at the step limit.
func (r *run) replayBlock(ctx context.Context, blk *machine.Snapshot, done *uint64, end windowEnd) (bool, error) {
	target := le(blk.Reg(r.pcIx))
	// A failed comparison where the follower reached the block's address
	// without a jump may be early: the block can branch back into itself.
	// It is kept, with how far the block had got, while the follower
	// looks for a later boundary at the same address.
	var tentative *Divergence
	var tentSteps uint64
	var tentLen int
	keep := func(d *Divergence) {
		tentative, tentSteps, tentLen = d, r.res.Steps, len(r.blockInsns)
	}
	fail := func() (bool, error) {
		if tentative == nil {
			d, _, err := r.compareBlock(ctx, blk, true)
			if err != nil {
				return false, err
			}
			keep(d)
		}
		r.blockDiverge(ctx, tentative, blk, tentLen, tentSteps)
		return false, nil
	}
	straight := 0
	for {
		if *done == end.steps {
			if end.cut {
				r.limitReached(LimitSteps)
				return false, nil
			}
			// The reference went on where the follower's window ends.
			return fail()
		}
		fs, err := r.fol.Step(ctx)
		if err != nil {
			return false, fmt.Errorf("follower: %w", err)
		}
		if fs.Kind != Executed {
			return false, fmt.Errorf("harness: the follower did not repeat its window: %s at %#x after %d steps", fs.Kind, fs.PC, *done)
		}
		*done++
		r.res.Steps++
		r.blockInsns = append(r.blockInsns, fs.PC)
		pc := r.cp.PC()
		jumped := pc <= fs.PC || pc > fs.PC+15
		if pc == target {
			d, same, err := r.compareBlock(ctx, blk, true)
			if err != nil {
				return false, err
			}
			if same {
				r.blockInsns = r.blockInsns[:0]
				return true, nil
			}
			if jumped || tentative == nil {
				keep(d)
			}
			if jumped {
				return fail()
			}
		} else if jumped {
			return fail()
		}
		if straight++; straight > maxStraight {
			return fail()
		}
	}
}

// windowStop finishes a window where the reference stopped: the follower
// runs the rest of the last block, then registers and written pages are
// compared in full.
func (r *run) windowStop(ctx context.Context, stop machine.Stop, done *uint64, end windowEnd, w windowStart) (bool, error) {
	switch stop.Kind {
	case machine.Exited, machine.Killed:
		d := Divergence{Kind: KindExit, Detail: fmt.Sprintf("the reference %v inside a window the follower runs on (%d of %d instructions replayed)", stop, *done, end.steps)}
		r.diverge(ctx, d, r.cp.PC())
		return true, nil
	}
	// Signalled: a fault, or a signal from outside, at stop.PC. The next
	// step is compared as in step mode, with this stop as the reference's.
	if stop.Kind == machine.Signalled {
		s := stop
		r.preStop = &s
	}
	for *done < end.steps && (stop.Kind == machine.Stepped || r.cp.PC() != stop.PC) {
		fs, err := r.fol.Step(ctx)
		if err != nil {
			return false, fmt.Errorf("follower: %w", err)
		}
		if fs.Kind != Executed {
			return false, fmt.Errorf("harness: the follower did not repeat its window: %s at %#x", fs.Kind, fs.PC)
		}
		*done++
		r.res.Steps++
		r.blockInsns = append(r.blockInsns, fs.PC)
	}
	if end.cut && *done == end.steps && stop.Kind == machine.Stepped {
		r.limitReached(LimitSteps)
		return true, nil
	}
	refS := r.ref.Registers()
	d, same, err := r.compareBlock(ctx, refS, false)
	if err != nil {
		return false, err
	}
	if !same {
		r.preStop = nil
		r.blockDiverge(ctx, d, refS, len(r.blockInsns), r.res.Steps)
		return false, nil
	}
	r.res.Blocks++
	r.blockInsns = r.blockInsns[:0]
	r.hist.push(r.res.Steps, r.cp.PC(), refS)
	// Memory: every page written since the last comparison. A
	// difference is localized by stepping the whole window again.
	pages := r.fol.DirtyPages()
	n := len(r.res.Divergences)
	if err := r.comparePages(ctx, stop.PC, pages); err != nil {
		return false, err
	}
	if len(r.res.Divergences) > n {
		d := r.res.Divergences[n]
		r.res.Divergences = r.res.Divergences[:n]
		d.Block = &BlockDivergence{Start: w.pc}
		r.pending = &pendingBlock{d: &d, blockStart: w.steps, end: r.res.Steps}
		r.preStop = nil
		return false, nil
	}
	r.cp.Clean(pages)
	return false, nil
}

// compareBlock compares the follower with the reference's state s at a
// block boundary: the registers the log has (logged), or all compared
// ones. Flags left undefined by any instruction of the block are not
// compared, and the follower adopts the reference's value for them, as
// for imprecise bits.
func (r *run) compareBlock(ctx context.Context, s *machine.Snapshot, logged bool) (*Divergence, bool, error) {
	copy(r.folRegs.Regs, s.Regs)
	if err := r.fol.Registers(r.folRegs); err != nil {
		return nil, false, fmt.Errorf("follower registers: %w", err)
	}
	cmp := r.compared
	if logged {
		cmp = r.blockCompared
	}
	refS := r.blockCmp
	refS.CopyFrom(s)
	for i, c := range cmp {
		if !c {
			copy(refS.Reg(i), r.folRegs.Reg(i))
		}
	}
	adopt := false
	for _, im := range r.imprecise {
		b := r.folRegs.Reg(im.index)
		v := le(b)
		if nv := v&^im.mask | le(refS.Reg(im.index))&im.mask; nv != v {
			putLE(b, nv)
			adopt = true
		}
	}
	if r.flagsIx >= 0 && !r.cfg.StrictFlags {
		x := le(refS.Reg(r.flagsIx)) ^ le(r.folRegs.Reg(r.flagsIx))
		if x != 0 && x&^r.blockUndefined(ctx) == 0 {
			copy(r.folRegs.Reg(r.flagsIx), refS.Reg(r.flagsIx))
			adopt = true
		}
	}
	if bytes.Equal(r.folRegs.Regs, refS.Regs) {
		if adopt {
			return nil, true, r.fol.Adopt(refS)
		}
		return nil, true, nil
	}
	var diffs []int
	for i := range r.layout.Regs {
		if !bytes.Equal(r.folRegs.Reg(i), refS.Reg(i)) {
			diffs = append(diffs, i)
		}
	}
	d := r.registerDivergence(refS, diffs)
	return &d, false, nil
}

// blockUndefined is the union of the flags the instructions since the
// last boundary leave undefined. Shift counts are not known here: a count
// other than 1 is assumed, which leaves OF undefined.
func (r *run) blockUndefined(ctx context.Context) uint64 {
	var m uint64
	for _, pc := range r.blockInsns {
		m |= UndefinedFlags(r.code(ctx, pc), 2)
	}
	return m
}

// blockDiverge holds a divergence found at a block boundary for
// localization: the block is the first n instructions since the last
// boundary, and the boundary was at step `at`.
func (r *run) blockDiverge(ctx context.Context, d *Divergence, ref *machine.Snapshot, n int, at uint64) {
	if d == nil {
		d = &Divergence{Kind: KindRegister, Register: "rip", Reference: slices.Clone(ref.Reg(r.pcIx))}
		d.Follower = make([]byte, len(d.Reference))
		putLE(d.Follower, r.cp.PC())
	}
	insns := r.blockInsns[:n]
	b := &BlockDivergence{}
	for _, pc := range insns {
		b.Instructions = append(b.Instructions, r.instruction(ctx, pc))
	}
	last := r.cp.PC()
	if n > 0 {
		b.Start, last = insns[0], insns[n-1]
	}
	d.Block = b
	d.Instruction = r.instruction(ctx, last)
	r.pending = &pendingBlock{d: d, blockStart: at - uint64(n), end: at}
}

// BlockDivergence is a divergence found at a block boundary in block mode.
type BlockDivergence struct {
	// Start is the address of the block's first instruction, and
	// Instructions the block as the follower ran it, up to the boundary.
	Start        uint64
	Instructions []Instruction
	// Localized: run again single-stepped, the sides differed at an
	// instruction of the block, which this divergence names.
	Localized bool
	// OnlyAsBlock: run again single-stepped, QEMU agreed with the
	// follower through the block; it goes wrong only when it translates
	// the block as a whole.
	OnlyAsBlock bool
	// Rerun says why the divergence could not be localized.
	Rerun string
}

// setupBlocks checks that both sides can do block mode.
func (r *run) setupBlocks() error {
	var ok bool
	if r.stream, ok = r.ref.(Streamer); !ok {
		return errors.New("harness: block mode needs a reference that runs freely with a CPU log")
	}
	if r.cp, ok = r.fol.(Checkpointer); !ok {
		return errors.New("harness: block mode needs a follower that can checkpoint")
	}
	switch {
	case r.cfg.KeepGoing:
		return errors.New("harness: --keep-going needs step mode: block mode stops at the first divergence")
	case r.cfg.Judge != nil && r.cfg.Arbiter == ArbiterEvery:
		return errors.New("harness: --arbiter every needs step mode")
	}
	logged := map[string]bool{}
	for _, n := range r.stream.BlockRegisters() {
		logged[n] = true
	}
	r.blockCompared = make([]bool, len(r.compared))
	for i, c := range r.compared {
		r.blockCompared[i] = c && logged[r.layout.Regs[i].Name]
	}
	r.blockRef, r.blockCmp = r.layout.NewSnapshot(), r.layout.NewSnapshot()
	r.res.Mode = "block"
	return nil
}

// fastForward runs the next window without comparing it: before
// Config.Window's start. The follower scouts it for its end, the reference
// runs there, and the follower takes the reference's state; the
// instruction at the window's end is stepped, as always, and counted as
// skipped too.
func (r *run) fastForward(ctx context.Context) (bool, error) {
	before := r.res.Steps
	defer func() {
		r.res.Skipped += r.res.Steps - before
		r.res.Steps = before
	}()
	end, err := r.scout(ctx)
	if err != nil {
		return false, err
	}
	if end.steps == 0 {
		return r.step(ctx)
	}
	until := uint64(0)
	if end.bp {
		until = end.pc
	}
	stop, err := r.replayRun(ctx, until)
	if err != nil {
		return false, err
	}
	r.record(opRun, until, stop)
	switch stop.Kind {
	case machine.Exited, machine.Killed:
		return false, fmt.Errorf("harness: the program ended before its %d-th system call, where the window starts", r.cfg.Window.From)
	case machine.Signalled:
		s := stop
		r.preStop = &s
	}
	r.res.Steps += end.steps
	if err := r.fol.Adopt(r.ref.Registers()); err != nil {
		return false, fmt.Errorf("follower adopting the reference's state: %w", err)
	}
	if err := r.fol.SetMap(r.ref.Map()); err != nil {
		return false, fmt.Errorf("follower adopting memory map: %w", err)
	}
	// The reference wrote what the follower wrote scouting (the same
	// instructions from the same state): those pages are fetched again.
	for _, p := range end.written {
		r.fol.Invalidate(p, p+pageSize)
	}
	return false, nil
}
