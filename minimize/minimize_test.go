package minimize

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"lockstep/harness"
	"lockstep/internal/testprog"
	"lockstep/machine"
	"lockstep/repro"
	"lockstep/session"
)

// TestMinimizeExamples minimizes the bundled examples for real (QEMU
// 7.2, Unicorn, the host CPU) and checks the reproducers.
func TestMinimizeExamples(t *testing.T) {
	testprog.RequireQEMU(t)
	tests := []struct {
		src           string
		diverges      bool
		verdict       string
		register      string
		minRegs       int
		maxRegs       int
		wantRegisters []string
	}{
		{"../examples/blsi.S", true, repro.ReferenceWrong, "eflags", 1, 2, []string{"rbx"}},
		{"../examples/pdep.S", true, repro.FollowerWrong, "rax", 2, 3, []string{"rbx", "rcx"}},
		{"../examples/agree.S", false, "", "", 0, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			prog := testprog.Build(t, tc.src)
			tmp := t.TempDir()
			testprog.NoLeaks(t, tmp)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			res, err := Minimize(ctx, Options{Program: prog, TempDir: tmp, Log: func(s string) { t.Log(s) }})
			if err != nil {
				t.Fatal(err)
			}
			if !tc.diverges {
				if res.Divergence != nil || res.Case != nil {
					t.Fatalf("a divergence in a program that agrees: %v", res.Signature)
				}
				if res.Report.Outcome != harness.Agree {
					t.Errorf("outcome %s, want agree", res.Report.Outcome)
				}
				return
			}
			if res.Case == nil {
				t.Fatalf("no reproducer: %s", res.GaveUp)
			}
			t.Logf("%s\n%s", res.Summary(), res.Case)
			c := res.Case
			if len(c.Insns) != 1 || res.Window != 0 {
				t.Errorf("%d instructions (window %d), want the divergent one alone", len(c.Insns), res.Window)
			}
			if c.Verdict.Name != tc.verdict {
				t.Errorf("verdict %q, want %q", c.Verdict.Name, tc.verdict)
			}
			if c.Divergence.Register != tc.register {
				t.Errorf("divergence in %q, want %q", c.Divergence.Register, tc.register)
			}
			if n := len(c.Regs); n < tc.minRegs || n > tc.maxRegs {
				t.Errorf("%d registers %v, want %d to %d", n, c.RegNames(), tc.minRegs, tc.maxRegs)
			}
			for _, r := range tc.wantRegisters {
				if _, ok := c.Regs[r]; !ok {
					t.Errorf("%s dropped; kept %v", r, c.RegNames())
				}
			}
			if res.Before.Registers <= res.After.Registers || res.After.Bytes != 0 {
				t.Errorf("reduction %s", res.Summary())
			}
			// The written case parses back and still reproduces.
			back, err := repro.Parse(strings.NewReader(c.String()))
			if err != nil {
				t.Fatal(err)
			}
			run, err := NewRunner(Options{TempDir: tmp})
			if err != nil {
				t.Fatal(err)
			}
			defer run.Close()
			ok, got, err := run.Reproduces(ctx, back, res.Signature)
			if err != nil || !ok {
				t.Errorf("the written case does not reproduce: %v %v", missText(got, err), err)
			}
			// The assembler listing builds and shows the same divergence.
			src, err := Assembly(c)
			if err != nil {
				t.Fatal(err)
			}
			if sig := runAssembly(ctx, t, c, src, tmp); !res.Signature.Matches(sig) {
				t.Errorf("the listing shows %s, want %s\n%s", sig, res.Signature, src)
			}
		})
	}
}

// runAssembly builds an Assembly listing with its BuildCommand and runs
// it in lockstep; it returns the first divergence's signature.
func runAssembly(ctx context.Context, t *testing.T, c *repro.Case, src, tmp string) Signature {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "case.S"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	args := strings.Fields(BuildCommand(c, "case.S", "case"))
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s\n%s", strings.Join(args, " "), err, out, src)
	}
	rep, err := session.Run(ctx, session.Options{Program: filepath.Join(dir, "case"), TempDir: tmp,
		Harness: harness.Config{MaxSteps: 1000, ReportCorrections: true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Divergences) == 0 {
		t.Fatalf("the listing's program shows no divergence (%s)\n%s", rep.Outcome, src)
	}
	return SignatureOf(&rep.Divergences[0])
}

// TestExtractRoundTrip extracts the blsi divergence and checks that the
// case, written as an ELF and run in lockstep, reaches the divergent
// instruction with the captured registers.
func TestExtractRoundTrip(t *testing.T) {
	testprog.RequireQEMU(t)
	prog := testprog.Build(t, "../examples/blsi.S")
	tmp := t.TempDir()
	testprog.NoLeaks(t, tmp)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run, err := NewRunner(Options{TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	res, err := Minimize(ctx, Options{Program: prog, TempDir: tmp, MaxRuns: 1})
	if err != nil {
		t.Fatal(err)
	}
	d := res.Divergence
	if d == nil || d.Before == nil {
		t.Fatal("no judged divergence")
	}
	c, _, err := Extract(d)
	if err != nil {
		t.Fatal(err)
	}
	_, got, err := run.Run(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Before == nil {
		t.Fatal("the extracted case shows no judged divergence")
	}
	for _, info := range repro.Registers() {
		want := d.Before.Regs.Bytes(info.Name)
		if want == nil || slices.Contains([]string{"eflags"}, info.Name) {
			continue
		}
		if have := got.Before.Regs.Bytes(info.Name); !slices.Equal(have, want) {
			t.Errorf("%s before the instruction: case %x, program %x", info.Name, have, want)
		}
	}
	if !SignatureOf(d).Matches(SignatureOf(got)) {
		t.Errorf("signature %s, want %s", SignatureOf(got), SignatureOf(d))
	}
}

func TestExtractRejects(t *testing.T) {
	tests := []struct {
		name string
		d    harness.Divergence
		want string
	}{
		{"no state before", harness.Divergence{Kind: harness.KindRegister, Verdict: harness.Unjudged, VerdictReason: "the host cannot run it: syscall"}, "no state from before"},
		{"a fault", harness.Divergence{Kind: harness.KindFault, Before: &harness.Before{Regs: testSnapshot()}}, "fault divergence"},
		{"no instruction bytes", harness.Divergence{Kind: harness.KindRegister, Before: &harness.Before{Regs: testSnapshot()}}, "has 0 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Extract(&tc.d)
			if !errors.Is(err, ErrNotExtractable) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrNotExtractable with %q", err, tc.want)
			}
		})
	}
}

func TestDDMin(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		needed   []int
		maxTests int // the empty set first, then halving: about 2 log2(n) per needed item
	}{
		{"nothing needed", 40, nil, 1},
		{"one of many", 48, []int{17}, 14},
		{"two apart", 48, []int{3, 40}, 70},
		{"three", 10, []int{0, 5, 9}, 60},
		{"all", 4, []int{0, 1, 2, 3}, 12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tests := 0
			got := ddmin(indexes(tc.n), func(keep []int) bool {
				tests++
				for _, x := range tc.needed {
					if !slices.Contains(keep, x) {
						return false
					}
				}
				return true
			})
			slices.Sort(got)
			if !slices.Equal(got, tc.needed) && !(len(got) == 0 && len(tc.needed) == 0) {
				t.Errorf("ddmin kept %v, want %v", got, tc.needed)
			}
			if tests > tc.maxTests {
				t.Errorf("%d tests for %d items", tests, tc.n)
			}
		})
	}
}

func testSnapshot() *machine.Snapshot { return machine.X86_64().NewSnapshot() }

// TestMinimizeTolerance minimizes a difference only in undefined flags:
// BLSR's PF, which QEMU and the oracle compute alike and the host CPU
// does not. Compared strictly with every instruction judged, it is a
// tolerance divergence naming PF, and the minimal case reproduces it
// under CaseOptions.
func TestMinimizeTolerance(t *testing.T) {
	testprog.RequireQEMU(t)
	prog := testprog.Build(t, "testdata/blsr-pf.S")
	tmp := t.TempDir()
	testprog.NoLeaks(t, tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Not strict: PF is masked, and nothing diverges.
	res, err := Minimize(ctx, Options{Program: prog, TempDir: tmp, Arbiter: session.ArbiterEvery})
	if err != nil {
		t.Fatal(err)
	}
	if res.Divergence != nil {
		t.Fatalf("a divergence without --strict-flags: %s", res.Signature)
	}
	res, err = Minimize(ctx, Options{Program: prog, TempDir: tmp, Arbiter: session.ArbiterEvery, StrictFlags: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Case == nil {
		t.Fatalf("no reproducer (%v): %s", res.Signature, res.GaveUp)
	}
	c := res.Case
	t.Logf("%s\n%s", res.Summary(), c)
	if c.Verdict.Name != repro.Tolerance || c.Verdict.Reason != "only architecturally undefined flags differ: PF" {
		t.Errorf("verdict %s (%s), want tolerance naming PF", c.Verdict.Name, c.Verdict.Reason)
	}
	if len(c.Insns) != 1 || c.Insns[0].Text != "blsr rax, rbx" || c.Divergence.Kind != repro.KindFlags {
		t.Errorf("case: %d instructions %v, kind %s", len(c.Insns), c.Insns, c.Divergence.Kind)
	}
	if k := KeyOf(res.Signature).String(); k != "blsr r64, r64: PF" {
		t.Errorf("key %q, want blsr r64, r64: PF", k)
	}
	// Checked as the suite checks committed cases.
	back, err := repro.Parse(strings.NewReader(c.String()))
	if err != nil {
		t.Fatal(err)
	}
	opts := CaseOptions(back, Options{TempDir: tmp})
	if !opts.StrictFlags || opts.Arbiter != session.ArbiterEvery {
		t.Errorf("CaseOptions: strict %v arbiter %q", opts.StrictFlags, opts.Arbiter)
	}
	run, err := NewRunner(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	if ok, got, err := run.Reproduces(ctx, back, res.Signature); !ok || err != nil {
		t.Errorf("the case does not reproduce: %s", missText(got, err))
	}
}

// TestMinimizeGlibcPDEP minimizes the PDEP divergence of a static glibc
// program (minimize/testdata/pdep-glibc.c, gcc -O2 -static -mbmi2),
// compared from main on: it ends with one instruction, two or three
// registers, verdict follower-wrong.
func TestMinimizeGlibcPDEP(t *testing.T) {
	testprog.RequireQEMU(t)
	prog := testprog.Build(t, "testdata/pdep-glibc.c", "-mbmi2")
	main := testprog.Symbol(t, prog, "main")
	tmp := t.TempDir()
	testprog.NoLeaks(t, tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Minimize(ctx, Options{Program: prog, TempDir: tmp, StartAt: &main})
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Skipped == 0 {
		t.Errorf("no instructions skipped before main")
	}
	if res.Case == nil {
		t.Fatalf("no reproducer (%v): %s", res.Signature, res.GaveUp)
	}
	c := res.Case
	t.Logf("%d instructions before main; %s\n%s", res.Report.Skipped, res.Summary(), c)
	if res.Signature.Mnemonic() != "pdep" || len(c.Insns) != 1 || res.Window != 0 {
		t.Errorf("%s: %d instructions (window %d), want pdep alone", res.Signature, len(c.Insns), res.Window)
	}
	if n := len(c.Regs); n < 2 || n > 3 {
		t.Errorf("%d registers %v, want 2 or 3", n, c.RegNames())
	}
	if c.Verdict.Name != repro.FollowerWrong || c.Divergence.Kind != repro.KindRegister {
		t.Errorf("verdict %s, kind %s; want follower-wrong, register", c.Verdict.Name, c.Divergence.Kind)
	}
	if res.After.Bytes != 0 {
		t.Errorf("%d non-zero bytes left", res.After.Bytes)
	}
}

// TestWindowGrowth exercises the window's growth over the history.
// Extraction captures every register before the divergent instruction
// and every page the host's run of it touched, so a deterministic
// instruction reproduces alone unless the capture lost something. The
// test loses it on purpose: rbx in the captured state is zeroed, so the
// one-instruction case shows another divergence (BLSI of 0); the history
// holds `mov ebx, 0x30`, and a window of one earlier instruction
// reproduces. With the history truncated, minimization gives up and says
// why.
func TestWindowGrowth(t *testing.T) {
	testprog.RequireQEMU(t)
	prog := testprog.Build(t, "../examples/blsi.S")
	tmp := t.TempDir()
	testprog.NoLeaks(t, tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Minimize(ctx, Options{Program: prog, TempDir: tmp, MaxRuns: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Divergence == nil || res.Divergence.Before == nil || len(res.Divergence.History) == 0 {
		t.Fatal("no judged divergence with a history")
	}
	lossy := func(history []harness.HistoryEntry) *harness.Divergence {
		d := *res.Divergence
		b := *d.Before
		b.Regs = d.Before.Regs.Clone()
		if !b.Regs.SetUint64("rbx", 0) {
			t.Fatal("no rbx in the snapshot")
		}
		d.Before, d.History = &b, history
		return &d
	}
	tests := []struct {
		name    string
		history []harness.HistoryEntry
		window  int    // the window that reproduced
		gaveUp  string // or why it gave up
	}{
		{"the history holds the lost value", res.Divergence.History, 1, ""},
		{"the history is truncated", nil, 0, "did not reproduce from the extracted state with up to 0 earlier instructions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FromDivergence(ctx, Options{TempDir: tmp}, res.Report, lossy(tc.history))
			if err != nil {
				t.Fatal(err)
			}
			if tc.gaveUp != "" {
				if got.Case != nil || !strings.Contains(got.GaveUp, tc.gaveUp) || !strings.Contains(got.GaveUp, "a different divergence") {
					t.Errorf("case %v, gave up %q; want it to give up with %q and the divergence it saw", got.Case != nil, got.GaveUp, tc.gaveUp)
				}
				return
			}
			if got.Case == nil {
				t.Fatalf("no reproducer: %s", got.GaveUp)
			}
			t.Logf("%s\n%s", got.Summary(), got.Case)
			if got.Window != tc.window || len(got.Case.Insns) != tc.window+1 {
				t.Errorf("window %d, %d instructions; want window %d", got.Window, len(got.Case.Insns), tc.window)
			}
			if !slices.ContainsFunc(got.Notes, func(n string) bool { return strings.Contains(n, "window grew back 1") }) {
				t.Errorf("notes %q do not say the window grew", got.Notes)
			}
			if _, ok := got.Case.Regs["rbx"]; ok {
				t.Errorf("rbx kept (%x): the window's mov sets it", got.Case.Regs["rbx"])
			}
		})
	}
}
