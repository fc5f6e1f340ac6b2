// Package gdbtarget drives any emulator with a GDB stub as a program under
// test: it starts the emulator from a command template (or valgrind with
// its gdbserver), or connects to one already listening on a Unix socket,
// a TCP port or behind a relay command's stdin and stdout, discovers what
// the stub can do, and steps it one instruction at a time.
//
// Capabilities are discovered, not assumed: qSupported (QStartNoAckMode
// when offered), vCont? (plain 's' when the stub has no vCont), the
// target description for the registers (or a layout file the user
// supplies), run-length encoded replies and expedited registers (package
// rsp handles both). In no-ack mode a step's commands travel together
// (StepWith): two round trips a step, whatever it reads. The launcher
// gives the guarantees of qemutrace's:
// its own process group, Pdeathsig, a private 0700 directory, every wait
// bounded, nothing left running or on disk on any error path.
package gdbtarget

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"lockstep/internal/launch"
	"lockstep/machine"
	"lockstep/rsp"
)

// Config says what to start or connect to.
type Config struct {
	Spec Spec
	// Program and Args are the guest program and its arguments, for
	// templates and valgrind.
	Program string
	Args    []string
	Env     []string  // the guest's environment; nil means empty
	Dir     string    // its working directory
	Stdin   io.Reader // nil means /dev/null
	Stdout  io.Writer // the emulator's stdout (the guest's); nil discards
	Stderr  io.Writer // its stderr; nil discards (the end is kept for errors)

	// Layout is used when the stub has no target description (from a
	// layout file, ParseLayout).
	Layout *machine.Layout
	// Valgrind and VGDB are the binaries for Kind Valgrind (default from
	// PATH).
	Valgrind, VGDB string
	TempDir        string
	// StartTimeout bounds starting and connecting (default 20s).
	StartTimeout time.Duration
	// Timeout bounds each exchange with the stub (default rsp's).
	Timeout time.Duration
}

// ErrExited is returned by Step after the guest has ended.
var ErrExited = errors.New("gdbtarget: the guest has ended")

// ErrNoRegisters is wrapped when the stub cannot report registers.
var ErrNoRegisters = errors.New("the stub does not report registers")

// Target is a program under a gdbstub, stopped between instructions.
type Target struct {
	proc, relay *launch.Process
	dir         string
	conn        *rsp.Conn
	layout      *machine.Layout
	regs        *machine.Snapshot
	pid         int // the stub's process on this machine, 0 if unknown
	mapPid      int // the process whose /proc/PID/maps is the guest's, 0 if unknown
	x87Rel      bool
	pcIx        int
	ended       bool
	exit        machine.Stop
	caps        []string
	steps       uint64
	batch       rsp.Batch
	// code holds the bytes at pc read ahead with the last step's
	// registers; valid only until anything else runs or is written.
	code struct {
		pc    uint64
		buf   [maxInsn]byte
		valid bool
	}
}

// Start starts or connects to the target and stops it at the program's
// first instruction, with its registers read.
func Start(ctx context.Context, cfg Config) (_ *Target, err error) {
	timeout := cfg.StartTimeout
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := &Target{x87Rel: cfg.Spec.X87StackRelative}
	defer func() {
		if err != nil {
			t.Close()
		}
	}()
	nc, err := t.connect(sctx, &cfg)
	if err != nil {
		return nil, err
	}
	d := rsp.Dialer{Timeout: cfg.Timeout}
	if t.conn, err = d.NewConn(sctx, nc); err != nil {
		return nil, t.withStderr(fmt.Errorf("gdbtarget: handshake with the %s stub: %w", cfg.Spec.Kind, err))
	}
	t.caps = append(t.caps, "qSupported")
	if v, ok := t.conn.Feature("QStartNoAckMode"); ok && v == "+" {
		t.caps = append(t.caps, "no-ack")
	}
	// The stop reason before the target description: gdbserver 13 has no
	// current thread until asked, and then fails an assertion reading
	// target.xml (and closes the connection).
	if _, err := t.conn.StopReason(sctx); err != nil {
		return nil, t.withStderr(fmt.Errorf("gdbtarget: initial stop: %w", err))
	}
	t.mapPid = childPid(t.conn.Thread(), t.pid)
	t.layout, err = t.conn.TargetDescription(sctx)
	switch {
	case err == nil:
		t.caps = append(t.caps, "target.xml")
	case cfg.Layout != nil:
		t.layout = cfg.Layout
		t.caps = append(t.caps, "layout file")
	default:
		return nil, t.withStderr(fmt.Errorf("gdbtarget: the stub gives no target description (%w) and no layout file was given (--test-layout)", err))
	}
	if t.pcIx = t.layout.Index("rip"); t.pcIx < 0 {
		if t.pcIx = t.layout.Index("pc"); t.pcIx < 0 {
			return nil, fmt.Errorf("gdbtarget: the register layout (%s) has no rip: not an x86-64 target", t.layout.Arch)
		}
	}
	t.regs = t.layout.NewSnapshot()
	if err := t.readRegisters(sctx); err != nil {
		return nil, err
	}
	return t, nil
}

// withStderr adds the end of the emulator's stderr to an error.
func (t *Target) withStderr(err error) error {
	if t.relay != nil {
		if text := strings.TrimSpace(t.relay.StderrText()); text != "" {
			err = fmt.Errorf("%w; %s stderr: %s", err, t.relay.Name, text)
		}
	}
	if t.proc != nil {
		return fmt.Errorf("%w; %s stderr: %s", err, t.proc.Name, t.proc.StderrText())
	}
	return err
}

func (t *Target) connect(ctx context.Context, cfg *Config) (net.Conn, error) {
	sp := cfg.Spec
	switch sp.Kind {
	case Unix, TCP:
		network := map[Kind]string{Unix: "unix", TCP: "tcp"}[sp.Kind]
		var d net.Dialer
		nc, err := d.DialContext(ctx, network, sp.Address)
		if err != nil {
			return nil, fmt.Errorf("gdbtarget: connect to %s: %w", sp.Address, err)
		}
		return nc, nil
	case Pipe:
		return t.startRelay(sp.Words, nil)
	case Template, Gdbserver:
		return t.startTemplate(ctx, cfg)
	case Valgrind:
		return t.startValgrind(ctx, cfg)
	}
	return nil, fmt.Errorf("gdbtarget: unknown target kind %v", sp.Kind)
}

func (t *Target) guest(cfg *Config, path string, args []string) launch.Spec {
	return launch.Spec{Path: path, Args: args, Env: cfg.Env, Dir: cfg.Dir, Stdin: cfg.Stdin, Stdout: cfg.Stdout, Stderr: cfg.Stderr}
}

func (t *Target) startTemplate(ctx context.Context, cfg *Config) (net.Conn, error) {
	if err := launch.CheckProgram(cfg.Program); err != nil {
		return nil, fmt.Errorf("gdbtarget: %w", err)
	}
	dir, err := launch.PrivateDir(cfg.TempDir, "lockstep-gdb-")
	if err != nil {
		return nil, fmt.Errorf("gdbtarget: %w", err)
	}
	t.dir = dir
	sock, port := filepath.Join(dir, "gdb.sock"), 0
	if cfg.Spec.Port {
		if port, err = freePort(); err != nil {
			return nil, fmt.Errorf("gdbtarget: a free port: %w", err)
		}
	}
	words := cfg.Spec.Expand(sock, port, cfg.Program, cfg.Args)
	if t.proc, err = launch.Start(filepath.Base(words[0]), t.guest(cfg, words[0], words[1:])); err != nil {
		return nil, fmt.Errorf("gdbtarget: %w", err)
	}
	t.pid = t.proc.Pid()
	network, addr := "unix", sock
	if cfg.Spec.Port {
		network, addr = "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	}
	return t.dialRetry(ctx, network, addr)
}

// dialRetry connects to a stub the emulator is still setting up: a
// missing socket or a refused connection is retried until ctx ends or the
// emulator dies.
func (t *Target) dialRetry(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	for {
		c, err := d.DialContext(ctx, network, addr)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, syscall.ECONNREFUSED) && !errors.Is(err, syscall.ENOENT) {
			return nil, t.withStderr(fmt.Errorf("gdbtarget: connect to %s: %w", addr, err))
		}
		select {
		case <-t.proc.Done():
			return nil, fmt.Errorf("gdbtarget: %s exited before its gdbstub listened on %s (%v): %s", t.proc.Name, addr, t.proc.WaitErr(), t.proc.StderrText())
		case <-ctx.Done():
			return nil, t.withStderr(fmt.Errorf("gdbtarget: waiting for the gdbstub on %s: %w", addr, ctx.Err()))
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// startRelay runs a relay command and returns a connection over its stdin
// and stdout.
func (t *Target) startRelay(words []string, group *launch.Process) (net.Conn, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("gdbtarget: pipe: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, fmt.Errorf("gdbtarget: pipe: %w", err)
	}
	spec := launch.Spec{Path: words[0], Args: words[1:], Env: os.Environ(), Group: group}
	// *os.File stdin and stdout are passed to the child as they are.
	spec.Stdin, spec.Stdout = inR, outW
	t.relay, err = launch.Start(filepath.Base(words[0]), spec)
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("gdbtarget: relay: %w", err)
	}
	return &pipeConn{r: outR, w: inW}, nil
}

// startValgrind starts the program under valgrind's gdbserver, waits
// until it waits for a debugger, and connects through vgdb. The FIFOs
// valgrind and vgdb share live in the private directory (--vgdb-prefix).
func (t *Target) startValgrind(ctx context.Context, cfg *Config) (net.Conn, error) {
	if err := launch.CheckProgram(cfg.Program); err != nil {
		return nil, fmt.Errorf("gdbtarget: %w", err)
	}
	dir, err := launch.PrivateDir(cfg.TempDir, "lockstep-valgrind-")
	if err != nil {
		return nil, fmt.Errorf("gdbtarget: %w", err)
	}
	t.dir = dir
	prefix := filepath.Join(dir, "vgdb")
	vg := cmp(cfg.Valgrind, "valgrind")
	args := []string{"--tool=none", "--vgdb=full", "--vgdb-error=0", "--vgdb-prefix=" + prefix, cfg.Program}
	if t.proc, err = launch.Start("valgrind", t.guest(cfg, vg, append(args, cfg.Args...))); err != nil {
		return nil, fmt.Errorf("gdbtarget: %w", err)
	}
	t.pid = t.proc.Pid()
	// valgrind says how to connect, but on a loaded machine may do so
	// before its FIFOs and shared memory file exist (vgdb then fails with
	// "no FIFO found matching pid"): wait for both.
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !strings.Contains(t.proc.Stderr().String(), "TO DEBUG THIS PROCESS USING GDB") || !valgrindReady(prefix, t.pid) {
		select {
		case <-t.proc.Done():
			return nil, fmt.Errorf("gdbtarget: valgrind exited before its gdbserver was ready (%v): %s", t.proc.WaitErr(), t.proc.StderrText())
		case <-ctx.Done():
			return nil, t.withStderr(fmt.Errorf("gdbtarget: waiting for valgrind's gdbserver: %w", ctx.Err()))
		case <-tick.C:
		}
	}
	vgdb := cmp(cfg.VGDB, "vgdb")
	// valgrind already waits for a debugger (--vgdb-error=0): vgdb must not
	// also try to force gdbserver's invocation through ptrace when valgrind
	// is slow to answer on a loaded machine (its default after 100 ms).
	return t.startRelay([]string{vgdb, "--max-invoke-ms=0", "--vgdb-prefix=" + prefix, "--pid=" + strconv.Itoa(t.pid)}, t.proc)
}

// valgrindReady reports whether the FIFOs and the shared memory file that
// vgdb needs for pid exist under prefix.
func valgrindReady(prefix string, pid int) bool {
	for _, kind := range []string{"from-vgdb-to", "to-vgdb-from", "shared-mem-vgdb"} {
		if m, _ := filepath.Glob(fmt.Sprintf("%s-%s-%d-by-*", prefix, kind, pid)); len(m) == 0 {
			return false
		}
	}
	return true
}

func cmp(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Capabilities lists what was discovered: "qSupported", "no-ack",
// "target.xml" or "layout file", and the stepping packet once known.
func (t *Target) Capabilities() []string { return t.caps }

// Feature is the stub's qSupported value for name.
func (t *Target) Feature(name string) (string, bool) { return t.conn.Feature(name) }

// X87StackRelative says the stub numbers st0-st7 from the x87 stack top
// (GDB's convention, gdbserver's) rather than physically (QEMU 7.2's and
// valgrind's stubs).
func (t *Target) X87StackRelative() bool { return t.x87Rel }

// Layout is the register layout of the stub.
func (t *Target) Layout() *machine.Layout { return t.layout }

// Registers is the register file after the last step, updated in place.
func (t *Target) Registers() *machine.Snapshot { return t.regs }

// PC is the current program counter.
func (t *Target) PC() uint64 { return le64(t.regs.Reg(t.pcIx)) }

// Processes are the processes of this machine that run the target: the
// stub's, the guest's own when it is another (gdbserver's child), and a
// relay's (vgdb); none for a stub connected to.
func (t *Target) Processes() []int {
	var out []int
	for _, p := range []int{t.pid, t.mapPid} {
		if p > 0 && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if t.relay != nil {
		out = append(out, t.relay.Pid())
	}
	return out
}

// Pid is the stub's process when it runs on this machine (0: unknown).
func (t *Target) Pid() int { return t.pid }

// Steps counts the steps taken.
func (t *Target) Steps() uint64 { return t.steps }

// Ended reports whether the guest has ended, and how.
func (t *Target) Ended() (machine.Stop, bool) { return t.exit, t.ended }

func (t *Target) readRegisters(ctx context.Context) error {
	if err := t.conn.ReadRegisters(ctx, t.regs.Regs); err != nil {
		return t.registersError(err)
	}
	return nil
}

// registersError explains a failed 'g'.
func (t *Target) registersError(err error) error {
	var e *rsp.Error
	if errors.Is(err, rsp.ErrUnsupported) || errors.As(err, &e) {
		return fmt.Errorf("gdbtarget: read registers ('g'): %w: %w", ErrNoRegisters, err)
	}
	return t.withStderr(fmt.Errorf("gdbtarget: read registers: %w", err))
}

// Step executes one instruction and reads the registers after it. A
// signal other than the step's SIGTRAP is a Signalled stop (Linux
// numbering); the guest's end is Exited or Killed.
func (t *Target) Step(ctx context.Context) (machine.Stop, error) {
	return t.StepWith(ctx, nil)
}

// maxInsn is the longest x86 instruction.
const maxInsn = 15

// Read is a memory read made in a step's round trips. Err is the read's
// own failure (an unmapped address); Buf is valid when it is nil.
type Read struct {
	Addr uint64
	Buf  []byte
	Err  error
}

// StepReads says what to read around one step. With a stub in no-ack mode
// the reads travel with the step and with the register read after it
// (package rsp's Batch), so a step costs two round trips whatever it reads,
// as a plain step and 'g' do.
type StepReads struct {
	Before []Read // read just before the instruction runs
	After  []Read // read after it, with the registers
	// NextPC is where the next instruction most likely starts, used when
	// the stop reply does not expedite the pc (0: no guess). Its bytes are
	// read ahead for Code.
	NextPC uint64
}

// StepWith is Step with the reads rd asks for (nil: none). A Read that
// fails keeps its error and does not fail the step.
func (t *Target) StepWith(ctx context.Context, rd *StepReads) (machine.Stop, error) {
	if t.ended {
		return t.exit, ErrExited
	}
	pc := t.PC()
	t.code.valid = false
	b := &t.batch
	b.Reset()
	if rd != nil {
		for i := range rd.Before {
			r := &rd.Before[i]
			b.ReadMemory(r.Addr, r.Buf, &r.Err)
		}
	}
	var s rsp.Stop
	var serr error
	b.Step(&s, &serr)
	if err := t.conn.Do(ctx, b); err != nil {
		serr = err
	}
	if serr != nil {
		return machine.Stop{}, t.withStderr(fmt.Errorf("gdbtarget: step at %#x: %w", pc, serr))
	}
	st, ok, err := t.stopKind(pc, s)
	if !ok {
		return st, err
	}
	var next uint64 // where to read the next instruction ahead, for Code
	if rd != nil {
		if next = t.expeditedPC(s); next == 0 {
			next = rd.NextPC
		}
	}
	b.Reset()
	var gerr error
	b.ReadRegisters(t.regs.Regs, &gerr)
	if rd != nil {
		for i := range rd.After {
			r := &rd.After[i]
			b.ReadMemory(r.Addr, r.Buf, &r.Err)
		}
	}
	var cerr error
	if next != 0 {
		t.code.pc = next
		b.ReadMemory(next, t.code.buf[:], &cerr)
	}
	if err := t.conn.Do(ctx, b); err != nil {
		return st, t.withStderr(fmt.Errorf("gdbtarget: read registers: %w", err))
	}
	if gerr != nil {
		return st, t.registersError(gerr)
	}
	t.code.valid = next != 0 && cerr == nil
	return t.stepped(pc, st), nil
}

// expeditedPC is the pc a stop reply expedites, or 0.
func (t *Target) expeditedPC(s rsp.Stop) uint64 {
	reg := t.layout.Regs[t.pcIx]
	for _, e := range s.Registers {
		if e.Regnum == reg.Regnum && len(e.Value) == 8 {
			return le64(e.Value)
		}
	}
	return 0
}

// Code returns the bytes of the instruction at the pc (up to 15, fewer
// where the mapping ends): read ahead with the last step's registers when
// the guess was right, else read now.
func (t *Target) Code(ctx context.Context) []byte {
	pc := t.PC()
	if t.code.valid && t.code.pc == pc {
		return t.code.buf[:]
	}
	for n := maxInsn; n > 0; n-- {
		if t.ReadMemory(ctx, pc, t.code.buf[:n]) == nil {
			t.code.pc, t.code.valid = pc, n == maxInsn
			return t.code.buf[:n]
		}
	}
	return nil
}

// StepSyscall executes exactly the syscall instruction at the current pc:
// a breakpoint at next (pc+2, or where the call resumes: rt_sigreturn
// resumes the interrupted context) and a continue, since some stubs'
// single step runs the next instruction too (QEMU 7.2's). A stub without
// breakpoints is single-stepped.
func (t *Target) StepSyscall(ctx context.Context, next uint64) (machine.Stop, error) {
	if t.ended {
		return t.exit, ErrExited
	}
	pc := t.PC()
	if err := t.conn.InsertBreakpoint(ctx, next, 1); err != nil {
		var e *rsp.Error
		if errors.Is(err, rsp.ErrUnsupported) || errors.As(err, &e) {
			return t.Step(ctx)
		}
		return machine.Stop{}, t.withStderr(fmt.Errorf("gdbtarget: breakpoint after the syscall at %#x: %w", pc, err))
	}
	s, err := t.conn.Continue(ctx)
	if err != nil {
		return machine.Stop{}, t.withStderr(fmt.Errorf("gdbtarget: continue over the syscall at %#x: %w", pc, err))
	}
	if s.Kind == rsp.StopSignal {
		if err := t.conn.RemoveBreakpoint(ctx, next, 1); err != nil {
			return machine.Stop{}, t.withStderr(fmt.Errorf("gdbtarget: remove the breakpoint after the syscall at %#x: %w", pc, err))
		}
	}
	return t.stopped(ctx, pc, s)
}

// DeliverSignal resumes the guest with the Linux signal sig to its
// handler at handler: a breakpoint there and a continue with the signal
// (a single step with it where the stub has no breakpoints). The stop is
// Stepped on the handler's first instruction, or whatever ended the guest
// or stopped it first.
func (t *Target) DeliverSignal(ctx context.Context, sig int, handler uint64) (machine.Stop, error) {
	if t.ended {
		return t.exit, ErrExited
	}
	pc := t.PC()
	gsig := rsp.GDBSignal(sig)
	var s rsp.Stop
	err := t.conn.InsertBreakpoint(ctx, handler, 1)
	var e *rsp.Error
	switch {
	case err == nil:
		s, err = t.conn.ContinueWithSignal(ctx, gsig)
		if err == nil && s.Kind == rsp.StopSignal {
			err = t.conn.RemoveBreakpoint(ctx, handler, 1)
		}
	case errors.Is(err, rsp.ErrUnsupported) || errors.As(err, &e):
		s, err = t.conn.StepWithSignal(ctx, gsig)
	}
	if err != nil {
		return machine.Stop{}, t.withStderr(fmt.Errorf("gdbtarget: deliver %s to the handler at %#x: %w", machine.SignalName(sig), handler, err))
	}
	return t.stopped(ctx, pc, s)
}

// stopped records the stop that ended a step from pc and reads the
// registers after it.
func (t *Target) stopped(ctx context.Context, pc uint64, s rsp.Stop) (machine.Stop, error) {
	t.code.valid = false
	st, ok, err := t.stopKind(pc, s)
	if !ok {
		return st, err
	}
	if err := t.readRegisters(ctx); err != nil {
		return st, err
	}
	return t.stepped(pc, st), nil
}

// stopKind turns the stop reply s that ended a step from pc into a Stop;
// ok says the guest is still there (its registers can be read).
func (t *Target) stopKind(pc uint64, s rsp.Stop) (st machine.Stop, ok bool, err error) {
	if t.steps == 0 {
		t.caps = append(t.caps, "stepping")
		if t.conn.Pipelines() {
			t.caps = append(t.caps, "pipelined")
		}
	}
	t.steps++
	switch s.Kind {
	case rsp.StopExited:
		t.ended, t.exit = true, machine.Stop{Kind: machine.Exited, PC: pc, ExitStatus: s.ExitStatus}
		return t.exit, false, nil
	case rsp.StopTerminated:
		t.ended, t.exit = true, machine.Stop{Kind: machine.Killed, PC: pc, Signal: rsp.LinuxSignal(s.Signal)}
		return t.exit, false, nil
	case rsp.StopSignal:
		if sig := rsp.LinuxSignal(s.Signal); sig != machine.SIGTRAP {
			return machine.Stop{Kind: machine.Signalled, PC: pc, Signal: sig}, true, nil
		}
		return machine.Stop{Kind: machine.Stepped, PC: pc}, true, nil
	}
	return machine.Stop{}, false, fmt.Errorf("gdbtarget: step at %#x: unexpected stop %v", pc, s)
}

// stepped marks a step that left the pc where it was (a rep iteration).
func (t *Target) stepped(pc uint64, st machine.Stop) machine.Stop {
	if st.Kind == machine.Stepped && t.PC() == pc {
		st.Repeat = true
	}
	return st
}

// ReadMemory reads the guest's memory.
func (t *Target) ReadMemory(ctx context.Context, addr uint64, p []byte) error {
	if t.ended {
		return ErrExited
	}
	if err := t.conn.ReadMemory(ctx, addr, p); err != nil {
		return fmt.Errorf("gdbtarget: read %d bytes at %#x: %w", len(p), addr, err)
	}
	return nil
}

// WriteMemory writes the guest's memory.
func (t *Target) WriteMemory(ctx context.Context, addr uint64, p []byte) error {
	t.code.valid = false
	if err := t.conn.WriteMemory(ctx, addr, p); err != nil {
		return fmt.Errorf("gdbtarget: write %d bytes at %#x: %w", len(p), addr, err)
	}
	return nil
}

// WriteRegisters writes the whole register file ('G') from s, which must
// have the target's layout, and reads it back.
func (t *Target) WriteRegisters(ctx context.Context, s *machine.Snapshot) error {
	if err := t.conn.WriteRegisters(ctx, s.Regs); err != nil {
		return fmt.Errorf("gdbtarget: write registers: %w", err)
	}
	return t.readRegisters(ctx)
}

// Map is the guest's memory map and where it came from: the stub's
// qXfer:memory-map when offered, else /proc/PID/maps of the stub's process
// when it runs here; nil when neither (the caller uses the reference's).
func (t *Target) Map(ctx context.Context) (*machine.Map, string) {
	if v, ok := t.conn.Feature("qXfer:memory-map:read"); ok && v == "+" {
		if x, err := t.conn.ReadObject(ctx, "memory-map", ""); err == nil {
			if m := parseMemoryMap(x); m.Len() > 0 {
				return m, "the stub's memory map"
			}
		}
	}
	if t.mapPid > 0 {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", t.mapPid)); err == nil {
			if m := ParseProcMaps(b); m.Len() > 0 {
				return m, fmt.Sprintf("/proc/%d/maps", t.mapPid)
			}
		}
	}
	return nil, ""
}

// childPid is the process whose memory map is the guest's: the one a stop
// reply's thread id ("pPID.TID") names when it is a child of the stub's
// process stub (gdbserver runs the program as its child), else stub itself
// (valgrind and QEMU run the guest in their own process; QEMU names
// process 1).
func childPid(thread string, stub int) int {
	if stub <= 0 {
		return 0
	}
	rest, ok := strings.CutPrefix(thread, "p")
	if !ok {
		return stub
	}
	hex, _, _ := strings.Cut(rest, ".")
	pid, err := strconv.ParseInt(hex, 16, 32)
	if err != nil || pid <= 1 || int(pid) == stub {
		return stub
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return stub
	}
	// The parent is the second field after the command, which is in
	// parentheses and may itself contain blanks and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return stub
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 || f[1] != strconv.Itoa(stub) {
		return stub
	}
	return int(pid)
}

// ParseProcMaps reads a /proc/PID/maps text into a map; lines it cannot
// read are skipped.
func ParseProcMaps(b []byte) *machine.Map {
	m := machine.NewMap()
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		if !ok || len(f[1]) < 3 {
			continue
		}
		s, err1 := strconv.ParseUint(lo, 16, 64)
		e, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || e <= s {
			continue
		}
		var p machine.Perm
		if f[1][0] == 'r' {
			p |= machine.PermRead
		}
		if f[1][1] == 'w' {
			p |= machine.PermWrite
		}
		if f[1][2] == 'x' {
			p |= machine.PermExec
		}
		m.Set(s, e, p)
	}
	return m
}

// parseMemoryMap reads GDB's memory-map XML (<memory type= start= length=>).
func parseMemoryMap(x []byte) *machine.Map {
	m := machine.NewMap()
	for _, el := range strings.Split(string(x), "<memory")[1:] {
		attr := func(name string) (uint64, bool) {
			i := strings.Index(el, name+"=\"")
			if i < 0 {
				return 0, false
			}
			v := el[i+len(name)+2:]
			j := strings.IndexByte(v, '"')
			if j < 0 {
				return 0, false
			}
			n, err := strconv.ParseUint(v[:j], 0, 64)
			return n, err == nil
		}
		s, ok1 := attr("start")
		l, ok2 := attr("length")
		if ok1 && ok2 && l > 0 && s+l > s {
			m.Set(s, s+l, machine.PermRead|machine.PermWrite)
		}
	}
	return m
}

// Close ends the session: kills the emulator's process group, closes
// the connection, removes the private directory. Safe to call twice.
func (t *Target) Close() error {
	var errs []error
	if t.conn != nil {
		t.conn.Close()
	}
	if t.relay != nil {
		errs = append(errs, t.relay.Close())
	}
	if t.proc != nil {
		errs = append(errs, t.proc.Close())
	}
	if t.dir != "" {
		if err := os.RemoveAll(t.dir); err != nil {
			errs = append(errs, fmt.Errorf("gdbtarget: remove %s: %w", t.dir, err))
		}
		t.dir = ""
	}
	return errors.Join(errs...)
}

func le64(b []byte) uint64 {
	var v uint64
	for i := min(len(b), 8) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}
