package harness

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"lockstep/machine"
)

var (
	addRaxRbx = []byte{0x48, 0x01, 0xd8}
	mulRbx    = []byte{0x48, 0xf7, 0xe3}
	repStosb  = []byte{0xf3, 0xaa}
	exitStep  = fakeStep{code: []byte{0x0f, 0x05}, kind: SyscallStop, stop: machine.Exited}
)

func TestRunOutcomes(t *testing.T) {
	tests := []struct {
		name     string
		steps    []fakeStep
		cfg      Config
		outcome  Outcome
		kind     Kind
		register string
		step     uint64
	}{
		{"agree to exit", []fakeStep{
			{code: addRaxRbx, ref: map[string]uint64{"rax": 1}},
			{code: addRaxRbx, ref: map[string]uint64{"rax": 2}},
			exitStep,
		}, Config{}, Agree, "", "", 0},
		{"register diverges at step 2", []fakeStep{
			{code: addRaxRbx, ref: map[string]uint64{"rax": 1}},
			{code: addRaxRbx, ref: map[string]uint64{"rax": 2}, fol: map[string]uint64{"rax": 3}},
			exitStep,
		}, Config{}, Diverge, KindRegister, "rax", 2},
		{"undefined flags masked", []fakeStep{
			{code: mulRbx, ref: map[string]uint64{"eflags": 0x40}, fol: map[string]uint64{"eflags": 0x80}},
			exitStep,
		}, Config{}, Agree, "", "", 0},
		{"undefined flags strict", []fakeStep{
			{code: mulRbx, ref: map[string]uint64{"eflags": 0x40}, fol: map[string]uint64{"eflags": 0x80}},
			exitStep,
		}, Config{StrictFlags: true}, Diverge, KindFlags, "eflags", 1},
		{"defined flag differs", []fakeStep{
			{code: mulRbx, ref: map[string]uint64{"eflags": 0x1}, fol: map[string]uint64{"eflags": 0x0}},
			exitStep,
		}, Config{}, Diverge, KindFlags, "eflags", 1},
		{"not modelled register not compared", []fakeStep{
			{code: addRaxRbx, ref: map[string]uint64{"cr0": 5}, fol: map[string]uint64{"cr0": 6}},
			exitStep,
		}, Config{}, Agree, "", "", 0},
		{"imprecise bits not compared", []fakeStep{
			{code: addRaxRbx, ref: map[string]uint64{"eflags": 1 << 21}, fol: map[string]uint64{"eflags": 0}},
			exitStep,
		}, Config{}, Agree, "", "", 0},
		{"imprecise bits compared on request", []fakeStep{
			{code: addRaxRbx, ref: map[string]uint64{"eflags": 1 << 21}, fol: map[string]uint64{"eflags": 0}},
			exitStep,
		}, Config{CompareImprecise: true}, Diverge, KindFlags, "eflags", 1},
		{"ignored register", []fakeStep{
			{code: addRaxRbx, ref: map[string]uint64{"rax": 5}, fol: map[string]uint64{"rax": 6}},
			exitStep,
		}, Config{Ignore: []string{"rax"}}, Agree, "", "", 0},
		{"memory byte differs", []fakeStep{
			{code: addRaxRbx, writes: map[uint64]byte{0x8000: 1, 0x8001: 2}, fwrite: map[uint64]byte{0x8001: 9}},
			exitStep,
		}, Config{}, Diverge, KindMemory, "", 1},
		{"reference faults alone", []fakeStep{
			{code: addRaxRbx, stop: machine.Signalled, signal: 11},
		}, Config{}, Diverge, KindFault, "", 1},
		{"agreed fault", []fakeStep{
			{code: addRaxRbx, kind: Fault, stop: machine.Signalled, signal: 11},
		}, Config{}, FaultOutcome, "", "", 0},
		{"follower faults alone", []fakeStep{
			{code: addRaxRbx, kind: Fault, signal: 8},
		}, Config{}, Diverge, KindFault, "", 1},
		{"unsupported", []fakeStep{
			{code: addRaxRbx, kind: Unsupported},
		}, Config{}, UnsupportedOutcome, "", "", 0},
		{"rep realigned", []fakeStep{
			{code: repStosb, refRep: 3, writes: map[uint64]byte{0x8000: 7}},
			exitStep,
		}, Config{}, Agree, "", "", 0},
		{"step limit agrees", []fakeStep{
			{code: addRaxRbx}, {code: addRaxRbx}, exitStep,
		}, Config{MaxSteps: 1}, Agree, "", "", 0},
		{"step limit after a divergence", []fakeStep{
			{code: addRaxRbx, ref: map[string]uint64{"rax": 1}, fol: map[string]uint64{"rax": 2}},
			{code: addRaxRbx}, {code: addRaxRbx}, exitStep,
		}, Config{MaxSteps: 2, KeepGoing: true}, Diverge, KindRegister, "rax", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, fol := runFake(tt.steps, tt.cfg)
			if res.Outcome != tt.outcome {
				t.Fatalf("outcome %s (err %v), want %s; divergences %+v", res.Outcome, res.Err, tt.outcome, res.Divergences)
			}
			if fol != nil && !fol.closed {
				t.Error("follower not closed")
			}
			if tt.outcome == ErrorOutcome {
				t.Errorf("error %v", res.Err)
			}
			if wantLimit := tt.cfg.MaxSteps > 0; (res.LimitReached == LimitSteps) != wantLimit || (wantLimit && res.Steps != tt.cfg.MaxSteps) {
				t.Errorf("limit %q after %d steps, MaxSteps %d", res.LimitReached, res.Steps, tt.cfg.MaxSteps)
			}
			if tt.kind == "" {
				if len(res.Divergences) != 0 {
					t.Fatalf("divergences %+v", res.Divergences)
				}
				return
			}
			d := res.Divergences[0]
			if d.Kind != tt.kind || d.Register != tt.register || d.Step != tt.step {
				t.Fatalf("divergence %s %q at step %d, want %s %q at %d", d.Kind, d.Register, d.Step, tt.kind, tt.register, tt.step)
			}
		})
	}
}

func TestMemoryDivergenceReport(t *testing.T) {
	res, _ := runFake([]fakeStep{
		{code: addRaxRbx, ref: map[string]uint64{"rax": 1}},
		{code: addRaxRbx, writes: map[uint64]byte{0x8000: 1, 0x8001: 2, 0x8002: 3}, fwrite: map[uint64]byte{0x8001: 9}},
		exitStep,
	}, Config{})
	d := res.Divergences[0]
	if d.Address != 0x8001 || !bytes.Equal(d.Reference, []byte{2}) || !bytes.Equal(d.Follower, []byte{9}) {
		t.Fatalf("memory divergence %#x ref % x fol % x", d.Address, d.Reference, d.Follower)
	}
	if !strings.Contains(d.Window, "09*") {
		t.Errorf("window does not mark the byte:\n%s", d.Window)
	}
	if d.Instruction.Text != "add rax, rbx" || d.Instruction.PC != 0x1010 {
		t.Errorf("instruction %+v", d.Instruction)
	}
	if len(d.History) != 1 || d.History[0].PC != 0x1000 {
		t.Errorf("history %+v", d.History)
	}
	var text bytes.Buffer
	res.WriteText(&text, testLayout, Style{})
	for _, want := range []string{"DIVERGENCE", "memory at 0x8001 differs", "reference 02", "follower  09", "add rax, rbx"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, text.String())
		}
	}
	var js bytes.Buffer
	if err := res.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Outcome    string
		Divergence struct {
			Step              uint64
			PC, Kind, Address string
			Reference, Oracle string
			Instruction       string
		}
	}
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Outcome != "diverge" || got.Divergence.Address != "0x8001" || got.Divergence.Reference != "02" ||
		got.Divergence.Oracle != "09" || got.Divergence.PC != "0x1010" || got.Divergence.Kind != "memory" || got.Divergence.Step != 2 {
		t.Errorf("JSON %s", js.String())
	}
}

func TestKeepGoing(t *testing.T) {
	res, fol := runFake([]fakeStep{
		{code: addRaxRbx, ref: map[string]uint64{"rax": 1}, fol: map[string]uint64{"rax": 2}},
		{code: addRaxRbx, ref: map[string]uint64{"rcx": 1}},
		{code: addRaxRbx, ref: map[string]uint64{"rcx": 3}, fol: map[string]uint64{"rcx": 4}},
		exitStep,
	}, Config{KeepGoing: true})
	if res.Outcome != Diverge || len(res.Divergences) != 2 {
		t.Fatalf("outcome %s, %d divergences", res.Outcome, len(res.Divergences))
	}
	if res.Divergences[0].Register != "rax" || res.Divergences[1].Register != "rcx" || res.Divergences[1].Step != 3 {
		t.Errorf("divergences %+v", res.Divergences)
	}
	if fol.adopted < 2 {
		t.Errorf("follower adopted %d times", fol.adopted)
	}
	res, _ = runFake([]fakeStep{
		{code: addRaxRbx, ref: map[string]uint64{"rax": 1}, fol: map[string]uint64{"rax": 2}},
		{code: addRaxRbx, ref: map[string]uint64{"rax": 2}, fol: map[string]uint64{"rax": 3}},
		{code: addRaxRbx, ref: map[string]uint64{"rax": 3}, fol: map[string]uint64{"rax": 4}},
		exitStep,
	}, Config{KeepGoing: true, MaxDivergences: 2})
	if len(res.Divergences) != 2 {
		t.Errorf("max divergences: %d", len(res.Divergences))
	}
}

func TestRegisterReportValues(t *testing.T) {
	res, _ := runFake([]fakeStep{
		{code: addRaxRbx, ref: map[string]uint64{"xmm0": 0x3ff0000000000000}, fol: map[string]uint64{"xmm0": 0x4000000000000000}},
		exitStep,
	}, Config{})
	var text bytes.Buffer
	res.WriteText(&text, testLayout, Style{})
	for _, want := range []string{"register xmm0 differs", "f64 [1 0]", "f64 [2 0]", "-xmm0", "+xmm0"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, text.String())
		}
	}
	if len(res.NotCompared) != 2 || res.NotCompared[0] != (NotCompared{"cr0", "kernel state"}) ||
		res.NotCompared[1] != (NotCompared{"eflags", "bits 0x200000: ID flag not modelled"}) {
		t.Errorf("not compared %v", res.NotCompared)
	}
}

func TestBadIgnore(t *testing.T) {
	res, _ := runFake([]fakeStep{exitStep}, Config{Ignore: []string{"nosuch"}})
	if res.Outcome != ErrorOutcome || !strings.Contains(res.Err.Error(), "nosuch") {
		t.Fatalf("outcome %s err %v", res.Outcome, res.Err)
	}
}
