package session

import (
	"context"
	"strings"
	"testing"
	"time"

	"lockstep/corpus"
	"lockstep/harness"
	"lockstep/internal/testprog"
)

// TestBlockOnly: alu/cmpxchg8b-16b agrees single-stepped and diverges in
// block mode, where QEMU 7.2 translates SAHF and CMPXCHG16B in one block;
// the report says the bug appears only in the whole block, and the host's
// verdict is that QEMU is wrong.
func TestBlockOnly(t *testing.T) {
	testprog.RequireQEMU(t)
	all, err := corpus.All()
	if err != nil {
		t.Fatal(err)
	}
	var e corpus.Entry
	for _, x := range all {
		if x.Name == "alu/cmpxchg8b-16b" {
			e = x
		}
	}
	if e.Block == nil {
		t.Fatal("alu/cmpxchg8b-16b with a block expectation not in the corpus")
	}
	b := &corpus.Builder{}
	for _, mode := range []Mode{StepMode, InsnMode, BlockMode} {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		rep, err := RunEntry(ctx, e, b, Options{Mode: mode, TempDir: t.TempDir()})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckEntry(e, rep.Result); err != nil {
			t.Errorf("%v mode: %v", mode, err)
		}
		if mode != BlockMode {
			if rep.Outcome != "agree" {
				t.Errorf("%v mode: %v, want agree", mode, rep.Outcome)
			}
			continue
		}
		d := rep.Divergences[0]
		if !d.Block.OnlyAsBlock || d.Verdict != "reference-wrong" || len(d.Block.Instructions) == 0 {
			t.Errorf("block mode: only as block %v, verdict %v, %d instructions", d.Block.OnlyAsBlock, d.Verdict, len(d.Block.Instructions))
		}
		var text strings.Builder
		rep.WriteText(&text, rep.Layout, harness.Style{})
		if !strings.Contains(text.String(), "QEMU goes wrong only when it translates the block as a whole") {
			t.Errorf("the report does not say so:\n%s", text.String())
		}
	}
}

// TestBlockNotDeterministic: a divergence after a getpid whose result is
// kept cannot be localized, since the program run again has another pid;
// the report says so instead of localizing wrongly.
func TestBlockNotDeterministic(t *testing.T) {
	testprog.RequireQEMU(t)
	prog := testprog.Build(t, "testdata/pid-blsi.S")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Run(ctx, Options{Program: prog, Mode: BlockMode, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcome != "diverge" || len(rep.Divergences) != 1 {
		t.Fatalf("outcome %v (%v), want one divergence", rep.Outcome, rep.Err)
	}
	d := rep.Divergences[0]
	if d.Block == nil || d.Block.Localized || !strings.Contains(d.Block.Rerun, "does not run deterministically") {
		t.Errorf("block %+v, want not localized: not deterministic", d.Block)
	}
	if d.Register != "eflags" {
		t.Errorf("divergence in %s, want eflags", d.Register)
	}
}
