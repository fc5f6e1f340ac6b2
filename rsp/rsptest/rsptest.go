// Package rsptest provides a scriptable, in-process GDB remote serial
// protocol stub for testing clients, in the spirit of net/http/httptest.
//
// A Stub acknowledges and answers each packet through a Handler. The
// Response a handler returns can also misbehave on purpose: reject the
// command with '-', send corrupt checksums, run-length encode the reply,
// prepend garbage or notifications, send raw bytes such as truncated or
// oversized packets, stay silent, or hang up. The stub records every byte
// and command it received, and any breach of the protocol by the client.
//
// Like QEMU's user-mode stub, after each reply the Stub waits for the
// client's acknowledgement before reading anything else; a byte other than
// '+' or '-' at that point is recorded as a violation (QEMU would take it
// for a request to retransmit).
//
// The stub frames packets with its own code, independent of package rsp, so
// that tests of rsp check one implementation against another.
package rsptest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
)

// Response tells the stub how to answer one packet. The zero Response
// acknowledges the command and answers with the empty packet (the protocol's
// "not supported").
type Response struct {
	Reply       string // payload of the reply packet; binary is escaped
	RLE         bool   // run-length encode the reply
	Nak         int    // answer the command with '-' this many times before accepting it
	BadChecksum int    // send the reply with a wrong checksum this many times first
	NoAck       bool   // do not acknowledge the command with '+'
	Before      []byte // raw bytes sent before the reply: garbage, notifications, stale packets
	Raw         []byte // raw bytes sent instead of a reply (truncated, oversized...); no ack is awaited
	NoReply     bool   // send no reply at all (a silent stub)
	Hangup      bool   // close the connection after the reply
}

// Reply is a Response carrying payload and nothing special.
func Reply(payload string) Response { return Response{Reply: payload} }

// A Handler answers the command of one packet (its payload, unescaped). An
// interrupt byte (0x03) arrives as the command "\x03". Handlers run on the
// stub's goroutine, one at a time.
type Handler func(cmd string) Response

// Stub is a fake gdbstub serving one or more connections.
type Stub struct {
	handler Handler

	mu         sync.Mutex
	received   []byte
	commands   []string
	violations []string
	conns      map[net.Conn]bool
	closed     bool

	ln      net.Listener
	dir     string
	network string
	addr    string
	wg      sync.WaitGroup
}

// NewPipe starts a stub serving one end of a net.Pipe and returns the other
// end, for the client.
func NewPipe(h Handler) (*Stub, net.Conn) {
	s := newStub(h)
	client, server := net.Pipe()
	s.serve(server)
	return s, client
}

// NewUnix starts a stub listening on a Unix socket in a new temporary
// directory; Network and Address say where. Each connection gets a fresh
// protocol state. Close removes the directory.
func NewUnix(h Handler) (*Stub, error) {
	dir, err := os.MkdirTemp("", "rsptest")
	if err != nil {
		return nil, fmt.Errorf("rsptest: %w", err)
	}
	addr := filepath.Join(dir, "stub.sock")
	ln, err := net.Listen("unix", addr)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("rsptest: %w", err)
	}
	s := newStub(h)
	s.ln, s.dir, s.network, s.addr = ln, dir, "unix", addr
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.serve(c)
		}
	}()
	return s, nil
}

func newStub(h Handler) *Stub {
	if h == nil {
		h = func(string) Response { return Response{} }
	}
	return &Stub{handler: h, conns: make(map[net.Conn]bool)}
}

// Network is the listener's network ("unix"), or "" for a pipe stub.
func (s *Stub) Network() string { return s.network }

// Address is the listener's address, or "" for a pipe stub.
func (s *Stub) Address() string { return s.addr }

// Received returns a copy of every byte the stub has read.
func (s *Stub) Received() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.received...)
}

// Commands returns the commands the stub accepted, in order (a command
// retransmitted after a '-' is listed once).
func (s *Stub) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.commands...)
}

// Err reports the client's breaches of the protocol seen so far, or nil.
func (s *Stub) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.violations) == 0 {
		return nil
	}
	return fmt.Errorf("rsptest: client broke the protocol: %q", s.violations)
}

// Close stops the stub: it closes the listener and every connection and
// waits for the stub's goroutines to end.
func (s *Stub) Close() error {
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	s.wg.Wait()
	if s.dir != "" {
		if rerr := os.RemoveAll(s.dir); err == nil {
			err = rerr
		}
	}
	return err
}

func (s *Stub) violate(format string, args ...any) {
	s.mu.Lock()
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
	s.mu.Unlock()
}

// serve starts the goroutines for one connection.
func (s *Stub) serve(c net.Conn) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.Close()
		return
	}
	s.conns[c] = true
	s.mu.Unlock()
	sess := &session{
		stub: s,
		conn: c,
		r:    bufio.NewReader(&recorder{c, s}),
		out:  make(chan []byte, 64),
	}
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		sess.write()
	}()
	go func() {
		defer s.wg.Done()
		sess.run()
		close(sess.out)
	}()
}

// recorder is the connection as the stub reads it, keeping a copy.
type recorder struct {
	c net.Conn
	s *Stub
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.c.Read(p)
	r.s.mu.Lock()
	r.s.received = append(r.s.received, p[:n]...)
	r.s.mu.Unlock()
	return n, err
}

// session is the protocol state of one connection.
type session struct {
	stub  *Stub
	conn  net.Conn
	r     *bufio.Reader
	out   chan []byte // nil entry: close the connection
	noAck bool

	// The reply awaiting its ack, if any.
	awaiting  bool
	good      []byte // the reply, correctly framed
	badLeft   int    // corrupt copies still to send
	corrupt   bool   // the copy last sent was corrupt
	thenNoAck bool   // switch to no-ack mode once this reply is acked
}

// write sends queued output from its own goroutine, so that a client that
// writes before reading cannot deadlock a net.Pipe.
func (ss *session) write() {
	defer func() {
		ss.conn.Close()
		ss.stub.mu.Lock()
		delete(ss.stub.conns, ss.conn)
		ss.stub.mu.Unlock()
	}()
	for b := range ss.out {
		if b == nil {
			return
		}
		if _, err := ss.conn.Write(b); err != nil {
			// Closing ends run's reads; draining keeps its sends
			// from blocking until it notices.
			ss.conn.Close()
			for range ss.out {
			}
			return
		}
	}
}

func (ss *session) send(b []byte) { ss.out <- b }

// run reads and answers packets until the connection ends.
func (ss *session) run() {
	for {
		b, err := ss.r.ReadByte()
		if err != nil {
			if ss.awaiting && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.ErrClosedPipe) {
				ss.stub.violate("read while awaiting an ack: %v", err)
			}
			return
		}
		if ss.awaiting {
			ss.ack(b)
			continue
		}
		switch b {
		case '$':
			cmd, ok, err := ss.readPacket()
			if err != nil {
				return
			}
			if !ok {
				if !ss.noAck {
					ss.send([]byte{'-'})
				}
				continue
			}
			if !ss.handle(cmd) {
				return
			}
		case 0x03:
			if !ss.handle("\x03") {
				return
			}
		default:
			// Acks and noise outside an exchange are ignored, as
			// stubs do.
		}
	}
}

// ack handles the byte that follows a reply.
func (ss *session) ack(b byte) {
	switch b {
	case '+':
		if ss.corrupt {
			ss.stub.violate("client acknowledged a packet with a bad checksum")
		}
		ss.awaiting = false
		if ss.thenNoAck {
			ss.noAck = true
		}
		return
	case '-':
	default:
		ss.stub.violate("client sent %q instead of an ack", b)
	}
	ss.sendReply()
}

// sendReply (re)sends the awaited reply, corrupt while corrupt copies are
// due.
func (ss *session) sendReply() {
	if ss.badLeft > 0 {
		ss.badLeft--
		ss.corrupt = true
		ss.send(corrupt(ss.good))
		return
	}
	ss.corrupt = false
	ss.send(ss.good)
}

// handle answers one command; it reports whether to keep serving.
func (ss *session) handle(cmd string) bool {
	resp := ss.stub.handler(cmd)
	ss.stub.mu.Lock()
	ss.stub.commands = append(ss.stub.commands, cmd)
	ss.stub.mu.Unlock()
	for i := 0; i < resp.Nak; i++ {
		ss.send([]byte{'-'})
		again, err := ss.nextPacket()
		if err != nil {
			return false
		}
		if again != cmd {
			ss.stub.violate("retransmission %q differs from %q", again, cmd)
		}
	}
	if !ss.noAck && !resp.NoAck && cmd != "\x03" {
		ss.send([]byte{'+'})
	}
	if len(resp.Before) > 0 {
		ss.send(append([]byte(nil), resp.Before...))
	}
	switch {
	case resp.Raw != nil:
		ss.send(append([]byte(nil), resp.Raw...))
	case resp.NoReply:
	default:
		ss.good = frame('$', resp.Reply, resp.RLE)
		ss.badLeft = resp.BadChecksum
		ss.thenNoAck = cmd == "QStartNoAckMode" && resp.Reply == "OK"
		if ss.noAck {
			ss.send(ss.good)
			break
		}
		ss.awaiting = true
		ss.sendReply()
	}
	if resp.Hangup {
		ss.send(nil)
		return false
	}
	return true
}

// nextPacket skips to the next '$' and reads a packet, answering corrupt
// ones with '-'.
func (ss *session) nextPacket() (string, error) {
	for {
		b, err := ss.r.ReadByte()
		if err != nil {
			return "", err
		}
		if b != '$' {
			continue
		}
		cmd, ok, err := ss.readPacket()
		if err != nil {
			return "", err
		}
		if ok {
			return cmd, nil
		}
		ss.send([]byte{'-'})
	}
}

// readPacket reads a packet after its '$' and reports whether its checksum
// was right. It undoes escapes; clients do not run-length encode.
func (ss *session) readPacket() (cmd string, ok bool, err error) {
	var data []byte
	var sum byte
	for {
		b, err := ss.r.ReadByte()
		if err != nil {
			return "", false, err
		}
		if b == '#' {
			break
		}
		sum += b
		data = append(data, b)
	}
	var cs [2]byte
	if _, err := io.ReadFull(ss.r, cs[:]); err != nil {
		return "", false, err
	}
	var want byte
	if _, err := fmt.Sscanf(string(cs[:]), "%02x", &want); err != nil || want != sum {
		return "", false, nil
	}
	var out []byte
	for i := 0; i < len(data); i++ {
		if data[i] == '}' && i+1 < len(data) {
			i++
			out = append(out, data[i]^0x20)
			continue
		}
		out = append(out, data[i])
	}
	return string(out), true, nil
}

// Frame returns payload as a packet, "$data#cs", escaping '$', '#', '}' and
// '*'.
func Frame(payload string) []byte { return frame('$', payload, false) }

// FrameRLE returns payload as a run-length encoded packet.
func FrameRLE(payload string) []byte { return frame('$', payload, true) }

// Notification returns payload as a notification packet, "%data#cs".
func Notification(payload string) []byte { return frame('%', payload, false) }

func frame(start byte, payload string, rle bool) []byte {
	var esc []byte
	for i := 0; i < len(payload); i++ {
		switch c := payload[i]; c {
		case '$', '#', '}', '*':
			esc = append(esc, '}', c^0x20)
		default:
			esc = append(esc, c)
		}
	}
	if rle {
		esc = encodeRLE(esc)
	}
	var sum byte
	for _, c := range esc {
		sum += c
	}
	out := append([]byte{start}, esc...)
	return fmt.Appendf(out, "#%02x", sum)
}

// encodeRLE compresses runs in already escaped data: a character followed
// by '*' and a count character, count+29 being the number of repeats. The
// counts that would produce '#' or '$' (6 and 7) are avoided, as the
// protocol requires.
func encodeRLE(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		c := b[i]
		j := i + 1
		for j < len(b) && b[j] == c && j-i-1 < 97 {
			j++
		}
		out = append(out, c)
		repeats := j - i - 1
		if repeats == 6 || repeats == 7 {
			repeats = 5
		}
		if repeats >= 3 && c != '}' && c != '*' {
			out = append(out, '*', byte(repeats+29))
			i += 1 + repeats
			continue
		}
		i++
	}
	return out
}

// corrupt returns a copy of a framed packet with a wrong checksum.
func corrupt(f []byte) []byte {
	out := append([]byte(nil), f...)
	last := &out[len(out)-1]
	if *last == '0' {
		*last = '1'
	} else {
		*last = '0'
	}
	return out
}
