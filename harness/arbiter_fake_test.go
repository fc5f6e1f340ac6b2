package harness

import (
	"context"
	"fmt"
	"testing"

	"lockstep/native"
)

// fakeJudge is a host CPU that computes what it is told: registers set
// over the state it is given (and rip moved past the 16-byte fake
// instruction slot), bytes written.
type fakeJudge struct {
	regs   map[string]uint64
	writes map[uint64]byte
	err    error
	calls  int
}

func (j *fakeJudge) Host() string { return "fake CPU" }

func (j *fakeJudge) Run(_ context.Context, st *native.State) (*native.Result, error) {
	j.calls++
	if j.err != nil {
		return nil, j.err
	}
	regs := st.Regs.Clone()
	rip, _ := regs.Uint64("rip")
	regs.SetUint64("rip", rip+16)
	for k, v := range j.regs {
		regs.SetUint64(k, v)
	}
	res := &native.Result{Regs: regs}
	for a, b := range j.writes {
		var old [native.PageSize]byte
		if _, _, err := st.Memory.Page(a&^(native.PageSize-1), old[:]); err != nil {
			return nil, err
		}
		res.Writes = append(res.Writes, native.Write{Addr: a, Old: []byte{old[a%native.PageSize]}, New: []byte{b}})
	}
	return res, nil
}

func TestArbiterVerdicts(t *testing.T) {
	refused := fmt.Errorf("%w: syscall would enter the kernel", native.ErrRefused)
	tests := []struct {
		name        string
		step        fakeStep
		judge       fakeJudge
		cfg         Config
		outcome     Outcome
		verdict     Verdict
		hardware    uint64
		corrections map[string]int
		tolerated   map[string]int
	}{
		{"the host agrees with the reference: an oracle correction",
			fakeStep{code: addRaxRbx, ref: map[string]uint64{"rax": 2}, fol: map[string]uint64{"rax": 3}},
			fakeJudge{regs: map[string]uint64{"rax": 2}}, Config{},
			Agree, "", 0, map[string]int{"add": 1}, nil},
		{"the host agrees with the reference, corrections reported: a divergence",
			fakeStep{code: addRaxRbx, ref: map[string]uint64{"rax": 2}, fol: map[string]uint64{"rax": 3}},
			fakeJudge{regs: map[string]uint64{"rax": 2}}, Config{ReportCorrections: true},
			Diverge, FollowerWrong, 2, nil, nil},
		{"a memory byte the host writes like the reference, corrections reported",
			fakeStep{code: addRaxRbx, writes: map[uint64]byte{0x8000: 1}, fwrite: map[uint64]byte{0x8000: 9}},
			fakeJudge{writes: map[uint64]byte{0x8000: 1}}, Config{ReportCorrections: true},
			Diverge, FollowerWrong, 1, nil, nil},
		{"only undefined flags differ, corrections reported: still tolerated",
			fakeStep{code: mulRbx, ref: map[string]uint64{"eflags": 0x40}, fol: map[string]uint64{"eflags": 0x80}},
			fakeJudge{regs: map[string]uint64{"eflags": 0x44}}, Config{StrictFlags: true, ReportCorrections: true},
			Agree, "", 0, nil, map[string]int{"mul": 1}},
		{"the host agrees with the follower: the reference is wrong",
			fakeStep{code: addRaxRbx, ref: map[string]uint64{"rax": 2}, fol: map[string]uint64{"rax": 3}},
			fakeJudge{regs: map[string]uint64{"rax": 3}}, Config{},
			Diverge, ReferenceWrong, 3, nil, nil},
		{"the host agrees with neither",
			fakeStep{code: addRaxRbx, ref: map[string]uint64{"rax": 2}, fol: map[string]uint64{"rax": 3}},
			fakeJudge{regs: map[string]uint64{"rax": 4}}, Config{},
			Diverge, BothWrong, 4, nil, nil},
		{"the host refuses: unjudged",
			fakeStep{code: addRaxRbx, ref: map[string]uint64{"rax": 2}, fol: map[string]uint64{"rax": 3}},
			fakeJudge{err: refused}, Config{},
			Diverge, Unjudged, 0, nil, nil},
		{"only undefined flags differ, compared strictly: tolerance",
			fakeStep{code: mulRbx, ref: map[string]uint64{"eflags": 0x40}, fol: map[string]uint64{"eflags": 0x80}},
			fakeJudge{regs: map[string]uint64{"eflags": 0x44}}, Config{StrictFlags: true},
			Agree, "", 0, nil, map[string]int{"mul": 1}},
		{"a memory byte the host writes like the reference: an oracle correction",
			fakeStep{code: addRaxRbx, writes: map[uint64]byte{0x8000: 1}, fwrite: map[uint64]byte{0x8000: 9}},
			fakeJudge{writes: map[uint64]byte{0x8000: 1}}, Config{},
			Agree, "", 0, map[string]int{"add": 1}, nil},
		{"a memory byte the host writes like the follower",
			fakeStep{code: addRaxRbx, writes: map[uint64]byte{0x8000: 1}, fwrite: map[uint64]byte{0x8000: 9}},
			fakeJudge{writes: map[uint64]byte{0x8000: 9}}, Config{},
			Diverge, ReferenceWrong, 9, nil, nil},
		{"every instruction judged: a mistake both sides share",
			fakeStep{code: addRaxRbx, ref: map[string]uint64{"rax": 2}},
			fakeJudge{regs: map[string]uint64{"rax": 5}}, Config{Arbiter: ArbiterEvery},
			Diverge, BothWrong, 5, nil, nil},
		{"every instruction judged: the host agrees",
			fakeStep{code: addRaxRbx, ref: map[string]uint64{"rax": 2}},
			fakeJudge{regs: map[string]uint64{"rax": 2}}, Config{Arbiter: ArbiterEvery},
			Agree, "", 0, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			judge := tc.judge
			tc.cfg.Judge = &judge
			res, fol := runFake([]fakeStep{tc.step, exitStep}, tc.cfg)
			if res.Outcome != tc.outcome {
				t.Fatalf("outcome %s (%v), want %s", res.Outcome, res.Err, tc.outcome)
			}
			if judge.calls != 1 {
				t.Errorf("the host ran %d instructions, want 1", judge.calls)
			}
			if res.Host != "fake CPU" {
				t.Errorf("host %q", res.Host)
			}
			if tc.outcome == Diverge {
				d := res.Divergences[0]
				if d.Verdict != tc.verdict {
					t.Errorf("verdict %s (%s), want %s", d.Verdict, d.VerdictReason, tc.verdict)
				}
				if tc.hardware != 0 && le(d.Hardware) != tc.hardware {
					t.Errorf("host value % x, want %#x", d.Hardware, tc.hardware)
				}
				if d.Verdict == Unjudged && d.VerdictReason == "" {
					t.Error("unjudged without a reason")
				}
				if d.Verdict != Unjudged && d.Before == nil {
					t.Error("a judged divergence without its Before state")
				}
			} else if len(tc.corrections)+len(tc.tolerated) > 0 {
				var b [1]byte
				fol.ReadMemory(0x8000, b[:])
				switch {
				case tc.step.fwrite != nil && b[0] != tc.step.writes[0x8000]:
					t.Errorf("the follower kept its byte %#x, not the reference's", b[0])
				case tc.step.fwrite == nil && fol.adopted == 0:
					t.Error("the follower did not adopt the reference's registers")
				}
			}
			if fmt.Sprint(res.OracleCorrections) != fmt.Sprint(nonNil(tc.corrections)) {
				t.Errorf("corrections %v, want %v", res.OracleCorrections, tc.corrections)
			}
			if fmt.Sprint(res.Tolerated) != fmt.Sprint(nonNil(tc.tolerated)) {
				t.Errorf("tolerated %v, want %v", res.Tolerated, tc.tolerated)
			}
		})
	}
}
