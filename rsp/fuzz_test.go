package rsp_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"testing"
	"time"

	"lockstep/rsp"
	"lockstep/rsp/rsptest"
)

func FuzzDecodePacket(f *testing.F) {
	for _, seed := range [][]byte{
		[]byte("$OK#9a"),
		[]byte("$#00"),
		[]byte("%Stop:T05#99"),
		[]byte("$T05thread:p01.3816;#a8"),
		rsptest.Frame("a$b#c}d*e"),
		rsptest.FrameRLE("00000000000000000000ffffffff"),
		[]byte("$0* #ae"),
		[]byte("$}]*!#00"),
		[]byte("$a*~*~#00"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		payload, err := rsp.DecodePacket(nil, frame)
		if err != nil {
			return
		}
		if len(payload) > 97*len(frame) {
			t.Fatalf("%d bytes decoded from a %d-byte frame", len(payload), len(frame))
		}
		// What we decode, we must encode back to the same payload.
		again, err := rsp.DecodePacket(nil, rsp.AppendPacket(nil, payload))
		if err != nil || !bytes.Equal(again, payload) {
			t.Fatalf("round trip of %q: %q, %v", payload, again, err)
		}
	})
}

func FuzzParseStop(f *testing.F) {
	for _, seed := range []string{
		"S05", "T05thread:p01.3816;", "T05thread:1a;06:0100000000000000;07:ffxx;swbreak:;",
		"T05watch:7ffe1000;thread:p2.2;core:1;", "W00", "W01;process:a410", "X09", "w00;p1.5", "N",
		"T0506:zz;", "O48656c6c6f",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		s, err := rsp.ParseStop(payload)
		if err != nil {
			return
		}
		if s.Kind < rsp.StopSignal || s.Kind > rsp.StopNoResumed {
			t.Fatalf("kind %v", s.Kind)
		}
		if s.Signal < 0 || s.ExitStatus < 0 {
			t.Fatalf("negative signal or status in %+v", s)
		}
		if s.Kind == rsp.StopSignal && (payload[0] != 'T' && payload[0] != 'S' || s.Signal > 0xff) {
			t.Fatalf("%q gave %+v", payload, s)
		}
		for _, r := range s.Registers {
			if r.Regnum < 0 {
				t.Fatalf("negative register number in %+v", s)
			}
		}
	})
}

func FuzzParseTargetDescription(f *testing.F) {
	f.Add([]byte(targetXML), []byte(coreXML))
	f.Add([]byte(`<target><reg name="a" bitsize="8" regnum="3"/><reg name="b" bitsize="16"/></target>`), []byte(""))
	f.Add([]byte(`<target><xi:include href="x"/><xi:include href="y"/></target>`), []byte(`<feature name="f"><xi:include href="z"/><reg name="r" bitsize="64"/></feature>`))
	f.Add([]byte(`<target><!-- <reg name="x" bitsize="8"/> --></target>`), []byte(sseXML))
	f.Fuzz(func(t *testing.T, doc, included []byte) {
		// Every include, whatever its name, yields the second document:
		// recursion and fan-out must stay bounded.
		l, err := rsp.ParseTargetDescription(doc, func(string) ([]byte, error) { return included, nil })
		if err != nil {
			return
		}
		if len(l.Regs) == 0 || l.Size() <= 0 {
			t.Fatalf("empty layout accepted: %+v", l)
		}
		for i := 1; i < len(l.Regs); i++ {
			if l.Regs[i].Regnum <= l.Regs[i-1].Regnum {
				t.Fatalf("registers out of order: %+v", l.Regs)
			}
		}
	})
}

// FuzzConn feeds arbitrary bytes to a Conn as the stub's side of a
// handshake and one exchange: whatever they are, the Conn must return (with
// a payload or an error) instead of hanging or panicking.
func FuzzConn(f *testing.F) {
	hello := append([]byte("+"), rsptest.Frame("PacketSize=1000")...)
	f.Add(append(append([]byte{}, hello...), append([]byte("+"), rsptest.Frame("OK")...)...))
	f.Add(append(append([]byte{}, hello...), "+$OK#00$OK#9a"...))
	f.Add(append(append([]byte{}, hello...), "-+%Stop#00junk$O*!#00"...))
	f.Add([]byte("+$PacketSize=1000#4"))
	f.Fuzz(func(t *testing.T, stream []byte) {
		client, server := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			go io.Copy(io.Discard, server)
			server.Write(stream)
			server.Close()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		d := rsp.Dialer{MaxPacket: 256, MaxStray: 64}
		c, err := d.NewConn(ctx, client)
		if err == nil {
			c.Exchange(ctx, []byte("g"))
			c.Close()
		}
		if ctx.Err() != nil {
			t.Fatalf("the Conn waited for its deadline on a closed stream")
		}
		<-done
	})
}
