package session

import (
	"context"
	"fmt"

	"lockstep/harness"
	"lockstep/machine"
	"lockstep/oracle"
)

// oracleOpinion is the Unicorn oracle as the third opinion of a test
// pairing. At each judged divergence a fresh oracle is seeded from the
// state before the instruction (QEMU's registers; memory as the host's run
// gets it) and steps that one instruction, without the host as its
// fallback, so its answer is Unicorn's own (with the oracle's corrections
// of Unicorn).
type oracleOpinion struct{}

// Opinion runs the instruction at before's rip on a fresh oracle.
func (oracleOpinion) Opinion(ctx context.Context, before *machine.Snapshot, mem harness.OpinionMemory) (*harness.OpinionResult, error) {
	o, err := oracle.New(ctx, before.Layout, before, mem)
	if err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	r, err := o.Step(ctx)
	if err != nil {
		o.Close()
		pc, _ := before.Uint64("rip")
		return nil, fmt.Errorf("oracle: step at %#x: %w", pc, err)
	}
	res := &harness.OpinionResult{ReadMemory: o.ReadMemory, Close: o.Close}
	switch r.Kind {
	case oracle.Executed:
		res.Regs = before.Layout.NewSnapshot()
		if err := o.Registers(res.Regs); err != nil {
			o.Close()
			return nil, fmt.Errorf("oracle: registers: %w", err)
		}
	case oracle.Fault:
		res.Signal = r.Fault.Signal
	case oracle.Syscall:
		res.Unsupported = "a system call"
	case oracle.Sync:
		res.Unsupported = r.Insn + " is taken from the reference"
	default:
		res.Unsupported = r.Insn
		if r.Reason != "" {
			res.Unsupported += ": " + r.Reason
		}
	}
	return res, nil
}
