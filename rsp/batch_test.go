package rsp_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"lockstep/rsp"
	"lockstep/rsp/rsptest"
)

// batchStub serves memory at 0x1000 (16 bytes), "g" and steps; with noAck
// it offers QStartNoAckMode. Each command's handler records whether the
// stub had already received the batch's last command (seen).
func batchStub(noAck bool, seen *[]bool, stub **rsptest.Stub, last string) rsptest.Handler {
	return func(cmd string) rsptest.Response {
		if r, ok := handshake(noAck, cmd); ok {
			return r
		}
		switch cmd {
		case "vCont?":
			return rsptest.Reply("vCont;c;C;s;S")
		case "?":
			return rsptest.Reply("T05thread:p01.01;")
		}
		*seen = append(*seen, strings.Contains(string((*stub).Received()), "$"+last))
		switch {
		case cmd == "g":
			return rsptest.Reply("0102030405060708")
		case cmd == "m1004,4":
			return rsptest.Reply("34353637")
		case cmd == "m1000,10":
			return rsptest.Reply("30313233343536373839616263646566")
		case strings.HasPrefix(cmd, "m"):
			return rsptest.Reply("E0e")
		case strings.HasPrefix(cmd, "vCont;s"):
			return rsptest.Response{Reply: "T05thread:p01.01;10:0010000000000000;", Before: rsptest.Frame("O6869")}
		}
		return rsptest.Response{}
	}
}

// handshake answers qSupported, offering no-ack mode when noAck, and
// QStartNoAckMode; ok is false for other commands.
func handshake(noAck bool, cmd string) (r rsptest.Response, ok bool) {
	switch {
	case strings.HasPrefix(cmd, "qSupported") && noAck:
		return rsptest.Reply(stubFeatures + ";QStartNoAckMode+"), true
	case strings.HasPrefix(cmd, "qSupported"):
		return rsptest.Reply(stubFeatures), true
	case cmd == "QStartNoAckMode":
		return rsptest.Reply("OK"), true
	}
	return rsptest.Response{}, false
}

func TestBatch(t *testing.T) {
	for _, tt := range []struct {
		name      string
		noAck     bool
		pipelined bool
	}{
		{"no-ack mode: one round trip", true, true},
		{"ack mode: one exchange each", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var seen []bool
			var stub *rsptest.Stub
			var out bytes.Buffer
			h := batchStub(tt.noAck, &seen, &stub, "vCont;s:p01.01#")
			stub, nc := rsptest.NewPipe(h)
			t.Cleanup(func() {
				stub.Close()
				if err := stub.Err(); err != nil {
					t.Error(err)
				}
			})
			c, err := (&rsp.Dialer{Output: &out}).NewConn(testContext(t), nc)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if c.Pipelines() != tt.pipelined {
				t.Errorf("Pipelines() = %v", c.Pipelines())
			}
			// The thread for vCont comes from a stop reply.
			if _, err := c.StopReason(testContext(t)); err != nil {
				t.Fatal(err)
			}
			var (
				b                        rsp.Batch
				regs                     = make([]byte, 8)
				m1, m2, m3               = make([]byte, 4), make([]byte, 16), make([]byte, 4)
				e1, e2, e3, eg, es, eBad error
				stop                     rsp.Stop
			)
			b.ReadMemory(0x1004, m1, &e1)
			b.ReadMemory(0x9000, m3, &e3) // unmapped: its own error only
			b.ReadMemory(0x1000, m2, &e2)
			b.ReadRegisters(regs, &eg)
			b.Step(&stop, &es)
			if err := c.Do(testContext(t), &b); err != nil {
				t.Fatal(err)
			}
			var re *rsp.Error
			switch {
			case e1 != nil || string(m1) != "4567":
				t.Errorf("m1004,4: %q, %v", m1, e1)
			case !errors.As(e3, &re) || re.Code != 0xe:
				t.Errorf("unmapped read: %v, want *Error 0e", e3)
			case e2 != nil || string(m2) != "0123456789abcdef":
				t.Errorf("m1000,10: %q, %v", m2, e2)
			case eg != nil || !bytes.Equal(regs, []byte{1, 2, 3, 4, 5, 6, 7, 8}):
				t.Errorf("g: % x, %v", regs, eg)
			case es != nil || stop.Kind != rsp.StopSignal || stop.Signal != 5 || len(stop.Registers) != 1:
				t.Errorf("step: %+v, %v", stop, es)
			case out.String() != "hi":
				t.Errorf("console output %q, want hi", out.String())
			}
			// Pipelined, the stub has the whole batch when it answers the
			// first command; one at a time, only the last command does.
			want := []bool{tt.pipelined, tt.pipelined, tt.pipelined, tt.pipelined, true}
			if !slicesEqual(seen, want) {
				t.Errorf("stub had the step when answering each command: %v, want %v", seen, want)
			}

			b.Reset()
			b.Step(&stop, &es)
			b.ReadRegisters(regs, &eBad)
			if err := c.Do(testContext(t), &b); err == nil || !strings.Contains(err.Error(), "step must be the last") {
				t.Errorf("a step before another command: %v", err)
			}
		})
	}
}

func slicesEqual(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestBatchHangup: a stub that hangs up in the middle of a batch fails the
// commands it did not answer, and the connection.
func TestBatchHangup(t *testing.T) {
	for _, noAck := range []bool{true, false} {
		h := func(cmd string) rsptest.Response {
			if r, ok := handshake(noAck, cmd); ok {
				return r
			}
			if cmd == "m1000,2" {
				return rsptest.Reply("abcd")
			}
			return rsptest.Response{Hangup: true, Reply: "E01"}
		}
		c, _ := connect(t, nil, h)
		var b rsp.Batch
		var e1, e2, e3 error
		b.ReadMemory(0x1000, make([]byte, 2), &e1)
		b.ReadMemory(0x2000, make([]byte, 2), &e2)
		b.ReadMemory(0x1000, make([]byte, 2), &e3)
		err := c.Do(testContext(t), &b)
		if err == nil || e1 != nil || e3 == nil {
			t.Errorf("noAck %v: Do = %v; errors %v, %v, %v", noAck, err, e1, e2, e3)
		}
		if _, err := c.Exchange(testContext(t), []byte("g")); err == nil {
			t.Errorf("noAck %v: connection usable after the hangup", noAck)
		}
	}
}
