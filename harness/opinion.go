package harness

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"lockstep/machine"
	"lockstep/native"
)

// Opinion is a third machine asked at a divergence of a test pairing (the
// Unicorn oracle, wired by package session): it runs the judged
// instruction once from the state before it, the same state the host
// starts from.
type Opinion interface {
	// Opinion executes the instruction at before's rip once, fetching
	// memory from mem as it was before the instruction, and returns what
	// it computed.
	Opinion(ctx context.Context, before *machine.Snapshot, mem OpinionMemory) (*OpinionResult, error)
}

// OpinionMemory is the memory before the judged instruction, in the
// reference's address space.
type OpinionMemory interface {
	ReadMemory(ctx context.Context, addr uint64, p []byte) error
	Map() *machine.Map
}

// OpinionResult is what the third machine computed.
type OpinionResult struct {
	// Regs are its registers after the instruction, in the reference's
	// layout; nil when it faulted or could not run it.
	Regs *machine.Snapshot
	// Signal is the fault it took (Linux's number), 0 if none.
	Signal int
	// Unsupported says why it could not run the instruction ("" if it
	// could).
	Unsupported string
	// ReadMemory reads its memory after the instruction.
	ReadMemory func(addr uint64, p []byte) error
	// Close releases the machine once its values are read; nil if none.
	Close func() error
}

// opinionMemory serves the memory before the judged step to the opinion.
type opinionMemory struct{ m *preMemory }

func (o opinionMemory) ReadMemory(_ context.Context, addr uint64, p []byte) error {
	return native.ReadSource(o.m, addr, p)
}

func (o opinionMemory) Map() *machine.Map { return o.m.r.ref.Map() }

// askOpinion fills d.Oracle and d.Agreement from the third opinion, when
// there is one. It never changes the verdict, which is the host's.
func (r *run) askOpinion(ctx context.Context, d *Divergence, mem *preMemory, code []byte) {
	if r.cfg.Opinion == nil || mem == nil {
		return
	}
	res, err := r.cfg.Opinion.Opinion(ctx, r.pre.Clone(), opinionMemory{mem})
	if err != nil {
		d.Agreement = "the oracle could not be asked: " + err.Error()
		return
	}
	if res.Close != nil {
		defer res.Close()
	}
	if res.Unsupported != "" {
		d.Agreement = "the oracle cannot run it: " + res.Unsupported
		return
	}
	var refOK, folOK bool
	switch d.Kind {
	case KindRegister, KindFlags:
		if res.Regs == nil {
			d.Oracle = []byte(fmt.Sprintf("signal %d", res.Signal))
			break
		}
		i := r.layout.Index(d.Register)
		ov := res.Regs.Reg(i)
		d.Oracle = slices.Clone(ov)
		und := uint64(0)
		if !r.cfg.StrictFlags {
			und = UndefinedFlags(code, r.rcxPrev)
		}
		if i != r.flagsIx {
			und = 0
		}
		und |= r.verdictMask(i)
		refOK, folOK = agreesMasked(ov, d.Reference, und), agreesMasked(ov, d.Follower, und)
	case KindMemory:
		if res.Regs == nil {
			d.Oracle = []byte(fmt.Sprintf("signal %d", res.Signal))
			break
		}
		ov := make([]byte, len(d.Reference))
		if err := res.ReadMemory(d.Address, ov); err != nil {
			d.Agreement = "the oracle's memory could not be read: " + err.Error()
			return
		}
		d.Oracle = ov
		refOK, folOK = bytes.Equal(ov, d.Reference), bytes.Equal(ov, d.Follower)
	case KindFault:
		if res.Signal != 0 {
			d.Oracle = []byte(fmt.Sprintf("signal %d", res.Signal))
		} else {
			d.Oracle = []byte("executed")
		}
		refOK, folOK = res.Signal == r.faultSigs[0], res.Signal == r.faultSigs[1]
	default:
		return
	}
	d.Agreement = agreementText(refOK, folOK)
}

// agreementText says which of the three agree (an opinion is asked in
// test pairings, whose follower is the test).
func agreementText(refOK, folOK bool) string {
	switch {
	case refOK && folOK:
		return "the oracle agrees with both (within undefined flags)"
	case refOK:
		return "reference and oracle agree; the test differs"
	case folOK:
		return "test and oracle agree; the reference differs"
	}
	return "all three differ"
}
