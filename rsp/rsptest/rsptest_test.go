package rsptest

import (
	"bufio"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

func TestFrame(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{string(Frame("OK")), "$OK#9a"},
		{string(Frame("")), "$#00"},
		{string(Frame("a#")), "$a}\x03#e1"},
		{string(Notification("Stop:T05")), "%Stop:T05#99"},
		// Seven zeros: one, then five repeats (six and seven are
		// forbidden counts), then one more.
		{string(FrameRLE("0000000")), "$0*\"0#" + sum("0*\"0")},
		{string(FrameRLE("ab")), "$ab#c3"},
		{string(FrameRLE(strings.Repeat("x", 99))), "$x*~x#" + sum("x*~x")},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func sum(s string) string {
	var c byte
	for i := 0; i < len(s); i++ {
		c += s[i]
	}
	const hex = "0123456789abcdef"
	return string([]byte{hex[c>>4], hex[c&15]})
}

// exchange writes a raw client message and reads the stub's answer up to
// and including the end of a packet.
func exchange(t *testing.T, c net.Conn, r *bufio.Reader, msg string) string {
	t.Helper()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.WriteString(c, msg); err != nil {
		t.Fatal(err)
	}
	var out []byte
	for {
		b, err := r.ReadByte()
		if err != nil {
			t.Fatalf("after %q: %v", out, err)
		}
		out = append(out, b)
		if n := len(out); n >= 3 && out[n-3] == '#' {
			return string(out)
		}
	}
}

func TestStub(t *testing.T) {
	s, err := NewUnix(func(cmd string) Response {
		switch cmd {
		case "nak":
			return Response{Reply: "OK", Nak: 1}
		case "bad":
			return Response{Reply: "OK", BadChecksum: 1}
		}
		return Reply("echo:" + cmd)
	})
	if err != nil {
		t.Fatal(err)
	}
	sock := s.Address()
	c, err := net.Dial(s.Network(), sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)

	if got := exchange(t, c, r, "$a}\x03#e1"); got != "+$echo:a}\x03#"+sum("echo:a}\x03") {
		t.Errorf("escaped command: stub answered %q", got)
	}
	// A corrupt command gets '-' and nothing else.
	io.WriteString(c, "+$x#00")
	if b, err := r.ReadByte(); err != nil || b != '-' {
		t.Errorf("corrupt command: stub answered %q, %v", b, err)
	}
	io.WriteString(c, "$nak#"+sum("nak"))
	if b, err := r.ReadByte(); err != nil || b != '-' {
		t.Errorf("Nak: stub answered %q, %v", b, err)
	}
	if got := exchange(t, c, r, "$nak#"+sum("nak")); got != "+$OK#9a" {
		t.Errorf("after the retransmission: %q", got)
	}
	if got := exchange(t, c, r, "+$bad#"+sum("bad")); got != "+$OK#90" {
		t.Errorf("BadChecksum: first copy %q", got)
	}
	if got := exchange(t, c, r, "-"); got != "$OK#9a" {
		t.Errorf("BadChecksum: retransmission %q", got)
	}
	// A command instead of the ack breaks the protocol.
	exchange(t, c, r, "$y#79")
	io.WriteString(c, "+")
	deadline := time.Now().Add(2 * time.Second)
	for s.Err() == nil && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if s.Err() == nil {
		t.Error("missing ack not reported")
	}
	want := []string{"a#", "nak", "bad"}
	if got := s.Commands(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("commands %q, want %q", got, want)
	}
	if !strings.HasPrefix(string(s.Received()), "$a}\x03#e1+$x#00") {
		t.Errorf("received %q", s.Received())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("socket %s left behind: %v", sock, err)
	}
}
