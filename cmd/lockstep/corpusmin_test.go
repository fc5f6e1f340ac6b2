package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lockstep/internal/testprog"
	"lockstep/minimize"
	"lockstep/repro"
)

// TestCorpusMinimize minimizes the bmi1/blsi entry into a temporary
// copy of corpus/cases, for real: its 32-bit BLSI divergence matches
// blsi.repro, the 64-bit one becomes a new case named after its key,
// written beside (not over) a file already holding that name; a second
// run finds both in the cases.
func TestCorpusMinimize(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	cases := t.TempDir()
	for _, f := range []string{"blsi.repro", "pdep.repro"} {
		copyFile(t, filepath.Join("..", "..", "corpus", "cases", f), filepath.Join(cases, f))
	}
	// A file already named like the new case (holding another case):
	// the new case must not overwrite it.
	copyFile(t, filepath.Join(cases, "pdep.repro"), filepath.Join(cases, "blsi-r64-r64-cf.repro"))

	code, out, errs := lockstep(t, "corpus", "minimize", "--cases", cases, "bmi1/blsi")
	if code != exitAgree {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		"bmi1/blsi: blsi r32, r32: CF (reference-wrong, step 4): matches existing case blsi.repro",
		"bmi1/blsi: blsi r64, r64: CF (reference-wrong, step 11): new case " + filepath.Join(cases, "blsi-r64-r64-cf-2.repro"),
		"1 entries, 2 signatures: 1 new cases, 1 matched existing cases, 0 without reproducer",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	c, err := repro.ParseFile(filepath.Join(cases, "blsi-r64-r64-cf-2.repro"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"bitops", "bmi1", "flags", "blsi", "qemu"} {
		if !slices.Contains(c.Labels, l) {
			t.Errorf("labels %v lack %s (the entry's and the case's own)", c.Labels, l)
		}
	}
	sig, _ := minimize.CaseSignature(c)
	if k := minimize.KeyOf(sig).String(); k != "blsi r64, r64: CF" || c.Verdict.Name != repro.ReferenceWrong || len(c.Insns) != 1 {
		t.Errorf("new case: key %q, verdict %s, %d instructions", k, c.Verdict.Name, len(c.Insns))
	}
	if old, err := repro.ParseFile(filepath.Join(cases, "blsi-r64-r64-cf.repro")); err != nil || old.Insns[0].Text != "pdep rax, rbx, rcx" {
		t.Errorf("the existing file was changed: %v", err)
	}

	// Again: every signature now has a case.
	code, out, errs = lockstep(t, "corpus", "minimize", "--cases", cases, "bmi1/blsi")
	if code != exitAgree || !strings.Contains(out, "matches existing case blsi-r64-r64-cf-2.repro") ||
		!strings.Contains(out, "0 new cases, 2 matched") {
		t.Errorf("second run: exit %d\n%s\n%s", code, out, errs)
	}
}

func TestCorpusMinimizeInput(t *testing.T) {
	cases := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"an entry that agrees", []string{"--cases", cases, "bmi2/bzhi"}, exitAgree, "none of the selected entries diverges", ""},
		{"--cases not a directory", []string{"--cases", filepath.Join(cases, "missing"), "bmi1/blsi"}, exitError, "", "not a directory"},
		{"no such entry", []string{"--cases", cases, "nope/nothing"}, exitError, "", "no entry named"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := lockstep(t, append([]string{"corpus", "minimize"}, tc.args...)...)
			if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errs, tc.stderr) {
				t.Errorf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
		})
	}
}

func TestRepoCasesDir(t *testing.T) {
	dir, err := repoCasesDir()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Abs(filepath.Join("..", "..", "corpus", "cases"))
	if dir != want {
		t.Errorf("repoCasesDir() = %s, want %s", dir, want)
	}
	t.Chdir(t.TempDir())
	if _, err := repoCasesDir(); err == nil || !strings.Contains(err.Error(), "--cases") {
		t.Errorf("outside the repository: %v, want an error asking for --cases", err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
