// Package qemutrace runs a Linux user-mode program under qemu-x86_64 and
// steps it one instruction at a time over QEMU's gdbstub, yielding the
// architectural state after every instruction.
//
// QEMU is started with its gdbstub on a private Unix socket and its page
// log (-d page) in the same private directory; the register layout comes
// from the stub's target description, the memory map from the page log
// (QEMU's stub cannot report mappings) and from the munmap, mprotect,
// mremap and brk calls the tracer steps over, which QEMU does not log.
//
// Two facts of QEMU 7.2's stub shape the stepping: a single step over
// `syscall` runs the next instruction too, so the tracer steps a syscall
// with a breakpoint after it; and a rep-prefixed string instruction stops
// once per iteration with rip unchanged, reported as Stop.Repeat.
package qemutrace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"time"

	"lockstep/machine"
	"lockstep/qemutrace/pagelog"
	"lockstep/rsp"
)

// Config says what to run and how.
type Config struct {
	QEMU      string   // QEMU binary; default "qemu-x86_64" from PATH
	CPU       string   // -cpu model; empty leaves QEMU's default
	ExtraArgs []string // more QEMU options, before the program

	Program string    // the guest program
	Args    []string  // its arguments (after argv[0])
	Env     []string  // its environment; nil means empty
	Dir     string    // its working directory; empty means ours
	Stdin   io.Reader // its stdin; nil means /dev/null
	Stdout  io.Writer // its stdout; nil discards
	Stderr  io.Writer // its stderr (QEMU's own messages too); nil discards

	// Mode is how QEMU runs between stops (default Stepped). Blocks and
	// Insns log its CPU state to a FIFO; see Resume and NextBlock.
	Mode Mode
	// StallTimeout bounds the wait for QEMU's next block while it runs
	// freely (default StallTimeout).
	StallTimeout time.Duration

	TempDir      string        // parent of the private directory; default os.TempDir()
	StartTimeout time.Duration // for QEMU's gdbstub to come up; default 10s
}

// ErrExited is returned by Step after the guest has exited or been killed.
var ErrExited = errors.New("qemutrace: the guest has ended")

// Tracer is a guest program under QEMU, stopped between instructions.
// It is not safe for concurrent use.
type Tracer struct {
	proc   *process
	conn   *rsp.Conn
	layout *machine.Layout
	regs   *machine.Snapshot
	ix     regIndex

	logFile *os.File
	log     pagelog.Parser
	logBuf  []byte
	mem     *machine.Map
	brk     uint64

	code map[uint64][]byte // instruction bytes of non-writable pages

	// repPC is the last instruction found to leave rip unchanged, and
	// repIs whether it is a rep string instruction (repValid: known).
	repPC           uint64
	repIs, repValid bool

	steps, syscalls uint64
	pending         int            // a signal (Linux's number) the guest stopped with, delivered by the next step or Deliver
	actions         map[int]action // signal handlers the program installed, by Linux signal
	ended           bool
	last            machine.Stop

	cfg     Config              // for Restart
	stream  *stream             // Blocks and Insns: the log FIFO
	logIx   map[string]logField // layout registers found in a log record
	run     *resumed            // a free run in progress
	runStop *resumeResult       // its stop, once NextBlock saw it
}

// regIndex holds the layout positions of the registers the tracer itself
// needs: the program counter and the syscall convention.
type regIndex struct {
	pc, sp, ax int
	args       [6]int
}

// Start launches the program under QEMU, stopped at its first instruction.
func Start(ctx context.Context, cfg Config) (_ *Tracer, err error) {
	proc, nc, err := startProcess(ctx, &cfg)
	if err != nil {
		return nil, err
	}
	t := &Tracer{proc: proc, code: make(map[uint64][]byte), cfg: cfg}
	defer func() {
		if err != nil {
			t.Close()
		}
	}()
	if t.conn, err = rsp.NewConn(ctx, nc); err != nil {
		return nil, fmt.Errorf("qemutrace: gdbstub handshake: %w", err)
	}
	if t.layout, err = t.conn.TargetDescription(ctx); err != nil {
		return nil, fmt.Errorf("qemutrace: target description: %w", err)
	}
	if t.ix, err = indexRegisters(t.layout); err != nil {
		return nil, err
	}
	// The initial stop reply names the thread that vCont steps.
	if _, err := t.conn.StopReason(ctx); err != nil {
		return nil, fmt.Errorf("qemutrace: initial stop: %w", err)
	}
	t.regs = t.layout.NewSnapshot()
	if err := t.readRegisters(ctx); err != nil {
		return nil, err
	}
	if proc.fifo != nil {
		if t.stream, err = newStream(proc.fifo); err != nil {
			return nil, err
		}
		proc.fifo = nil
		t.logIx = indexLog(t.layout)
	} else if t.logFile, err = os.Open(proc.logPath); err != nil {
		return nil, fmt.Errorf("qemutrace: page log: %w", err)
	}
	if err := t.readLog(); err != nil {
		return nil, err
	}
	if t.mem == nil {
		return nil, fmt.Errorf("qemutrace: QEMU logged no memory map")
	}
	if load, ok := t.log.Load(); ok {
		t.brk = load.Brk
	}
	return t, nil
}

func indexRegisters(l *machine.Layout) (regIndex, error) {
	var ix regIndex
	names := []struct {
		dst  *int
		name string
	}{{&ix.pc, "rip"}, {&ix.sp, "rsp"}, {&ix.ax, "rax"}, {&ix.args[0], "rdi"}, {&ix.args[1], "rsi"},
		{&ix.args[2], "rdx"}, {&ix.args[3], "r10"}, {&ix.args[4], "r8"}, {&ix.args[5], "r9"}}
	for _, n := range names {
		if *n.dst = l.Index(n.name); *n.dst < 0 {
			return ix, fmt.Errorf("qemutrace: target description (%s) has no register %q: not an x86-64 target", l.Arch, n.name)
		}
	}
	return ix, nil
}

// Layout is the register layout from the stub's target description.
func (t *Tracer) Layout() *machine.Layout { return t.layout }

// Registers is the register file after the last step. It is updated in
// place by Step: clone it to keep it.
func (t *Tracer) Registers() *machine.Snapshot { return t.regs }

// PC is the current program counter.
func (t *Tracer) PC() uint64 { return t.reg(t.ix.pc) }

// Map is the guest's memory map after the last step. It is replaced, not
// modified, by later steps; callers must not modify it.
func (t *Tracer) Map() *machine.Map { return t.mem }

// Load is QEMU's summary of the loaded binary (entry, brk, stack...).
func (t *Tracer) Load() pagelog.Load {
	l, _ := t.log.Load()
	return l
}

// Steps counts the instructions (and rep iterations) stepped so far.
func (t *Tracer) Steps() uint64 { return t.steps }

// Syscalls counts the system calls stepped over so far.
func (t *Tracer) Syscalls() uint64 { return t.syscalls }

// Last is the stop of the last step.
func (t *Tracer) Last() machine.Stop { return t.last }

// ReadMemory reads guest memory as it is now.
func (t *Tracer) ReadMemory(ctx context.Context, addr uint64, p []byte) error {
	if t.ended {
		return ErrExited
	}
	if t.run != nil {
		// The stub cannot be asked while QEMU runs; block mode's oracle
		// fetches every page it needs before (docs/block-mode.md).
		return fmt.Errorf("qemutrace: read at %#x while QEMU runs freely", addr)
	}
	if err := t.conn.ReadMemory(ctx, addr, p); err != nil {
		return fmt.Errorf("qemutrace: read %d bytes at %#x: %w", len(p), addr, err)
	}
	return nil
}

func (t *Tracer) reg(i int) uint64 { return le64(t.regs.Reg(i)) }

func (t *Tracer) readRegisters(ctx context.Context) error {
	if err := t.conn.ReadRegisters(ctx, t.regs.Regs); err != nil {
		return fmt.Errorf("qemutrace: read registers: %w", err)
	}
	return nil
}

// Pid is QEMU's process.
func (t *Tracer) Pid() int { return t.proc.proc.Pid() }

// Step executes one instruction (or one iteration of a rep string
// instruction) and reads the registers after it. A fault of the guest is
// a Signalled stop, not an error; the step after it delivers the signal.
func (t *Tracer) Step(ctx context.Context) (machine.Stop, error) {
	if t.ended {
		return machine.Stop{}, ErrExited
	}
	if t.run != nil {
		return machine.Stop{}, errors.New("qemutrace: Step while QEMU runs freely: Wait first")
	}
	pc := t.PC()
	var (
		stop rsp.Stop
		err  error
		sys  *machine.SyscallInfo
	)
	switch {
	case t.pending != 0:
		sig := t.pending
		t.pending = 0
		stop, err = t.conn.StepWithSignal(ctx, gdbSignal(sig))
	default:
		var isSys bool
		if isSys, err = t.isSyscall(ctx, pc); err != nil {
			return machine.Stop{}, err
		}
		if isSys {
			sys = &machine.SyscallInfo{Number: t.reg(t.ix.ax)}
			for i, r := range t.ix.args {
				sys.Args[i] = t.reg(r)
			}
			stop, err = t.stepSyscall(ctx, pc, sys.Number)
		} else {
			stop, err = t.conn.Step(ctx)
		}
	}
	if err != nil {
		return machine.Stop{}, fmt.Errorf("qemutrace: step at %#x: %w", pc, err)
	}
	out := machine.Stop{PC: pc}
	switch stop.Kind {
	case rsp.StopExited:
		t.ended = true
		out.Kind, out.ExitStatus, out.Syscall = machine.Exited, stop.ExitStatus, sys
	case rsp.StopTerminated:
		t.ended = true
		out.Kind, out.Signal = machine.Killed, linuxSignal(stop.Signal)
	default:
		if err := t.readRegisters(ctx); err != nil {
			return machine.Stop{}, err
		}
		switch {
		case stop.Signal != 5 && sys != nil && t.PC() != pc && t.Handled(linuxSignal(stop.Signal)):
			// A handled signal arrived as the syscall returned (the
			// program signalled itself): the call is done, the signal
			// pending for Deliver.
			t.pending = linuxSignal(stop.Signal)
			sys.Result = t.reg(t.ix.ax)
			out.Kind, out.Syscall, out.Signal = machine.Syscall, sys, t.pending
			t.syscalls++
			if err := t.followSyscall(sys); err != nil {
				return machine.Stop{}, err
			}
			if err := t.followSigaction(ctx, sys); err != nil {
				return machine.Stop{}, err
			}
		case stop.Signal != 5: // SIGTRAP is the step itself
			t.pending = linuxSignal(stop.Signal)
			out.Kind, out.Signal, out.PC = machine.Signalled, t.pending, t.PC()
		case sys != nil:
			sys.Result = t.reg(t.ix.ax)
			out.Kind, out.Syscall = machine.Syscall, sys
			t.syscalls++
			if err := t.followSyscall(sys); err != nil {
				return machine.Stop{}, err
			}
			if err := t.followSigaction(ctx, sys); err != nil {
				return machine.Stop{}, err
			}
		default:
			out.Kind = machine.Stepped
			if t.PC() == pc {
				if out.Repeat, err = t.repeated(ctx, pc); err != nil {
					return machine.Stop{}, err
				}
			} else {
				t.repValid = false
			}
		}
	}
	if out.Kind != machine.Signalled {
		t.steps++
	}
	if t.stream != nil && !t.ended {
		// The blocks of a gdbstub step are compared by stepping.
		if err := t.stream.discard(ctx); err != nil {
			return machine.Stop{}, err
		}
	}
	if sys != nil && out.Kind == machine.Exited {
		t.syscalls++
	}
	t.last = out
	return out, nil
}

const (
	sysMmap         = 9
	sysMprotect     = 10
	sysMunmap       = 11
	sysBrk          = 12
	sysRtSigreturn  = 15
	sysMremap       = 25
	sysMadvise      = 28
	sysShmat        = 30
	sysExecve       = 59
	sysShmdt        = 67
	sysRemapFile    = 216
	sysPkeyMprotect = 329
	pageSize        = 4096
)

// stepSyscall runs exactly the syscall at pc: QEMU's single step would run
// the instruction after it too, so continue to a breakpoint where the
// syscall returns to.
func (t *Tracer) stepSyscall(ctx context.Context, pc, nr uint64) (rsp.Stop, error) {
	next := pc + 2
	if nr == sysRtSigreturn {
		// rt_sigreturn resumes the interrupted context: its rip is in the
		// signal frame's ucontext at rsp.
		var b [8]byte
		if err := t.conn.ReadMemory(ctx, t.reg(t.ix.sp)+machine.UcontextRIP, b[:]); err != nil {
			return rsp.Stop{}, fmt.Errorf("read rt_sigreturn frame: %w", err)
		}
		next = le64(b[:])
	}
	if err := t.conn.InsertBreakpoint(ctx, next, 1); err != nil {
		return rsp.Stop{}, fmt.Errorf("breakpoint after syscall: %w", err)
	}
	stop, err := t.conn.Continue(ctx)
	if err != nil {
		return stop, err
	}
	if stop.Kind == rsp.StopSignal {
		if err := t.conn.RemoveBreakpoint(ctx, next, 1); err != nil {
			return stop, fmt.Errorf("remove breakpoint after syscall: %w", err)
		}
	}
	return stop, nil
}

// isSyscall reports whether the instruction at pc is `syscall` (0f 05).
// Bytes of non-writable pages are cached (they change only through
// syscalls, which flush the cache); writable pages are read every time so
// that self-modifying code is seen.
func (t *Tracer) isSyscall(ctx context.Context, pc uint64) (bool, error) {
	var b [2]byte
	page := pc &^ (pageSize - 1)
	if !t.fetchable(pc) {
		return false, nil // the step faults: SIGSEGV on the fetch
	}
	if pc-page <= pageSize-2 {
		if r, ok := t.mem.Find(pc); !ok || r.Perm&machine.PermWrite == 0 {
			code, ok := t.code[page]
			if !ok {
				code = make([]byte, pageSize)
				if err := t.conn.ReadMemory(ctx, page, code); err != nil {
					return false, fmt.Errorf("qemutrace: read code page %#x: %w", page, err)
				}
				t.code[page] = code
			}
			return code[pc-page] == 0x0f && code[pc-page+1] == 0x05, nil
		}
	}
	if err := t.conn.ReadMemory(ctx, pc, b[:]); err != nil {
		return false, fmt.Errorf("qemutrace: read instruction at %#x: %w", pc, err)
	}
	return b[0] == 0x0f && b[1] == 0x05, nil
}

// followSyscall brings the memory map up to date after a syscall: a new
// page-log table replaces it; calls QEMU does not log are applied by hand.
func (t *Tracer) followSyscall(sys *machine.SyscallInfo) error {
	tables := t.log.Tables()
	if err := t.readLog(); err != nil {
		return err
	}
	failed := sys.Result > ^uint64(4095) // -4095..-1 are errno values
	logged := t.log.Tables() != tables
	switch sys.Number {
	case sysMunmap:
		if !failed && !logged {
			t.mem = t.mem.Clone()
			t.mem.Remove(sys.Args[0], pageUp(sys.Args[0]+sys.Args[1]))
		}
	case sysMprotect, sysPkeyMprotect:
		if !failed && !logged {
			t.mem = t.mem.Clone()
			t.mem.Protect(sys.Args[0], pageUp(sys.Args[0]+sys.Args[1]), machine.Perm(sys.Args[2]&7))
		}
	case sysMremap:
		if !failed && !logged {
			old, ok := t.mem.Find(sys.Args[0])
			t.mem = t.mem.Clone()
			t.mem.Remove(sys.Args[0], pageUp(sys.Args[0]+sys.Args[1]))
			if ok {
				t.mem.Set(sys.Result, pageUp(sys.Result+sys.Args[2]), old.Perm)
			}
		}
	case sysBrk:
		if sys.Result < t.brk && !logged {
			t.mem = t.mem.Clone()
			t.mem.Remove(pageUp(sys.Result), pageUp(t.brk))
		}
		t.brk = sys.Result
	}
	switch sys.Number {
	case sysMmap, sysMprotect, sysMunmap, sysBrk, sysMremap, sysMadvise, sysShmat, sysExecve, sysShmdt, sysRemapFile, sysPkeyMprotect:
		clear(t.code)
	}
	return nil
}

func pageUp(a uint64) uint64 { return (a + pageSize - 1) &^ (pageSize - 1) }

// readLog feeds whatever QEMU has appended to its page log.
func (t *Tracer) readLog() error {
	if t.stream != nil {
		return t.readStreamLog()
	}
	if t.logBuf == nil {
		t.logBuf = make([]byte, 64<<10)
	}
	tables := t.log.Tables()
	for {
		n, err := t.logFile.Read(t.logBuf)
		t.log.Write(t.logBuf[:n])
		if err == io.EOF || n == 0 {
			break
		}
		if err != nil {
			return fmt.Errorf("qemutrace: read page log: %w", err)
		}
	}
	if t.log.Tables() != tables || t.mem == nil {
		if m := t.log.Map(); m != nil {
			t.mem = m
		}
	}
	return nil
}

// Trace steps the guest until it ends, yielding every stop; Registers
// holds the state after each. It stops at the first error.
func (t *Tracer) Trace(ctx context.Context) iter.Seq2[machine.Stop, error] {
	return func(yield func(machine.Stop, error) bool) {
		for !t.ended {
			stop, err := t.Step(ctx)
			if !yield(stop, err) || err != nil {
				return
			}
		}
	}
}

// Range is a span of guest memory to read after every step.
type Range struct {
	Addr uint64
	Len  int
}

// Record is the state after one instruction.
type Record struct {
	Step uint64 // 1-based
	Stop machine.Stop
	// Registers is the register file after the step, updated in place
	// (clone it to keep it).
	Registers *machine.Snapshot
	// Memory holds the bytes of each requested range after the step,
	// reused from step to step; nil where the range was not readable.
	Memory [][]byte
}

// Records steps the guest until it ends, yielding the state after every
// instruction, with the given memory ranges read after each step (one RSP
// read per range, so ask only for what you need). After the guest exits
// there are no registers or memory to read: the last record has only its
// Stop.
func (t *Tracer) Records(ctx context.Context, ranges ...Range) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		bufs := make([][]byte, len(ranges))
		for i, r := range ranges {
			bufs[i] = make([]byte, r.Len)
		}
		rec := Record{Registers: t.regs, Memory: make([][]byte, len(ranges))}
		for !t.ended {
			stop, err := t.Step(ctx)
			if err != nil {
				yield(Record{}, err)
				return
			}
			rec.Step, rec.Stop = t.steps, stop
			for i, r := range ranges {
				rec.Memory[i] = nil
				if !t.ended && t.conn.ReadMemory(ctx, r.Addr, bufs[i]) == nil {
					rec.Memory[i] = bufs[i]
				}
			}
			if !yield(rec, nil) {
				return
			}
		}
	}
}

// Close ends the guest and QEMU and removes the private directory. It is
// safe to call more than once.
func (t *Tracer) Close() error {
	if t.run != nil {
		// A free run holds the connection: end QEMU under it.
		t.ended = true
		t.proc.close()
		if t.runStop == nil {
			select {
			case <-t.run.stop:
			case <-time.After(5 * time.Second):
			}
		}
		t.run, t.runStop = nil, nil
	}
	if t.conn != nil {
		if !t.ended && !t.proc.exited() {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			t.conn.Kill(ctx)
			cancel()
		}
		t.conn.Close()
		t.conn = nil
	}
	t.ended = true
	if t.logFile != nil {
		t.logFile.Close()
		t.logFile = nil
	}
	err := t.proc.close()
	if t.stream != nil {
		t.stream.close()
		t.stream = nil
	}
	return err
}

// le64 reads up to 8 little-endian bytes.
func le64(b []byte) uint64 {
	var v uint64
	for i := min(len(b), 8) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// StepRaw is the floor of RSP stepping: one vCont;s and one 'g', without
// the tracer's syscall handling, map following or bookkeeping. It exists
// so that benchmarks can measure the floor next to real stepping; it must
// not be mixed with Step on a program that makes syscalls.
func (t *Tracer) StepRaw(ctx context.Context) error {
	if _, err := t.conn.Step(ctx); err != nil {
		return err
	}
	return t.conn.ReadRegisters(ctx, t.regs.Regs)
}
