package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"lockstep/internal/testprog"
)

func lockstep(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	code := run(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestTraceText(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	prog := testprog.Build(t, "../../qemutrace/testdata/basic.S")
	code, out, errs := lockstep(t, "trace", "--", prog)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "summary: ") || !strings.Contains(last, "4 syscalls") || !strings.Contains(last, "exit status 7") {
		t.Errorf("summary line %q", last)
	}
	if !strings.Contains(out, "rcx=0x64") {
		t.Errorf("first instruction's rcx=100 not in trace:\n%s", lines[0])
	}
	if !strings.Contains(out, "(rep)") {
		t.Error("no rep iteration marked")
	}
	_, out, _ = lockstep(t, "trace", "--mem", "value:8", "--max-steps", "205", "--", prog)
	if !strings.Contains(out, "=8877665544332211") {
		t.Errorf("--mem value:8 does not show the stored value:\n%s", out)
	}
}

func TestTraceJSON(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	prog := testprog.Build(t, "../../qemutrace/testdata/basic.S")
	code, out, errs := lockstep(t, "trace", "--json", "--max-steps", "50", "--", prog)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	n := 0
	var summary map[string]any
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %d not JSON: %v: %s", n, err, sc.Text())
		}
		if s, ok := line["summary"]; ok {
			summary = s.(map[string]any)
			continue
		}
		n++
		if line["step"].(float64) != float64(n) || !strings.HasPrefix(line["pc"].(string), "0x") {
			t.Fatalf("line %d: %v", n, line)
		}
	}
	if n != 50 || summary == nil || summary["instructions"].(float64) != 50 {
		t.Fatalf("%d lines, summary %v", n, summary)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "usage"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"run"}, "no program given"},
		{[]string{"trace", "--max-steps", "x", "--", "p"}, "invalid value"},
		{[]string{"run", "--start", "nosuchsym", "--", "/bin/true"}, "nosuchsym"},
		{[]string{"corpus"}, "usage"},
	}
	for _, tt := range tests {
		code, _, errs := lockstep(t, tt.args...)
		if code != exitError || !strings.Contains(errs, tt.want) {
			t.Errorf("lockstep %v: exit %d, stderr %q; want 2 and %q", tt.args, code, errs, tt.want)
		}
	}
}

func TestCorpusList(t *testing.T) {
	for _, args := range [][]string{{"corpus", "list"}, {"corpus", "list", "--label", "bmi2"}, {"corpus", "list", "bmi2"}} {
		code, out, errs := lockstep(t, args...)
		if code != 0 || !strings.Contains(out, "bmi2/pdep") || !strings.Contains(out, "CORRECTIONS") || !regexp.MustCompile(`bmi2/pdep +.*agree +pdep`).MatchString(out) {
			t.Errorf("lockstep %v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	// Two shards split the list between them.
	_, all, _ := lockstep(t, "corpus", "list")
	_, one, _ := lockstep(t, "corpus", "list", "--shard", "1/2")
	_, two, _ := lockstep(t, "corpus", "list", "--shard", "2/2")
	if n, a, b := strings.Count(all, "\n"), strings.Count(one, "\n"), strings.Count(two, "\n"); a+b != n+1 || a-b > 1 || b-a > 1 {
		t.Errorf("shards of %d lines: %d and %d (each with a header)", n, a, b)
	}
	if code, _, errs := lockstep(t, "corpus", "list", "--shard", "3/2"); code != exitError || !strings.Contains(errs, "I/N") {
		t.Errorf("bad shard: exit %d %s", code, errs)
	}
	if code, _, errs := lockstep(t, "corpus", "list", "nosuch/entry"); code != exitError || !strings.Contains(errs, "no entry") {
		t.Errorf("unknown entry: exit %d %s", code, errs)
	}
}

// runJSON runs lockstep with --json and decodes the report.
func runJSON(t *testing.T, args ...string) (int, map[string]any, string) {
	t.Helper()
	code, out, errs := lockstep(t, append([]string{"run", "--json"}, args...)...)
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("exit %d, report not JSON: %v\n%s%s", code, err, out, errs)
	}
	return code, rep, errs
}

// TestHonestExitStatus: a recorded divergence makes the status 1 even when
// the run then ends in a fault both sides take (issue 9, item 4), and the
// JSON has divergences as a list with divergence its first element (item 5).
func TestHonestExitStatus(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	prog := testprog.Build(t, "testdata/diverge-then-fault.S")
	code, rep, errs := runJSON(t, "--keep-going", "--", prog)
	if code != exitDiverge {
		t.Errorf("exit %d, want %d: %v %s", code, exitDiverge, rep, errs)
	}
	if rep["outcome"] != "fault" {
		t.Errorf("outcome %v, want fault (the run ended in the ud2 both sides take)", rep["outcome"])
	}
	list, ok := rep["divergences"].([]any)
	if !ok || len(list) != 1 {
		t.Fatalf("divergences %v, want a list of one", rep["divergences"])
	}
	if d, _ := rep["divergence"].(map[string]any); d == nil || d["register"] != "eflags" || d["step"] != list[0].(map[string]any)["step"] {
		t.Errorf("divergence %v is not the first of %v", rep["divergence"], list)
	}
	// Agreement: an empty list and a null divergence.
	code, rep, _ = runJSON(t, "--", testprog.Build(t, "../../examples/agree.S"))
	if list, ok := rep["divergences"].([]any); code != exitAgree || !ok || len(list) != 0 {
		t.Errorf("exit %d, divergences %#v, want 0 and []", code, rep["divergences"])
	}
	if v, ok := rep["divergence"]; !ok || v != nil {
		t.Errorf("divergence %#v (present %v), want null", v, ok)
	}
}

// TestLimits: a step or time limit reached with no divergence is
// agreement (items 6 and 10), and a jump to itself is an ordinary step, so
// the step-limited run is quick (item 9).
func TestLimits(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	prog := testprog.Build(t, "testdata/selfjump.S")
	tests := []struct {
		name  string
		args  []string
		limit string
		text  string
	}{
		{"steps", []string{"--max-steps", "3000"}, "steps", "agree for the first 3000 instructions; the program had not ended (step limit)"},
		{"time", []string{"--timeout", "1s"}, "time", "the program had not ended (time limit)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			code, rep, errs := runJSON(t, append(tt.args, "--", prog)...)
			if code != exitAgree || rep["outcome"] != "agree" || rep["limit_reached"] != tt.limit {
				t.Fatalf("exit %d, outcome %v, limit_reached %v, error %v %s", code, rep["outcome"], rep["limit_reached"], rep["error"], errs)
			}
			if rep["steps"].(float64) < 1000 {
				t.Errorf("only %v instructions compared", rep["steps"])
			}
			if tt.limit == "steps" && rep["steps"].(float64) != 3000 {
				t.Errorf("%v instructions compared, want 3000", rep["steps"])
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
			code, out, _ := lockstep(t, append(append([]string{"run"}, tt.args...), "--", prog)...)
			if code != exitAgree || !strings.Contains(out, tt.text) {
				t.Errorf("exit %d, text report lacks %q:\n%s", code, tt.text, out)
			}
		})
	}
}

// TestNotComparedShort: one short "not compared" line; --explain has the
// reasons (item 8).
func TestNotComparedShort(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	prog := testprog.Build(t, "../../examples/agree.S")
	_, out, _ := lockstep(t, "run", "--", prog)
	_, long, _ := lockstep(t, "run", "--explain", "--", prog)
	line := func(s string) string {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "not compared: ") {
				return l
			}
		}
		return ""
	}
	short := line(out)
	if short == "" || len(short) > 300 || !strings.Contains(short, "kernel state") || strings.Contains(short, "unreadable and unchangeable") {
		t.Errorf("short line (%d chars) %q", len(short), short)
	}
	if !strings.Contains(line(long), "unreadable and unchangeable") {
		t.Errorf("--explain line %q", line(long))
	}
}

// TestStartupErrors: what QEMU says when it fails before its gdbstub is
// ready reaches the user, and a program without execute permission is
// named as such (QEMU 7.2 says nothing then) (item 11).
func TestStartupErrors(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	prog := testprog.Build(t, "../../examples/agree.S")
	noexec := filepath.Join(t.TempDir(), "noexec")
	b, err := os.ReadFile(prog)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(noexec, b, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad CPU model", []string{"run", "--cpu", "nosuchcpu", "--", prog}, "unable to find CPU model 'nosuchcpu'"},
		{"not executable", []string{"run", "--", noexec}, "not executable"},
	}
	for _, tt := range tests {
		code, _, errs := lockstep(t, tt.args...)
		if code != exitError || !strings.Contains(errs, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tt.name, code, errs, tt.want)
		}
	}
}

// TestSignalNames: signals are reported by Linux's number and name.
func TestSignalNames(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	prog := testprog.Build(t, "testdata/usr1-default.S")
	_, rep, errs := runJSON(t, "--", prog)
	if rep["signal"] != float64(10) || rep["signal_name"] != "SIGUSR1" {
		t.Errorf("signal %v %v, want 10 SIGUSR1 (%v %s)", rep["signal"], rep["signal_name"], rep["error"], errs)
	}
	_, out, _ := lockstep(t, "run", "--", prog)
	if !strings.Contains(out, "SIGUSR1 (10)") {
		t.Errorf("text report does not name SIGUSR1 (10):\n%s", out)
	}
}
