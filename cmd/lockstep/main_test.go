package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
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
	if code, _, errs := lockstep(t, "corpus", "list", "nosuch/entry"); code != exitError || !strings.Contains(errs, "no entry") {
		t.Errorf("unknown entry: exit %d %s", code, errs)
	}
}
