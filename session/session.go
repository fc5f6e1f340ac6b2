// Package session runs a program under QEMU (package qemutrace) and the
// Unicorn oracle (package oracle) in lockstep through the harness. It is
// the one place that knows all three; the CLI, the suites and the
// benchmarks start runs through it.
package session

import (
	"context"
	"fmt"
	"io"

	"lockstep/harness"
	"lockstep/machine"
	"lockstep/oracle"
	"lockstep/qemutrace"
)

// Options describe one lockstep run of a program.
type Options struct {
	Program string
	Args    []string
	Env     []string
	Dir     string
	Stdin   io.Reader
	Stdout  io.Writer // the guest's stdout; nil discards
	Stderr  io.Writer // the guest's stderr; nil discards

	// Mode is how QEMU runs: StepMode (the default, over the gdbstub),
	// BlockMode or InsnMode (freely, compared from its CPU log).
	Mode Mode

	QEMU      string   // default qemu-x86_64
	CPU       string   // default oracle.QEMUCPU(): only what the oracle executes
	ExtraArgs []string // more QEMU options
	TempDir   string

	// Arbiter is ArbiterDivergences (the default), ArbiterEvery or
	// ArbiterOff: when the host CPU judges, and whether it runs what the
	// oracle cannot.
	Arbiter string

	// Harness holds the comparison options; its Reference and NewFollower
	// are filled in here.
	Harness harness.Config
	// Wrap, if set, wraps the oracle follower, whose registers have the
	// given layout (tests inject faults with it).
	Wrap func(harness.Follower, *machine.Layout) harness.Follower
}

// Report is a finished run with what is needed to render it.
type Report struct {
	*harness.Result
	Layout *machine.Layout
	CPU    string // the -cpu model QEMU ran with
}

// Run starts QEMU, runs the lockstep and always stops QEMU again. Errors
// of the run itself are in the report (ErrorOutcome); an error return means
// nothing could be started.
func Run(ctx context.Context, opts Options) (*Report, error) {
	ex, off, err := startArbiter(ctx, opts.Arbiter)
	if err != nil {
		return nil, err
	}
	if ex != nil {
		defer ex.Close()
	}
	cpu := qemuCPU(opts, ex != nil, oracle.QEMUCPU())
	tr, err := qemutrace.Start(ctx, qemuConfig(opts, cpu))
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	cfg := opts.Harness
	cfg.Reference = tr
	cfg.Blocks = opts.Mode != qemutrace.Stepped
	configureArbiter(&cfg, ex, opts.Arbiter, off)
	cfg.NewFollower = func(ctx context.Context, ref harness.Reference) (harness.Follower, error) {
		f, err := NewOracleFollower(ctx, ref, oracleOptions(ex)...)
		if err != nil {
			return nil, err
		}
		if opts.Wrap != nil {
			return opts.Wrap(f, ref.Layout()), nil
		}
		return f, nil
	}
	res := harness.Run(ctx, cfg)
	res.CPUModel = cpu
	if cfg.Blocks {
		res.Mode = opts.Mode.String()
	}
	return &Report{Result: res, Layout: tr.Layout(), CPU: cpu}, nil
}

// Mode is how QEMU runs the program: StepMode, BlockMode or InsnMode.
type Mode = qemutrace.Mode

// Modes.
const (
	StepMode  = qemutrace.Stepped
	BlockMode = qemutrace.Blocks
	InsnMode  = qemutrace.Insns
)

// qemuCPU is QEMU's -cpu model for opts: the one asked for, else the
// arbiter's model when the host judges, else fallback.
func qemuCPU(opts Options, judged bool, fallback string) string {
	switch {
	case opts.CPU != "":
		return opts.CPU
	case judged:
		return ArbiterCPU()
	}
	return fallback
}

// qemuConfig starts QEMU on opts' program with the given model.
func qemuConfig(opts Options, cpu string) qemutrace.Config {
	return qemutrace.Config{
		QEMU: opts.QEMU, CPU: cpu, ExtraArgs: opts.ExtraArgs,
		Program: opts.Program, Args: opts.Args, Env: opts.Env, Dir: opts.Dir,
		Stdin: opts.Stdin, Stdout: opts.Stdout, Stderr: opts.Stderr, TempDir: opts.TempDir, Mode: opts.Mode,
	}
}

// ParseMode parses a --mode value: step, block or insn.
func ParseMode(s string) (Mode, error) {
	for _, m := range []qemutrace.Mode{qemutrace.Stepped, qemutrace.Blocks, qemutrace.Insns} {
		if s == m.String() {
			return m, nil
		}
	}
	return 0, fmt.Errorf("%q: want step, block or insn", s)
}

// NewOracleFollower seeds a Unicorn oracle from the reference's current
// state; it fetches memory from the reference lazily.
func NewOracleFollower(ctx context.Context, ref harness.Reference, opts ...oracle.Option) (harness.Follower, error) {
	o, err := oracle.New(ctx, ref.Layout(), ref.Registers(), ref, opts...)
	if err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	return &oracleFollower{o: o}, nil
}

// oracleFollower adapts the oracle to the harness's Follower interface.
type oracleFollower struct {
	o      *oracle.Oracle
	writes []harness.Write
}

func (f *oracleFollower) Step(ctx context.Context) (harness.FollowStep, error) {
	r, err := f.o.Step(ctx)
	if err != nil {
		return harness.FollowStep{}, err
	}
	s := harness.FollowStep{PC: r.PC, Insn: r.Insn, Repeat: r.Repeat, Reason: r.Reason, Native: r.Native, Suspect: r.Suspect}
	switch r.Kind {
	case oracle.Executed:
		s.Kind = harness.Executed
	case oracle.Syscall:
		s.Kind = harness.SyscallStop
	case oracle.Sync:
		s.Kind = harness.Sync
	case oracle.Fault:
		s.Kind, s.Signal, s.Addr = harness.Fault, r.Fault.Signal, r.Fault.Addr
		s.Access = r.Fault.Access.String()
	case oracle.Unsupported:
		s.Kind = harness.Unsupported
	default:
		return s, fmt.Errorf("oracle: unknown result kind %v", r.Kind)
	}
	f.writes = f.writes[:0]
	for _, w := range r.Writes {
		f.writes = append(f.writes, harness.Write{Addr: w.Addr, Old: w.Old, New: w.New})
	}
	s.Writes = f.writes
	return s, nil
}

func (f *oracleFollower) Registers(dst *machine.Snapshot) error { return f.o.Registers(dst) }
func (f *oracleFollower) Adopt(s *machine.Snapshot) error       { return f.o.Adopt(s) }
func (f *oracleFollower) SetMap(m *machine.Map) error           { return f.o.SetMap(m) }
func (f *oracleFollower) Invalidate(start, end uint64)          { f.o.Invalidate(start, end) }
func (f *oracleFollower) DirtyPages() []uint64                  { return f.o.DirtyPages() }
func (f *oracleFollower) CachedPages() []uint64                 { return f.o.CachedPages() }
func (f *oracleFollower) ReadMemory(addr uint64, p []byte) error {
	return f.o.ReadMemory(addr, p)
}
func (f *oracleFollower) NotModelled() map[string]string {
	m := map[string]string{}
	for _, name := range f.o.NotModelled() {
		m[name] = f.o.NotModelledReason(name)
	}
	return m
}
func (f *oracleFollower) Synced() map[string]int { return f.o.SyncCounts() }

// ExtraBefore gives the arbiter the x87 tags and YMM upper halves.
func (f *oracleFollower) ExtraBefore() (uint16, [16][16]byte) { return f.o.ExtraBefore() }

// NativeCounts counts the instructions the host ran for the oracle.
func (f *oracleFollower) NativeCounts() map[string]int { return f.o.NativeCounts() }

func (f *oracleFollower) Imprecise() []harness.ImpreciseBits {
	var out []harness.ImpreciseBits
	for _, b := range f.o.Imprecise() {
		out = append(out, harness.ImpreciseBits{Register: b.Register, Mask: b.Mask, Reason: b.Reason})
	}
	return out
}
func (f *oracleFollower) Close() error { return f.o.Close() }

// Checkpoint, Rollback, PC and Clean make the oracle a harness.Checkpointer
// for block mode.
func (f *oracleFollower) Checkpoint() error                  { return f.o.Checkpoint() }
func (f *oracleFollower) Rollback(ctx context.Context) error { return f.o.Rollback(ctx) }
func (f *oracleFollower) PC() uint64                         { return f.o.PC() }
func (f *oracleFollower) Clean(pages []uint64)               { f.o.Clean(pages) }
