package harness

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"lockstep/machine"
)

// The JSON report. The README documents this schema; keep them in step.
type jsonReport struct {
	Outcome           Outcome          `json:"outcome"`
	Steps             uint64           `json:"steps"`
	Skipped           uint64           `json:"skipped,omitempty"`
	Syscalls          uint64           `json:"syscalls"`
	Signals           uint64           `json:"signals"`
	Synced            map[string]int   `json:"synced"`
	ExitStatus        *int             `json:"exit_status"`
	Limit             string           `json:"limit_reached,omitempty"`
	Signal            int              `json:"signal,omitempty"`
	SignalName        string           `json:"signal_name,omitempty"`
	FaultPC           string           `json:"fault_pc,omitempty"`
	Unsupported       *jsonInstruction `json:"unsupported,omitempty"`
	NotCompared       []NotCompared    `json:"not_compared"`
	CPUModel          string           `json:"cpu_model,omitempty"`
	Seconds           float64          `json:"seconds"`
	PerSecond         float64          `json:"instructions_per_second"`
	Error             string           `json:"error,omitempty"`
	Host              string           `json:"host,omitempty"`
	ArbiterOff        string           `json:"arbiter_off,omitempty"`
	ArbiterEvery      bool             `json:"arbiter_every,omitempty"`
	OracleCorrections map[string]int   `json:"oracle_corrections"`
	Tolerated         map[string]int   `json:"tolerated"`
	Native            map[string]int   `json:"native"`
	Judged            uint64           `json:"judged,omitempty"`
	Unjudged          map[string]int   `json:"unjudged,omitempty"`
	Pairing           *Pairing         `json:"pairing,omitempty"`
	Mode              string           `json:"mode"`
	Windows           uint64           `json:"windows,omitempty"`
	Blocks            uint64           `json:"blocks,omitempty"`
	Split             []jsonSplitPart  `json:"split,omitempty"`
	Divergence        *jsonDivergence  `json:"divergence"`
	Divergences       []jsonDivergence `json:"divergences"`
}

type jsonInstruction struct {
	PC          string `json:"pc"`
	Instruction string `json:"instruction"`
	Bytes       string `json:"bytes"`
	Reason      string `json:"reason,omitempty"`
}

type jsonDivergence struct {
	Step          uint64        `json:"step"`
	PC            string        `json:"pc"`
	Instruction   string        `json:"instruction"`
	Bytes         string        `json:"bytes"`
	Kind          Kind          `json:"kind"`
	Register      string        `json:"register,omitempty"`
	Address       string        `json:"address,omitempty"`
	Reference     string        `json:"reference,omitempty"`
	Oracle        string        `json:"oracle,omitempty"`
	Test          string        `json:"test,omitempty"`
	FlagBits      string        `json:"flag_bits,omitempty"`
	Others        []string      `json:"also_differ,omitempty"`
	Detail        string        `json:"detail,omitempty"`
	Mapping       string        `json:"mapping,omitempty"`
	Verdict       Verdict       `json:"verdict,omitempty"`
	VerdictReason string        `json:"verdict_reason,omitempty"`
	Hardware      string        `json:"hardware,omitempty"`
	Agreement     string        `json:"agreement,omitempty"`
	History       []jsonHistory `json:"history"`
	Block         *jsonBlock    `json:"block,omitempty"`
}

type jsonSplitPart struct {
	Window      string  `json:"window"`
	FromSyscall uint64  `json:"from_syscall"`
	ToSyscall   uint64  `json:"to_syscall"`
	Steps       uint64  `json:"steps"`
	Skipped     uint64  `json:"skipped"`
	Outcome     Outcome `json:"outcome"`
}

type jsonBlock struct {
	Start        string            `json:"start"`
	Instructions []jsonInstruction `json:"instructions"`
	Localized    bool              `json:"localized"`
	OnlyAsBlock  bool              `json:"only_as_block"`
	Rerun        string            `json:"not_localized,omitempty"`
}

type jsonHistory struct {
	Step        uint64            `json:"step"`
	PC          string            `json:"pc"`
	Instruction string            `json:"instruction"`
	Changed     map[string]string `json:"changed"`
}

// WriteJSON writes the run as one JSON object (see the README for the
// schema). Register values are little-endian numbers in hex ("0x..."),
// memory values are bytes in address order in hex ("deadbeef").
func (res *Result) WriteJSON(w io.Writer) error {
	j := jsonReport{Outcome: res.Outcome, Steps: res.Steps, Skipped: res.Skipped, Syscalls: res.Syscalls, Signals: res.Signals,
		Synced: res.Synced, ExitStatus: res.ExitStatus, Signal: res.Signal, NotCompared: res.NotCompared,
		Seconds: res.Duration.Seconds(), CPUModel: res.CPUModel, Limit: res.LimitReached,
		Divergences: []jsonDivergence{}}
	if j.Synced == nil {
		j.Synced = map[string]int{}
	}
	j.Host, j.ArbiterOff, j.ArbiterEvery, j.Judged = res.Host, res.ArbiterOff, res.ArbiterEvery, res.Judged
	j.OracleCorrections, j.Tolerated, j.Native = nonNil(res.OracleCorrections), nonNil(res.Tolerated), nonNil(res.Native)
	if len(res.Unjudged) > 0 {
		j.Unjudged = res.Unjudged
	}
	if j.NotCompared == nil {
		j.NotCompared = []NotCompared{}
	}
	if res.Duration > 0 {
		j.PerSecond = float64(res.Steps) / res.Duration.Seconds()
	}
	if res.Outcome == FaultOutcome {
		j.FaultPC = hex64(res.FaultPC)
	}
	if res.Signal != 0 {
		j.SignalName = machine.SignalName(res.Signal)
	}
	if res.Unsupported != nil {
		j.Unsupported = &jsonInstruction{PC: hex64(res.Unsupported.PC), Instruction: res.Unsupported.Text, Bytes: hex.EncodeToString(res.Unsupported.Bytes),
			Reason: res.UnsupportedReason}
	}
	if res.Err != nil {
		j.Error = res.Err.Error()
	}
	j.Pairing = res.Pairing
	j.Mode, j.Windows, j.Blocks = res.Mode, res.Windows, res.Blocks
	for _, p := range res.Split {
		j.Split = append(j.Split, jsonSplitPart{Window: fmt.Sprintf("%d/%d", p.Index+1, p.Of), FromSyscall: p.FromSyscall,
			ToSyscall: p.ToSyscall, Steps: p.Steps, Skipped: p.Skipped, Outcome: p.Outcome})
	}
	if j.Mode == "" {
		j.Mode = "step"
	}
	for _, d := range res.Divergences {
		jd := d.toJSON()
		if res.Pairing != nil {
			// The follower is the emulator under test.
			jd.Test, jd.Oracle = jd.Oracle, d.oracleJSON()
		}
		j.Divergences = append(j.Divergences, jd)
	}
	if len(j.Divergences) > 0 {
		j.Divergence = &j.Divergences[0]
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(j); err != nil {
		return fmt.Errorf("harness: write JSON report: %w", err)
	}
	return nil
}

// oracleJSON is the third opinion's value in the form of the others.
func (d *Divergence) oracleJSON() string {
	switch {
	case d.Oracle == nil:
		return ""
	case d.Kind == KindMemory:
		return hex.EncodeToString(d.Oracle)
	case d.Kind == KindRegister || d.Kind == KindFlags:
		return hexLE(d.Oracle)
	}
	return string(d.Oracle)
}

func (d *Divergence) toJSON() jsonDivergence {
	j := jsonDivergence{Step: d.Step, PC: hex64(d.Instruction.PC), Instruction: d.Instruction.Text,
		Bytes: hex.EncodeToString(d.Instruction.Bytes), Kind: d.Kind, Register: d.Register,
		FlagBits: d.FlagBits, Others: d.Others, Detail: d.Detail, Mapping: d.Mapping, History: []jsonHistory{}}
	j.Verdict, j.VerdictReason = d.Verdict, d.VerdictReason
	j.Agreement = d.Agreement
	switch d.Kind {
	case KindMemory:
		j.Address = hex64(d.Address)
		j.Reference, j.Oracle = hex.EncodeToString(d.Reference), hex.EncodeToString(d.Follower)
		if d.Hardware != nil {
			j.Hardware = hex.EncodeToString(d.Hardware)
		}
	case KindRegister, KindFlags:
		j.Reference, j.Oracle = hexLE(d.Reference), hexLE(d.Follower)
		if d.Hardware != nil {
			j.Hardware = hexLE(d.Hardware)
		}
	default:
		j.Hardware = string(d.Hardware)
	}
	if b := d.Block; b != nil {
		j.Block = &jsonBlock{Start: hex64(b.Start), Instructions: []jsonInstruction{}, Localized: b.Localized,
			OnlyAsBlock: b.OnlyAsBlock, Rerun: b.Rerun}
		for _, in := range b.Instructions {
			j.Block.Instructions = append(j.Block.Instructions, jsonInstruction{PC: hex64(in.PC), Instruction: in.Text, Bytes: hex.EncodeToString(in.Bytes)})
		}
	}
	for _, h := range d.History {
		jh := jsonHistory{Step: h.Step, PC: hex64(h.PC), Instruction: h.Text, Changed: map[string]string{}}
		for _, c := range h.Changed {
			jh.Changed[c.Name] = hexLE(c.Value)
		}
		j.History = append(j.History, jh)
	}
	return j
}

func nonNil(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}
