package rsp_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"lockstep/rsp"
	"lockstep/rsp/rsptest"
)

const stubFeatures = "PacketSize=1000;qXfer:features:read+;qXfer:auxv:read+;vContSupported+;multiprocess+"

// withHandshake answers qSupported with stubFeatures and passes every other
// command to h.
func withHandshake(h rsptest.Handler) rsptest.Handler {
	return func(cmd string) rsptest.Response {
		if strings.HasPrefix(cmd, "qSupported") {
			return rsptest.Reply(stubFeatures)
		}
		if h == nil {
			return rsptest.Response{}
		}
		return h(cmd)
	}
}

// script answers commands from a table; unknown ones get the empty reply.
func script(m map[string]rsptest.Response) rsptest.Handler {
	return withHandshake(func(cmd string) rsptest.Response { return m[cmd] })
}

// connect starts a pipe stub running h and dials it with d. The stub must
// not have seen protocol violations by the end of the test.
func connect(t *testing.T, d *rsp.Dialer, h rsptest.Handler) (*rsp.Conn, *rsptest.Stub) {
	t.Helper()
	stub, nc := rsptest.NewPipe(h)
	t.Cleanup(func() {
		stub.Close()
		if err := stub.Err(); err != nil {
			t.Error(err)
		}
	})
	if d == nil {
		d = &rsp.Dialer{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := d.NewConn(ctx, nc)
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, stub
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestHandshake(t *testing.T) {
	c, stub := connect(t, &rsp.Dialer{Features: "swbreak+"}, withHandshake(nil))
	if got := c.PacketSize(); got != 0x1000 {
		t.Errorf("PacketSize = %#x, want 0x1000", got)
	}
	for name, want := range map[string]string{"PacketSize": "1000", "vContSupported": "+", "qXfer:auxv:read": "+"} {
		if got, ok := c.Feature(name); !ok || got != want {
			t.Errorf("Feature(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	if _, ok := c.Feature("QStartNoAckMode"); ok {
		t.Error("Feature(QStartNoAckMode) present")
	}
	// GDB-style: an initial ack travels with the first command.
	if got, want := string(stub.Received()), "+$qSupported:swbreak+#"; !strings.HasPrefix(got, want) {
		t.Errorf("stub received %q, want prefix %q", got, want)
	}
}

func TestHandshakeErrors(t *testing.T) {
	tests := []struct {
		name  string
		reply rsptest.Response
	}{
		{"tiny PacketSize", rsptest.Reply("PacketSize=10")},
		{"PacketSize not hex", rsptest.Reply("PacketSize=zz")},
		{"error reply", rsptest.Reply("E01")},
		{"hangup", rsptest.Response{NoReply: true, Hangup: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub, nc := rsptest.NewPipe(func(string) rsptest.Response { return tt.reply })
			defer stub.Close()
			c, err := rsp.NewConn(testContext(t), nc)
			if err == nil {
				c.Close()
				t.Fatal("handshake succeeded")
			}
			// NewConn owns nc: it must be closed.
			if _, werr := nc.Write([]byte("x")); werr == nil {
				t.Error("connection left open after a failed handshake")
			}
		})
	}
}

func TestDialUnix(t *testing.T) {
	stub, err := rsptest.NewUnix(script(map[string]rsptest.Response{"?": rsptest.Reply("S05")}))
	if err != nil {
		t.Fatal(err)
	}
	dir := stub.Address()
	defer func() {
		stub.Close()
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("socket %s left behind", dir)
		}
	}()
	c, err := rsp.Dial(testContext(t), stub.Network(), stub.Address())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	stop, err := c.StopReason(testContext(t))
	if err != nil || stop.Kind != rsp.StopSignal || stop.Signal != 5 {
		t.Errorf("StopReason = %+v, %v", stop, err)
	}
}

func TestExchange(t *testing.T) {
	long := strings.Repeat("0", 300) + strings.Repeat("f", 7) + strings.Repeat("1", 8) + "x"
	tests := []struct {
		name string
		resp rsptest.Response
		want string
	}{
		{"plain", rsptest.Reply("OK"), "OK"},
		{"empty", rsptest.Response{}, ""},
		{"escaped binary", rsptest.Reply("a$b#c}d*e\x00\xff"), "a$b#c}d*e\x00\xff"},
		{"run-length encoded", rsptest.Response{Reply: long, RLE: true}, long},
		{"run-length encoded with escapes", rsptest.Response{Reply: "####}}}}****$$$$", RLE: true}, "####}}}}****$$$$"},
		{"bad checksum once", rsptest.Response{Reply: "OK", BadChecksum: 1}, "OK"},
		{"bad checksum up to the retry limit", rsptest.Response{Reply: "OK", BadChecksum: rsp.DefaultMaxRetries}, "OK"},
		{"naked twice", rsptest.Response{Reply: "OK", Nak: 2}, "OK"},
		{"garbage first", rsptest.Response{Reply: "OK", Before: []byte("garbage\r\n+-")}, "OK"},
		{"notification first", rsptest.Response{Reply: "OK", Before: rsptest.Notification("Stop:T05thread:p1.2;")}, "OK"},
		{"stale packet before the ack", rsptest.Response{Reply: "OK", NoAck: true, Before: append(rsptest.Frame("old"), '+')}, "OK"},
		{"truncated packet then a good one", rsptest.Response{Raw: append([]byte("$O"), rsptest.Frame("OK")...)}, "OK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, stub := connect(t, nil, script(map[string]rsptest.Response{"cmd": tt.resp, "next": rsptest.Reply("fine")}))
			ctx := testContext(t)
			got, err := c.Exchange(ctx, []byte("cmd"))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("reply %q, want %q", got, tt.want)
			}
			// The stream must still be in step.
			if got, err := c.Exchange(ctx, []byte("next")); err != nil || string(got) != "fine" {
				t.Errorf("next exchange = %q, %v", got, err)
			}
			if cmds := stub.Commands(); len(cmds) != 3 {
				t.Errorf("stub saw commands %q, want qSupported, cmd, next", cmds)
			}
			raw := string(stub.Received())
			if n := strings.Count(raw, "$cmd#"); n != 1+tt.resp.Nak {
				t.Errorf("command sent %d times, want %d", n, 1+tt.resp.Nak)
			}
			if tt.resp.BadChecksum > 0 && strings.Count(raw, "-") != tt.resp.BadChecksum {
				t.Errorf("client sent %d naks for %d corrupt replies: %q", strings.Count(raw, "-"), tt.resp.BadChecksum, raw)
			}
		})
	}
}

func TestExchangeStubErrors(t *testing.T) {
	c, _ := connect(t, nil, script(map[string]rsptest.Response{
		"m0,4":  rsptest.Reply("E16"),
		"vFile": rsptest.Reply("E.no such file"),
		"ok":    rsptest.Reply("OK"),
	}))
	ctx := testContext(t)
	_, err := c.Exchange(ctx, []byte("m0,4"))
	var e *rsp.Error
	if !errors.As(err, &e) || e.Code != 0x16 || e.Command != "m0,4" {
		t.Errorf("Exchange(m0,4) error %v, want *Error with code 0x16", err)
	}
	_, err = c.Exchange(ctx, []byte("vFile"))
	if !errors.As(err, &e) || e.Code != -1 || e.Text != "no such file" {
		t.Errorf("Exchange(vFile) error %v, want *Error with text", err)
	}
	// Error replies leave the connection usable.
	if p, err := c.Exchange(ctx, []byte("ok")); err != nil || string(p) != "OK" {
		t.Errorf("after error replies: %q, %v", p, err)
	}
}

func TestExchangeFailures(t *testing.T) {
	big := rsptest.Frame(strings.Repeat("a", 5000))
	tests := []struct {
		name   string
		dialer rsp.Dialer
		resp   rsptest.Response
		want   string // in the error message
	}{
		{"rejected forever", rsp.Dialer{}, rsptest.Response{Reply: "OK", Nak: 1000}, "rejected the packet"},
		{"bad checksums forever", rsp.Dialer{}, rsptest.Response{Reply: "OK", BadChecksum: 1000}, "malformed"},
		{"endless garbage", rsp.Dialer{}, rsptest.Response{Reply: "OK", Before: bytes.Repeat([]byte("x"), 10000)}, "stray bytes"},
		{"endless notifications", rsp.Dialer{}, rsptest.Response{Reply: "OK", Before: bytes.Repeat(rsptest.Notification("Stop:T05"), 1000)}, "stray bytes"},
		{"oversized packet", rsp.Dialer{MaxPacket: 1024}, rsptest.Response{Raw: big}, "exceeds 1024 bytes"},
		{"run length beyond MaxPacket", rsp.Dialer{MaxPacket: 1024}, rsptest.Response{Reply: strings.Repeat("0", 5000), RLE: true, BadChecksum: 0}, "malformed"},
		{"hangup mid-packet", rsp.Dialer{}, rsptest.Response{Raw: []byte("$O"), Hangup: true}, "closed the connection"},
		{"hangup before the ack", rsp.Dialer{}, rsptest.Response{NoAck: true, NoReply: true, Hangup: true}, "closed the connection"},
		{"hangup instead of a reply", rsp.Dialer{}, rsptest.Response{NoReply: true, Hangup: true}, "closed the connection"},
		{"packets without acks", rsp.Dialer{}, rsptest.Response{NoAck: true, Raw: bytes.Repeat(rsptest.Frame("OK"), 10)}, "without acknowledging"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := connect(t, &tt.dialer, script(map[string]rsptest.Response{"cmd": tt.resp}))
			ctx := testContext(t)
			start := time.Now()
			_, err := c.Exchange(ctx, []byte("cmd"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tt.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("failing took %v", d)
			}
			// The stream is out of step: the Conn refuses to go on.
			if _, err2 := c.Exchange(ctx, []byte("cmd")); err2 == nil || !strings.Contains(err2.Error(), tt.want) {
				t.Errorf("second exchange: %v, want the sticky error", err2)
			}
		})
	}
}

func TestDeadlines(t *testing.T) {
	silent := script(map[string]rsptest.Response{"wait": {NoReply: true}, "noack": {NoAck: true, NoReply: true}})
	t.Run("context deadline", func(t *testing.T) {
		c, _ := connect(t, nil, silent)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.Exchange(ctx, []byte("wait"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("took %v", d)
		}
	})
	for _, cmd := range []string{"wait", "noack"} {
		t.Run("default timeout "+cmd, func(t *testing.T) {
			c, _ := connect(t, &rsp.Dialer{Timeout: 100 * time.Millisecond}, silent)
			start := time.Now()
			_, err := c.Exchange(context.Background(), []byte(cmd))
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("error %v, want os.ErrDeadlineExceeded", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	t.Run("cancel", func(t *testing.T) {
		c, _ := connect(t, nil, silent)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := c.Exchange(ctx, []byte("wait"))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("took %v", d)
		}
	})
	t.Run("cancelled before the call", func(t *testing.T) {
		c, stub := connect(t, nil, script(map[string]rsptest.Response{"ok": rsptest.Reply("OK")}))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.Exchange(ctx, []byte("ok")); !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
		// Nothing was sent, so the Conn is still usable.
		if p, err := c.Exchange(testContext(t), []byte("ok")); err != nil || string(p) != "OK" {
			t.Errorf("after a cancelled call: %q, %v", p, err)
		}
		if got := stub.Commands(); len(got) != 2 {
			t.Errorf("stub saw %q", got)
		}
	})
	t.Run("stale cancellation", func(t *testing.T) {
		// A context used earlier and cancelled during a later exchange
		// under another context must not disturb it.
		slow := withHandshake(func(cmd string) rsptest.Response {
			if cmd == "slow" {
				time.Sleep(200 * time.Millisecond)
			}
			return rsptest.Reply("OK")
		})
		c, _ := connect(t, nil, slow)
		old, cancel := context.WithCancel(context.Background())
		if _, err := c.Exchange(old, []byte("fast")); err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(50*time.Millisecond, cancel)
		for _, ctx := range []context.Context{context.Background(), testContext(t)} {
			if _, err := c.Exchange(ctx, []byte("slow")); err != nil {
				t.Fatalf("exchange under a live context: %v", err)
			}
		}
	})
}

func TestAckPiggyback(t *testing.T) {
	c, stub := connect(t, nil, script(map[string]rsptest.Response{"a": rsptest.Reply("1"), "b": rsptest.Reply("2")}))
	ctx := testContext(t)
	for _, cmd := range []string{"a", "b"} {
		if _, err := c.Exchange(ctx, []byte(cmd)); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	// Each reply's ack leads the next command; Close sends the last.
	want := "+$a#61+$b#62+"
	deadline := time.Now().Add(2 * time.Second)
	for {
		raw := string(stub.Received())
		if i := strings.Index(raw, "+$a#"); i >= 0 && raw[i:] == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stub received %q, want it to end with %q", raw, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestNoAckMode(t *testing.T) {
	h := func(cmd string) rsptest.Response {
		switch {
		case strings.HasPrefix(cmd, "qSupported"):
			return rsptest.Reply(stubFeatures + ";QStartNoAckMode+")
		case cmd == "QStartNoAckMode":
			return rsptest.Reply("OK")
		}
		return rsptest.Reply("r" + cmd)
	}
	t.Run("negotiated", func(t *testing.T) {
		c, stub := connect(t, nil, h)
		ctx := testContext(t)
		for _, cmd := range []string{"a", "b"} {
			if p, err := c.Exchange(ctx, []byte(cmd)); err != nil || string(p) != "r"+cmd {
				t.Fatalf("Exchange(%s) = %q, %v", cmd, p, err)
			}
		}
		raw := string(stub.Received())
		// The OK of QStartNoAckMode is acked, nothing after it.
		if i := strings.Index(raw, "+$a#"); i < 0 || strings.Count(raw[i+1:], "+") != 0 {
			t.Errorf("stub received %q: want one ack before $a and none after", raw)
		}
	})
	t.Run("kept acks", func(t *testing.T) {
		c, stub := connect(t, &rsp.Dialer{KeepAcks: true}, h)
		if _, err := c.Exchange(testContext(t), []byte("a")); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range stub.Commands() {
			if cmd == "QStartNoAckMode" {
				t.Error("QStartNoAckMode sent despite KeepAcks")
			}
		}
	})
	t.Run("corrupt packet", func(t *testing.T) {
		bad := func(cmd string) rsptest.Response {
			if cmd == "bad" {
				return rsptest.Response{Raw: []byte("$OK#00")}
			}
			return h(cmd)
		}
		c, _ := connect(t, nil, bad)
		if _, err := c.Exchange(testContext(t), []byte("bad")); err == nil || !strings.Contains(err.Error(), "no-ack") {
			t.Errorf("error %v, want a corrupt-packet error in no-ack mode", err)
		}
	})
}

func TestPacketSizeLimit(t *testing.T) {
	c, _ := connect(t, nil, script(map[string]rsptest.Response{"ok": rsptest.Reply("OK")}))
	ctx := testContext(t)
	if _, err := c.Exchange(ctx, bytes.Repeat([]byte("a"), 0x1000)); err == nil || !strings.Contains(err.Error(), "PacketSize") {
		t.Errorf("oversized command: %v, want a PacketSize error", err)
	}
	// Nothing was sent: the Conn goes on, and the largest command passes.
	if _, err := c.Exchange(ctx, bytes.Repeat([]byte("a"), 0xfff)); err != nil {
		t.Errorf("command of PacketSize-1 bytes: %v", err)
	}
	if p, err := c.Exchange(ctx, []byte("ok")); err != nil || string(p) != "OK" {
		t.Errorf("after the refused command: %q, %v", p, err)
	}
}

func TestClose(t *testing.T) {
	c, _ := connect(t, nil, nil)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := c.Exchange(testContext(t), []byte("g")); err == nil {
		t.Error("Exchange after Close succeeded")
	}
}
