package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/arch/x86/x86asm"

	"lockstep/gdbtarget"
	"lockstep/harness"
	"lockstep/internal/launch"
	"lockstep/machine"
	"lockstep/qemutrace"
)

// TestOptions describe a pairing: the program under QEMU (the reference)
// and under an emulator under test with a gdbstub, stepped side by side.
type TestOptions struct {
	Options
	// Test is the parsed --test target.
	Test gdbtarget.Spec
	// TestName names it in reports (default: the spec).
	TestName string
	// Layout is the test's register layout when its stub has none.
	Layout *machine.Layout
	// TestStdout receives the test's guest output; nil discards.
	TestStdout io.Writer
	// NoOracle leaves the Unicorn oracle out: no third opinion at
	// divergences.
	NoOracle bool
	// TestStdin is the test's guest input (Stdin is QEMU's; the two sides
	// read their own); nil means /dev/null.
	TestStdin io.Reader
}

// ErrRefused is wrapped when neither documented rule for the differences
// between two loaders applies (see the README).
var ErrRefused = errors.New("the two sides cannot be paired")

// RunTest starts QEMU (the reference) and the emulator under test, and
// runs them in lockstep with the host CPU judging divergences. Like Run,
// an error return means nothing could be started.
func RunTest(ctx context.Context, opts TestOptions) (*Report, error) {
	ex, off, err := startArbiter(ctx, opts.Arbiter)
	if err != nil {
		return nil, err
	}
	if ex != nil {
		defer ex.Close()
	}
	cpu := qemuCPU(opts.Options, ex != nil, "max")
	qcfg := qemuConfig(opts.Options, cpu)
	qcfg.Mode = qemutrace.Stepped // the pairing steps both stubs
	tr, err := qemutrace.Start(ctx, qcfg)
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	tg, err := gdbtarget.Start(ctx, gdbtarget.Config{Spec: opts.Test, Program: opts.Program, Args: opts.Args,
		Env: opts.Env, Dir: opts.Dir, Stdin: opts.TestStdin, Stdout: opts.TestStdout, Layout: opts.Layout, TempDir: opts.TempDir})
	if err != nil {
		return nil, err
	}
	defer tg.Close()
	defer pinApart(tr, tg)()
	name := opts.TestName
	if name == "" {
		name = opts.Test.Kind.String()
	}
	pairing := &harness.Pairing{Test: name, SyscallsSynced: map[string]int{}}
	cfg := opts.Harness
	cfg.Reference = tr
	cfg.ReportCorrections = true // the host siding with the reference is the test's bug
	cfg.VerdictsWithoutImprecise = true
	configureArbiter(&cfg, ex, opts.Arbiter, off)
	if !opts.NoOracle {
		cfg.Opinion = oracleOpinion{}
	}
	var fol *testFollower // set once the harness has created it
	cfg.NewFollower = func(ctx context.Context, ref harness.Reference) (harness.Follower, error) {
		f, err := newTestFollower(ctx, ref, tg, pairing)
		if err != nil {
			return nil, err
		}
		fol = f
		return f, nil
	}
	res := harness.Run(ctx, cfg)
	res.CPUModel = cpu
	pairing.Capabilities = tg.Capabilities()
	if fol != nil && res.Err != nil && errors.Is(res.Err, ErrRefused) {
		return nil, res.Err
	}
	if st, ended := tg.Ended(); ended && st.Kind == machine.Exited {
		s := st.ExitStatus
		pairing.TestExitStatus = &s
	}
	if res.Outcome == harness.Agree && res.ExitStatus != nil && res.LimitReached == "" {
		if pairing.TestExitStatus == nil || *pairing.TestExitStatus != *res.ExitStatus {
			got := "did not exit"
			if pairing.TestExitStatus != nil {
				got = fmt.Sprintf("exited with status %d", *pairing.TestExitStatus)
			}
			res.Outcome = harness.Diverge
			res.Divergences = append(res.Divergences, harness.Divergence{Kind: harness.KindExit, Step: res.Steps,
				Detail:  fmt.Sprintf("the reference exited with status %d; the test %s", *res.ExitStatus, got),
				Verdict: harness.Unjudged, VerdictReason: "an exit status is not an instruction's result"})
		}
	}
	for i := range res.Divergences {
		if res.Divergences[i].Verdict == harness.FollowerWrong {
			res.Divergences[i].Verdict = harness.TestWrong
		}
	}
	res.Pairing = pairing
	return &Report{Result: res, Layout: tr.Layout(), CPU: cpu}, nil
}

// pinApart keeps QEMU and the emulator under test on separate halves of
// the CPUs lockstep may use, and returns what ends the claim on them: each
// step runs both at once, and on a small machine the two otherwise wait
// for each other's core (on two CPUs a pairing runs 7 to 15% faster).
// Only one pairing on the machine splits the CPUs at a time (two would
// share the same halves); the others run anywhere. Best effort.
func pinApart(tr *qemutrace.Tracer, tg *gdbtarget.Target) (release func()) {
	procs := tg.Processes()
	ref, test, ok := launch.SplitCPUs()
	if !ok || len(procs) == 0 {
		return func() {}
	}
	release, ok = launch.ClaimCPUs()
	if !ok {
		return release
	}
	_ = launch.Pin([]int{tr.Pid()}, ref)
	_ = launch.Pin(procs, test)
	return release
}

// corr is an address region taken as equal on both sides: [ref, ref+n)
// on the reference is [test, test+n) on the test.
type corr struct {
	name      string
	ref, test uint64
	n         uint64
}

func (c corr) String() string {
	return fmt.Sprintf("%s: reference %#x-%#x = test %#x-%#x", c.name, c.ref, c.ref+c.n, c.test, c.test+c.n)
}

// pointerRegs are the registers whose values are translated between the
// two sides' address spaces.
var pointerRegs = []string{"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "fs_base", "gs_base", "rip"}

// natureSyscalls are system calls whose results differ by nature between
// two runs: the test takes the reference's result.
var natureSyscalls = map[uint64]string{39: "getpid", 110: "getppid", 186: "gettid", 201: "time",
	96: "gettimeofday", 228: "clock_gettime", 318: "getrandom", 102: "getuid", 104: "getgid",
	107: "geteuid", 108: "getegid", 218: "set_tid_address"}

// qemuENOSYS are system calls QEMU 7.2's linux-user answers with ENOSYS:
// the test makes them with an invalid number instead, so that its kernel
// answers ENOSYS too.
var qemuENOSYS = map[uint64]string{273: "set_robust_list", 274: "get_robust_list", 334: "rseq", 435: "clone3"}

// syncOps are instructions whose results are taken from the reference.
var syncOps = map[x86asm.Op]bool{x86asm.CPUID: true, x86asm.RDTSC: true, x86asm.RDTSCP: true,
	x86asm.RDRAND: true, x86asm.XGETBV: true}

// testFollower is the emulator under test as the harness's follower: its
// registers and memory are shown in the reference's address space.
type testFollower struct {
	// beside: StepBeside runs the reference's step meanwhile, and
	// refBefore holds its registers from before.
	beside    bool
	refBefore *machine.Snapshot

	ctx    context.Context
	t      *gdbtarget.Target
	ref    harness.Reference
	rl, tl *machine.Layout
	ix     []int    // reference register index -> test index, -1
	fixed  []uint64 // per reference register: bits taken from the reference
	ptr    []bool   // per reference register: translated
	// stK is the reference index of physical x87 register K when the
	// test's stub numbers st0-st7 from the stack top (gdbserver), else -1.
	stK       []int
	stackRelX bool
	corrs     []corr
	notMod    map[string]string
	impr      []harness.ImpreciseBits
	synced    map[string]int
	pair      *harness.Pairing

	scratch   *machine.Snapshot // the test's layout
	before    []byte            // the test's registers before the last step
	syscallNr int64             // the system call of the last step, -1 none
	addrFlags uint64            // flags of the last step computed from an address
	sysArgs   [6]uint64
	writes    []harness.Write
	reads     gdbtarget.StepReads // what the last step read around itself

	// Signals (testsignals.go).
	undo        []gdbtarget.Read  // memory the last step wrote, as it was before
	madeSyscall bool              // the last step was a system call (it cannot be undone)
	pendingSig  int               // the test's own signal its last stop reported, 0 none
	sigFrames   []sigFrame        // the signal frames the handlers being run were given, innermost last
	pids        map[uint64]uint64 // the reference's pid or tid -> the test's
	fds         map[uint64]uint64 // the reference's file descriptors -> the test's (testfds.go)
	guard       uint64            // glibc's pointer guard, once read (testmangle.go)
	guardNext   uint64            // the test's step from which a guard not found is looked for again
}

func newTestFollower(ctx context.Context, ref harness.Reference, t *gdbtarget.Target, pair *harness.Pairing) (*testFollower, error) {
	f := &testFollower{ctx: context.WithoutCancel(ctx), t: t, ref: ref, rl: ref.Layout(), tl: t.Layout(),
		notMod: map[string]string{}, synced: map[string]int{}, pair: pair, syscallNr: -1, pids: map[uint64]uint64{}, fds: map[uint64]uint64{}}
	f.scratch = f.tl.NewSnapshot()
	f.stackRelX = t.X87StackRelative()
	refRegs := ref.Registers()
	rpc, _ := refRegs.Uint64("rip")
	if tpc := t.PC(); tpc != rpc {
		return nil, fmt.Errorf("%w: the program starts at %#x on the reference and at %#x on the test: "+
			"the loaders placed it differently (a dynamically linked or position-independent program), "+
			"so neither copying the reference's state nor corresponding regions applies; use a static, non-PIE program", ErrRefused, rpc, tpc)
	}
	used := map[int]bool{}
	for _, r := range f.rl.Regs {
		j := f.tl.Index(gdbtarget.Canonical(r.Name))
		if j < 0 {
			j = f.tl.Index(r.Name)
		}
		f.ix = append(f.ix, j)
		f.ptr = append(f.ptr, slices.Contains(pointerRegs, r.Name))
		k := -1
		if len(r.Name) == 3 && strings.HasPrefix(r.Name, "st") && r.Name[2] >= '0' && r.Name[2] <= '7' {
			k = int(r.Name[2] - '0')
		}
		f.stK = append(f.stK, k)
		if j < 0 {
			f.notMod[r.Name] = "not in the test's register layout"
		} else {
			used[j] = true
		}
	}
	f.fixed = make([]uint64, len(f.rl.Regs))
	if i := f.rl.Index("eflags"); i >= 0 && f.ix[i] >= 0 {
		f.fixed[i] = trapFlag | resumeFlag
		f.impr = append(f.impr, harness.ImpreciseBits{Register: "eflags", Mask: trapFlag | resumeFlag,
			Reason: "TF and RF: a stub single-stepping with ptrace may show the stepper's trap flag, and the resume flag inside a rep instruction"})
	}
	for j, r := range f.tl.Regs {
		if !used[j] {
			pair.TestOnly = append(pair.TestOnly, r.Name)
		}
	}
	// The stack: the two loaders put it at different addresses. The
	// initial stack pointers correspond, and so does the reference's stack
	// region around them. The test's stack pointer is first moved down to
	// the reference's offset in a page (alignment arithmetic and the
	// flags of address computations then agree), and the reference's entry
	// block is copied there; where it does not fit, the test keeps its own
	// stack pointer and entry block.
	rsp, _ := refRegs.Uint64("rsp")
	tsp, _ := t.Registers().Uint64("rsp")
	if rsp != tsp {
		reg, ok := ref.Map().Find(rsp)
		if !ok {
			return nil, fmt.Errorf("%w: the reference's stack pointer %#x is in no mapping", ErrRefused, rsp)
		}
		m, src := t.Map(ctx)
		pair.MapSource = src
		if m == nil {
			pair.MapSource = "the reference's map"
		}
		stack := func(tsp uint64) corr {
			c := corr{name: "stack", ref: reg.Start, test: tsp - (rsp - reg.Start), n: reg.End - reg.Start}
			if m != nil {
				if treg, ok := m.Find(tsp); ok {
					// Keep to what exists on both sides.
					lo := max(c.test, treg.Start)
					hi := min(c.test+c.n, treg.End)
					c = corr{name: "stack", ref: c.ref + (lo - c.test), test: lo, n: hi - lo}
				}
			}
			return c
		}
		copied := false
		if moved := tsp - (tsp-rsp)&0xfff; moved != tsp {
			f.corrs = []corr{stack(moved)}
			var err error
			if copied, err = f.copyEntryBlock(ctx, rsp, moved); err != nil {
				return nil, err
			}
		}
		if !copied {
			f.corrs = []corr{stack(tsp)}
			if _, err := f.copyEntryBlock(ctx, rsp, tsp); err != nil {
				return nil, err
			}
		}
		pair.Correspondences = append(pair.Correspondences, f.corrs[0].String())
	} else if _, err := f.copyEntryBlock(ctx, rsp, tsp); err != nil {
		return nil, err
	}
	// Registers at entry: what the test's stub reports differently from
	// the reference outside the general registers is a convention of the
	// stub or the loader, not an instruction's result (segment selectors
	// read as 0, eflags' reserved bit 1 and IF, a tag word in the other
	// format): those bits are taken from the reference and not compared.
	// Then the reference's registers are written into the test, so both
	// start from the same state.
	for i, r := range f.rl.Regs {
		if f.ix[i] < 0 || f.ptr[i] || r.Name == "rip" {
			continue
		}
		a, b := refRegs.Reg(i), f.testValue(i)
		if bytes.Equal(a, b) {
			continue
		}
		mask := uint64(0)
		for k := 0; k < min(len(a), len(b), 8); k++ {
			mask |= uint64(a[k]^b[k]) << (8 * k)
		}
		if len(a) > 8 || mask == 0 {
			f.notMod[r.Name] = "the test's stub reports it differently at entry"
			f.ix[i] = -1
			continue
		}
		f.fixed[i] |= mask
		if r.Name != "eflags" {
			f.notMod[r.Name] = fmt.Sprintf("the test's stub reports %s at entry where the reference has %s", hexLE(b), hexLE(a))
			continue
		}
		f.impr = append(f.impr[:0], harness.ImpreciseBits{Register: r.Name, Mask: mask | trapFlag | resumeFlag,
			Reason: "the test's stub reports these bits differently at entry (" + harness.FlagBits(mask) + "); " +
				"TF and RF: a stub single-stepping with ptrace may show the stepper's"})
	}
	if err := f.Adopt(refRegs); err != nil {
		return nil, err
	}
	return f, nil
}

// Auxiliary vector entries whose values point into the entry block.
const (
	atNull         = 0
	atPlatform     = 15
	atBasePlatform = 24
	atRandom       = 25
	atExecFn       = 31
)

// copyEntryBlock writes the reference's entry block (argc, argv, envp and
// the auxiliary vector from the stack pointer up, and the strings and
// AT_RANDOM bytes they point to) into the test at the corresponding
// addresses, pointers translated. Both sides then start from one argv,
// environment and auxiliary vector: AT_RANDOM's bytes (glibc's stack
// guard), AT_HWCAP, and no vDSO where QEMU offers none. Without room above
// the test's stack pointer (or without the test's memory map when the
// stacks differ), nothing is copied and the report says so.
func (f *testFollower) copyEntryBlock(ctx context.Context, rsp, tsp uint64) (bool, error) {
	reg, ok := f.ref.Map().Find(rsp)
	if !ok {
		return false, nil
	}
	buf := make([]byte, min(reg.End-rsp, 1<<20))
	if err := f.ref.ReadMemory(ctx, rsp, buf); err != nil {
		f.pair.EntryBlock = "not copied: the reference's stack could not be read: " + err.Error()
		return false, nil
	}
	word := func(k int) (uint64, bool) {
		if k < 0 || 8*k+8 > len(buf) {
			return 0, false
		}
		return le(buf[8*k : 8*k+8]), true
	}
	end := uint64(0) // offset past the block's last byte
	var ptrs []int   // word indexes holding pointers into the block
	inBlock := func(k int, v uint64, n uint64) {
		if v < rsp || v-rsp >= uint64(len(buf)) {
			return
		}
		ptrs = append(ptrs, k)
		off := v - rsp
		if n == 0 { // a string
			i := bytes.IndexByte(buf[off:], 0)
			if i < 0 {
				return
			}
			n = uint64(i) + 1
		}
		end = max(end, off+n)
	}
	argc, _ := word(0)
	k := 1
	if argc > 1<<16 {
		f.pair.EntryBlock = "not copied: no argument count at the reference's stack pointer"
		return false, nil
	}
	for nulls := 0; nulls < 2; k++ { // argv, then envp, each ending in NULL
		v, ok := word(k)
		if !ok {
			f.pair.EntryBlock = "not copied: the reference's argv and envp do not end"
			return false, nil
		}
		if v == 0 {
			nulls++
			continue
		}
		inBlock(k, v, 0)
	}
	for ; ; k += 2 {
		typ, ok1 := word(k)
		v, ok2 := word(k + 1)
		if !ok1 || !ok2 {
			f.pair.EntryBlock = "not copied: the reference's auxiliary vector does not end"
			return false, nil
		}
		if typ == atNull {
			k += 2
			break
		}
		switch typ {
		case atPlatform, atBasePlatform, atExecFn:
			inBlock(k+1, v, 0)
		case atRandom:
			inBlock(k+1, v, 16)
		}
	}
	end = max(end, uint64(8*k))
	end = (end + 7) &^ 7
	room := uint64(0)
	if tm, _ := f.t.Map(ctx); tm != nil {
		if treg, ok := tm.Find(tsp); ok {
			room = treg.End - tsp
		}
	} else if rsp == tsp {
		room = reg.End - rsp
	}
	if room < end {
		f.pair.EntryBlock = fmt.Sprintf("not copied: %#x bytes do not fit above the test's stack pointer (%#x)", end, room)
		return false, nil
	}
	block := slices.Clone(buf[:end])
	for _, k := range ptrs {
		putLE(block[8*k:8*k+8], f.toTest(le(block[8*k:8*k+8])))
	}
	if err := f.t.WriteMemory(ctx, tsp, block); err != nil {
		return false, fmt.Errorf("copying the reference's entry block into the test: %w", err)
	}
	f.pair.EntryBlock = fmt.Sprintf("copied: %#x bytes from the stack pointer up (argc, argv, envp, the auxiliary vector, %d strings and AT_RANDOM)", end, len(ptrs))
	return true, nil
}

func hexLE(b []byte) string {
	var v uint64
	for k := min(len(b), 8) - 1; k >= 0; k-- {
		v = v<<8 | uint64(b[k])
	}
	return fmt.Sprintf("%#x", v)
}

// testValue is reference register i's value on the test, in the
// reference's address space (without fixed bits).
func (f *testFollower) testValue(i int) []byte {
	src := f.t.Registers().Reg(f.testIndex(i, f.t.Registers()))
	out := make([]byte, f.rl.Regs[i].Size())
	copy(out, src)
	if f.ptr[i] && len(out) == 8 {
		v := le(out)
		putLE(out, f.toRef(v))
	}
	return out
}

// testIndex is the test's register index for reference register i. The
// reference (QEMU 7.2's stub) shows the physical x87 registers R0-R7 as
// st0-st7; a stub that numbers them from the stack top (GDB's convention,
// gdbserver's) shows R(K) as st((K-TOP) mod 8), TOP from fstat (of snap).
func (f *testFollower) testIndex(i int, snap *machine.Snapshot) int {
	j := f.ix[i]
	if !f.stackRelX || f.stK[i] < 0 || j < 0 {
		return j
	}
	fstat, _ := snap.Uint64("fstat")
	top := int(fstat>>11) & 7
	return f.tl.Index(fmt.Sprintf("st%d", (f.stK[i]-top)&7))
}

func (f *testFollower) toRef(v uint64) uint64 {
	if c, ok := f.corrOf(v); ok {
		return v - c.test + c.ref
	}
	return v
}

func (f *testFollower) toTest(v uint64) uint64 {
	for _, end := range []bool{false, true} {
		for _, c := range f.corrs {
			if v >= c.ref && (v-c.ref < c.n || end && v-c.ref == c.n) {
				return v - c.ref + c.test
			}
		}
	}
	return v
}

func le(b []byte) uint64 {
	var v uint64
	for k := min(len(b), 8) - 1; k >= 0; k-- {
		v = v<<8 | uint64(b[k])
	}
	return v
}

func putLE(b []byte, v uint64) {
	for k := 0; k < min(len(b), 8); k++ {
		b[k] = byte(v >> (8 * k))
	}
}

// Step steps the test over one instruction: a system call it executes
// itself, cpuid and the like are then overwritten with the reference's
// results (Sync), and the memory the instruction's operands name is read
// before and after, for the harness to compare.
func (f *testFollower) Step(ctx context.Context) (harness.FollowStep, error) {
	inst, derr := x86asm.Decode(f.t.Code(ctx), 64)
	return f.step(ctx, inst, derr)
}

// step is Step for the instruction at the pc, decoded (derr: it could
// not be).
func (f *testFollower) step(ctx context.Context, inst x86asm.Inst, derr error) (harness.FollowStep, error) {
	tpc := f.t.PC()
	pc := f.toRef(tpc) // code in an mmap'd region runs at another address
	f.before = append(f.before[:0], f.t.Registers().Regs...)
	f.syscallNr = -1
	f.undo, f.madeSyscall = f.undo[:0], false
	f.leaveSignalFrames()
	f.discardPending()
	switch {
	case derr == nil && inst.Op == x86asm.SYSCALL:
		regs := f.t.Registers()
		nr, _ := regs.Uint64("rax")
		f.syscallNr = int64(nr)
		for k, n := range []string{"rdi", "rsi", "rdx", "r10", "r8", "r9"} {
			f.sysArgs[k], _ = regs.Uint64(n)
		}
		if name, ok := qemuENOSYS[nr]; ok {
			// QEMU 7.2's linux-user does not implement it: the test's
			// kernel must not either, or the two programs part ways (glibc
			// registers rseq only where it succeeds).
			f.scratch.CopyFrom(regs)
			f.scratch.SetUint64("rax", ^uint64(0))
			if err := f.t.WriteRegisters(ctx, f.scratch); err != nil {
				return harness.FollowStep{}, err
			}
			f.synced["syscall "+name+" (ENOSYS)"]++
		}
		f.madeSyscall = true
		restore, err := f.ownArgs(ctx, nr)
		if err != nil {
			return harness.FollowStep{}, err
		}
		if err := f.stepSyscall(ctx, tpc, nr); err != nil {
			return harness.FollowStep{}, err
		}
		if err := restore(); err != nil {
			return harness.FollowStep{}, err
		}
		return harness.FollowStep{Kind: harness.SyscallStop, PC: pc}, nil
	case derr == nil && syncOps[inst.Op]:
		st, err := f.stepOwnSignals(ctx, tpc, func() (machine.Stop, error) { return f.t.Step(ctx) })
		if err != nil {
			return harness.FollowStep{}, err
		}
		mn := strings.ToLower(inst.Op.String())
		if st.Kind == machine.Signalled {
			return harness.FollowStep{Kind: harness.Fault, PC: pc, Signal: st.Signal, Reason: "the test faults on " + mn}, nil
		}
		f.synced[mn]++
		return harness.FollowStep{Kind: harness.Sync, PC: pc, Insn: mn}, nil
	}
	f.addrFlags = 0
	if derr == nil {
		f.addrFlags = f.addressOperandFlags(inst)
	}
	// The memory the instruction may write is read before and after it,
	// in the step's own round trips; the next instruction's bytes too.
	spans := f.memSpans(inst, derr == nil)
	f.writes = f.writes[:0]
	rd := &f.reads
	rd.Before, rd.After, rd.NextPC = rd.Before[:0], rd.After[:0], 0
	if derr == nil {
		rd.NextPC = tpc + uint64(inst.Len)
	}
	for _, s := range spans {
		rd.Before = append(rd.Before, gdbtarget.Read{Addr: s.addr, Buf: make([]byte, s.n)})
		rd.After = append(rd.After, gdbtarget.Read{Addr: s.addr, Buf: make([]byte, s.n)})
	}
	st, err := f.stepOwnSignals(ctx, tpc, func() (machine.Stop, error) { return f.t.StepWith(ctx, rd) })
	if err != nil {
		return harness.FollowStep{}, err
	}
	if derr == nil && (inst.Op == x86asm.PUSHF || inst.Op == x86asm.PUSHFQ) && st.Kind == machine.Stepped {
		if err := f.clearStepTrap(ctx); err != nil {
			return harness.FollowStep{}, err
		}
	}
	switch {
	case st.Kind == machine.Signalled && f.t.PC() == tpc:
		f.pendingSig = st.Signal // delivered if the reference faults alike and has a handler
		return harness.FollowStep{Kind: harness.Fault, PC: pc, Signal: st.Signal}, nil
	case st.Kind == machine.Signalled:
		// The instruction completed and the next one faulted before any
		// of it ran (valgrind reports a jump's target failing to fetch
		// with the jump's step): the fault is the next step's, which
		// raises it again (resumed without it).
		st.Kind = machine.Stepped
	case st.Kind == machine.Exited, st.Kind == machine.Killed:
		return harness.FollowStep{Kind: harness.Fault, PC: pc, Signal: st.Signal, Reason: "the test " + st.String()}, nil
	}
	for k, s := range spans {
		old, nw := rd.Before[k], rd.After[k]
		if old.Err != nil || nw.Err != nil || bytes.Equal(nw.Buf, old.Buf) {
			continue
		}
		f.undo = append(f.undo, gdbtarget.Read{Addr: s.addr, Buf: slices.Clone(old.Buf)})
		for k := 0; k+8 <= s.n; k += 8 { // an address stored, or several (vector stores)
			putLE(nw.Buf[k:k+8], f.refValue(le(nw.Buf[k:k+8])))
			putLE(old.Buf[k:k+8], f.refValue(le(old.Buf[k:k+8])))
		}
		f.writes = append(f.writes, harness.Write{Addr: f.toRef(s.addr), Old: old.Buf, New: nw.Buf})
	}
	return harness.FollowStep{Kind: harness.Executed, PC: pc, Repeat: st.Repeat, Writes: f.writes}, nil
}

// trapFlag is rflags' TF, resumeFlag its RF.
const (
	trapFlag   = 0x100
	resumeFlag = 0x10000
)

// clearStepTrap undoes what single-stepping with ptrace (gdbserver) does
// to a PUSHF: the kernel steps with TF set, so the pushed rflags have TF
// although the program's rflags have not. When the test's rflags before
// the PUSHF had TF clear (the reference has not stepped yet), the pushed
// word's TF is the stepper's: it is cleared in the test's memory.
func (f *testFollower) clearStepTrap(ctx context.Context) error {
	if fl, _ := f.refRegisters().Uint64("eflags"); fl&trapFlag != 0 {
		return nil // the reference's rflags before the PUSHF: the program's TF
	}
	sp, _ := f.t.Registers().Uint64("rsp")
	var w [8]byte
	if f.t.ReadMemory(ctx, sp, w[:]) != nil || le(w[:])&trapFlag == 0 {
		return nil
	}
	putLE(w[:], le(w[:])&^trapFlag)
	if err := f.t.WriteMemory(ctx, sp, w[:]); err != nil {
		return fmt.Errorf("clearing the stepper's trap flag in a pushed rflags: %w", err)
	}
	f.synced["pushf trap flag"]++
	return nil
}

type span struct {
	addr uint64
	n    int
}

// memSpans lists the memory an instruction may write, in the test's
// address space: its memory operands, the stack slot of a push or call,
// and the destination of a string instruction.
func (f *testFollower) memSpans(inst x86asm.Inst, ok bool) []span {
	if !ok {
		return nil
	}
	regs := f.t.Registers()
	get := func(r x86asm.Reg) (uint64, bool) {
		if r == 0 {
			return 0, true
		}
		if r == x86asm.RIP {
			v, _ := regs.Uint64("rip")
			return v + uint64(inst.Len), true
		}
		name := strings.ToLower(r.String())
		if r >= x86asm.EAX && r <= x86asm.R15L {
			return 0, false
		}
		v, ok := regs.Uint64(name)
		return v, ok
	}
	var out []span
	for _, a := range inst.Args {
		m, isMem := a.(x86asm.Mem)
		if !isMem || m.Segment != 0 {
			continue
		}
		base, ok1 := get(m.Base)
		idx, ok2 := get(m.Index)
		if !ok1 || !ok2 {
			continue
		}
		n := inst.MemBytes
		if n <= 0 || n > 512 {
			continue
		}
		out = append(out, span{base + idx*uint64(m.Scale) + uint64(m.Disp), n})
	}
	sp, _ := regs.Uint64("rsp")
	switch inst.Op {
	case x86asm.PUSH, x86asm.CALL, x86asm.PUSHF, x86asm.PUSHFQ:
		out = append(out, span{sp - 8, 8})
	case x86asm.STOSB, x86asm.STOSW, x86asm.STOSD, x86asm.STOSQ, x86asm.MOVSB, x86asm.MOVSW, x86asm.MOVSD, x86asm.MOVSQ:
		di, _ := regs.Uint64("rdi")
		out = append(out, span{di, 8})
	}
	return out
}

// Registers gives the test's registers in the reference's address space;
// bits the test's stub cannot report keep the reference's value (dst
// holds the reference's registers when called). A value equal on both
// sides as it is is not translated (data that happens to lie in a test
// region). When the step left an address of a correspondence in a
// register, the parity flag (and the adjust flag unless the two regions
// agree in their low four bits) is the parity of the address's low byte:
// it differs by nature and is taken from the reference (counted as synced
// "address flags").
func (f *testFollower) Registers(dst *machine.Snapshot) error {
	addrFlags := f.addrFlags
	flagsIx := -1
	for i := range f.rl.Regs {
		if f.ix[i] < 0 {
			continue
		}
		d := dst.Reg(i)
		if f.rl.Regs[i].Name == "eflags" {
			flagsIx = i
		}
		if f.ptr[i] && len(d) == 8 {
			raw := le(f.t.Registers().Reg(f.ix[i]))
			if raw == le(d) {
				continue
			}
			if _, isAddr := f.corrOf(raw); !isAddr { // addresses are translated below
				if rule := f.byNature(raw, le(d)); rule != "" {
					f.synced[rule]++
					continue
				}
			}
		}
		v := f.testValue(i)
		if len(v) >= 16 {
			// Addresses copied through vector registers (memcpy, movq).
			for k := 0; k+8 <= len(v); k += 8 {
				tv, rv := le(v[k:k+8]), le(d[k:k+8])
				if tv != rv && f.refValue(tv) == rv {
					putLE(v[k:k+8], rv)
					f.synced["address lanes"]++
				}
			}
		}
		if m := f.fixed[i]; m != 0 {
			nv := le(v)&^m | le(d)&m
			putLE(v, nv)
		}
		copy(d, v)
	}
	if addrFlags != 0 && flagsIx >= 0 && f.syscallNr < 0 {
		d := dst.Reg(flagsIx)
		ref := le(f.ref.Registers().Reg(flagsIx))
		if (le(d)^ref)&addrFlags != 0 {
			putLE(d, le(d)&^addrFlags|ref&addrFlags)
			f.synced["address flags"]++
			// The test goes on with the reference's flags, as after cpuid.
			j := f.ix[flagsIx]
			f.scratch.CopyFrom(f.t.Registers())
			tv := le(f.scratch.Reg(j))
			putLE(f.scratch.Reg(j), tv&^addrFlags|ref&addrFlags)
			if err := f.t.WriteRegisters(f.ctx, f.scratch); err != nil {
				return err
			}
		}
	}
	return nil
}

// statusFlags are CF, PF, AF, ZF, SF and OF.
const statusFlags = 0x8d5

// addressOperandFlags gives the flags an instruction computes from an
// address, which differ by nature: when one of its register operands
// holds, on the test, an address of a correspondence or its low half (a
// value other than the reference's), the status flags are the address's
// and are taken from the reference.
func (f *testFollower) addressOperandFlags(inst x86asm.Inst) uint64 {
	regs := f.t.Registers()
	for _, a := range inst.Args {
		r, ok := a.(x86asm.Reg)
		if !ok {
			continue
		}
		switch {
		case r >= x86asm.RAX && r <= x86asm.R15:
		case r >= x86asm.EAX && r <= x86asm.R15L:
			r = r - x86asm.EAX + x86asm.RAX
		default:
			continue
		}
		name := strings.ToLower(r.String())
		v, ok := regs.Uint64(name)
		if !ok {
			continue
		}
		rv, _ := f.refRegisters().Uint64(name)
		if rv == v {
			continue // data equal on both sides
		}
		if _, ok := f.corrOf(v); ok || f.byNature(v, rv) != "" {
			return statusFlags
		}
	}
	return 0
}

// lowHalves reports whether test and ref, both 32-bit values, are the low
// halves of corresponding addresses (a 32-bit move of a pointer, as
// string functions do to compute alignments): they differ by the low half
// of a correspondence's offset.
func (f *testFollower) lowHalves(test, ref uint64) bool {
	for _, c := range f.corrs {
		if uint32(test-ref) == uint32(c.test-c.ref) {
			return true
		}
	}
	return false
}

// byNature names the rule under which test, a register value of the
// test's that is not itself a corresponding address, counts as the
// reference's ref; "" when none does.
func (f *testFollower) byNature(test, ref uint64) string {
	switch {
	case test>>32 == 0 && ref>>32 == 0 && f.lowHalves(test, ref):
		return "address low halves"
	case f.addressDifference(test, ref):
		return "address differences"
	case f.mangled(test, ref):
		return "mangled addresses"
	}
	return ""
}

// addressDifference reports whether test and ref are the difference of
// an address in one region and one in another (a handler's stack pointer
// less a main-stack address, a stack address less a data address): they
// then differ by the difference of the two regions' offsets. The
// program's own image counts as a region at offset 0 (index -1).
func (f *testFollower) addressDifference(test, ref uint64) bool {
	off := func(i int) uint64 {
		if i < 0 {
			return 0
		}
		return f.corrs[i].test - f.corrs[i].ref
	}
	for i := -1; i < len(f.corrs); i++ {
		for j := -1; j < len(f.corrs); j++ {
			if a, b := off(i), off(j); a != b && a-b == test-ref {
				return true
			}
		}
	}
	return false
}

// corrOf is the correspondence whose test region holds v, or else ends
// at v (a pointer one past the end, as loops compute).
func (f *testFollower) corrOf(v uint64) (corr, bool) {
	for _, end := range []bool{false, true} {
		for _, c := range f.corrs {
			if v >= c.test && (v-c.test < c.n || end && v-c.test == c.n) {
				return c, true
			}
		}
	}
	return corr{}, false
}

// Adopt writes the reference's state into the test. After a system call
// the test keeps its own results, except for the calls whose results
// differ by nature (getpid, time, getrandom...), which take the
// reference's rax, and mmap, whose two results become corresponding
// regions.
func (f *testFollower) Adopt(s *machine.Snapshot) error {
	if nr := f.syscallNr; nr >= 0 {
		f.syscallNr = -1
		rax, _ := s.Uint64("rax")
		trax, _ := f.t.Registers().Uint64("rax")
		// rcx and r11 after a syscall are the kernel's (return rip and
		// rflags); QEMU's linux-user leaves them as they were. Both are
		// taken from the reference.
		f.scratch.CopyFrom(f.t.Registers())
		for _, n := range []string{"rcx", "r11"} {
			v, _ := s.Uint64(n)
			f.scratch.SetUint64(n, f.toTest(v))
		}
		name, nature := natureSyscalls[uint64(nr)]
		if nature || f.rememberFD(uint64(nr), rax, trax) {
			f.scratch.SetUint64("rax", rax)
		}
		f.forgetFD(uint64(nr), f.sysArgs[0], rax)
		if !bytes.Equal(f.scratch.Regs, f.t.Registers().Regs) {
			if err := f.t.WriteRegisters(f.ctx, f.scratch); err != nil {
				return err
			}
		}
		switch {
		case nature:
			f.pair.SyscallsSynced[name]++
			f.synced["syscall "+name]++
			if pidSyscalls[uint64(nr)] {
				pairNumbers(f.pids, rax, trax) // the reference's process or thread is the test's
			}
			if nr == 318 && rax < 1<<20 { // getrandom: the bytes too
				buf := make([]byte, rax)
				if err := f.ref.ReadMemory(f.ctx, f.sysArgs[0], buf); err == nil {
					_ = f.t.WriteMemory(f.ctx, f.toTest(f.sysArgs[0]), buf)
				}
			}
		case nr == 9 && rax < 1<<63 && trax < 1<<63 && rax != trax: // mmap
			n := (f.sysArgs[1] + 4095) &^ 4095
			c := corr{name: "mmap", ref: rax, test: trax, n: n}
			f.corrs = append(f.corrs, c)
			f.pair.Correspondences = append(f.pair.Correspondences, c.String())
		}
		return nil
	}
	f.scratch.CopyFrom(f.t.Registers())
	for i := range f.rl.Regs {
		j := f.testIndex(i, s)
		if j < 0 {
			continue
		}
		d := f.scratch.Reg(j)
		v := s.Reg(i)
		if f.ptr[i] && len(v) == 8 {
			tmp := make([]byte, 8)
			putLE(tmp, f.toTest(le(v)))
			v = tmp
		}
		if m := f.fixed[i]; m != 0 && len(v) <= 8 {
			// Bits of the stub's own convention (the x87 tag word's
			// format, the stepper's TF) stay the test's.
			tmp := make([]byte, len(v))
			putLE(tmp, le(v)&^m|le(d)&m)
			v = tmp
		}
		copy(d, v)
	}
	if bytes.Equal(f.scratch.Regs, f.t.Registers().Regs) {
		return nil
	}
	return f.t.WriteRegisters(f.ctx, f.scratch)
}

// SetMap, Invalidate: the test keeps its own memory.
func (f *testFollower) SetMap(*machine.Map) error { return nil }
func (f *testFollower) Invalidate(uint64, uint64) {}

// DirtyPages and CachedPages: the test has no page cache to compare.
func (f *testFollower) DirtyPages() []uint64  { return nil }
func (f *testFollower) CachedPages() []uint64 { return nil }

// ReadMemory reads the test's memory at the address corresponding to the
// reference's addr.
// Aligned 8-byte words pointing into a correspondence are shown as the
// reference's addresses, like registers.
func (f *testFollower) ReadMemory(addr uint64, p []byte) error {
	if err := f.t.ReadMemory(f.ctx, f.toTest(addr), p); err != nil {
		return err
	}
	if len(f.corrs) == 0 {
		return nil
	}
	var ref []byte // read once, when some word may need translating
	for k := int((8 - addr%8) % 8); k+8 <= len(p); k += 8 {
		v := le(p[k : k+8])
		rv := f.refValue(v)
		if rv == v {
			continue
		}
		if ref == nil {
			ref = make([]byte, len(p))
			if f.ref.ReadMemory(f.ctx, addr, ref) != nil {
				clear(ref)
			}
		}
		// Data equal on both sides as it is stays as it is.
		if le(ref[k:k+8]) != v {
			putLE(p[k:k+8], rv)
		}
	}
	return nil
}

func (f *testFollower) NotModelled() map[string]string     { return copyReasons(f.notMod) }
func (f *testFollower) Imprecise() []harness.ImpreciseBits { return f.impr }
func (f *testFollower) Synced() map[string]int             { return f.synced }

// Close leaves the target to RunTest, which started it.
func (f *testFollower) Close() error { return nil }

// ExtraBefore gives the arbiter the test's x87 tag word and YMM upper
// halves from before the last step, when its layout has them.
func (f *testFollower) ExtraBefore() (uint16, [16][16]byte) {
	var ymmh [16][16]byte
	ftag := uint16(0xffff)
	if len(f.before) != f.tl.Size() {
		return ftag, ymmh
	}
	snap := &machine.Snapshot{Layout: f.tl, Regs: f.before}
	if v, ok := snap.Uint64("ftag"); ok {
		ftag = uint16(v)
	}
	for k := range 16 {
		if b := snap.Bytes(fmt.Sprintf("ymm%dh", k)); len(b) == 16 {
			copy(ymmh[k][:], b)
		}
	}
	return ftag, ymmh
}

func copyReasons(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// StepBeside steps the test while the harness steps the reference: the
// two stubs' round trips overlap. Meanwhile the test's step reads the
// reference's registers from before (a snapshot) and nothing else of it. A
// system call is left to Step: the harness compares memory before the
// reference makes it.
func (f *testFollower) StepBeside(ctx context.Context, refStep func() (machine.Stop, error)) (harness.FollowStep, machine.Stop, bool, error) {
	inst, derr := x86asm.Decode(f.t.Code(ctx), 64)
	if derr == nil && inst.Op == x86asm.SYSCALL {
		return harness.FollowStep{}, machine.Stop{}, false, nil
	}
	if f.refBefore == nil {
		f.refBefore = f.ref.Layout().NewSnapshot()
	}
	f.refBefore.CopyFrom(f.ref.Registers())
	// The reference, the slower side as a rule, steps on this goroutine,
	// so the test's result is waiting when it is done. The test's step
	// reads the reference's registers from before (refBefore) and nothing
	// else of the reference.
	f.beside = true
	defer func() { f.beside = false }()
	var (
		fs   harness.FollowStep
		ferr error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		fs, ferr = f.step(ctx, inst, derr)
	}()
	rs, rerr := refStep()
	<-done
	if rerr != nil {
		return fs, rs, true, rerr
	}
	return fs, rs, true, ferr
}

// refRegisters are the reference's registers from before the step.
func (f *testFollower) refRegisters() *machine.Snapshot {
	if f.beside {
		return f.refBefore
	}
	return f.ref.Registers()
}
