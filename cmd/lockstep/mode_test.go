package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"lockstep/internal/testprog"
)

// TestModes runs the bundled examples with QEMU running freely, through
// the CLI and its JSON: block mode finds QEMU 7.2's BLSI bug at a block
// boundary and localizes it to the instruction, with the host's verdict;
// insn mode agrees where step mode does; limits work as in step mode.
func TestModes(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	agree := testprog.Build(t, "../../examples/agree.S")
	blsi := testprog.Build(t, "../../examples/blsi.S")
	pdep := testprog.Build(t, "../../examples/pdep.S")
	selfjump := testprog.Build(t, "testdata/selfjump.S")
	for _, tt := range []struct {
		name    string
		args    []string
		code    int
		outcome string
		check   func(t *testing.T, rep map[string]any)
	}{
		{"block agrees", []string{"--mode", "block", "--", agree}, exitAgree, "agree", func(t *testing.T, rep map[string]any) {
			if rep["mode"] != "block" || rep["windows"].(float64) < 1 || rep["blocks"].(float64) < 1 {
				t.Errorf("mode %v, %v windows, %v blocks", rep["mode"], rep["windows"], rep["blocks"])
			}
		}},
		{"insn agrees", []string{"--mode", "insn", "--", agree}, exitAgree, "agree", func(t *testing.T, rep map[string]any) {
			if rep["mode"] != "insn" || rep["steps"].(float64) != 54 {
				t.Errorf("mode %v, %v steps, want insn and 54", rep["mode"], rep["steps"])
			}
		}},
		{"step is the default", []string{"--", agree}, exitAgree, "agree", func(t *testing.T, rep map[string]any) {
			if rep["mode"] != "step" {
				t.Errorf("mode %v, want step", rep["mode"])
			}
		}},
		{"block localizes BLSI", []string{"--mode", "block", "--", blsi}, exitDiverge, "diverge", func(t *testing.T, rep map[string]any) {
			d := rep["divergence"].(map[string]any)
			if d["register"] != "eflags" || !strings.HasPrefix(d["instruction"].(string), "blsi") || d["verdict"] != "reference-wrong" {
				t.Errorf("divergence %v %v %v, want eflags at blsi, reference-wrong", d["register"], d["instruction"], d["verdict"])
			}
			b, _ := d["block"].(map[string]any)
			if b == nil || b["localized"] != true || b["only_as_block"] != false {
				t.Errorf("block %v, want localized", b)
			}
		}},
		{"block corrects PDEP", []string{"--mode", "block", "--", pdep}, exitAgree, "agree", func(t *testing.T, rep map[string]any) {
			if c := rep["oracle_corrections"].(map[string]any); c["pdep"] != 1.0 {
				t.Errorf("oracle corrections %v, want pdep once", c)
			}
		}},
		{"block step limit", []string{"--mode", "block", "--max-steps", "3000", "--", selfjump}, exitAgree, "agree", func(t *testing.T, rep map[string]any) {
			if rep["limit_reached"] != "steps" || rep["steps"].(float64) != 3000 {
				t.Errorf("limit %v after %v steps, want steps after 3000", rep["limit_reached"], rep["steps"])
			}
		}},
		{"keep-going needs step mode", []string{"--mode", "block", "--keep-going", "--", agree}, exitError, "error", func(t *testing.T, rep map[string]any) {
			if !strings.Contains(rep["error"].(string), "--keep-going needs step mode") {
				t.Errorf("error %q", rep["error"])
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, rep, errs := runJSON(t, tt.args...)
			if code != tt.code || rep["outcome"] != tt.outcome {
				t.Fatalf("exit %d, outcome %v (error %v), want %d and %s\n%s", code, rep["outcome"], rep["error"], tt.code, tt.outcome, errs)
			}
			tt.check(t, rep)
		})
	}
	code, _, errs := lockstep(t, "run", "--mode", "fast", "--", agree)
	if code != exitError || !strings.Contains(errs, `--mode: "fast": want step, block or insn`) {
		t.Errorf("--mode fast: exit %d, %s", code, errs)
	}
}

// TestWindowFlags: -j and --window through the CLI, and their bad uses.
func TestWindowFlags(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	agree := testprog.Build(t, "../../examples/agree.S")
	code, rep, errs := runJSON(t, "--mode", "block", "-j", "2", "--", agree)
	if code != exitAgree || rep["steps"] != 54.0 {
		t.Fatalf("-j 2: exit %d, %v instructions (%v) %s", code, rep["steps"], rep["error"], errs)
	}
	split, _ := rep["split"].([]any)
	if len(split) != 2 || split[1].(map[string]any)["window"] != "2/2" {
		t.Errorf("split %v, want two parts", rep["split"])
	}
	code, rep, _ = runJSON(t, "--mode", "block", "--window", "2/2", "--", agree)
	if code != exitAgree || rep["skipped"] == nil || rep["steps"].(float64) >= 54 {
		t.Errorf("--window 2/2: exit %d, %v instructions after %v", code, rep["steps"], rep["skipped"])
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--window", "0/3"}, "want I/N with 1 <= I <= N"},
		{[]string{"-j", "2"}, "windows need --mode block or insn"},
		{[]string{"--mode", "block", "-j", "2", "--window", "1/2"}, "-j and --window do not go together"},
		{[]string{"--mode", "block", "--test", "valgrind"}, "--mode block applies only to QEMU against the oracle"},
	} {
		code, _, errs := lockstep(t, append(append([]string{"run"}, tt.args...), "--", agree)...)
		if code != exitError || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, %s; want 2 and %q", tt.args, code, errs, tt.want)
		}
	}
}

// TestBlockModeRefusesOtherLogs: a QEMU whose CPU log lacks lines block
// mode reads (here -d without fpu, so no x87 or vector lines) is refused
// with a message naming what is missing, exit status 2, nothing left.
func TestBlockModeRefusesOtherLogs(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	real, err := exec.LookPath("qemu-x86_64")
	if err != nil {
		t.Skip("no qemu-x86_64")
	}
	wrapper := filepath.Join(t.TempDir(), "qemu-nofpu")
	script := "#!/bin/sh\nfor a; do [ \"$a\" = page,cpu,fpu,nochain ] && a=page,cpu,nochain; set -- \"$@\" \"$a\"; shift; done\nexec " + real + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	code, rep, _ := runJSON(t, "--mode", "block", "--qemu", wrapper, "--", testprog.Build(t, "../../examples/agree.S"))
	msg, _ := rep["error"].(string)
	if code != exitError || !strings.Contains(msg, "not the format lockstep reads") || !strings.Contains(msg, "FCW") {
		t.Errorf("exit %d, error %q; want 2 and the missing FCW line named", code, msg)
	}
}
