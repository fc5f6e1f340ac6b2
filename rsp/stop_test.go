package rsp_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"lockstep/rsp"
	"lockstep/rsp/rsptest"
)

func TestParseStop(t *testing.T) {
	tests := []struct {
		in   string
		want rsp.Stop
	}{
		{"S05", rsp.Stop{Kind: rsp.StopSignal, Signal: 5}},
		{"T05thread:p01.3816;", rsp.Stop{Kind: rsp.StopSignal, Signal: 5, Thread: "p01.3816"}},
		{"T0b", rsp.Stop{Kind: rsp.StopSignal, Signal: 11}},
		{"T05thread:1a;06:0100000000000000;07:ffxx;swbreak:;", rsp.Stop{
			Kind: rsp.StopSignal, Signal: 5, Thread: "1a", Reason: "swbreak",
			Registers: []rsp.ExpeditedRegister{{Regnum: 6, Value: []byte{1, 0, 0, 0, 0, 0, 0, 0}}, {Regnum: 7, Value: []byte{0xff, 0}}},
		}},
		{"T05watch:7ffe1000;thread:p2.2;core:1;", rsp.Stop{Kind: rsp.StopSignal, Signal: 5, Thread: "p2.2", Reason: "watch", ReasonArg: "7ffe1000"}},
		{"T05syscall_entry:3c;thread:p1.1", rsp.Stop{Kind: rsp.StopSignal, Signal: 5, Thread: "p1.1", Reason: "syscall_entry", ReasonArg: "3c"}},
		{"T05hwbreak:;swbreak:;", rsp.Stop{Kind: rsp.StopSignal, Signal: 5, Reason: "hwbreak"}},
		{"T05unknownthing:zz;thread:3;", rsp.Stop{Kind: rsp.StopSignal, Signal: 5, Thread: "3"}},
		{"W00", rsp.Stop{Kind: rsp.StopExited}},
		{"W07", rsp.Stop{Kind: rsp.StopExited, ExitStatus: 7}},
		{"W01;process:a410", rsp.Stop{Kind: rsp.StopExited, ExitStatus: 1, Process: "a410"}},
		{"X09", rsp.Stop{Kind: rsp.StopTerminated, Signal: 9}},
		{"X0b;process:2", rsp.Stop{Kind: rsp.StopTerminated, Signal: 11, Process: "2"}},
		{"w00;p1.5", rsp.Stop{Kind: rsp.StopThreadExited, Thread: "p1.5"}},
		{"N", rsp.Stop{Kind: rsp.StopNoResumed}},
	}
	for _, tt := range tests {
		got, err := rsp.ParseStop([]byte(tt.in))
		if err != nil {
			t.Errorf("ParseStop(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseStop(%q) =\n%+v, want\n%+v", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"", "T", "T5", "Tzz", "S05x", "W", "Wzz", "W00;pid:1", "W00;process:", "X", "w00", "w00;", "N1", "O48656c6c6f", "Q", "T05thread:;", "T05:1;", "T0506:123;", "T0506:zz;"} {
		if s, err := rsp.ParseStop([]byte(bad)); err == nil {
			t.Errorf("ParseStop(%q) = %+v, want an error", bad, s)
		}
	}
}

// resumeStub answers '?' and resume commands like QEMU: vCont support is
// configurable, and each resume reports thread p01.3816.
func resumeStub(vcont string, extra map[string]rsptest.Response) rsptest.Handler {
	return withHandshake(func(cmd string) rsptest.Response {
		if r, ok := extra[cmd]; ok {
			return r
		}
		switch {
		case cmd == "vCont?":
			return rsptest.Reply(vcont)
		case cmd == "?", cmd == "s", cmd == "c", strings.HasPrefix(cmd, "C"), strings.HasPrefix(cmd, "S"):
			return rsptest.Reply("T05thread:p01.3816;")
		case strings.HasPrefix(cmd, "vCont;"):
			if strings.HasSuffix(cmd, ":1") {
				return rsptest.Reply("E22") // QEMU's answer to a bare thread number
			}
			return rsptest.Reply("T05thread:p01.3816;")
		}
		return rsptest.Response{}
	})
}

func TestResume(t *testing.T) {
	tests := []struct {
		name  string
		vcont string
		first bool // query '?' first, so the thread is known
		want  []string
	}{
		{"vCont with thread", "vCont;c;C;s;S", true, []string{"?", "vCont?", "vCont;s:p01.3816", "vCont;c:p01.3816", "vCont;C0b:p01.3816", "vCont;S0a:p01.3816"}},
		{"vCont before any stop", "vCont;c;C;s;S", false, []string{"vCont?", "vCont;s", "vCont;c:p01.3816", "vCont;C0b:p01.3816", "vCont;S0a:p01.3816"}},
		{"no vCont", "", true, []string{"?", "vCont?", "s", "c", "C0b", "S0a"}},
		{"vCont without C and S", "vCont;c;s", true, []string{"?", "vCont?", "vCont;s:p01.3816", "vCont;c:p01.3816", "C0b", "S0a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, stub := connect(t, nil, resumeStub(tt.vcont, nil))
			ctx := testContext(t)
			if tt.first {
				if _, err := c.StopReason(ctx); err != nil {
					t.Fatal(err)
				}
			}
			for i, f := range []func() (rsp.Stop, error){
				func() (rsp.Stop, error) { return c.Step(ctx) },
				func() (rsp.Stop, error) { return c.Continue(ctx) },
				func() (rsp.Stop, error) { return c.ContinueWithSignal(ctx, 11) },
				func() (rsp.Stop, error) { return c.StepWithSignal(ctx, 10) },
			} {
				s, err := f()
				if err != nil {
					t.Fatalf("resume %d: %v", i, err)
				}
				if s.Kind != rsp.StopSignal || s.Signal != 5 || s.Thread != "p01.3816" {
					t.Errorf("resume %d: stop %+v", i, s)
				}
			}
			if got := stub.Commands()[1:]; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("commands %q, want %q", got, tt.want)
			}
		})
	}
}

func TestResumeReplies(t *testing.T) {
	var out bytes.Buffer
	c, _ := connect(t, &rsp.Dialer{Output: &out}, resumeStub("vCont;c;C;s;S", map[string]rsptest.Response{
		"vCont;c": {Before: rsptest.Frame("O48656c6c6f0a"), Reply: "W2a;process:e"},
		"vCont;s": rsptest.Reply("E05"),
	}))
	ctx := testContext(t)
	_, err := c.Step(ctx)
	var e *rsp.Error
	if !errors.As(err, &e) || e.Code != 5 {
		t.Errorf("Step error %v, want *Error 05", err)
	}
	s, err := c.Continue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != rsp.StopExited || s.ExitStatus != 42 || s.Process != "e" {
		t.Errorf("Continue = %+v, want exit 42 of process e", s)
	}
	if out.String() != "Hello\n" {
		t.Errorf("console output %q, want Hello", out.String())
	}
	if _, err := c.ContinueWithSignal(ctx, 256); err == nil {
		t.Error("signal 256 accepted")
	}
	if _, err := c.StepWithSignal(ctx, -1); err == nil {
		t.Error("signal -1 accepted")
	}
}
