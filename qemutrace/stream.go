package qemutrace

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"lockstep/internal/launch"
	"lockstep/machine"
	"lockstep/qemutrace/cpulog"
	"lockstep/rsp"
)

// Mode says how QEMU executes the program between the points where
// lockstep stops it.
type Mode int

// Modes.
const (
	// Stepped: every instruction single-stepped over the gdbstub, one
	// instruction per translation block (lockstep's step mode).
	Stepped Mode = iota
	// Blocks: QEMU runs freely with its normal translation blocks and logs
	// its CPU state before each (-d cpu,fpu,nochain) to a FIFO.
	Blocks
	// Insns: as Blocks, with one instruction per block (-singlestep), so
	// that the log has the state before every instruction.
	Insns
)

func (m Mode) String() string {
	switch m {
	case Stepped:
		return "step"
	case Blocks:
		return "block"
	case Insns:
		return "insn"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ErrLogStalled is wrapped when QEMU runs but its CPU log brings no block
// for StallTimeout.
var ErrLogStalled = errors.New("QEMU's CPU log stalled")

// batchSize is how many records the reader hands over at once: one
// channel operation (and one wake-up) per batch, not per record. A partial
// batch is handed over as soon as the FIFO is empty.
const batchSize = 64

// pipeSize is the FIFO's buffer asked for.
const pipeSize = 1 << 20

// recordQueue bounds the blocks read ahead of the consumer. With the FIFO,
// it is what bounds memory: QEMU blocks on its log when the queue is full.
const recordQueue = 512

// stream demultiplexes QEMU's log FIFO: the page log's lines go to the page
// log parser, CPU records to a bounded queue. Memory is bounded by the
// queue (recordQueue records of about 1 KB), the FIFO's buffer and one
// line buffer; nothing goes to disk.
type stream struct {
	f     *os.File
	recs  chan []*cpulog.Record // batches of records, in order
	free  chan *cpulog.Record
	batch []*cpulog.Record // the reader's batch being filled
	cur   []*cpulog.Record // the consumer's batch being taken
	done  chan struct{}    // closed when the reader goroutine ends

	mu    sync.Mutex
	pages []byte // guarded by mu: page log lines not yet taken
	err   error  // guarded by mu: why the reader ended

	rc    syscall.RawConn
	blind atomic.Bool   // drop CPU records unparsed (RunTo)
	idle  atomic.Bool   // the reader waits on the FIFO with everything read handled
	wakes atomic.Uint64 // the reader's reads of the FIFO
}

func newStream(f *os.File) (*stream, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("qemutrace: log FIFO: %w", err)
	}
	// A larger FIFO lets QEMU run further ahead before it waits on us.
	// The most an unprivileged process may ask is pipe-max-size (1 MiB
	// by default); failing that, the default 64 KiB still works.
	rc.Control(func(fd uintptr) { unix.FcntlInt(fd, unix.F_SETPIPE_SZ, pipeSize) })
	s := &stream{f: f, rc: rc, recs: make(chan []*cpulog.Record, recordQueue/batchSize), free: make(chan *cpulog.Record, recordQueue+2*batchSize),
		done: make(chan struct{})}
	go s.read()
	return s, nil
}

// demux is the io.Reader the CPU log reader reads: the CPU lines of the
// FIFO, with the page log's lines taken out on the way.
type demux struct {
	s          *stream
	buf        []byte
	start, end int
	out        []byte // the rest of a CPU line not yet returned
}

func (d *demux) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if i := bytes.IndexByte(d.buf[d.start:d.end], '\n'); i >= 0 {
			line := d.buf[d.start : d.start+i+1]
			d.start += i + 1
			if cpulog.IsLine(line) {
				if d.s.blind.Load() {
					continue // switched only at stops, between records
				}
				d.out = line
				break
			}
			d.s.mu.Lock()
			d.s.pages = append(d.s.pages, line...)
			d.s.mu.Unlock()
			continue
		}
		if d.start > 0 {
			d.end = copy(d.buf, d.buf[d.start:d.end])
			d.start = 0
		}
		if d.end == len(d.buf) {
			// A line longer than any of QEMU's: pass it on for the
			// CPU log reader to refuse.
			d.out, d.start, d.end = d.buf[:d.end], 0, 0
			break
		}
		n, err := d.s.fill(d.buf[d.end:], d.end == 0)
		d.end += n
		if err != nil && n == 0 {
			return 0, err
		}
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

// fill reads from the FIFO, waiting for data. The reader counts its wakes
// and says when it waits with everything read so far handled (idle), so
// that drain can tell when nothing QEMU wrote is still in flight: bytes
// leave the FIFO only after a wake.
func (s *stream) fill(p []byte, canIdle bool) (int, error) {
	var n int
	var rerr error
	// First without waiting; if the FIFO is empty, hand the batch over
	// before waiting for more.
	err := s.rc.Read(func(fd uintptr) bool {
		s.wakes.Add(1)
		s.idle.Store(false)
		for {
			n, rerr = syscall.Read(int(fd), p)
			if rerr != syscall.EINTR {
				return true
			}
		}
	})
	if err == nil && rerr == syscall.EAGAIN {
		s.flush()
		err = s.rc.Read(func(fd uintptr) bool {
			s.wakes.Add(1)
			s.idle.Store(false)
			for {
				n, rerr = syscall.Read(int(fd), p)
				if rerr != syscall.EINTR {
					break
				}
			}
			if rerr == syscall.EAGAIN {
				s.idle.Store(canIdle)
				return false
			}
			return true
		})
	}
	switch {
	case err != nil:
		return 0, err
	case rerr != nil:
		return 0, rerr
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

// read runs in its own goroutine until the FIFO is closed or the log is
// malformed.
func (s *stream) read() {
	defer close(s.done)
	rd := cpulog.NewReader(&demux{s: s, buf: make([]byte, 256<<10)})
	for {
		var rec *cpulog.Record
		select {
		case rec = <-s.free:
		default:
			rec = new(cpulog.Record)
		}
		if err := rd.Next(rec); err != nil {
			s.flush()
			if errors.Is(err, os.ErrClosed) {
				err = io.EOF
			} else if !errors.Is(err, io.EOF) {
				err = fmt.Errorf("this QEMU's CPU log is not the format lockstep reads (QEMU 7.2's, -d cpu,fpu,nochain): %w", err)
			}
			s.mu.Lock()
			s.err = err
			s.mu.Unlock()
			return
		}
		if s.batch = append(s.batch, rec); len(s.batch) == batchSize {
			s.flush()
		}
	}
}

// flush hands the reader's batch over.
func (s *stream) flush() {
	if len(s.batch) > 0 {
		s.recs <- s.batch
		s.batch = make([]*cpulog.Record, 0, batchSize)
	}
}

// queued reports whether records wait for the consumer.
func (s *stream) queued() bool { return len(s.cur) > 0 || len(s.recs) > 0 }

// take returns the next queued record, or nil.
func (s *stream) take() *cpulog.Record {
	if len(s.cur) == 0 {
		select {
		case s.cur = <-s.recs:
		default:
			return nil
		}
	}
	rec := s.cur[0]
	s.cur = s.cur[1:]
	return rec
}

// readErr is why the reader ended, or nil while it runs.
func (s *stream) readErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// pending is the number of bytes in the FIFO not yet read.
func (s *stream) pending() (int, error) {
	rc, err := s.f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var ierr error
	if err := rc.Control(func(fd uintptr) {
		_, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ, uintptr(unsafe.Pointer(&n)))
		if e != 0 {
			ierr = e
		}
	}); err != nil {
		return 0, err
	}
	return n, ierr
}

// settle waits until everything QEMU wrote to its log before it stopped
// has been read (the page log parsed and every CPU record queued), or
// until a record waits in the queue: a full queue blocks the reader, so the
// caller must take records and settle again. It reports whether the log is
// drained. QEMU flushes its log before it answers the gdbstub, so once the
// reader waits on an empty FIFO, nothing written before is in flight.
func (s *stream) settle(ctx context.Context) (bool, error) {
	deadline := time.Now().Add(5 * time.Second)
	for wait := time.Microsecond; ; wait = min(2*wait, time.Millisecond) {
		if s.queued() {
			return false, nil
		}
		w := s.wakes.Load()
		if s.idle.Load() {
			n, err := s.pending()
			if err != nil {
				return false, fmt.Errorf("qemutrace: log FIFO: %w", err)
			}
			if n == 0 && s.wakes.Load() == w {
				return !s.queued(), nil
			}
		}
		select {
		case <-s.done:
			if err := s.readErr(); err != nil && !errors.Is(err, io.EOF) {
				return false, fmt.Errorf("qemutrace: %w", err)
			}
			return !s.queued(), nil
		case <-ctx.Done():
			return false, fmt.Errorf("qemutrace: reading QEMU's log: %w", ctx.Err())
		default:
		}
		if time.Now().After(deadline) {
			return false, fmt.Errorf("qemutrace: %w: QEMU stopped but its log was not read in 5s", ErrLogStalled)
		}
		time.Sleep(wait)
	}
}

// discard drops every record QEMU logged so far: after a gdbstub step,
// whose blocks the stepping already compared.
func (s *stream) discard(ctx context.Context) error {
	for {
		drained, err := s.settle(ctx)
		if err != nil {
			return err
		}
		for rec := s.take(); rec != nil; rec = s.take() {
			s.recycle(rec)
		}
		if drained {
			return nil
		}
	}
}

func (s *stream) recycle(rec *cpulog.Record) {
	select {
	case s.free <- rec:
	default:
	}
}

// takePages returns the page log's lines read so far, and forgets them.
func (s *stream) takePages() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.pages
	s.pages = nil
	return b
}

func (s *stream) close() {
	s.f.Close()
	for {
		select {
		case <-s.done:
			return
		case <-s.recs: // the reader may be blocked on a full queue
		}
	}
}

// readStreamLog feeds the page log's lines from the FIFO to the parser, as
// readLog does from the file.
func (t *Tracer) readStreamLog() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Blocks not taken by now are dropped (see Wait).
	if err := t.stream.discard(ctx); err != nil {
		return err
	}
	tables := t.log.Tables()
	t.log.Write(t.stream.takePages())
	if t.log.Tables() != tables || t.mem == nil {
		if m := t.log.Map(); m != nil {
			t.mem = m
		}
	}
	return nil
}

// resumed is a free run in progress: its stop reply, when it comes.
type resumed struct {
	until uint64
	stop  chan resumeResult
}

type resumeResult struct {
	stop rsp.Stop
	err  error
}

// Resume lets QEMU run freely (Blocks or Insns mode) until it reaches
// until (a breakpoint; 0 for none), ends, or stops with a signal. Its
// blocks come from NextBlock meanwhile; Wait ends the run. The RSP
// connection must not be used until Wait returns.
func (t *Tracer) Resume(ctx context.Context, until uint64) error {
	switch {
	case t.stream == nil:
		return errors.New("qemutrace: Resume needs QEMU started in block or insn mode")
	case t.ended:
		return ErrExited
	case t.run != nil:
		return errors.New("qemutrace: Resume while QEMU is already running")
	case t.pending != 0:
		return fmt.Errorf("qemutrace: Resume with signal %d pending: step it first", t.pending)
	}
	if err := t.stream.discard(ctx); err != nil {
		return err
	}
	if until != 0 {
		if err := t.conn.InsertBreakpoint(ctx, until, 1); err != nil {
			return fmt.Errorf("qemutrace: breakpoint at %#x: %w", until, err)
		}
	}
	run := &resumed{until: until, stop: make(chan resumeResult, 1)}
	t.run = run
	// A free run may be long: NextBlock's stall timeout, not the stub's
	// per-packet deadline, says when QEMU stopped making progress.
	rctx, cancel := context.WithTimeout(ctx, maxFreeRun)
	go func() {
		defer cancel()
		stop, err := t.conn.Continue(rctx)
		run.stop <- resumeResult{stop, err}
	}()
	return nil
}

// maxFreeRun bounds one free run of QEMU (one window).
const maxFreeRun = 6 * time.Hour

// StallTimeout is how long a running QEMU may go without logging a block
// before NextBlock gives up, unless Config.StallTimeout says otherwise.
const StallTimeout = 20 * time.Second

func (t *Tracer) stallTimeout() time.Duration {
	if t.cfg.StallTimeout > 0 {
		return t.cfg.StallTimeout
	}
	return StallTimeout
}

// NextBlock waits for the state QEMU logged before the next block it
// executed and writes it into dst (the registers the log has: see
// BlockRegisters). It returns false once QEMU has stopped and every block
// before the stop has been returned.
func (t *Tracer) NextBlock(ctx context.Context, dst *machine.Snapshot) (bool, error) {
	if t.run == nil {
		return false, errors.New("qemutrace: NextBlock without Resume")
	}
	for {
		if rec := t.stream.take(); rec != nil {
			t.fromRecord(rec, dst)
			t.stream.recycle(rec)
			return true, nil
		}
		if t.runStop != nil {
			// QEMU has stopped: what it logged before is all queued
			// once settled.
			drained, err := t.stream.settle(ctx)
			if err != nil {
				return false, err
			}
			if !drained {
				continue
			}
			return false, nil
		}
		stall := time.NewTimer(t.stallTimeout())
		select {
		case t.stream.cur = <-t.stream.recs:
			stall.Stop()
			continue
		case res := <-t.run.stop:
			stall.Stop()
			t.runStop = &res
			if res.err != nil {
				select {
				case <-t.proc.proc.Done():
					return false, fmt.Errorf("qemutrace: QEMU died while running freely (%v): %s", t.proc.proc.WaitErr(), t.proc.proc.StderrText())
				case <-time.After(time.Second):
				}
				return false, fmt.Errorf("qemutrace: running freely: %w", res.err)
			}
		case <-t.stream.done:
			stall.Stop()
			if err := t.stream.readErr(); err != nil && !errors.Is(err, io.EOF) {
				return false, fmt.Errorf("qemutrace: %w", err)
			}
			return false, errors.New("qemutrace: QEMU's log ended while QEMU runs")
		case <-t.proc.proc.Done():
			stall.Stop()
			// QEMU also ends when the guest exits: its last stop reply
			// says so.
			select {
			case res := <-t.run.stop:
				t.runStop = &res
				if res.err == nil {
					continue
				}
			case <-time.After(time.Second):
			}
			return false, fmt.Errorf("qemutrace: QEMU died while running freely (%v): %s", t.proc.proc.WaitErr(), t.proc.proc.StderrText())
		case <-ctx.Done():
			stall.Stop()
			return false, fmt.Errorf("qemutrace: waiting for QEMU's next block: %w", ctx.Err())
		case <-stall.C:
			return false, fmt.Errorf("qemutrace: %w: no block in %v while QEMU runs", ErrLogStalled, t.stallTimeout())
		}
	}
}

// Wait waits for a free run to end and reads QEMU's state there. The stop
// is Stepped at the breakpoint given to Resume, Signalled when the guest
// took a signal first (delivered by the next Step), or Exited/Killed.
// Blocks not yet taken with NextBlock are dropped.
func (t *Tracer) Wait(ctx context.Context) (machine.Stop, error) {
	run := t.run
	if run == nil {
		return machine.Stop{}, errors.New("qemutrace: Wait without Resume")
	}
	res := t.runStop
	if res == nil {
		select {
		case r := <-run.stop:
			res = &r
		case <-ctx.Done():
			return machine.Stop{}, fmt.Errorf("qemutrace: waiting for QEMU to stop: %w", ctx.Err())
		}
	}
	t.run, t.runStop = nil, nil
	if res.err != nil {
		return machine.Stop{}, fmt.Errorf("qemutrace: running freely: %w", res.err)
	}
	stop := res.stop
	var out machine.Stop
	if t.ending(stop, &out) {
		return out, nil
	}
	if run.until != 0 {
		if err := t.conn.RemoveBreakpoint(ctx, run.until, 1); err != nil {
			return machine.Stop{}, fmt.Errorf("qemutrace: remove breakpoint at %#x: %w", run.until, err)
		}
	}
	if err := t.readRegisters(ctx); err != nil {
		return machine.Stop{}, err
	}
	if err := t.readLog(); err != nil {
		return machine.Stop{}, err
	}
	out.PC = t.PC()
	if stop.Signal != 5 { // SIGTRAP is the breakpoint
		t.pending = linuxSignal(stop.Signal)
		out.Kind, out.Signal = machine.Signalled, t.pending
		return out, nil
	}
	out.Kind = machine.Stepped
	t.last = out
	return out, nil
}

// blockUnlogged are the layout's registers QEMU's CPU log does not show:
// state no user program reads, and the x87 tag and pointer registers
// (QEMU's stub reports them as 0).
var blockUnlogged = map[string]bool{"k_gs_base": true, "cr0": true, "cr2": true, "cr3": true, "cr4": true,
	"cr8": true, "efer": true, "ftag": true, "fiseg": true, "fioff": true, "foseg": true, "fooff": true, "fop": true}

// BlockRegisters names the layout's registers that NextBlock fills in;
// the others keep whatever dst held.
func (t *Tracer) BlockRegisters() []string {
	var out []string
	for _, r := range t.layout.Regs {
		if _, ok := t.logIx[r.Name]; ok {
			out = append(out, r.Name)
		}
	}
	return out
}

// logField says where a layout register comes from in a log record.
type logField struct {
	kind int // 0 GPR, 1 rip, 2 rflags, 3 selector, 4 segment base, 5 FPR, 6 fcw, 7 fsw, 8 xmm, 9 mxcsr
	n    int
}

var gprNames = [...]string{"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

// indexLog maps the layout's registers to the fields of a log record.
func indexLog(l *machine.Layout) map[string]logField {
	m := map[string]logField{"rip": {1, 0}, "eflags": {2, 0}, "fctrl": {6, 0}, "fstat": {7, 0}, "mxcsr": {9, 0},
		"es": {3, cpulog.ES}, "cs": {3, cpulog.CS}, "ss": {3, cpulog.SS}, "ds": {3, cpulog.DS}, "fs": {3, cpulog.FS}, "gs": {3, cpulog.GS},
		"fs_base": {4, cpulog.FS}, "gs_base": {4, cpulog.GS}}
	for i, n := range gprNames {
		m[n] = logField{0, i}
	}
	for i := range 8 {
		m[fmt.Sprintf("st%d", i)] = logField{5, i}
	}
	for i := range 16 {
		m[fmt.Sprintf("xmm%d", i)] = logField{8, i}
	}
	out := make(map[string]logField)
	for _, r := range l.Regs {
		if f, ok := m[r.Name]; ok && !blockUnlogged[r.Name] {
			out[r.Name] = f
		}
	}
	return out
}

// fromRecord writes a record's registers into dst.
func (t *Tracer) fromRecord(rec *cpulog.Record, dst *machine.Snapshot) {
	var b [16]byte
	for i, r := range t.layout.Regs {
		f, ok := t.logIx[r.Name]
		if !ok {
			continue
		}
		var v []byte
		switch f.kind {
		case 0:
			putLE(b[:8], rec.GPR[f.n])
			v = b[:8]
		case 1:
			putLE(b[:8], rec.RIP)
			v = b[:8]
		case 2:
			putLE(b[:8], uint64(rec.RFL))
			v = b[:8]
		case 3:
			putLE(b[:8], uint64(rec.Seg[f.n].Selector))
			v = b[:8]
		case 4:
			putLE(b[:8], rec.Seg[f.n].Base)
			v = b[:8]
		case 5:
			v = rec.FPR[f.n][:]
		case 6:
			putLE(b[:8], uint64(rec.FCW))
			v = b[:8]
		case 7:
			putLE(b[:8], uint64(rec.FSW))
			v = b[:8]
		case 8:
			v = rec.YMM[f.n][:16]
		case 9:
			putLE(b[:8], uint64(rec.MXCSR))
			v = b[:8]
		}
		reg := dst.Reg(i)
		clear(reg)
		copy(reg, v)
	}
}

func putLE(b []byte, v uint64) {
	for i := range b {
		b[i] = byte(v)
		v >>= 8
	}
}

// Restart ends this run of the program and starts it again under a new
// QEMU with the same configuration, stopped at its first instruction: block
// mode's localization runs it again single-stepped. The guest's output is
// discarded and its stdin is empty the second time.
func (t *Tracer) Restart(ctx context.Context) error {
	cfg := t.cfg
	cfg.Stdin, cfg.Stdout, cfg.Stderr = nil, nil, nil
	if err := t.Close(); err != nil {
		return fmt.Errorf("qemutrace: restart: %w", err)
	}
	nt, err := Start(ctx, cfg)
	if err != nil {
		return fmt.Errorf("qemutrace: restart: %w", err)
	}
	*t = *nt
	return nil
}

// RunTo runs QEMU freely to until (a breakpoint; 0 for none) without
// comparing: its blocks are dropped unparsed. It returns the stop, as Wait.
func (t *Tracer) RunTo(ctx context.Context, until uint64) (machine.Stop, error) {
	if t.stream == nil {
		return machine.Stop{}, errors.New("qemutrace: RunTo needs QEMU started in block or insn mode")
	}
	if err := t.stream.discard(ctx); err != nil {
		return machine.Stop{}, err
	}
	t.stream.blind.Store(true)
	defer t.stream.blind.Store(false)
	if err := t.Resume(ctx, until); err != nil {
		return machine.Stop{}, err
	}
	snap := t.layout.NewSnapshot()
	for {
		ok, err := t.NextBlock(ctx, snap)
		if err != nil {
			return machine.Stop{}, err
		}
		if !ok {
			break
		}
	}
	return t.Wait(ctx)
}

// straceLine is a system call in QEMU's strace log: "PID name(...".
var straceLine = regexp.MustCompile(`^[0-9]+ ([a-z_0-9]+\(|Unknown syscall)`)

// CountSyscalls runs the program once under QEMU, freely and without the
// gdbstub, with its strace log on (-d strace), and counts the system calls
// it makes: how windows split a run. The guest's output is discarded.
func CountSyscalls(ctx context.Context, cfg Config) (uint64, error) {
	qemu := cfg.QEMU
	if qemu == "" {
		qemu = "qemu-x86_64"
	}
	if err := launch.CheckProgram(cfg.Program); err != nil {
		return 0, fmt.Errorf("qemutrace: %w", err)
	}
	dir, err := launch.PrivateDir(cfg.TempDir, "lockstep-count-")
	if err != nil {
		return 0, fmt.Errorf("qemutrace: %w", err)
	}
	defer os.RemoveAll(dir)
	logPath := dir + "/strace.log"
	args := []string{"-d", "strace", "-D", logPath}
	if cfg.CPU != "" {
		args = append(args, "-cpu", cfg.CPU)
	}
	args = append(append(append(args, cfg.ExtraArgs...), cfg.Program), cfg.Args...)
	p, err := launch.Start("QEMU", launch.Spec{Path: qemu, Args: args, Env: cfg.Env, Dir: cfg.Dir})
	if err != nil {
		return 0, fmt.Errorf("qemutrace: %w", err)
	}
	defer p.Close()
	select {
	case <-p.Done():
	case <-ctx.Done():
		return 0, fmt.Errorf("qemutrace: counting system calls: %w", ctx.Err())
	}
	f, err := os.Open(logPath)
	if err != nil {
		return 0, fmt.Errorf("qemutrace: strace log: %w", err)
	}
	defer f.Close()
	var n uint64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if straceLine.Match(sc.Bytes()) {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("qemutrace: strace log: %w", err)
	}
	return n, nil
}
