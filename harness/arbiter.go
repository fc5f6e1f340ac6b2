package harness

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"lockstep/machine"
	"lockstep/native"
)

// Judge runs one instruction on the host CPU from a given state: the
// arbiter of every divergence. package native's Executor is one.
type Judge interface {
	// Host names the host CPU model.
	Host() string
	// Run executes the instruction at st's rip once. An error wrapping
	// native.ErrRefused means the instruction must not run natively.
	Run(ctx context.Context, st *native.State) (*native.Result, error)
}

// ExtraState is implemented by followers that keep state the reference's
// layout lacks and the host needs: the full x87 tag word (QEMU's stub
// reports 0) and the upper halves of the YMM registers.
type ExtraState interface {
	// ExtraBefore returns that state as it was before the last step.
	ExtraBefore() (ftag uint16, ymmh [16][16]byte)
}

// Verdict is the host CPU's judgement of a divergence.
type Verdict string

// Verdicts.
const (
	// ReferenceWrong: the host agrees with the follower (the oracle).
	ReferenceWrong Verdict = "reference-wrong"
	// FollowerWrong: the host agrees with the reference.
	FollowerWrong Verdict = "follower-wrong"
	// BothWrong: the host agrees with neither.
	BothWrong Verdict = "both-wrong"
	// Tolerance: the values differ only within what the architecture
	// allows; VerdictReason names the bound.
	Tolerance Verdict = "tolerance"
	// Unjudged: the host could not run the instruction; VerdictReason
	// says why.
	Unjudged Verdict = "unjudged"
)

// ArbiterMode says when the judge runs.
type ArbiterMode int

// Arbiter modes.
const (
	// ArbiterDivergences judges each divergence, and lets the follower
	// adopt the reference's state where the host sides with the
	// reference (an oracle correction).
	ArbiterDivergences ArbiterMode = iota
	// ArbiterEvery judges every executed instruction, so that mistakes
	// the reference and the follower share are found too.
	ArbiterEvery
)

// x87Transcendental lists the x87 instructions whose results the
// architecture only bounds: Intel and AMD document them as accurate to
// within one unit in the last place of the 64-bit significand, and real
// implementations differ in that last place.
var x87Transcendental = map[string]bool{
	"fsin": true, "fcos": true, "fsincos": true, "fptan": true, "fpatan": true,
	"f2xm1": true, "fyl2x": true, "fyl2xp1": true,
}

const transcendentalBound = "x87 transcendental result within 1 ulp of the host's (the documented error bound of FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1)"

// hostDependent lists instructions whose results depend on the host or its
// kernel rather than on the architecture; --arbiter every leaves them
// unjudged instead of calling a difference a bug.
var hostDependent = map[string]string{
	"fxsave": "saves the x87 last-instruction pointers, which differ by design", "fxsave64": "saves the x87 last-instruction pointers",
	"fnsave": "saves the x87 last-instruction pointers", "fnstenv": "saves the x87 last-instruction pointers",
	"xsave": "saves the x87 last-instruction pointers", "xsave64": "saves the x87 last-instruction pointers",
	"sgdt": "reads the host kernel's tables", "sidt": "reads the host kernel's tables", "sldt": "reads the host kernel's tables",
	"str": "reads the host kernel's tables", "smsw": "reads the host's CR0", "lsl": "reads the host kernel's GDT", "lar": "reads the host kernel's GDT",
}

// preMemory serves the memory before the step being judged: the
// follower's copy with the step's writes undone, else the reference's.
type preMemory struct {
	ctx    context.Context
	r      *run
	writes []Write
}

func (m *preMemory) Page(addr uint64, p []byte) (machine.Perm, bool, error) {
	reg, ok := m.r.ref.Map().Find(addr)
	if !ok {
		return 0, false, nil
	}
	if err := m.r.fol.ReadMemory(addr, p); err != nil {
		if err := m.r.ref.ReadMemory(m.ctx, addr, p); err != nil {
			// Unreadable (PROT_NONE): the host faults on it as it should.
			clear(p)
			return reg.Perm, true, nil
		}
	}
	// Undo the step's writes, latest first.
	for i := len(m.writes) - 1; i >= 0; i-- {
		w := m.writes[i]
		end := w.Addr + uint64(len(w.Old))
		if end <= addr || w.Addr >= addr+uint64(len(p)) {
			continue
		}
		lo, hi := max(addr, w.Addr), min(addr+uint64(len(p)), end)
		copy(p[lo-addr:hi-addr], w.Old[lo-w.Addr:hi-w.Addr])
	}
	return reg.Perm, true, nil
}

func (m *preMemory) read(addr uint64, p []byte) error { return native.ReadSource(m, addr, p) }

// hostRun runs the step being compared on the host, from the state before
// it.
func (r *run) hostRun(ctx context.Context, writes []Write) (*native.Result, *preMemory, error) {
	st := &native.State{Regs: r.pre}
	if x, ok := r.fol.(ExtraState); ok {
		st.FTag, st.YMMH = x.ExtraBefore()
	} else {
		st.FTag = 0xffff
	}
	mem := &preMemory{ctx: ctx, r: r, writes: writes}
	st.Memory = mem
	res, err := r.cfg.Judge.Run(ctx, st)
	return res, mem, err
}

// before captures the state the judged instruction started from: the
// registers, the state the layout lacks, and the pages the host's run
// touched, as they were (what a minimized reproducer starts from).
func (r *run) before(res *native.Result, mem *preMemory) *Before {
	b := &Before{Regs: r.pre.Clone(), FTag: 0xffff}
	if x, ok := r.fol.(ExtraState); ok {
		b.FTag, b.YMMH = x.ExtraBefore()
	}
	if res == nil {
		return b
	}
	for _, addr := range res.Pages {
		pg := Page{Addr: addr, Data: make([]byte, pageSize)}
		perm, ok, err := mem.Page(addr, pg.Data)
		if err != nil || !ok {
			continue
		}
		pg.Perm = perm
		b.Pages = append(b.Pages, pg)
	}
	slices.SortFunc(b.Pages, func(a, b Page) int { return cmp.Compare(a.Addr, b.Addr) })
	return b
}

// judge gives d a verdict from the host. It reports whether the run may
// go on as if the divergence had not happened (the follower was wrong, or
// the difference is within tolerance); the caller then makes the follower
// adopt the reference's state.
func (r *run) judge(ctx context.Context, d *Divergence, pc uint64, writes []Write) bool {
	if r.cfg.Judge == nil {
		return false
	}
	if r.realigned {
		d.Verdict, d.VerdictReason = Unjudged, "a rep instruction was realigned over several iterations"
		return false
	}
	res, mem, err := r.hostRun(ctx, writes)
	d.Before = r.before(res, mem)
	if err != nil {
		d.Verdict, d.VerdictReason = Unjudged, unjudgedReason(err)
		return false
	}
	code := r.code(ctx, pc)
	mn := mnemonicOf(code, pc)
	switch d.Kind {
	case KindRegister, KindFlags:
		if res.Fault != nil {
			d.Verdict, d.Hardware = faultVerdict(res.Fault, 0, 0)
			break
		}
		names := append([]string{d.Register}, d.Others...)
		refS := r.ref.Registers()
		und := uint64(0)
		if !r.cfg.StrictFlags {
			und = UndefinedFlags(code, r.rcxPrev)
		}
		refOK, folOK, tol := true, true, true
		for _, n := range names {
			i := r.layout.Index(n)
			hw, rv, fv := res.Regs.Reg(i), refS.Reg(i), r.folRegs.Reg(i)
			if n == d.Register {
				d.Hardware = slices.Clone(hw)
			}
			m := und
			if i != r.flagsIx {
				m = 0
			}
			m |= r.verdictMask(i)
			refOK = refOK && agreesMasked(hw, rv, m)
			folOK = folOK && agreesMasked(hw, fv, m)
			tol = tol && r.tolerable(mn, i, hw, rv, fv)
		}
		d.Verdict = verdictOf(refOK, folOK)
		if d.Verdict == BothWrong && tol {
			d.Verdict, d.VerdictReason = Tolerance, transcendentalBound
		}
		if d.Kind == KindFlags && r.cfg.StrictFlags && len(d.Others) == 0 {
			x := le(refS.Reg(r.flagsIx)) ^ le(r.folRegs.Reg(r.flagsIx))
			if x&^UndefinedFlags(code, r.rcxPrev) == 0 {
				d.Verdict, d.VerdictReason = Tolerance, "only architecturally undefined flags differ: "+FlagBits(x)
			}
		}
	case KindMemory:
		if res.Fault != nil {
			d.Verdict, d.Hardware = faultVerdict(res.Fault, 0, 0)
			break
		}
		hw := make([]byte, len(d.Reference))
		if err := res.ReadMemory(d.Address, hw, mem.read); err != nil {
			d.Verdict, d.VerdictReason = Unjudged, "the host's memory could not be read: "+err.Error()
			return false
		}
		d.Hardware = hw
		d.Verdict = verdictOf(bytes.Equal(hw, d.Reference), bytes.Equal(hw, d.Follower))
	case KindFault:
		d.Verdict, d.Hardware = faultVerdict(res.Fault, r.faultSigs[0], r.faultSigs[1])
		if r.faultSigs[0] == machine.SIGILL && res.Fault == nil {
			// The reference's CPU model lacks what the host has: not a bug.
			d.Verdict, d.VerdictReason = Unjudged, "the reference raised SIGILL where the host executes it: the reference's CPU model may lack the extension"
			return false
		}
		r.hostPages = res.Pages
	default:
		d.Verdict, d.VerdictReason = Unjudged, fmt.Sprintf("a %s divergence is not an instruction's result", d.Kind)
		return false
	}
	r.askOpinion(ctx, d, mem, code)
	if d.Verdict == BothWrong && d.VerdictReason == "" {
		d.VerdictReason = "the host agrees with neither side"
	}
	switch d.Verdict {
	case FollowerWrong:
		if r.cfg.ReportCorrections {
			return false
		}
		r.res.OracleCorrections[mn]++
		return true
	case Tolerance:
		if r.cfg.ReportTolerance {
			return false
		}
		r.res.Tolerated[mn]++
		return true
	}
	return false
}

func verdictOf(refOK, folOK bool) Verdict {
	switch {
	case refOK && !folOK:
		return FollowerWrong
	case folOK && !refOK:
		return ReferenceWrong
	}
	return BothWrong
}

// faultVerdict judges a divergence where a side faulted, from the
// signals of the reference, the follower and the host (0: executed), all
// Linux's numbers.
func faultVerdict(f *native.Fault, refSig, folSig int) (Verdict, []byte) {
	host := 0
	var hw []byte
	if f != nil {
		host = f.Signal
		hw = []byte(fmt.Sprintf("signal %d at %#x", f.Signal, f.Addr))
	} else {
		hw = []byte("executed")
	}
	return verdictOf(host == refSig, host == folSig), hw
}

func unjudgedReason(err error) string {
	msg := err.Error()
	if errors.Is(err, native.ErrRefused) {
		msg = strings.TrimPrefix(msg, native.ErrRefused.Error()+": ")
	}
	return "the host cannot run it: " + msg
}

// mnemonicOf names the instruction at pc by its mnemonic, as corrections
// are counted.
func mnemonicOf(code []byte, pc uint64) string {
	text, _ := Disassemble(code, pc)
	mn, _, _ := strings.Cut(text, " ")
	for _, p := range []string{"lock", "rep", "repe", "repne", "data16", "addr32"} {
		if mn == p {
			rest := strings.TrimPrefix(text, p+" ")
			mn, _, _ = strings.Cut(rest, " ")
		}
	}
	return mn
}

// withinULP reports whether two 80-bit x87 values are equal or adjacent:
// same sign and exponent, significands at most one apart (or the nearest
// values across an exponent boundary).
func withinULP(a, b []byte) bool {
	if len(a) != 10 || len(b) != 10 {
		return false
	}
	ord := func(v []byte) *big.Int {
		// Positive finite values order like their bits with the integer
		// bit folded into the exponent.
		se := binary.LittleEndian.Uint16(v[8:])
		m := binary.LittleEndian.Uint64(v[:8])
		x := new(big.Int).SetUint64(uint64(se & 0x7fff))
		x.Lsh(x, 63)
		x.Add(x, new(big.Int).SetUint64(m&^(1<<63)))
		if se&0x8000 != 0 {
			x.Neg(x)
		}
		return x
	}
	d := new(big.Int).Sub(ord(a), ord(b))
	return d.CmpAbs(big.NewInt(1)) <= 0
}

// judgeMemory judges a memory divergence found after an executed step;
// one found at a system call (dirty pages compared whole) was written by
// some earlier instruction and cannot be judged.
func (r *run) judgeMemory(ctx context.Context, d *Divergence, pc uint64) bool {
	if r.cfg.Judge == nil {
		return false
	}
	if !r.inStep {
		d.Verdict, d.VerdictReason = Unjudged, "found comparing whole pages at a system call, not after one instruction"
		return false
	}
	return r.judge(ctx, d, pc, r.stepWrites)
}

// judgeEvery runs an instruction both sides agree on natively too, and
// makes a divergence of what the host does differently (--arbiter every):
// a mistake the reference and the follower share.
func (r *run) judgeEvery(ctx context.Context, pc uint64, writes []Write) error {
	code := r.code(ctx, pc)
	mn := mnemonicOf(code, pc)
	if why, ok := hostDependent[mn]; ok {
		r.res.Unjudged[mn+": "+why]++
		return nil
	}
	if r.realigned {
		r.res.Unjudged["rep realigned"]++
		return nil
	}
	res, mem, err := r.hostRun(ctx, writes)
	if err != nil {
		if !errors.Is(err, native.ErrRefused) {
			return fmt.Errorf("arbiter: %w", err)
		}
		r.res.Unjudged[unjudgedReason(err)]++
		return nil
	}
	r.res.Judged++
	if res.Fault != nil {
		// Both sides executed it; the host faulting means it lacks the
		// extension or the state could not be reproduced: not a verdict.
		r.res.Unjudged[fmt.Sprintf("%s: the host raised signal %d", mn, res.Fault.Signal)]++
		return nil
	}
	refS := r.ref.Registers()
	und := uint64(0)
	if !r.cfg.StrictFlags {
		und = UndefinedFlags(code, r.rcxPrev)
	}
	var diffs []int
	for i := range r.layout.Regs {
		if !r.compared[i] {
			continue
		}
		hw, rv := res.Regs.Reg(i), refS.Reg(i)
		if !r.agrees(i, hw, rv, und) && !r.impreciseOnly(i, hw, rv) {
			diffs = append(diffs, i)
		}
	}
	if len(diffs) > 0 {
		first := diffs[0]
		d := Divergence{Kind: KindRegister, Register: r.layout.Regs[first].Name,
			Reference: slices.Clone(refS.Reg(first)), Follower: slices.Clone(refS.Reg(first)),
			Hardware: slices.Clone(res.Regs.Reg(first)), Verdict: BothWrong,
			VerdictReason: "the reference and the follower agree; the host does not"}
		if first == r.flagsIx {
			d.Kind = KindFlags
			d.FlagBits = FlagBits(le(d.Reference) ^ le(d.Hardware))
		}
		tol := true
		for _, i := range diffs {
			if i != first {
				d.Others = append(d.Others, r.layout.Regs[i].Name)
			}
			tol = tol && r.tolerable(mn, i, res.Regs.Reg(i), refS.Reg(i))
		}
		if tol {
			d.Verdict, d.VerdictReason = Tolerance, transcendentalBound
		}
		if d.Kind == KindFlags && r.cfg.StrictFlags && len(d.Others) == 0 {
			// Compared strictly, the host differs from both sides only
			// in flags the instruction leaves undefined.
			if x := le(d.Reference) ^ le(d.Hardware); x&^UndefinedFlags(code, r.rcxPrev) == 0 {
				d.Verdict, d.VerdictReason = Tolerance, "only architecturally undefined flags differ: "+FlagBits(x)
			}
		}
		if d.Verdict == Tolerance && !r.cfg.ReportTolerance {
			r.res.Tolerated[mn]++
			return nil
		}
		if r.quiet != nil {
			r.quiet.note(pc, d)
			return nil
		}
		d.Before = r.before(res, mem)
		r.diverge(ctx, d, pc)
		return nil
	}
	// Memory: every byte either side wrote.
	spans := make([]Write, 0, len(writes)+len(res.Writes))
	spans = append(spans, writes...)
	for _, w := range res.Writes {
		spans = append(spans, Write{Addr: w.Addr, Old: w.Old, New: w.New})
	}
	for _, w := range spans {
		hw := make([]byte, len(w.New))
		fv := make([]byte, len(w.New))
		if err := res.ReadMemory(w.Addr, hw, mem.read); err != nil {
			return fmt.Errorf("arbiter: host memory at %#x: %w", w.Addr, err)
		}
		if err := r.ref.ReadMemory(ctx, w.Addr, fv); err != nil {
			return fmt.Errorf("reference memory at %#x: %w", w.Addr, err)
		}
		if bytes.Equal(hw, fv) {
			continue
		}
		i := 0
		for hw[i] == fv[i] {
			i++
		}
		j := len(hw)
		for hw[j-1] == fv[j-1] {
			j--
		}
		d := Divergence{Kind: KindMemory, Address: w.Addr + uint64(i), Reference: fv[i:j], Follower: slices.Clone(fv[i:j]),
			Hardware: hw[i:j], Verdict: BothWrong, VerdictReason: "the reference and the follower agree; the host does not"}
		if r.quiet != nil {
			r.quiet.note(pc, d)
			return nil
		}
		d.Before = r.before(res, mem)
		r.diverge(ctx, d, pc)
		return nil
	}
	return nil
}

// agrees reports whether two values of layout register i are the same,
// the flags in und (architecturally undefined) aside.
// verdictMask is the bits of register i left out of verdicts
// (Config.VerdictsWithoutImprecise).
func (r *run) verdictMask(i int) uint64 {
	if !r.cfg.VerdictsWithoutImprecise {
		return 0
	}
	var m uint64
	for _, im := range r.imprecise {
		if im.index == i {
			m |= im.mask
		}
	}
	return m
}

// agreesMasked compares two values but for the bits of mask (in the first
// 8 bytes).
func agreesMasked(a, b []byte, mask uint64) bool {
	if mask == 0 || len(a) != len(b) {
		return bytes.Equal(a, b)
	}
	n := min(len(a), 8)
	if (le(a[:n])^le(b[:n]))&^mask != 0 {
		return false
	}
	return bytes.Equal(a[n:], b[n:])
}

func (r *run) agrees(i int, a, b []byte, und uint64) bool {
	if i == r.flagsIx {
		return (le(a)^le(b))&^und == 0
	}
	return bytes.Equal(a, b)
}

// tolerable reports whether the values of layout register i may differ
// from the host's hw within the architecture's bound for mnemonic mn: an
// x87 transcendental's result within 1 ulp, and the fstat that goes with
// it (C1 says which way the result was rounded).
func (r *run) tolerable(mn string, i int, hw []byte, vals ...[]byte) bool {
	if !x87Transcendental[mn] {
		return false
	}
	if r.layout.Regs[i].Name == "fstat" {
		return true
	}
	for _, v := range vals {
		if r.layout.Regs[i].Bits != 80 || !withinULP(hw, v) {
			return false
		}
	}
	return true
}

// impreciseOnly reports whether a and b differ only in bits the follower
// declares imprecise (not compared).
func (r *run) impreciseOnly(i int, a, b []byte) bool {
	for _, im := range r.imprecise {
		if im.index == i && len(a) <= 8 {
			return (le(a)^le(b))&^im.mask == 0
		}
	}
	return false
}

// plainVerdictFor is plainVerdict for a follower named fl: "test" names
// the emulator under test of a pairing.
func (d *Divergence) plainVerdictFor(fl string) string {
	if fl != "test" {
		return d.plainVerdict()
	}
	switch d.Verdict {
	case ReferenceWrong:
		return "The host CPU agrees with the emulator under test: the reference (QEMU) is wrong here."
	case TestWrong, FollowerWrong:
		return "The host CPU agrees with the reference: the emulator under test is wrong here."
	}
	return d.plainVerdict()
}

// plainVerdict says in words who is right, first thing in a report: the
// sentence an emulator developer acts on.
func (d *Divergence) plainVerdict() string {
	switch d.Verdict {
	case ReferenceWrong:
		return "The host CPU agrees with the oracle: the reference (the emulator under test) is wrong here."
	case FollowerWrong:
		return "The host CPU agrees with the reference: the oracle is wrong here."
	case BothWrong:
		return "The host CPU agrees with neither side: both are wrong here."
	case Tolerance:
		return "The sides differ only within what the architecture allows."
	case Unjudged:
		return "The host CPU could not judge this divergence."
	}
	return ""
}
