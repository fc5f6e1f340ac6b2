package oracle

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"lockstep/machine"
	"lockstep/native"
	"lockstep/unicorn"
)

// Host runs one instruction on the host CPU (package native's Executor).
// The oracle hands it what Unicorn cannot execute and adopts the result.
type Host interface {
	Run(ctx context.Context, st *native.State) (*native.Result, error)
}

// WithHost makes the oracle run natively, on h, every instruction it would
// otherwise report Unsupported, and adopt the host's registers and writes.
// The x87 tag word and the YMM upper halves live in Unicorn beside the
// layout's registers, so AVX state survives between native runs.
func WithHost(h Host) Option {
	return func(c *config) { c.host = h }
}

// NativeCounts returns how many instructions, by mnemonic, the host ran for
// the oracle.
func (o *Oracle) NativeCounts() map[string]int {
	out := make(map[string]int, len(o.nativeCount))
	for k, v := range o.nativeCount {
		out[k] = v
	}
	return out
}

// ExtraBefore returns the full x87 tag word and the YMM upper halves as
// they were before the last step: state the reference's layout lacks. It
// is kept only for an oracle with a host (WithHost).
func (o *Oracle) ExtraBefore() (uint16, [16][16]byte) { return o.preTag, o.preYMMH }

// Step executes exactly one instruction (one iteration of a rep string
// instruction) unless it is one the oracle must not execute: see
// ResultKind. An instruction Unicorn cannot execute runs on the host when
// the oracle has one (WithHost). An error means the oracle itself failed
// (the source could not be read, Unicorn misbehaved); the oracle should
// not be stepped further.
func (o *Oracle) Step(ctx context.Context) (Result, error) {
	if err := o.live(); err != nil {
		return Result{}, err
	}
	if o.host != nil {
		// Kept for the host only: one register read per step.
		tag, err := o.eng.RegRead(unicorn.X86RegFPTag)
		if err != nil {
			return Result{}, fmt.Errorf("oracle: read the x87 tag word: %w", err)
		}
		o.preTag = uint16(tag)
	}
	if o.ymmUsed {
		if err := o.readYMMH(&o.preYMMH); err != nil {
			return Result{}, err
		}
	}
	res, err := o.step(ctx)
	if err != nil || res.Kind != Unsupported || o.host == nil {
		return res, err
	}
	return o.runNative(ctx, res)
}

func (o *Oracle) readYMMH(dst *[16][16]byte) error {
	var buf [32]byte
	for i := range 16 {
		if _, err := o.eng.RegReadBytes(unicorn.X86RegYMM0+unicorn.Reg(i), buf[:]); err != nil {
			return fmt.Errorf("oracle: read ymm%d: %w", i, err)
		}
		copy(dst[i][:], buf[16:])
	}
	return nil
}

// runNative runs an instruction Unicorn cannot execute on the host.
func (o *Oracle) runNative(ctx context.Context, unsup Result) (Result, error) {
	snap := o.regs.layout.NewSnapshot()
	if err := o.Registers(snap); err != nil {
		return Result{}, err
	}
	st := &native.State{Regs: snap, FTag: o.preTag, YMMH: o.preYMMH, Memory: oracleMemory{ctx: ctx, o: o}}
	res, err := o.host.Run(ctx, st)
	if err != nil {
		if errors.Is(err, native.ErrRefused) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			unsup.Reason += "; not run on the host: " + err.Error()
			return unsup, nil
		}
		return Result{}, fmt.Errorf("oracle: running %s on the host: %w", unsup.Insn, err)
	}
	if f := res.Fault; f != nil {
		if f.Signal == int(syscall.SIGILL) {
			unsup.Reason += "; the host CPU lacks it too (SIGILL)"
			return unsup, nil
		}
		return Result{Kind: Fault, PC: unsup.PC, Insn: unsup.Insn, Reason: "raised on the host CPU",
			Fault: FaultInfo{Addr: f.Addr, Signal: f.Signal, Vector: -1}}, nil
	}
	if err := o.Adopt(res.Regs); err != nil {
		return Result{}, err
	}
	if err := o.eng.RegWrite(unicorn.X86RegFPTag, uint64(res.FTag)); err != nil {
		return Result{}, fmt.Errorf("oracle: write the x87 tag word: %w", err)
	}
	var ymm [32]byte
	for i := range 16 {
		copy(ymm[:16], res.Regs.Bytes(fmt.Sprintf("xmm%d", i)))
		copy(ymm[16:], res.YMMH[i][:])
		if err := o.eng.RegWriteBytes(unicorn.X86RegYMM0+unicorn.Reg(i), ymm[:]); err != nil {
			return Result{}, fmt.Errorf("oracle: write ymm%d: %w", i, err)
		}
		if res.YMMH[i] != ([16]byte{}) {
			o.ymmUsed = true
		}
	}
	out := Result{Kind: Executed, PC: unsup.PC, Insn: unsup.Insn, Native: true}
	for _, w := range res.Writes {
		if err := o.mem.write(w.Addr, w.New); err != nil {
			return Result{}, fmt.Errorf("oracle: adopt the host's write at %#x: %w", w.Addr, err)
		}
		for p := w.Addr &^ pageMask; p < w.Addr+uint64(len(w.New)); p += pageSize {
			o.mem.markDirty(p)
		}
		out.Writes = append(out.Writes, MemWrite{Addr: w.Addr, Old: w.Old, New: w.New})
	}
	mn := unsup.Insn
	if mn == "" {
		mn = mnemonic(o.codeBuf[:])
	}
	o.nativeCount[mn]++
	return out, nil
}

// oracleMemory serves the oracle's memory, fetching pages it has not yet
// cached, with the reference's permissions.
type oracleMemory struct {
	ctx context.Context
	o   *Oracle
}

func (m oracleMemory) Page(addr uint64, p []byte) (machine.Perm, bool, error) {
	r, ok := m.o.m.Find(addr)
	if !ok {
		return 0, false, nil
	}
	if !m.o.mem.present(addr) {
		fetched, err := m.o.fetch(m.ctx, addr)
		if err != nil {
			return 0, false, err
		}
		if !fetched {
			clear(p)
			return r.Perm, true, nil
		}
	}
	return r.Perm, true, m.o.mem.read(addr, p)
}
