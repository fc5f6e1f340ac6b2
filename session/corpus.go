package session

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"lockstep/corpus"
	"lockstep/harness"
)

// DefaultMaxSteps bounds corpus runs whose manifest sets no bound.
const DefaultMaxSteps = 20_000_000

// RunEntry builds a corpus entry (cached) and runs it in lockstep. opts
// supplies everything but the program, its arguments and stdin.
func RunEntry(ctx context.Context, e corpus.Entry, b *corpus.Builder, opts Options) (*Report, error) {
	bin, err := b.Build(ctx, e)
	if err != nil {
		return nil, err
	}
	opts.Program, opts.Args = bin, e.Args
	if e.ArbiterEvery && opts.Arbiter == "" {
		// Judging every instruction needs each one stepped.
		opts.Arbiter, opts.Mode = ArbiterEvery, StepMode
	}
	if e.Stdin != nil {
		opts.Stdin = bytes.NewReader(e.Stdin)
	}
	if opts.Harness.MaxSteps == 0 {
		opts.Harness.MaxSteps = e.MaxSteps
		if opts.Harness.MaxSteps == 0 {
			opts.Harness.MaxSteps = DefaultMaxSteps
		}
	}
	return Run(ctx, opts)
}

// RunTestEntry builds a corpus entry (cached) and runs it in a test
// pairing: QEMU as the reference, opts.Test beside it. opts supplies
// everything but the program, its arguments and stdin.
func RunTestEntry(ctx context.Context, e corpus.Entry, b *corpus.Builder, opts TestOptions) (*Report, error) {
	bin, err := b.Build(ctx, e)
	if err != nil {
		return nil, err
	}
	opts.Program, opts.Args = bin, e.Args
	if e.Stdin != nil {
		opts.Stdin, opts.TestStdin = bytes.NewReader(e.Stdin), bytes.NewReader(e.Stdin)
	}
	if opts.Harness.MaxSteps == 0 {
		opts.Harness.MaxSteps = e.MaxSteps
		if opts.Harness.MaxSteps == 0 {
			opts.Harness.MaxSteps = DefaultMaxSteps
		}
	}
	return RunTest(ctx, opts)
}

// CheckEntry is Check plus the oracle corrections the entry expects: the
// mnemonics the host CPU corrected must be exactly those it lists.
func CheckEntry(e corpus.Entry, res *harness.Result) error {
	if e.Block != nil && res.Mode == BlockMode.String() {
		return checkBlock(*e.Block, res)
	}
	if err := Check(e.Expect, res); err != nil {
		return err
	}
	got := slices.Sorted(maps.Keys(res.OracleCorrections))
	if res.Host == "" {
		return nil // no arbiter, no corrections to check
	}
	if !slices.Equal(got, e.Corrections) {
		return fmt.Errorf("oracle corrections %v (%s), want %v", got, harness.CountsText(res.OracleCorrections), e.Corrections)
	}
	return nil
}

// checkBlock checks a block-mode run of an entry that records a bug QEMU
// shows only when it translates whole blocks.
func checkBlock(b corpus.BlockExpectation, res *harness.Result) error {
	if res.Outcome != harness.Diverge || len(res.Divergences) == 0 {
		return fmt.Errorf("block mode: outcome %s, want the recorded block-only divergence in %s", res.Outcome, b.Register)
	}
	d := res.Divergences[0]
	switch {
	case d.Block == nil || !d.Block.OnlyAsBlock:
		return fmt.Errorf("block mode: the divergence in %s at %#x is not block-only", d.Register, d.Instruction.PC)
	case d.Register != b.Register:
		return fmt.Errorf("block mode: the block-only divergence is in %s, recorded %s", d.Register, b.Register)
	case b.Verdict != "" && string(d.Verdict) != b.Verdict:
		return fmt.Errorf("block mode: verdict %s (%s), recorded %s", d.Verdict, d.VerdictReason, b.Verdict)
	}
	return nil
}

// Check compares a run with an entry's recorded expectation and returns
// nil when they match, or an error that says what changed.
func Check(exp corpus.Expectation, res *harness.Result) error {
	want := exp.Outcome
	if want == "" {
		want = "agree"
	}
	got := string(res.Outcome)
	if got != want {
		if want == "diverge" && got == "agree" {
			return fmt.Errorf("the recorded divergence (%s) disappeared: the run agreed", describeExpectation(exp))
		}
		if res.Err != nil {
			return fmt.Errorf("outcome %s (%v), want %s", got, res.Err, want)
		}
		return fmt.Errorf("outcome %s, want %s", got, want)
	}
	switch want {
	case "agree":
		if res.LimitReached != "" {
			return fmt.Errorf("the %s limit was reached before the program ended", res.LimitReached)
		}
		if res.ExitStatus == nil || *res.ExitStatus != exp.ExitStatus {
			return fmt.Errorf("exit status %s, want %d", exitText(res), exp.ExitStatus)
		}
	case "fault":
		if exp.Signal != 0 && res.Signal != exp.Signal {
			return fmt.Errorf("fault with signal %d, want %d", res.Signal, exp.Signal)
		}
	case "diverge":
		return checkDivergence(exp, res.Divergences[0])
	case "unsupported":
		if exp.Reason != "" && !strings.Contains(res.UnsupportedReason, exp.Reason) {
			return fmt.Errorf("unsupported because %q, recorded %q", res.UnsupportedReason, exp.Reason)
		}
	}
	return nil
}

func checkDivergence(exp corpus.Expectation, d harness.Divergence) error {
	var diffs []string
	field := func(name, want, got string) {
		if want != "" && !strings.EqualFold(want, got) {
			diffs = append(diffs, fmt.Sprintf("%s %q, recorded %q", name, got, want))
		}
	}
	field("kind", exp.Kind, string(d.Kind))
	field("instruction", exp.Instruction, d.Instruction.Text)
	field("register", exp.Register, d.Register)
	if exp.Address != "" {
		want, err := strconv.ParseUint(strings.TrimPrefix(exp.Address, "0x"), 16, 64)
		if err != nil || want != d.Address {
			diffs = append(diffs, fmt.Sprintf("address %#x, recorded %s", d.Address, exp.Address))
		}
	}
	ref, fol := valueText(d, d.Reference), valueText(d, d.Follower)
	if exp.Reference != "" {
		field("reference value", normHex(exp.Reference), normHex(ref))
	}
	if exp.Oracle != "" {
		field("oracle value", normHex(exp.Oracle), normHex(fol))
	}
	if exp.Verdict != "" && d.Verdict != "" {
		field("verdict", exp.Verdict, string(d.Verdict))
	}
	if len(diffs) > 0 {
		return fmt.Errorf("the recorded divergence changed: %s", strings.Join(diffs, "; "))
	}
	return nil
}

// Record returns the manifest keys that record a divergence as the
// expectation Check compares with (for corpus.SetKeys).
func Record(d harness.Divergence) [][2]string {
	kv := [][2]string{
		{"divergence.kind", string(d.Kind)},
		{"divergence.instruction", d.Instruction.Text},
		{"divergence.register", d.Register},
		{"divergence.address", ""},
		{"divergence.reference", ""},
		{"divergence.oracle", ""},
		{"divergence.verdict", string(d.Verdict)},
	}
	if d.Kind == harness.KindMemory {
		kv[3][1] = fmt.Sprintf("%#x", d.Address)
	}
	if d.Reference != nil {
		kv[4][1] = "0x" + valueText(d, d.Reference)
		kv[5][1] = "0x" + valueText(d, d.Follower)
	}
	return kv
}

// valueText renders a divergence value as the JSON report does.
func valueText(d harness.Divergence, v []byte) string {
	if d.Kind == harness.KindMemory {
		return fmt.Sprintf("%x", v)
	}
	var b strings.Builder
	for i := len(v) - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "%02x", v[i])
	}
	return b.String()
}

// normHex drops a 0x prefix and leading zeros so that recorded values
// need not spell the register's width.
func normHex(s string) string {
	s = strings.TrimLeft(strings.TrimPrefix(strings.ToLower(s), "0x"), "0")
	if s == "" {
		return "0"
	}
	return s
}

func describeExpectation(e corpus.Expectation) string {
	parts := []string{e.Kind}
	if e.Register != "" {
		parts = append(parts, e.Register)
	}
	if e.Address != "" {
		parts = append(parts, e.Address)
	}
	if e.Instruction != "" {
		parts = append(parts, "at "+e.Instruction)
	}
	return strings.Join(parts, " ")
}

func exitText(res *harness.Result) string {
	if res.ExitStatus == nil {
		return "none"
	}
	return strconv.Itoa(*res.ExitStatus)
}
