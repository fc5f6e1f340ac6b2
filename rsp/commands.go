package rsp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"lockstep/machine"
)

// command runs cmd and returns its reply, turning "Exx" into *Error and the
// empty reply into ErrUnsupported.
func (c *Conn) command(ctx context.Context, cmd []byte) ([]byte, error) {
	p, err := c.Exchange(ctx, cmd)
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, fmt.Errorf("rsp: %s: %w", commandName(cmd), ErrUnsupported)
	}
	return p, nil
}

// expectOK runs cmd, whose only good reply is "OK".
func (c *Conn) expectOK(ctx context.Context, cmd []byte) error {
	p, err := c.command(ctx, cmd)
	if err != nil {
		return err
	}
	if string(p) != "OK" {
		return fmt.Errorf("rsp: %s: unexpected reply %q", commandName(cmd), shorten(p))
	}
	return nil
}

// shorten limits a reply quoted in an error message.
func shorten(p []byte) []byte {
	if len(p) > 64 {
		return p[:64]
	}
	return p
}

// StopReason asks why the target is stopped ('?').
func (c *Conn) StopReason(ctx context.Context) (Stop, error) {
	c.cmd = append(c.cmd[:0], '?')
	return c.stopReply(ctx, c.cmd)
}

// ReadRegisters reads the whole register file ('g') into dst, which must be
// exactly as long as the stub's reply. Unavailable bytes ("xx") read as 0.
func (c *Conn) ReadRegisters(ctx context.Context, dst []byte) error {
	c.cmd = append(c.cmd[:0], 'g')
	p, err := c.command(ctx, c.cmd)
	if err != nil {
		return err
	}
	return registersReply(dst, p)
}

// registersReply decodes a 'g' reply into dst.
func registersReply(dst, p []byte) error {
	if err := decodeHex(dst, p); err != nil {
		return fmt.Errorf("rsp: g: register file: %w", err)
	}
	return nil
}

// WriteRegisters writes the whole register file ('G').
func (c *Conn) WriteRegisters(ctx context.Context, src []byte) error {
	c.cmd = appendHex(append(c.cmd[:0], 'G'), src)
	return c.expectOK(ctx, c.cmd)
}

// ReadRegister reads register regnum ('p') into dst, which must be exactly
// as long as the register.
func (c *Conn) ReadRegister(ctx context.Context, regnum int, dst []byte) error {
	if regnum < 0 {
		return fmt.Errorf("rsp: read register: negative register number %d", regnum)
	}
	c.cmd = appendHexUint(append(c.cmd[:0], 'p'), uint64(regnum))
	p, err := c.command(ctx, c.cmd)
	if err != nil {
		return err
	}
	if err := decodeHex(dst, p); err != nil {
		return fmt.Errorf("rsp: p%x: register: %w", regnum, err)
	}
	return nil
}

// WriteRegister writes register regnum ('P').
func (c *Conn) WriteRegister(ctx context.Context, regnum int, src []byte) error {
	if regnum < 0 {
		return fmt.Errorf("rsp: write register: negative register number %d", regnum)
	}
	c.cmd = appendHexUint(append(c.cmd[:0], 'P'), uint64(regnum))
	c.cmd = appendHex(append(c.cmd, '='), src)
	return c.expectOK(ctx, c.cmd)
}

// memoryChunk is the most bytes one 'm' packet may ask for: the hex reply
// must fit both the stub's PacketSize and our MaxPacket.
func (c *Conn) memoryChunk() int {
	return max(1, min(c.maxMemoryRead, c.packetSize/2, c.maxPacket/2))
}

// ReadMemory reads len(dst) bytes at addr ('m'), in as many packets as the
// limits require. A reply shorter than asked (a partial read) is an error.
func (c *Conn) ReadMemory(ctx context.Context, addr uint64, dst []byte) error {
	chunk := c.memoryChunk()
	for done := 0; done < len(dst); {
		n := min(chunk, len(dst)-done)
		a := addr + uint64(done)
		c.cmd = appendMemoryRead(c.cmd[:0], a, n)
		p, err := c.command(ctx, c.cmd)
		if err != nil {
			return err
		}
		if err := memoryReply(a, dst[done:done+n], p); err != nil {
			return err
		}
		done += n
	}
	return nil
}

// appendMemoryRead appends the 'm' command reading n bytes at addr.
func appendMemoryRead(dst []byte, addr uint64, n int) []byte {
	dst = appendHexUint(append(dst, 'm'), addr)
	return appendHexUint(append(dst, ','), uint64(n))
}

// memoryReply decodes an 'm' reply for the bytes at addr into dst; a
// shorter reply (a partial read) is an error.
func memoryReply(addr uint64, dst, p []byte) error {
	if len(p) != 2*len(dst) {
		return fmt.Errorf("rsp: read memory at %#x: stub returned %d of %d bytes", addr, len(p)/2, len(dst))
	}
	if err := decodeHex(dst, p); err != nil {
		return fmt.Errorf("rsp: read memory at %#x: %w", addr, err)
	}
	return nil
}

// WriteMemory writes src at addr ('M'), in as many packets as PacketSize
// requires.
func (c *Conn) WriteMemory(ctx context.Context, addr uint64, src []byte) error {
	// Header "M<addr>,<len>:" is at most 1+16+1+16+1 bytes.
	chunk := max(1, (c.packetSize-35)/2)
	for done := 0; done < len(src); {
		n := min(chunk, len(src)-done)
		a := addr + uint64(done)
		c.cmd = appendHexUint(append(c.cmd[:0], 'M'), a)
		c.cmd = appendHexUint(append(c.cmd, ','), uint64(n))
		c.cmd = appendHex(append(c.cmd, ':'), src[done:done+n])
		if err := c.expectOK(ctx, c.cmd); err != nil {
			return err
		}
		done += n
	}
	return nil
}

// InsertBreakpoint sets a software breakpoint ('Z0') of the given kind (for
// x86, the breakpoint instruction's length: 1).
func (c *Conn) InsertBreakpoint(ctx context.Context, addr uint64, kind int) error {
	return c.breakpoint(ctx, 'Z', addr, kind)
}

// RemoveBreakpoint removes a software breakpoint ('z0').
func (c *Conn) RemoveBreakpoint(ctx context.Context, addr uint64, kind int) error {
	return c.breakpoint(ctx, 'z', addr, kind)
}

func (c *Conn) breakpoint(ctx context.Context, op byte, addr uint64, kind int) error {
	if kind < 0 {
		return fmt.Errorf("rsp: breakpoint at %#x: negative kind %d", addr, kind)
	}
	c.cmd = append(c.cmd[:0], op, '0', ',')
	c.cmd = appendHexUint(c.cmd, addr)
	c.cmd = appendHexUint(append(c.cmd, ','), uint64(kind))
	return c.expectOK(ctx, c.cmd)
}

// Step executes one instruction and returns the stop that follows. It uses
// vCont for the thread of the last stop reply when the stub supports it (QEMU
// rejects a bare thread number there), and 's' otherwise.
func (c *Conn) Step(ctx context.Context) (Stop, error) {
	return c.resume(ctx, 's', 0)
}

// StepWithSignal executes one instruction, delivering signal sig to the
// target first (so a handler's first instruction, or the target's death,
// follows).
func (c *Conn) StepWithSignal(ctx context.Context, sig int) (Stop, error) {
	if sig < 0 || sig > 0xff {
		return Stop{}, fmt.Errorf("rsp: step: signal %d out of range", sig)
	}
	return c.resume(ctx, 'S', sig)
}

// Continue resumes the target until it stops. The wait is bounded like any
// exchange (the context's deadline, or Timeout), so give long runs a context
// with a suitable deadline.
func (c *Conn) Continue(ctx context.Context) (Stop, error) {
	return c.resume(ctx, 'c', 0)
}

// ContinueWithSignal resumes the target, delivering signal sig to it.
func (c *Conn) ContinueWithSignal(ctx context.Context, sig int) (Stop, error) {
	if sig < 0 || sig > 0xff {
		return Stop{}, fmt.Errorf("rsp: continue: signal %d out of range", sig)
	}
	return c.resume(ctx, 'C', sig)
}

func (c *Conn) resume(ctx context.Context, action byte, sig int) (Stop, error) {
	if !c.vcontQueried {
		if err := c.queryVCont(ctx); err != nil {
			return Stop{}, err
		}
	}
	c.cmd = c.resumeCommand(action, sig)
	return c.stopReply(ctx, c.cmd)
}

// resumeCommand builds the command for action in c.cmd: vCont for the
// thread of the last stop reply when the stub supports it.
func (c *Conn) resumeCommand(action byte, sig int) []byte {
	var supported bool
	switch action {
	case 's':
		supported = c.vcont.s
	case 'c':
		supported = c.vcont.c
	case 'C':
		supported = c.vcont.C
	case 'S':
		supported = c.vcont.S
	}
	cmd := c.cmd[:0]
	if supported {
		cmd = append(cmd, "vCont;"...)
	}
	cmd = append(cmd, action)
	if action == 'C' || action == 'S' {
		cmd = append(cmd, hexDigits[sig>>4], hexDigits[sig&15])
	}
	if supported && c.thread != "" {
		cmd = append(append(cmd, ':'), c.thread...)
	}
	return cmd
}

// queryVCont asks once which vCont actions the stub supports.
func (c *Conn) queryVCont(ctx context.Context) error {
	p, err := c.Exchange(ctx, []byte("vCont?"))
	var e *Error
	if err != nil && !errors.As(err, &e) {
		return err
	}
	c.vcontQueried = true
	// "vCont;c;C;s;S": anything else (empty, an error) means no vCont.
	if len(p) < 5 || string(p[:5]) != "vCont" {
		return nil
	}
	for _, a := range bytes.Split(p[5:], []byte(";")) {
		switch string(a) {
		case "s":
			c.vcont.s = true
		case "c":
			c.vcont.c = true
		case "C":
			c.vcont.C = true
		case "S":
			c.vcont.S = true
		}
	}
	return nil
}

// stopReply runs a command answered by a stop reply, skipping console
// output packets that may precede it.
func (c *Conn) stopReply(ctx context.Context, cmd []byte) (Stop, error) {
	p, err := c.roundTrip(ctx, cmd)
	if err != nil {
		return Stop{}, err
	}
	if p, err = c.skipOutput(p); err != nil {
		return Stop{}, c.fail(ctx, cmd, err)
	}
	return c.parseStopReply(ctx, cmd, p)
}

// skipOutput passes on the console output packets ('O') that may precede
// a stop reply p, reading on within the exchange's deadline, and returns
// the reply.
func (c *Conn) skipOutput(p []byte) ([]byte, error) {
	for len(p) > 0 && p[0] == 'O' && string(p) != "OK" {
		c.writeOutput(p[1:])
		var err error
		if p, err = c.recv(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// parseStopReply decodes the stop reply p to cmd and follows its thread.
func (c *Conn) parseStopReply(ctx context.Context, cmd, p []byte) (Stop, error) {
	if e := parseError(p, cmd); e != nil {
		return Stop{}, e
	}
	if len(p) == 0 {
		return Stop{}, fmt.Errorf("rsp: %s: %w", commandName(cmd), ErrUnsupported)
	}
	s, err := parseStop(p, c.thread)
	if err != nil {
		return Stop{}, fmt.Errorf("rsp: %s: %w", commandName(cmd), err)
	}
	if s.Thread != "" {
		c.thread = s.Thread
	}
	if (s.Kind == StopExited || s.Kind == StopTerminated) && c.pendingAck {
		// No command may follow, and QEMU only exits once it has
		// the ack of this last packet.
		if _, err := c.writeByte('+'); err != nil {
			return Stop{}, c.fail(ctx, cmd, err)
		}
		c.pendingAck = false
	}
	return s, nil
}

// writeOutput passes the hex-encoded console output of an 'O' packet on.
func (c *Conn) writeOutput(hex []byte) {
	if c.output == nil || len(hex)%2 != 0 {
		return
	}
	buf := make([]byte, len(hex)/2)
	if decodeHex(buf, hex) == nil {
		c.output.Write(buf)
	}
}

// Kill asks the stub to kill the target ('k'). The protocol lets the stub
// close the connection instead of answering, and that counts as success;
// QEMU answers with an exit packet and waits for its acknowledgement, which
// Kill sends at once so that QEMU exits. Afterwards c accepts only Close.
func (c *Conn) Kill(ctx context.Context) error {
	cmd := append(c.cmd[:0], 'k')
	if err := c.begin(ctx, cmd); err != nil {
		return err
	}
	if err := c.frame(cmd); err != nil {
		return err
	}
	err := c.send()
	if err == nil {
		// Some stubs answer, some do not: wait a little for it.
		if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > killWait {
			c.nc.SetReadDeadline(time.Now().Add(killWait))
		}
		_, err = c.recv()
		if err == nil && c.pendingAck {
			_, err = c.writeByte('+')
			c.pendingAck = false
		}
		if errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() == nil {
			err = nil // accepted, and no answer is a valid answer
		}
	}
	if err != nil && !errors.Is(err, io.EOF) && !isConnReset(err) {
		return c.fail(ctx, cmd, err)
	}
	c.err = errKilled
	return nil
}

// ReadObject reads a whole object with qXfer (for example "features",
// "target.xml" or "auxv", ""), asking for PacketSize-sized pieces until the
// stub marks the last one.
func (c *Conn) ReadObject(ctx context.Context, object, annex string) ([]byte, error) {
	// Binary replies may double in size through escapes.
	chunk := uint64(max(1, min(c.packetSize-5, (c.maxPacket-1)/2)))
	out := []byte{}
	for {
		c.cmd = append(c.cmd[:0], "qXfer:"...)
		c.cmd = append(append(append(c.cmd, object...), ":read:"...), annex...)
		c.cmd = appendHexUint(append(c.cmd, ':'), uint64(len(out)))
		c.cmd = appendHexUint(append(c.cmd, ','), chunk)
		p, err := c.command(ctx, c.cmd)
		if err != nil {
			return nil, fmt.Errorf("rsp: read object %s %q: %w", object, annex, err)
		}
		if len(out)+len(p)-1 > c.maxObject {
			return nil, fmt.Errorf("rsp: read object %s %q: larger than %d bytes", object, annex, c.maxObject)
		}
		switch p[0] {
		case 'l':
			return append(out, p[1:]...), nil
		case 'm':
			if len(p) == 1 {
				return nil, fmt.Errorf("rsp: read object %s %q: stub sent an empty piece that is not the last", object, annex)
			}
			out = append(out, p[1:]...)
		default:
			return nil, fmt.Errorf("rsp: read object %s %q: unexpected reply %q", object, annex, shorten(p))
		}
	}
}

// TargetDescription reads the stub's target.xml, with its includes, and
// returns the register layout it describes. QEMU accepts 'p' and 'P' only
// after this.
func (c *Conn) TargetDescription(ctx context.Context) (*machine.Layout, error) {
	xml, err := c.ReadObject(ctx, "features", "target.xml")
	if err != nil {
		return nil, err
	}
	return ParseTargetDescription(xml, func(name string) ([]byte, error) {
		return c.ReadObject(ctx, "features", name)
	})
}

// Auxv reads the target's ELF auxiliary vector.
func (c *Conn) Auxv(ctx context.Context) ([]byte, error) {
	return c.ReadObject(ctx, "auxv", "")
}

// isConnReset reports whether err says the peer has gone, which is how a
// stub may answer 'k'.
func isConnReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrClosedPipe)
}

// Thread is the thread id of the last stop reply, exactly as the stub wrote
// it ("p1.3816"), or "" if no reply named one. Step, Continue and their
// signal variants resume this thread.
func (c *Conn) Thread() string { return c.thread }

// maxThreadListPackets bounds the qsThreadInfo packets of one ThreadList,
// against a stub that never ends its list.
const maxThreadListPackets = 1024

// ThreadList asks the stub which threads it knows (qfThreadInfo, then
// qsThreadInfo until the 'l' that ends the list) and returns their ids as
// the stub wrote them ("p1.3816"). A stub may not list every thread of the
// target: QEMU 7.2's user-mode stub lists only the first one.
func (c *Conn) ThreadList(ctx context.Context) ([]string, error) {
	var ids []string
	cmd := "qfThreadInfo"
	for i := 0; i < maxThreadListPackets; i++ {
		p, err := c.Exchange(ctx, []byte(cmd))
		if err != nil {
			return nil, fmt.Errorf("rsp: thread list: %w", err)
		}
		switch {
		case len(p) == 0:
			return nil, fmt.Errorf("rsp: thread list: %s: %w", cmd, ErrUnsupported)
		case p[0] == 'l':
			return ids, nil
		case p[0] != 'm':
			return nil, fmt.Errorf("rsp: thread list: %s: unexpected reply %q", cmd, shorten(p))
		}
		for _, id := range bytes.Split(p[1:], []byte(",")) {
			if len(id) > 0 {
				ids = append(ids, string(id))
			}
		}
		cmd = "qsThreadInfo"
	}
	return nil, fmt.Errorf("rsp: thread list: not ended after %d packets", maxThreadListPackets)
}
