package harness

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestJSONDivergencesShape: divergences is always a list and divergence its
// first element or null, for zero, one and two divergences.
func TestJSONDivergencesShape(t *testing.T) {
	differ := fakeStep{code: addRaxRbx, ref: map[string]uint64{"rax": 1}, fol: map[string]uint64{"rax": 2}}
	tests := []struct {
		name  string
		steps []fakeStep
		want  int
	}{
		{"none", []fakeStep{{code: addRaxRbx}, exitStep}, 0},
		{"one", []fakeStep{differ, exitStep}, 1},
		{"two", []fakeStep{differ, {code: addRaxRbx, ref: map[string]uint64{"rcx": 3}, fol: map[string]uint64{"rcx": 4}}, exitStep}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := runFake(tt.steps, Config{KeepGoing: true})
			var js bytes.Buffer
			if err := res.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			var got map[string]json.RawMessage
			if err := json.Unmarshal(js.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			var list []map[string]any
			if err := json.Unmarshal(got["divergences"], &list); err != nil || list == nil {
				t.Fatalf("divergences %s is not a list (%v)", got["divergences"], err)
			}
			if len(list) != tt.want {
				t.Fatalf("%d divergences, want %d", len(list), tt.want)
			}
			first, ok := got["divergence"]
			if !ok {
				t.Fatal("no divergence field")
			}
			if tt.want == 0 {
				if string(first) != "null" {
					t.Errorf("divergence %s, want null", first)
				}
				return
			}
			var d map[string]any
			json.Unmarshal(first, &d)
			if d["step"] != list[0]["step"] || d["register"] != list[0]["register"] {
				t.Errorf("divergence %v is not divergences[0] %v", d, list[0])
			}
		})
	}
}

// TestLimitReport: a run stopped by its step limit says so in text and JSON.
func TestLimitReport(t *testing.T) {
	res, _ := runFake([]fakeStep{{code: addRaxRbx}, {code: addRaxRbx}, {code: addRaxRbx}, exitStep}, Config{MaxSteps: 2})
	if res.Outcome != Agree || res.LimitReached != LimitSteps || res.Steps != 2 || res.ExitStatus != nil {
		t.Fatalf("outcome %s limit %q steps %d exit %v", res.Outcome, res.LimitReached, res.Steps, res.ExitStatus)
	}
	var text, js bytes.Buffer
	res.WriteText(&text, testLayout, Style{})
	if want := "agree for the first 2 instructions; the program had not ended (step limit)"; !strings.Contains(text.String(), want) {
		t.Errorf("text lacks %q:\n%s", want, text.String())
	}
	res.WriteJSON(&js)
	if !strings.Contains(js.String(), `"limit_reached": "steps"`) {
		t.Errorf("JSON lacks limit_reached:\n%s", js.String())
	}
}

// TestNotComparedLine: one short line by default, every reason with Explain.
func TestNotComparedLine(t *testing.T) {
	res, _ := runFake([]fakeStep{{code: addRaxRbx}, exitStep}, Config{Ignore: []string{"xmm0"}})
	var short, long bytes.Buffer
	res.WriteText(&short, testLayout, Style{})
	res.WriteText(&long, testLayout, Style{Explain: true})
	line := ""
	for _, l := range strings.Split(short.String(), "\n") {
		if strings.HasPrefix(l, "not compared: ") {
			line = l
		}
	}
	if !strings.Contains(line, "registers:") || !strings.Contains(line, "ignored (xmm0)") || !strings.Contains(line, "--explain") {
		t.Errorf("short line %q", line)
	}
	for _, nc := range res.NotCompared {
		if strings.Contains(short.String(), nc.Reason) && nc.Reason != notComparedCategory(nc.Reason) {
			t.Errorf("short report spells the reason %q", nc.Reason)
		}
		if !strings.Contains(long.String(), nc.Reason) {
			t.Errorf("--explain report lacks %q", nc.Reason)
		}
	}
}
