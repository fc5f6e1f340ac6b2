package rsp

import (
	"context"
	"fmt"
)

// A Batch is a sequence of commands sent to the stub back to back, in one
// write, whose replies are then read in order: one round trip for all of
// them instead of one each. A stub serves its input one packet after
// another, so it sees nothing new; but in ack mode every packet waits for
// its acknowledgement, so Conn.Do pipelines only in no-ack mode and
// otherwise exchanges the commands one at a time. A command that resumes
// the target (Step) can only come last: a running stub does not read its
// input, and QEMU handles what is left of a read as it resumes.
//
// Each command reports its own failure (an "Exx" reply, a short memory
// read, an empty reply) through the error it was given; Do returns only
// what breaks the connection.
type Batch struct {
	reqs    []batchReq
	resumes bool
}

type batchReq struct {
	op   byte // 'g', 'm' or 's'
	addr uint64
	dst  []byte
	err  *error
	stop *Stop
}

// Reset empties b, keeping its storage.
func (b *Batch) Reset() {
	clear(b.reqs)
	b.reqs, b.resumes = b.reqs[:0], false
}

// Len is the number of commands in b.
func (b *Batch) Len() int { return len(b.reqs) }

// ReadRegisters queues a 'g' into dst, as Conn.ReadRegisters.
func (b *Batch) ReadRegisters(dst []byte, err *error) {
	b.reqs = append(b.reqs, batchReq{op: 'g', dst: dst, err: err})
}

// ReadMemory queues a read of len(dst) bytes at addr, as Conn.ReadMemory.
func (b *Batch) ReadMemory(addr uint64, dst []byte, err *error) {
	b.reqs = append(b.reqs, batchReq{op: 'm', addr: addr, dst: dst, err: err})
}

// Step queues a single step, as Conn.Step; its stop reply goes to stop.
func (b *Batch) Step(stop *Stop, err *error) {
	b.reqs = append(b.reqs, batchReq{op: 's', stop: stop, err: err})
	b.resumes = true
}

// Pipelines reports whether Do sends a batch's commands together (the
// stub is in no-ack mode).
func (c *Conn) Pipelines() bool { return c.noAck }

// Do runs the commands of b. The error returned is the connection's: the
// commands that did not run have theirs set to it too.
func (c *Conn) Do(ctx context.Context, b *Batch) error {
	for i, r := range b.reqs {
		if r.op == 's' && i != len(b.reqs)-1 {
			return fmt.Errorf("rsp: batch: a step must be the last command (%d of %d)", i+1, len(b.reqs))
		}
	}
	if !c.noAck || !c.pipelinable(b) {
		return c.doEach(ctx, b)
	}
	if b.resumes && !c.vcontQueried {
		if err := c.queryVCont(ctx); err != nil {
			return c.failAll(b, 0, err)
		}
	}
	first := c.batchCommand(&b.reqs[0])
	if err := c.begin(ctx, first); err != nil {
		return c.failAll(b, 0, err)
	}
	c.out = c.out[:0]
	if c.pendingAck {
		// The reply before no-ack mode began (QStartNoAckMode's OK).
		c.out, c.pendingAck = append(c.out, '+'), false
	}
	for i := range b.reqs {
		cmd := c.batchCommand(&b.reqs[i])
		start := len(c.out)
		c.out = AppendPacket(c.out, cmd)
		if n := len(c.out) - start - 4; n >= c.packetSize {
			return c.failAll(b, 0, fmt.Errorf("rsp: %s: command of %d bytes exceeds the stub's PacketSize %d", commandName(cmd), n, c.packetSize))
		}
	}
	if _, err := c.nc.Write(c.out); err != nil {
		return c.failAll(b, 0, c.fail(ctx, first, err))
	}
	for i := range b.reqs {
		r := &b.reqs[i]
		cmd := c.batchCommand(r)
		p, err := c.recv()
		for err == nil && r.op == 's' && len(p) > 0 && p[0] == 'O' && string(p) != "OK" {
			c.writeOutput(p[1:])
			p, err = c.recv()
		}
		if err != nil {
			return c.failAll(b, i, c.fail(ctx, cmd, err))
		}
		*r.err = c.batchReply(ctx, r, cmd, p)
		if c.err != nil {
			return c.failAll(b, i+1, c.err)
		}
	}
	return nil
}

// pipelinable reports whether every command of b fits one packet each way.
func (c *Conn) pipelinable(b *Batch) bool {
	if len(b.reqs) == 0 {
		return false
	}
	for _, r := range b.reqs {
		if r.op == 'm' && len(r.dst) > c.memoryChunk() {
			return false
		}
	}
	return true
}

// doEach runs the commands of b one exchange at a time.
func (c *Conn) doEach(ctx context.Context, b *Batch) error {
	for i := range b.reqs {
		r := &b.reqs[i]
		var err error
		switch r.op {
		case 'g':
			err = c.ReadRegisters(ctx, r.dst)
		case 'm':
			err = c.ReadMemory(ctx, r.addr, r.dst)
		case 's':
			*r.stop, err = c.Step(ctx)
		}
		if c.err != nil {
			return c.failAll(b, i, c.err)
		}
		*r.err = err
	}
	return nil
}

// failAll gives the commands from i on the connection's error.
func (c *Conn) failAll(b *Batch, i int, err error) error {
	for ; i < len(b.reqs); i++ {
		*b.reqs[i].err = err
	}
	return err
}

// batchCommand builds r's command in c.cmd.
func (c *Conn) batchCommand(r *batchReq) []byte {
	switch r.op {
	case 'm':
		c.cmd = appendHexUint(append(c.cmd[:0], 'm'), r.addr)
		c.cmd = appendHexUint(append(c.cmd, ','), uint64(len(r.dst)))
	case 's':
		c.cmd = c.resumeCommand('s', 0)
	default:
		c.cmd = append(c.cmd[:0], r.op)
	}
	return c.cmd
}

// batchReply decodes the reply p to r's command cmd into r's destination.
func (c *Conn) batchReply(ctx context.Context, r *batchReq, cmd, p []byte) error {
	if e := parseError(p, cmd); e != nil {
		return e
	}
	if len(p) == 0 {
		return fmt.Errorf("rsp: %s: %w", commandName(cmd), ErrUnsupported)
	}
	switch r.op {
	case 'g':
		if err := decodeHex(r.dst, p); err != nil {
			return fmt.Errorf("rsp: g: register file: %w", err)
		}
	case 'm':
		if len(p) != 2*len(r.dst) {
			return fmt.Errorf("rsp: read memory at %#x: stub returned %d of %d bytes", r.addr, len(p)/2, len(r.dst))
		}
		if err := decodeHex(r.dst, p); err != nil {
			return fmt.Errorf("rsp: read memory at %#x: %w", r.addr, err)
		}
	case 's':
		s, err := c.parseStopReply(ctx, cmd, p)
		*r.stop = s
		return err
	}
	return nil
}
