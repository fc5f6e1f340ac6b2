package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"lockstep/internal/testprog"
	"lockstep/repro"
)

func TestMinimizeCommand(t *testing.T) {
	testprog.RequireQEMU(t)
	blsi := testprog.Build(t, "../../examples/blsi.S")
	agree := testprog.Build(t, "../../examples/agree.S")
	out := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		code    int
		stdout  []string
		stderr  string
		wrote   string // a case file expected in out
		verdict string
	}{
		{"blsi: minimized, written", []string{"--quiet", "--out", out, "--", blsi}, exitDiverge,
			[]string{"verdict: reference-wrong", "→ 1 register", "insn 0x401005  c4 e2 78 f3 db", ".intel_syntax noprefix", "<- divergence"}, "",
			"blsi-eflags.repro", repro.ReferenceWrong},
		{"blsi: the same name again is refused", []string{"--quiet", "--out", out, "--", blsi}, exitError, nil, "exists", "", ""},
		{"agree: says so, status 0", []string{"--", agree}, exitAgree, []string{"agrees: no divergence"}, "", "", ""},
		{"no program", []string{"--quiet"}, exitError, nil, "no program given", "", ""},
		{"--out not a directory", []string{"--out", blsi, "--", blsi}, exitError, nil, "not a directory", "", ""},
		{"a bad name", []string{"--name", "../x", "--", blsi}, exitError, nil, "--name", "", ""},
		{"no arbiter", []string{"--arbiter", "off", "--", blsi}, exitError, nil, "needs the host CPU", "", ""},
		{"a missing program", []string{"--", filepath.Join(out, "missing")}, exitError, nil, "missing", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			testprog.NoLeaks(t, "")
			code, stdout, stderr := lockstep(t, append([]string{"minimize"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
			if tc.wrote != "" {
				c, err := repro.ParseFile(filepath.Join(out, tc.wrote))
				if err != nil {
					t.Fatal(err)
				}
				if c.Verdict.Name != tc.verdict || len(c.Insns) != 1 {
					t.Errorf("written case: verdict %s, %d instructions", c.Verdict.Name, len(c.Insns))
				}
			}
		})
	}
}

func TestMinimizeJSON(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	pdep := testprog.Build(t, "../../examples/pdep.S")
	code, stdout, stderr := lockstep(t, "minimize", "--json", "--", pdep)
	if code != exitDiverge {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var j minimizeJSON
	if err := json.Unmarshal([]byte(stdout), &j); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if j.Outcome != "minimized" || j.Verdict != repro.FollowerWrong || j.Divergence == nil || j.Divergence.Register != "rax" {
		t.Errorf("outcome %s verdict %s divergence %+v", j.Outcome, j.Verdict, j.Divergence)
	}
	if j.After == nil || j.After.Instructions != 1 || j.After.Registers < 2 || j.After.Registers > 3 || j.Runs == 0 {
		t.Errorf("after %+v, %d runs", j.After, j.Runs)
	}
	if _, err := repro.Parse(strings.NewReader(j.Case)); err != nil {
		t.Errorf("case: %v", err)
	}
	if !strings.Contains(j.Assembly, "pdep rax, rbx, rcx") || len(j.Run) == 0 {
		t.Errorf("assembly or run missing:\n%s", j.Assembly)
	}
}
