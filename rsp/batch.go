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
	reqs []batchReq
	cmds []byte // the commands, built once by Do; each request slices it
}

type batchReq struct {
	op         byte // 'g', 'm' or 's'
	addr       uint64
	dst        []byte
	err        *error
	stop       *Stop
	start, end int // the command in cmds
}

// Reset empties b, keeping its storage.
func (b *Batch) Reset() {
	clear(b.reqs)
	b.reqs, b.cmds = b.reqs[:0], b.cmds[:0]
}

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
}

// cmd is r's command, once Do has built it.
func (b *Batch) cmd(r *batchReq) []byte { return b.cmds[r.start:r.end] }

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
	if b.reqs[len(b.reqs)-1].op == 's' && !c.vcontQueried {
		if err := c.queryVCont(ctx); err != nil {
			return c.failAll(b, 0, err)
		}
	}
	b.cmds = b.cmds[:0]
	for i := range b.reqs {
		r := &b.reqs[i]
		r.start = len(b.cmds)
		switch r.op {
		case 'm':
			b.cmds = appendMemoryRead(b.cmds, r.addr, len(r.dst))
		case 's':
			b.cmds = append(b.cmds, c.resumeCommand('s', 0)...)
		default:
			b.cmds = append(b.cmds, r.op)
		}
		r.end = len(b.cmds)
	}
	first := b.cmd(&b.reqs[0])
	if err := c.begin(ctx, first); err != nil {
		return c.failAll(b, 0, err)
	}
	c.out = c.out[:0]
	if c.pendingAck {
		// The reply before no-ack mode began (QStartNoAckMode's OK).
		c.out, c.pendingAck = append(c.out, '+'), false
	}
	for i := range b.reqs {
		cmd := b.cmd(&b.reqs[i])
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
		p, err := c.recv()
		if err == nil && r.op == 's' {
			p, err = c.skipOutput(p)
		}
		if err != nil {
			return c.failAll(b, i, c.fail(ctx, b.cmd(r), err))
		}
		*r.err = c.batchReply(ctx, r, b.cmd(r), p)
		if c.err != nil {
			return c.failAll(b, i+1, c.err)
		}
	}
	return nil
}

// pipelinable reports whether b has commands and each fits one packet
// each way.
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
		return registersReply(r.dst, p)
	case 'm':
		return memoryReply(r.addr, r.dst, p)
	}
	s, err := c.parseStopReply(ctx, cmd, p)
	*r.stop = s
	return err
}
