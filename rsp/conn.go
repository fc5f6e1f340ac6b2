package rsp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// Defaults for the zero Dialer.
const (
	DefaultTimeout       = 10 * time.Second
	DefaultMaxPacket     = 64 << 10
	DefaultMaxMemoryRead = 0x800
	DefaultMaxRetries    = 5
	DefaultMaxStray      = 4096
	DefaultMaxObject     = 4 << 20
	// DefaultFeatures is what we announce in qSupported.
	DefaultFeatures = "multiprocess+;swbreak+;hwbreak+;vContSupported+;xmlRegisters=i386"
	// defaultPacketSize is assumed when the stub announces no PacketSize;
	// it is GDB's historical minimum.
	defaultPacketSize = 400
	// minPacketSize is the smallest PacketSize we can work with: a memory
	// write header alone takes about 40 bytes.
	minPacketSize = 64
	// maxPacketSize caps what a stub may claim, so chunk sizes stay sane.
	maxPacketSize = 16 << 20
	// killWait bounds the wait for a stub's answer to 'k', which the
	// protocol does not require it to send.
	killWait = time.Second
	// closeWait bounds Close's attempt to deliver a pending ack.
	closeWait = 100 * time.Millisecond
)

// Dialer holds the options for connecting to a stub. Zero (or negative)
// fields take the Default values.
type Dialer struct {
	// Timeout bounds each exchange whose context has no deadline (a
	// context's deadline always wins). Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxPacket is the largest packet accepted from the stub, in bytes,
	// both as received and decoded. Zero means DefaultMaxPacket.
	MaxPacket int
	// MaxMemoryRead caps the bytes asked for by one 'm' packet; reads are
	// also kept within the stub's PacketSize. Zero means
	// DefaultMaxMemoryRead.
	MaxMemoryRead int
	// MaxRetries bounds retransmissions of one packet in either direction
	// ('-' answers, corrupt replies). Zero means DefaultMaxRetries.
	MaxRetries int
	// MaxStray bounds the bytes skipped while looking for a packet:
	// garbage, stray acknowledgements and notifications. Zero means
	// DefaultMaxStray.
	MaxStray int
	// MaxObject bounds the size of an object read with ReadObject. Zero
	// means DefaultMaxObject.
	MaxObject int
	// Features is the list sent in qSupported. Empty means
	// DefaultFeatures.
	Features string
	// KeepAcks stops the Conn from switching to no-ack mode when the stub
	// offers QStartNoAckMode.
	KeepAcks bool
	// Output, if set, receives the console output ('O' packets) a stub
	// may send while the target runs.
	Output io.Writer
}

// Dial connects to the stub at address and performs the handshake.
func Dial(ctx context.Context, network, address string) (*Conn, error) {
	var d Dialer
	return d.Dial(ctx, network, address)
}

// NewConn performs the handshake over an existing connection to a stub and
// returns a Conn that owns it. If the handshake fails, c is closed.
func NewConn(ctx context.Context, c net.Conn) (*Conn, error) {
	var d Dialer
	return d.NewConn(ctx, c)
}

// Dial connects to the stub at address and performs the handshake.
func (d *Dialer) Dial(ctx context.Context, network, address string) (*Conn, error) {
	var nd net.Dialer
	nc, err := nd.DialContext(ctx, network, address)
	if err != nil {
		return nil, fmt.Errorf("rsp: dial stub: %w", err)
	}
	return d.NewConn(ctx, nc)
}

// NewConn performs the handshake over an existing connection to a stub and
// returns a Conn that owns it. If the handshake fails, nc is closed.
func (d *Dialer) NewConn(ctx context.Context, nc net.Conn) (*Conn, error) {
	c := &Conn{
		nc:            nc,
		timeout:       orDefault(d.Timeout, DefaultTimeout),
		maxPacket:     orDefault(d.MaxPacket, DefaultMaxPacket),
		maxMemoryRead: orDefault(d.MaxMemoryRead, DefaultMaxMemoryRead),
		maxRetries:    orDefault(d.MaxRetries, DefaultMaxRetries),
		maxStray:      orDefault(d.MaxStray, DefaultMaxStray),
		maxObject:     orDefault(d.MaxObject, DefaultMaxObject),
		output:        d.Output,
		// GDB starts with an ack in case the stub sent something
		// before we connected; it also keeps our first write a single
		// one.
		pendingAck: true,
	}
	// The decoded payload is bounded by maxPacket, so the buffer only
	// needs to hold one raw packet (data and '#').
	c.r = bufio.NewReaderSize(nc, c.maxPacket+1)
	if err := c.handshake(ctx, orDefault(d.Features, DefaultFeatures), !d.KeepAcks); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// orDefault returns v, or def when v is not positive (or empty).
func orDefault[T int | time.Duration | string](v, def T) T {
	var zero T
	if v <= zero {
		return def
	}
	return v
}

// Conn is one client connection to a stub. It is not safe for concurrent
// use, except that a context given to a method may be cancelled from any
// goroutine.
type Conn struct {
	nc  net.Conn
	r   *bufio.Reader
	out []byte // the last frame sent, after any leading ack
	pkt []byte // the last payload received; Exchange's result aliases it
	cmd []byte // scratch space for building commands
	one [1]byte

	frameStart int  // where the frame starts in out (after a leading '+')
	pendingAck bool // the last packet received is not acknowledged yet
	noAck      bool // no-ack mode is in force
	err        error

	timeout       time.Duration
	maxPacket     int
	maxMemoryRead int
	maxRetries    int
	maxStray      int
	maxObject     int
	output        io.Writer

	features   map[string]string
	packetSize int

	vcontQueried bool
	vcont        struct{ s, S, c, C bool }
	thread       string // thread of the last stop reply, "" if unknown

	// watchDone is the Done channel of the context whose cancellation
	// currently interrupts our reads; mu orders its changes against the
	// AfterFunc callback.
	mu        sync.Mutex
	watchDone <-chan struct{}
	stopWatch func() bool
	closed    bool
}

// PacketSize is the largest packet the stub accepts, as it announced in
// qSupported (or a conservative default if it did not).
func (c *Conn) PacketSize() int { return c.packetSize }

// Feature returns the stub's qSupported value for name: the text after '='
// for "name=value", or "+", "-" or "?" for "name+", "name-", "name?".
func (c *Conn) Feature(name string) (value string, ok bool) {
	value, ok = c.features[name]
	return value, ok
}

func (c *Conn) handshake(ctx context.Context, features string, noAck bool) error {
	p, err := c.Exchange(ctx, append([]byte("qSupported:"), features...))
	if err != nil {
		return fmt.Errorf("rsp: handshake: %w", err)
	}
	c.features = parseFeatures(p)
	c.packetSize = defaultPacketSize
	if v, ok := c.features["PacketSize"]; ok {
		n, ok := parseHexUint([]byte(v))
		if !ok || n < minPacketSize {
			return fmt.Errorf("rsp: handshake: stub announced unusable PacketSize=%s", v)
		}
		c.packetSize = int(min(n, maxPacketSize))
	}
	if noAck && c.features["QStartNoAckMode"] == "+" {
		p, err := c.Exchange(ctx, []byte("QStartNoAckMode"))
		if err != nil {
			return fmt.Errorf("rsp: handshake: %w", err)
		}
		if string(p) == "OK" {
			// The OK itself is still acknowledged (pendingAck is
			// set); nothing after it will be.
			c.noAck = true
		}
	}
	return nil
}

// parseFeatures splits a qSupported reply into names and values.
func parseFeatures(p []byte) map[string]string {
	m := make(map[string]string)
	for _, f := range bytes.Split(p, []byte(";")) {
		if len(f) == 0 {
			continue
		}
		if i := bytes.IndexByte(f, '='); i >= 0 {
			m[string(f[:i])] = string(f[i+1:])
			continue
		}
		switch last := f[len(f)-1]; last {
		case '+', '-', '?':
			m[string(f[:len(f)-1])] = string(last)
		default:
			m[string(f)] = ""
		}
	}
	return m
}

// Close delivers a pending acknowledgement, if any, and closes the
// connection. It is safe to call more than once.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	if c.stopWatch != nil {
		c.stopWatch()
		c.stopWatch = nil
	}
	c.watchDone = nil
	c.mu.Unlock()
	if c.pendingAck {
		// Best effort: a stub blocked waiting for our ack (QEMU user
		// mode) learns of the close either way.
		c.nc.SetWriteDeadline(time.Now().Add(closeWait))
		c.writeByte('+')
		c.pendingAck = false
	}
	if c.err == nil || c.err == errKilled {
		c.err = fmt.Errorf("rsp: %w", net.ErrClosed)
	}
	return c.nc.Close()
}

// Exchange sends cmd as one packet and returns the stub's reply payload,
// with escapes and run-length encoding resolved. The result aliases an
// internal buffer that the next call on c overwrites. An "Exx" or "E.text"
// reply is returned as an *Error; the empty reply is returned as is.
func (c *Conn) Exchange(ctx context.Context, cmd []byte) ([]byte, error) {
	p, err := c.roundTrip(ctx, cmd)
	if err != nil {
		return nil, err
	}
	if e := parseError(p, cmd); e != nil {
		return nil, e
	}
	return p, nil
}

// roundTrip sends cmd and returns the raw reply payload.
func (c *Conn) roundTrip(ctx context.Context, cmd []byte) ([]byte, error) {
	if err := c.begin(ctx, cmd); err != nil {
		return nil, err
	}
	if err := c.frame(cmd); err != nil {
		return nil, err
	}
	if err := c.send(); err != nil {
		return nil, c.fail(ctx, cmd, err)
	}
	p, err := c.recv()
	if err != nil {
		return nil, c.fail(ctx, cmd, err)
	}
	return p, nil
}

// begin checks that an exchange may start and arms its deadline.
func (c *Conn) begin(ctx context.Context, cmd []byte) error {
	if c.err != nil {
		return c.err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("rsp: %s: %w", commandName(cmd), err)
	}
	if done := ctx.Done(); done != c.watchDone {
		c.watch(ctx, done)
	}
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Now().Add(c.timeout)
	}
	if err := c.nc.SetDeadline(dl); err != nil {
		c.err = fmt.Errorf("rsp: set deadline: %w", err)
		return c.err
	}
	// A cancellation that fired before SetDeadline had its past deadline
	// overwritten; catch it here. One that fires later wins by itself.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("rsp: %s: %w", commandName(cmd), err)
	}
	return nil
}

// watch makes the cancellation of ctx (whose Done channel is done, possibly
// nil) interrupt our reads by moving the connection's deadline to the past.
// The registration is kept across exchanges that share the channel, so the
// hot path pays for it once, not per packet.
func (c *Conn) watch(ctx context.Context, done <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopWatch != nil {
		c.stopWatch()
		c.stopWatch = nil
	}
	c.watchDone = done
	if done == nil || c.closed {
		return
	}
	c.stopWatch = context.AfterFunc(ctx, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		// Only if we still watch this context: a stale callback must
		// not break an exchange running under another one.
		if c.watchDone == done && !c.closed {
			c.nc.SetDeadline(time.Unix(1, 0))
		}
	})
}

// fail turns an I/O or framing error into the Conn's sticky error: the byte
// stream can no longer be trusted.
func (c *Conn) fail(ctx context.Context, cmd []byte, err error) error {
	name := commandName(cmd)
	dl, hasDeadline := ctx.Deadline()
	switch {
	case ctx.Err() != nil:
		err = fmt.Errorf("rsp: %s: %w", name, ctx.Err())
	case hasDeadline && errors.Is(err, os.ErrDeadlineExceeded) && !time.Now().Before(dl):
		// The connection's timer can beat the context's own.
		err = fmt.Errorf("rsp: %s: %w", name, context.DeadlineExceeded)
	case errors.Is(err, os.ErrDeadlineExceeded):
		err = fmt.Errorf("rsp: %s: no answer from the stub in time: %w", name, err)
	case errors.Is(err, io.EOF):
		err = fmt.Errorf("rsp: %s: stub closed the connection: %w", name, io.ErrUnexpectedEOF)
	default:
		err = fmt.Errorf("rsp: %s: %w", name, err)
	}
	c.err = fmt.Errorf("rsp: connection unusable after an earlier error: %w", err)
	return err
}

// frame builds the packet for cmd in c.out, preceded by a pending ack.
func (c *Conn) frame(cmd []byte) error {
	c.out = c.out[:0]
	if c.pendingAck {
		c.out = append(c.out, '+')
	}
	c.frameStart = len(c.out)
	c.out = AppendPacket(c.out, cmd)
	// PacketSize counts the data between '$' and '#', and stubs keep a
	// byte for a terminator: QEMU takes at most PacketSize-1.
	if n := len(c.out) - c.frameStart - 4; n >= c.packetSize && c.packetSize > 0 {
		return fmt.Errorf("rsp: %s: command of %d bytes exceeds the stub's PacketSize %d", commandName(cmd), n, c.packetSize)
	}
	return nil
}

// send writes the frame in c.out and waits for the stub's acknowledgement,
// retransmitting when it answers '-'.
func (c *Conn) send() error {
	if _, err := c.nc.Write(c.out); err != nil {
		return err
	}
	c.pendingAck = false
	if c.noAck {
		return nil
	}
	naks, stale, stray := 0, 0, 0
	for {
		b, err := c.r.ReadByte()
		if err != nil {
			return err
		}
		switch b {
		case '+':
			return nil
		case '-':
			if naks++; naks > c.maxRetries {
				return fmt.Errorf("stub rejected the packet %d times", naks)
			}
			if _, err := c.nc.Write(c.out[c.frameStart:]); err != nil {
				return err
			}
		case '$':
			// A packet instead of the ack: like GDB, take it for a
			// stale reply resent because an ack got lost, consume
			// and acknowledge it, and keep waiting.
			if stale++; stale > c.maxRetries {
				return fmt.Errorf("stub sent %d packets without acknowledging ours", stale)
			}
			if _, _, err := c.readBody(); err != nil {
				return err
			}
			if _, err := c.writeByte('+'); err != nil {
				return err
			}
		case '%':
			n, err := c.skipNotification()
			if err != nil {
				return err
			}
			stray += n
		default:
			stray++
		}
		if stray > c.maxStray {
			return fmt.Errorf("more than %d stray bytes from the stub while waiting for an acknowledgement", c.maxStray)
		}
	}
}

// writeByte sends a lone acknowledgement without allocating.
func (c *Conn) writeByte(b byte) (int, error) {
	c.one[0] = b
	return c.nc.Write(c.one[:])
}

// recv reads the next packet, asking for retransmission of corrupt ones,
// and returns its decoded payload (aliasing c.pkt). The acknowledgement is
// left pending, to travel with the next command.
func (c *Conn) recv() ([]byte, error) {
	for naks := 0; ; {
		if c.pendingAck {
			// The stub may be blocked until it gets this ack.
			if _, err := c.writeByte('+'); err != nil {
				return nil, err
			}
			c.pendingAck = false
		}
		if err := c.skipToPacket(); err != nil {
			return nil, err
		}
		p, ok, err := c.readBody()
		if err != nil {
			return nil, err
		}
		if ok {
			c.pendingAck = !c.noAck
			return p, nil
		}
		if c.noAck {
			return nil, fmt.Errorf("%w from the stub in no-ack mode", errMalformed)
		}
		if naks++; naks > c.maxRetries {
			return nil, fmt.Errorf("%d %ss in a row from the stub", naks, errMalformed)
		}
		if _, err := c.writeByte('-'); err != nil {
			return nil, err
		}
	}
}

// skipToPacket consumes input up to and including the next '$', skipping
// stray bytes and notifications within the MaxStray budget.
func (c *Conn) skipToPacket() error {
	stray := 0
	for {
		b, err := c.r.ReadByte()
		if err != nil {
			return err
		}
		switch b {
		case '$':
			return nil
		case '%':
			n, err := c.skipNotification()
			if err != nil {
				return err
			}
			stray += n
		default:
			stray++
		}
		if stray > c.maxStray {
			return fmt.Errorf("more than %d stray bytes from the stub while waiting for a packet", c.maxStray)
		}
	}
}

// skipNotification consumes a notification after its '%'. We never ask for
// asynchronous notifications, so their content is ignored (and, as the
// protocol says, not acknowledged). It returns the bytes consumed.
func (c *Conn) skipNotification() (int, error) {
	data, err := c.r.ReadSlice('#')
	n := len(data)
	if err != nil {
		return n, c.readErr(err)
	}
	if _, err := c.r.Discard(2); err != nil {
		return n, err
	}
	return n + 2, nil
}

// readBody reads a packet after its '$': data, '#' and checksum. It decodes
// the payload into c.pkt and reports whether the packet was intact. I/O
// errors and oversized packets are errors; corruption is not.
func (c *Conn) readBody() (payload []byte, ok bool, err error) {
	data, err := c.r.ReadSlice('#')
	if err != nil {
		return nil, false, c.readErr(err)
	}
	data = data[:len(data)-1]
	intact := true
	if i := bytes.LastIndexByte(data, '$'); i >= 0 {
		// A truncated packet followed by a new one: keep the new one.
		data = data[i+1:]
	}
	sum := checksum(data)
	c.pkt, err = decodeData(c.pkt[:0], data, c.maxPacket)
	if err != nil {
		intact = false
	}
	// data aliases the reader's buffer: done with it before reading on.
	hi, err := c.r.ReadByte()
	if err != nil {
		return nil, false, err
	}
	lo, err := c.r.ReadByte()
	if err != nil {
		return nil, false, err
	}
	if want, ok := parseChecksum(hi, lo); !ok || want != sum {
		intact = false
	}
	return c.pkt, intact, nil
}

// readErr explains a failed ReadSlice.
func (c *Conn) readErr(err error) error {
	if errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("packet from the stub exceeds %d bytes", c.maxPacket)
	}
	return err
}
