package oracle

/*
#include <stdlib.h>
#include "mem.h"
*/
import "C"

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/arch/x86/x86asm"

	"lockstep/machine"
	"lockstep/unicorn"
)

// MemorySource is the program under test's memory as it is right now (the
// reference target, e.g. QEMU over RSP).
type MemorySource interface {
	ReadMemory(ctx context.Context, addr uint64, p []byte) error
	Map() *machine.Map // the reference's current memory map (with permissions)
}

// ResultKind says what a Step did.
type ResultKind int

// Step outcomes.
const (
	// Executed: the instruction (or one iteration of a rep string
	// instruction) ran.
	Executed ResultKind = iota
	// Syscall: a system call (syscall, or int 0x80) the oracle did not
	// execute: step the reference over it, then Adopt its registers.
	Syscall
	// Sync: an instruction whose result depends on the host (cpuid,
	// rdtsc, rdtscp, rdrand, rdseed, rdpid, xgetbv), not executed: step
	// the reference over it, then Adopt its registers.
	Sync
	// Fault: the instruction raised an exception; Result.Fault says which.
	Fault
	// Unsupported: Unicorn cannot execute the instruction faithfully
	// (Result.Insn names it). This is a limit of the oracle, not a
	// divergence of the program under test.
	Unsupported
)

func (k ResultKind) String() string {
	switch k {
	case Executed:
		return "executed"
	case Syscall:
		return "syscall"
	case Sync:
		return "sync"
	case Fault:
		return "fault"
	case Unsupported:
		return "unsupported"
	}
	return fmt.Sprintf("ResultKind(%d)", int(k))
}

// Access is the kind of memory access that faulted.
type Access int

// Memory accesses. NoAccess marks faults that are not about memory (#GP
// from a privileged instruction, #DE, #UD...).
const (
	NoAccess Access = iota
	Read
	Write
	Fetch
)

func (a Access) String() string {
	switch a {
	case NoAccess:
		return "none"
	case Read:
		return "read"
	case Write:
		return "write"
	case Fetch:
		return "fetch"
	}
	return fmt.Sprintf("Access(%d)", int(a))
}

// x86 exception vectors the oracle reports.
const (
	VectorDE = 0  // divide error
	VectorDB = 1  // debug (int1, trap flag)
	VectorBP = 3  // breakpoint (int3)
	VectorOF = 4  // overflow (int 4)
	VectorUD = 6  // invalid opcode
	VectorNP = 11 // segment not present
	VectorSS = 12 // stack fault
	VectorGP = 13 // general protection
	VectorPF = 14 // page fault
	VectorMF = 16 // x87 error
	VectorAC = 17 // alignment check
	VectorXM = 19 // SIMD error
)

// FaultInfo describes an exception, as Linux would turn it into a signal.
type FaultInfo struct {
	// Addr is the faulting address of a memory access (page faults).
	Addr uint64
	// Access is the faulting access, NoAccess for other exceptions.
	Access Access
	// Unmapped is set when no mapping covers Addr; otherwise the access
	// went against the page's permissions.
	Unmapped bool
	// Signal is the signal Linux delivers: 11 SIGSEGV (page fault, #GP),
	// 8 SIGFPE (#DE, #MF), 4 SIGILL (#UD), 5 SIGTRAP (int3, int1), 7
	// SIGBUS (#SS, #NP, #AC).
	Signal int
	// Vector is the x86 exception vector. For the traps int3 (3), int1
	// (1) and int 4 (4) the instruction has completed and rip is past it,
	// as the kernel reports it; for every other fault rip is still at the
	// faulting instruction and nothing it did is visible.
	Vector int
}

// MemWrite is one memory write of a step.
type MemWrite struct {
	Addr     uint64
	Old, New []byte
}

// Result is the outcome of one Step.
type Result struct {
	Kind ResultKind
	PC   uint64 // address of the instruction
	// Insn names the instruction for Syscall, Sync, Unsupported and some
	// faults (e.g. "cpuid", "popcnt", "int3", "in/out").
	Insn string
	// Reason says why the oracle did not execute an Unsupported
	// instruction, or raised a fault Unicorn would not have (a misplaced
	// lock prefix); empty otherwise.
	Reason string
	Fault  FaultInfo // for Fault
	// Writes lists every memory write of the step in order, with the
	// bytes before and after (valid until the next Step). A fault has
	// none (Unicorn's partial writes are undone), except a trap raised
	// after the instruction completed (trap flag).
	Writes []MemWrite
	// Repeat: one iteration of a rep string instruction ran and rip did
	// not move (more iterations follow).
	Repeat bool
	// Native: Unicorn could not execute the instruction and the host CPU
	// ran it (WithHost).
	Native bool
	// Suspect names an instruction Unicorn is known to compute wrongly
	// and the oracle does not correct (Features lists them): executed,
	// but its result should be judged.
	Suspect string
}

// Option configures New.
type Option func(*config)

type config struct {
	model    unicorn.CPUModel
	setModel bool
	host     Host
}

// WithCPUModel selects Unicorn's CPU model (default: its qemu64). The model
// changes little for user code: Unicorn decodes instructions regardless of
// its CPUID bits, and the oracle syncs cpuid itself.
func WithCPUModel(m unicorn.CPUModel) Option {
	return func(c *config) { c.model, c.setModel = m, true }
}

// noExit is the end address given to Unicorn: non-canonical, so execution
// never reaches it. (A per-step end address right after the instruction
// would avoid Unicorn's look-ahead fetch, but costs a translation-cache
// invalidation, about 15µs, per step.)
const noExit = 0x8000_0000_0000_0000

// Oracle is an x86-64 reference CPU on Unicorn, seeded from the program
// under test and stepped one instruction at a time. It is not safe for
// concurrent use.
type Oracle struct {
	eng  *unicorn.Engine
	src  MemorySource
	m    *machine.Map
	mem  *memory
	regs *regFile
	// cur holds the register values in layout order. It lives in C
	// memory: Unicorn writes it at the end of every step, and a Go
	// pointer handed to C costs a cgo pointer check each time.
	cur  []byte
	cmem unsafe.Pointer
	// stale marks register groups of cur that may be out of date.
	stale [groups]bool
	clean *unicorn.Context // the CPU state at creation (exception.go)

	// Step state, set by hooks.
	ctx      context.Context
	stepErr  error
	fault    FaultInfo
	faulted  bool
	intr     int
	fetched  []uint64
	writes   []MemWrite
	wbuf     []byte
	codeBuf  [16]byte
	prev     []byte // registers before the step
	logSkip  int    // leading write-log entries of an aborted attempt
	counts   map[string]int
	gdtInUse bool
	// calc recomputes what the write hook corrupts (opened on first use).
	calc *calc
	// The register operands of a PCMPxSTRx, and FXTRACT's, from before
	// the step.
	pcmpA, pcmpB [16]byte
	x87Src       [16]byte

	// The host CPU that runs what Unicorn cannot (nil: none), and what
	// it ran, by mnemonic.
	host        Host
	nativeCount map[string]int
	// State Unicorn keeps but the layout lacks, from before the step.
	preTag  uint16
	preYMMH [16][16]byte
	ymmUsed bool // a native run left non-zero YMM upper halves

	cp *checkpoint // the last Checkpoint (checkpoint.go)
}

// New creates an oracle whose registers are those of initial (the program
// at its entry point) and whose memory is fetched from src page by page as
// the program touches it, under src's current map. The layout is the
// reference's register file (QEMU's x86-64 target description).
func New(ctx context.Context, layout *machine.Layout, initial *machine.Snapshot, src MemorySource, opts ...Option) (*Oracle, error) {
	if layout == nil || initial == nil || src == nil {
		return nil, errors.New("oracle: New needs a layout, an initial snapshot and a memory source")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var cfg config
	for _, opt := range opts {
		opt(&cfg)
	}
	eng, err := unicorn.Open(unicorn.ArchX86, unicorn.Mode64)
	if err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	o := &Oracle{eng: eng, src: src, intr: -1, counts: make(map[string]int), prev: make([]byte, layout.Size()),
		host: cfg.host, nativeCount: make(map[string]int)}
	o.cmem = C.calloc(C.size_t(max(layout.Size(), 1)), 1)
	if o.cmem == nil {
		eng.Close()
		return nil, errors.New("oracle: out of memory for registers")
	}
	o.cur = unsafe.Slice((*byte)(o.cmem), layout.Size())
	ok := false
	defer func() {
		if !ok {
			o.Close()
		}
	}()
	if cfg.setModel {
		if err := eng.SetCPUModel(cfg.model); err != nil {
			return nil, fmt.Errorf("oracle: %w", err)
		}
	}
	if o.regs, err = newRegFile(eng, layout); err != nil {
		return nil, err
	}
	if err := o.regs.compatible(initial); err != nil {
		return nil, err
	}
	copy(o.cur, initial.Regs)
	rflags, _ := initial.Uint64("eflags")
	if err := enterUserMode(eng, o.regs.u64(o.cur, o.regs.rip), o.regs.u64(o.cur, o.regs.rsp), rflags); err != nil {
		return nil, err
	}
	if o.mem, err = newMemory(o); err != nil {
		return nil, err
	}
	if _, err := eng.HookMemC(unicorn.HookMemRead|unicorn.HookMemWrite, 1, 0, unsafe.Pointer(C.lm_hook), unsafe.Pointer(o.mem.s)); err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	if _, err := eng.HookMemInvalid(unicorn.HookMemInvalid, 1, 0, o.onInvalid); err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	if _, err := eng.HookInterrupt(o.onInterrupt); err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	mp := src.Map()
	if mp == nil {
		return nil, errors.New("oracle: the memory source has no map")
	}
	if err := o.SetMap(mp); err != nil {
		return nil, err
	}
	// At entry the x87 unit is in its FNINIT state: all registers empty.
	// QEMU does not report the tags, so they are seeded here, not copied.
	if err := eng.RegWrite(unicorn.X86RegFPTag, 0xffff); err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	if err := o.load(o.cur); err != nil {
		return nil, err
	}
	if err := o.saveClean(eng); err != nil {
		return nil, err
	}
	ok = true
	return o, nil
}

// Close releases Unicorn and the oracle's memory. Closing twice is a no-op.
func (o *Oracle) Close() error {
	var err error
	if o.eng != nil {
		err = o.eng.Close() // frees the checkpoint's context too
		o.eng = nil
		o.cp = nil
	}
	o.calc.close()
	o.calc = nil
	if o.mem != nil {
		o.mem.close()
		o.mem = nil
	}
	if o.cmem != nil {
		o.cur = nil
		C.free(o.cmem)
		o.cmem = nil
	}
	return err
}

func (o *Oracle) live() error {
	if o.eng == nil {
		return errors.New("oracle: closed")
	}
	return nil
}

// load writes every modelled register from buf (layout order) into
// Unicorn, then reads them all back into cur, so cur holds what Unicorn
// actually keeps (reserved eflags bits, masked mxcsr bits...).
func (o *Oracle) load(buf []byte) error {
	for _, s := range o.regs.segs {
		want := s.value(buf)
		have, err := o.eng.RegRead(s.reg)
		if err != nil {
			return fmt.Errorf("oracle: read %s: %w", s.name, err)
		}
		if want == have {
			continue
		}
		// FS and GS are loaded through the descriptor table (and a load
		// resets the base, which is written afterwards); the others only
		// change the selector in 64-bit mode.
		needGDT := (s.name == "fs" || s.name == "gs") && want&^3 != 0
		if needGDT {
			if err := mapGDT(o.eng); err != nil {
				return err
			}
		}
		err = o.eng.RegWrite(s.reg, want)
		if needGDT {
			if uerr := unmapGDT(o.eng); err == nil {
				err = uerr
			}
		}
		if err != nil {
			return fmt.Errorf("oracle: set %s to %#x: %w", s.name, want, err)
		}
	}
	for _, b := range o.regs.write {
		if b != nil {
			if err := b.Write(buf); err != nil {
				return fmt.Errorf("oracle: write registers: %w", err)
			}
		}
	}
	for _, b := range o.regs.read {
		if b != nil {
			if err := b.Read(o.cur); err != nil {
				return fmt.Errorf("oracle: read registers: %w", err)
			}
		}
	}
	o.stale = [groups]bool{}
	return nil
}

// Adopt sets every register the oracle models from s (a snapshot of the
// reference, in the layout given to New), typically after the reference
// executed a Syscall or Sync instruction for both.
func (o *Oracle) Adopt(s *machine.Snapshot) error {
	if err := o.live(); err != nil {
		return err
	}
	if err := o.regs.compatible(s); err != nil {
		return err
	}
	buf := make([]byte, len(o.cur))
	copy(buf, o.cur)
	for _, sp := range o.regs.spans {
		copy(buf[sp.off:sp.end], s.Regs[sp.off:sp.end])
	}
	return o.load(buf)
}

// Registers fills every modelled register of dst (whose layout is the one
// given to New) with the oracle's values; the others are left alone.
func (o *Oracle) Registers(dst *machine.Snapshot) error {
	if err := o.live(); err != nil {
		return err
	}
	if err := o.regs.compatible(dst); err != nil {
		return err
	}
	for g, stale := range o.stale {
		if stale {
			if err := o.readGroup(g); err != nil {
				return err
			}
			o.stale[g] = false
		}
	}
	for _, sp := range o.regs.spans {
		copy(dst.Regs[sp.off:sp.end], o.cur[sp.off:sp.end])
	}
	return nil
}

// NotModelled lists the layout's registers the oracle cannot read or write
// faithfully; NotModelledReason says why for each. The harness should not
// compare them.
func (o *Oracle) NotModelled() []string {
	return append([]string(nil), o.regs.skipped...)
}

// SetMap tells the oracle the reference's map changed (mmap, munmap,
// mprotect, brk, mremap): pages no longer mapped are unmapped and
// forgotten, protections change, and new regions are fetched lazily. Pages
// that stay mapped keep their content, even when their permissions change;
// where the program replaced a mapping in place (mmap MAP_FIXED over an
// existing one, or the kernel otherwise rewrote memory), the harness must
// call Invalidate as well.
func (o *Oracle) SetMap(m *machine.Map) error {
	if err := o.live(); err != nil {
		return err
	}
	if m == nil {
		return errors.New("oracle: SetMap: nil map")
	}
	if err := o.mem.apply(o.eng, m); err != nil {
		return err
	}
	old := o.m
	o.m = m.Clone()
	o.rescanHazards(old)
	return nil
}

// Invalidate forgets the cached pages overlapping [start, end), clean or
// dirty: they are fetched again from the source on their next access (use
// it after a system call or signal delivery wrote memory).
func (o *Oracle) Invalidate(start, end uint64) {
	if o.mem != nil {
		o.mem.forget(start, end)
	}
}

// DirtyPages returns, in order, the addresses of the pages the oracle has
// written since it fetched them.
func (o *Oracle) DirtyPages() []uint64 {
	if o.mem == nil {
		return nil
	}
	return o.mem.dirtyPages()
}

// CachedPages lists, in address order, every page whose content the oracle
// holds (fetched from the source, and possibly written since).
func (o *Oracle) CachedPages() []uint64 {
	if o.mem == nil {
		return nil
	}
	return o.mem.presentPages()
}

// ReadMemory copies the oracle's own view of memory at addr into p. Only
// cached pages can be read; it fails on any other.
func (o *Oracle) ReadMemory(addr uint64, p []byte) error {
	if err := o.live(); err != nil {
		return err
	}
	return o.mem.read(addr, p)
}

// Cached reports whether the page holding addr has been fetched.
func (o *Oracle) Cached(addr uint64) bool {
	return o.mem != nil && o.mem.present(addr)
}

// SyncCounts returns how many times each Sync instruction was met, for the
// run summary.
func (o *Oracle) SyncCounts() map[string]int {
	out := make(map[string]int, len(o.counts))
	for k, v := range o.counts {
		out[k] = v
	}
	return out
}

// Step executes exactly one instruction (one iteration of a rep string
// instruction) unless it is one the oracle must not execute: see
// ResultKind. An error means the oracle itself failed (the source could not
// be read, Unicorn misbehaved); the oracle should not be stepped further.
//
// Rep string instructions: Unicorn runs one iteration per step with rip
// staying on the instruction (Repeat), and would then need one more step,
// with rcx already zero, only to move rip past it. QEMU's gdbstub folds that
// step into the last iteration, and so does the oracle: rcx = n takes n
// steps, the last with Repeat false and rip past the instruction (n = 0
// takes one step that only moves rip). repe/repne cmps and scas stop early
// on the flag condition within the same step.
func (o *Oracle) step(ctx context.Context) (Result, error) {
	if err := o.live(); err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	o.writes, o.wbuf = o.writes[:0], o.wbuf[:0]
	pc := o.regs.u64(o.cur, o.regs.rip)
	res := Result{PC: pc}
	if pc >= 1<<47 && pc < 0xffff_8000_0000_0000 {
		// A non-canonical rip can hold no instruction (and one of them
		// is the end address the oracle gives Unicorn).
		res.Kind = Fault
		res.Fault = FaultInfo{Addr: pc, Access: Fetch, Unmapped: true, Signal: int(syscall.SIGSEGV), Vector: VectorPF}
		return res, nil
	}
	code, err := o.code(ctx, pc)
	if err != nil {
		return Result{}, err
	}
	in := decode(code)
	switch in.class {
	case clsSyscall, clsInt80:
		res.Kind, res.Insn = Syscall, in.name
		return res, nil
	case clsSync:
		o.counts[in.name]++
		res.Kind, res.Insn = Sync, in.name
		return res, nil
	case clsPrivileged:
		res.Kind, res.Insn = Fault, in.name
		res.Fault = FaultInfo{Signal: int(syscall.SIGSEGV), Vector: VectorGP}
		return res, nil
	case clsTrap:
		return o.trap(res, in)
	case clsUndefined:
		res.Kind, res.Insn, res.Reason = Fault, mnemonic(code), in.why
		if res.Insn == "(bad)" {
			res.Insn = in.name
		}
		res.Fault = FaultInfo{Signal: int(syscall.SIGILL), Vector: VectorUD}
		return res, nil
	case clsUnsupported:
		res.Kind, res.Insn, res.Reason = Unsupported, in.name, in.why
		if res.Reason == "" {
			res.Reason = unsupportedReason(in.name)
		}
		if i, err := x86asm.Decode(code, 64); err == nil && i.Op != 0 {
			res.Insn = strings.ToLower(i.Op.String())
		}
		return res, nil
	}
	res.Suspect = suspect(code, &in) // an instruction that runs, from here on
	if in.align16 && in.len > 0 {
		if ea := o.effectiveAddress(o.cur, pc, &in); ea&15 != 0 {
			res.Kind, res.Insn = Fault, mnemonic(code)
			res.Fault = FaultInfo{Signal: int(syscall.SIGSEGV), Vector: VectorGP}
			return res, nil
		}
	}
	if in.segLoad {
		if err := mapGDT(o.eng); err != nil {
			return Result{}, err
		}
	}
	for _, sp := range o.regs.int {
		copy(o.prev[sp.off:sp.end], o.cur[sp.off:sp.end])
	}
	switch in.fix {
	case fixPCMPSTR:
		err = o.preparePCMPSTR(&in)
	case fixFXTRACT:
		err = o.prepareFXTRACT()
	}
	if err != nil {
		return Result{}, fmt.Errorf("oracle: %w", err)
	}
	until, err := o.lookahead(ctx, pc, &in)
	if err != nil {
		return Result{}, err
	}
	err = o.run(ctx, pc, until, 1)
	newRIP := o.regs.u64(o.cur, o.regs.rip)
	if in.segLoad {
		if rerr := o.readGroup(groupSeg); rerr != nil {
			return Result{}, rerr
		}
	}
	if err == nil && newRIP == pc && o.restarted() {
		// The instruction stored into the code Unicorn was running from.
		// QEMU then discards the translation and restarts the
		// instruction alone, but the restart counts as a second
		// instruction, so with count 1 Unicorn stops before it: nothing
		// happened. Let it run the restart, and drop the writes of the
		// aborted attempt (made again first) from the log.
		aborted := len(o.mem.writes())
		err = o.run(ctx, pc, until, 2)
		newRIP = o.regs.u64(o.cur, o.regs.rip)
		o.logSkip = min(aborted, len(o.mem.writes()))
	}
	if o.faulted && newRIP == pc && in.len > 0 && o.fault.Access == Fetch && o.fault.Addr >= pc+uint64(in.len) {
		// Unicorn translates ahead into the next instruction; when that
		// one lies on a page the program cannot execute, the fetch fails
		// before the current instruction runs. Run it again with an end
		// address right after it, which stops translation there.
		err = o.run(ctx, pc, pc+uint64(in.len), 1)
		newRIP = o.regs.u64(o.cur, o.regs.rip)
	}
	if in.segLoad {
		if err := unmapGDT(o.eng); err != nil {
			return Result{}, err
		}
	}
	if in.x87 || in.len == 0 {
		o.stale[groupX87] = true
	}
	if in.sse || in.len == 0 {
		o.stale[groupSSE] = true
	}
	if o.stepErr != nil {
		return Result{}, o.stepErr
	}
	if o.mem.s.overflow != 0 {
		return Result{}, errors.New("oracle: one instruction wrote more than the write log holds")
	}
	switch {
	case o.intr >= 0:
		res.Kind, res.Fault = Fault, exceptionFault(o.intr)
		res.Insn = mnemonic(code)
		if isTrap(o.intr) {
			// The instruction completed before the trap.
			if in.fix != fixNone && in.class == clsNormal {
				if err := o.fixup(pc, &in); err != nil {
					return Result{}, err
				}
			}
			res.Writes = o.collectWrites()
			return res, nil
		}
		if err := o.setRIP(pc); err != nil {
			return Result{}, err
		}
		o.rollback()
		if contributory(o.intr) {
			if err := o.clearException(); err != nil {
				return Result{}, err
			}
		}
		return res, nil
	case err == nil,
		o.faulted && o.fault.Access == Fetch && newRIP != pc:
		// A fetch fault after rip moved belongs to the next instruction
		// (a jump or call to a page that cannot be executed): Unicorn
		// translates the target before stopping. The next step reports it.
		res.Kind = Executed
	case o.faulted:
		res.Kind, res.Fault = Fault, o.fault
		if err := o.setRIP(pc); err != nil {
			return Result{}, err
		}
		o.rollback()
		return res, nil
	case errors.Is(err, unicorn.ErrInsnInvalid):
		return o.invalid(res, code)
	default:
		return Result{}, fmt.Errorf("oracle: step at %#x: %w", pc, err)
	}
	if in.rep && newRIP == pc {
		count := o.regs.u64(o.cur, o.regs.gpr[1]) // rcx
		if in.addr32 {
			count = uint64(uint32(count))
		}
		if count == 0 {
			if err := o.setRIP(pc + uint64(in.len)); err != nil {
				return Result{}, err
			}
		} else {
			res.Repeat = true
		}
	}
	if in.fix != fixNone {
		if err := o.fixup(pc, &in); err != nil {
			return Result{}, err
		}
	}
	res.Writes = o.collectWrites()
	return res, nil
}

// restarted reports whether a step that logged writes left no trace in
// the registers while rip stayed put. No instruction does that (a store
// that jumps to itself is a call, which moves rsp), except one QEMU
// restarted because it stored into the translation being run.
func (o *Oracle) restarted() bool {
	if len(o.mem.writes()) == 0 || o.faulted || o.intr >= 0 {
		return false
	}
	for _, sp := range o.regs.int {
		if !bytes.Equal(o.prev[sp.off:sp.end], o.cur[sp.off:sp.end]) {
			return false
		}
	}
	return true
}

// readGroup refreshes one register group in cur.
func (o *Oracle) readGroup(g int) error {
	if b := o.regs.read[g]; b != nil {
		if err := b.Read(o.cur); err != nil {
			return fmt.Errorf("oracle: read registers: %w", err)
		}
	}
	return nil
}

// run executes count instructions (1, or 2 for a restart) at pc and reads
// the integer registers.
func (o *Oracle) run(ctx context.Context, pc, until, count uint64) error {
	o.stepErr, o.faulted, o.intr, o.logSkip = nil, false, -1, 0
	o.fetched = o.fetched[:0]
	o.mem.resetLog()
	o.ctx = ctx
	err := o.eng.StartRead(pc, until, 0, count, o.regs.read[groupInt], o.cur)
	o.ctx = nil
	// Pages fetched during the step may hold code Unicorn translated ahead
	// from the empty page; drop those translations.
	for _, p := range o.fetched {
		if rerr := o.eng.RemoveCache(p, p+pageSize); rerr != nil && o.stepErr == nil {
			o.stepErr = fmt.Errorf("oracle: %w", rerr)
		}
	}
	return err
}

// code makes sure the instruction at pc has been fetched and returns its
// bytes: up to 15, fewer where a page the program cannot read begins.
func (o *Oracle) code(ctx context.Context, pc uint64) ([]byte, error) {
	n := 0
	for n < 15 {
		addr := pc + uint64(n)
		if !o.mem.present(addr) {
			ok, err := o.fetch(ctx, addr&^pageMask)
			if err != nil {
				return nil, err
			}
			if !ok {
				break
			}
			if err := o.eng.RemoveCache(addr&^pageMask, addr&^pageMask+pageSize); err != nil {
				return nil, fmt.Errorf("oracle: %w", err)
			}
		}
		pg := o.mem.page(addr)
		n += copy(o.codeBuf[n:15], pg[addr&pageMask:])
	}
	return o.codeBuf[:n], nil
}

// fetch reads the page at addr from the source if the program maps it
// readable; it reports whether the page is now present.
func (o *Oracle) fetch(ctx context.Context, page uint64) (bool, error) {
	if o.m == nil {
		return false, nil
	}
	r, ok := o.m.Find(page)
	if !ok || ucProt(r.Perm)&unicorn.ProtRead == 0 {
		return false, nil
	}
	if a, _ := o.mem.area(page, false); a == nil {
		return false, fmt.Errorf("oracle: page %#x is mapped but has no host memory", page)
	}
	if err := o.src.ReadMemory(ctx, page, o.mem.page(page)); err != nil {
		return false, fmt.Errorf("oracle: fetch page %#x from the program: %w", page, err)
	}
	o.mem.setPresent(page)
	o.mem.clean(page)
	o.noteHazard(page, r)
	return true, nil
}

// miss is called by the C memory hook for an access to a page that has no
// content yet.
func (o *Oracle) miss(page uint64) {
	defer func() {
		// A panic must not unwind through Unicorn's C frames.
		if r := recover(); r != nil {
			o.stepErr = fmt.Errorf("oracle: panic fetching page %#x: %v", page, r)
			o.eng.Stop()
		}
	}()
	if o.ctx == nil || o.mem.present(page) {
		return
	}
	ok, err := o.fetch(o.ctx, page)
	if err != nil {
		if o.stepErr == nil {
			o.stepErr = err
		}
		o.eng.Stop()
		return
	}
	if ok {
		o.fetched = append(o.fetched, page)
	}
}

func (o *Oracle) onInvalid(a unicorn.MemAccess, addr uint64, _ int, _ int64) bool {
	if o.faulted {
		return false
	}
	f := FaultInfo{Addr: addr, Signal: int(syscall.SIGSEGV), Vector: VectorPF}
	switch a {
	case unicorn.MemReadUnmapped, unicorn.MemReadProt:
		f.Access = Read
	case unicorn.MemWriteUnmapped, unicorn.MemWriteProt:
		f.Access = Write
	case unicorn.MemFetchUnmapped, unicorn.MemFetchProt:
		f.Access = Fetch
	}
	switch a {
	case unicorn.MemReadUnmapped, unicorn.MemWriteUnmapped, unicorn.MemFetchUnmapped:
		// PROT_NONE regions are not in Unicorn's map.
		_, mapped := o.m.Find(addr)
		f.Unmapped = !mapped
	}
	o.fault, o.faulted = f, true
	return false
}

func (o *Oracle) onInterrupt(n uint32) {
	if o.intr < 0 {
		o.intr = int(n)
	}
	o.eng.Stop()
}

func (o *Oracle) setRIP(v uint64) error {
	if err := o.eng.RegWrite(unicorn.X86RegRIP, v); err != nil {
		return fmt.Errorf("oracle: set rip: %w", err)
	}
	binary.LittleEndian.PutUint64(o.cur[o.regs.rip:], v)
	return nil
}

// trap handles int3, int1 and int n the way Linux's IDT does: vectors 3
// and 4 (and 1 for int1) may be raised from user mode and trap with rip
// past the instruction; any other int n is a #GP at the instruction.
func (o *Oracle) trap(res Result, in insn) (Result, error) {
	res.Kind, res.Insn = Fault, in.name
	if in.len == 0 {
		return Result{}, fmt.Errorf("oracle: truncated %s at %#x", in.name, res.PC)
	}
	switch in.vec {
	case VectorBP, VectorDB:
		res.Fault = FaultInfo{Signal: int(syscall.SIGTRAP), Vector: in.vec}
	case VectorOF:
		res.Fault = FaultInfo{Signal: int(syscall.SIGSEGV), Vector: VectorOF}
	default:
		res.Fault = FaultInfo{Signal: int(syscall.SIGSEGV), Vector: VectorGP}
		return res, nil
	}
	return res, o.setRIP(res.PC + uint64(in.len))
}

// invalid classifies an instruction Unicorn rejected: undefined on
// hardware too (ud0/ud1/ud2, reserved encodings, lock on an instruction
// that cannot take it) is a #UD fault; a valid instruction Unicorn lacks is
// Unsupported.
func (o *Oracle) invalid(res Result, code []byte) (Result, error) {
	if err := o.setRIP(res.PC); err != nil {
		return Result{}, err
	}
	o.rollback()
	i, err := x86asm.Decode(code, 64)
	ud := err != nil || i.Op == 0
	if !ud {
		switch i.Op {
		case x86asm.UD0, x86asm.UD1, x86asm.UD2:
			ud = true
		}
		for _, p := range i.Prefix {
			if p == 0 {
				break
			}
			// Unicorn executes every valid locked instruction, so a
			// rejected one with a lock prefix is a misplaced lock.
			if p&0xff == x86asm.PrefixLOCK {
				ud = true
			}
		}
	}
	if ud {
		res.Kind, res.Insn = Fault, mnemonic(code)
		res.Fault = FaultInfo{Signal: int(syscall.SIGILL), Vector: VectorUD}
		return res, nil
	}
	res.Kind, res.Insn = Unsupported, strings.ToLower(i.Op.String())
	res.Reason = "invalid in Unicorn 2.0.1, valid on hardware"
	return res, nil
}

// unsupportedReason explains the pre-decoder's Unsupported classes.
func unsupportedReason(name string) string {
	switch name {
	case "avx (vex)":
		return "Unicorn 2.0.1 has no AVX: it runs VEX-encoded SSE instructions as their legacy forms"
	case "avx-512 (evex)":
		return "Unicorn 2.0.1 has no AVX-512"
	case "xop":
		return "Unicorn 2.0.1 has no XOP"
	case "3dnow":
		return "3DNow! is off in QEMUCPU (QEMU raises SIGILL); Unicorn would execute it"
	case "sse4a":
		return "SSE4a is off in QEMUCPU (QEMU raises SIGILL); Unicorn would execute it"
	}
	return "not executed faithfully by Unicorn 2.0.1"
}

// mnemonic names an instruction for a report (slow: rare paths only).
func mnemonic(code []byte) string {
	i, err := x86asm.Decode(code, 64)
	if err != nil || i.Op == 0 {
		return "(bad)"
	}
	return strings.ToLower(i.Op.String())
}

// exceptionFault maps an exception vector to Linux's signal.
func exceptionFault(v int) FaultInfo {
	sig := syscall.SIGSEGV
	switch v {
	case VectorDE, VectorMF, VectorXM:
		sig = syscall.SIGFPE
	case VectorDB, VectorBP:
		sig = syscall.SIGTRAP
	case VectorUD:
		sig = syscall.SIGILL
	case VectorNP, VectorSS, VectorAC:
		sig = syscall.SIGBUS
	}
	return FaultInfo{Signal: int(sig), Vector: v}
}

// isTrap reports whether an exception is reported after the instruction.
func isTrap(v int) bool { return v == VectorDB || v == VectorBP || v == VectorOF }

// effectiveAddress computes a memory operand's linear address from the
// general registers before the instruction, in gprs (cur before a step,
// prev after it; the segment bases come from cur).
func (o *Oracle) effectiveAddress(gprs []byte, pc uint64, in *insn) uint64 {
	var a uint64
	switch {
	case in.mem.base == regRIP:
		a = pc + uint64(in.len)
	case in.mem.base >= 0:
		a = o.regs.u64(gprs, o.regs.gpr[in.mem.base])
	}
	if in.mem.index >= 0 {
		a += o.regs.u64(gprs, o.regs.gpr[in.mem.index]) << in.mem.scale
	}
	a += uint64(in.mem.disp)
	if in.addr32 {
		a = uint64(uint32(a))
	}
	switch {
	case in.mem.seg == segFS && o.regs.fsBase >= 0:
		a += o.regs.u64(o.cur, o.regs.fsBase)
	case in.mem.seg == segGS && o.regs.gsBase >= 0:
		a += o.regs.u64(o.cur, o.regs.gsBase)
	}
	return a
}

// collectWrites turns the step's write log into MemWrites and marks the
// pages dirty.
func (o *Oracle) collectWrites() []MemWrite {
	log := o.mem.writes()[o.logSkip:]
	if len(log) == 0 {
		return nil
	}
	for i := range log {
		w := &log[i]
		o.wbuf = append(o.wbuf, o.mem.oldBytes(w)...)
		var nb [8]byte
		binary.LittleEndian.PutUint64(nb[:], uint64(w.value))
		o.wbuf = append(o.wbuf, nb[:w.size]...)
		addr := uint64(w.addr)
		o.mem.markDirty(addr)
		o.mem.markDirty(addr + uint64(w.size) - 1)
	}
	// Slice wbuf only once it has stopped growing.
	off := 0
	for i := range log {
		size := int(log[i].size)
		o.writes = append(o.writes, MemWrite{
			Addr: uint64(log[i].addr),
			Old:  o.wbuf[off : off+size : off+size],
			New:  o.wbuf[off+size : off+2*size : off+2*size],
		})
		off += 2 * size
	}
	return o.writes
}

// rollback undoes the writes of a faulting step: an x86 instruction that
// faults leaves memory as it was, but Unicorn may have stored part of a
// split access before faulting on its second page.
func (o *Oracle) rollback() {
	log := o.mem.writes()
	for i := len(log) - 1; i >= 0; i-- {
		w := &log[i]
		old := o.mem.oldBytes(w)
		for j := range old {
			if w.known&(1<<j) == 0 {
				continue
			}
			addr := uint64(w.addr) + uint64(j)
			if o.mem.present(addr) {
				o.mem.page(addr)[addr&pageMask] = old[j]
			}
		}
		page := uint64(w.addr) &^ pageMask
		o.eng.RemoveCache(page, page+2*pageSize)
	}
	o.mem.resetLog()
}
