package suites_test

import (
	"bytes"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"lockstep/corpus"
	"lockstep/gdbtarget"
	"lockstep/harness"
	"lockstep/internal/testprog"
	"lockstep/session"
)

// known records what a pairing of QEMU with an emulator under test finds,
// like the corpus's recorded divergences: "" where the two agree to the
// end, else the first divergence's instruction, kind, register and the
// host's verdict.
type known struct {
	program  string // a corpus entry name, or a path under the repository
	mnemonic string // "" for agreement
	kind     harness.Kind
	register string
	verdict  harness.Verdict
	why      string
	// synced are counts the run must report among what it synced from
	// the reference (signals delivered or injected, for example).
	synced map[string]int
	// signalOr: where a signal lands depends on time; the run agrees, or
	// its first divergence is of kind signal (never a false register or
	// memory difference).
	signalOr bool
	// long: over a minute; in make test-long only.
	long bool
}

// valgrindTable: valgrind 3.19 through vgdb. Its probes in
// suites/testdata/valgrind reach each known difference before any PUSHF
// (valgrind's PUSHF is wrong itself, see alu/cmpxchg32).
var valgrindTable = []known{
	{program: "examples/agree.S"},
	{program: "session/testdata/valgrind-loop.S"},
	{program: "examples/valgrind-cmpxchg32.S", mnemonic: "cmpxchg", kind: harness.KindRegister, register: "rax",
		verdict: harness.TestWrong, why: "a successful 32-bit CMPXCHG zeroes RAX's upper half"},
	{program: "alu/cmpxchg32", mnemonic: "pushfq", kind: harness.KindMemory, verdict: harness.TestWrong,
		why: "valgrind's PUSHF pushes rflags without the reserved bit 1 and IF (0x44 where hardware pushes 0x246)"},
	{program: "suites/testdata/valgrind/x87prec.S", mnemonic: "fidiv", kind: harness.KindRegister, register: "st7",
		verdict: harness.TestWrong, why: "x87 arithmetic in 64-bit precision: 1/7 is 0x3ffc9249249249249000, hardware 0x3ffc9249249249249249"},
	{program: "suites/testdata/valgrind/fbstp.S", mnemonic: "fbstp", kind: harness.KindFault,
		verdict: harness.TestWrong, why: "SIGILL on FBSTP (and a panic of valgrind itself on a rip-relative one)"},
	{program: "suites/testdata/valgrind/lsl.S", mnemonic: "lsl", kind: harness.KindFault,
		verdict: harness.TestWrong, why: "SIGILL on LSL"},
	{program: "suites/testdata/valgrind/pcmpistri.S", mnemonic: "pcmpistri", kind: harness.KindFault,
		verdict: harness.TestWrong, why: "SIGILL on PCMPISTRI with imm8 0x04"},
	{program: "suites/testdata/valgrind/wrgsbase.S", mnemonic: "wrgsbase", kind: harness.KindFault,
		verdict: harness.TestWrong, why: "SIGILL on WRGSBASE"},
	{program: "signal/raise-usr1", synced: map[string]int{"SIGUSR1 delivered": 3, "own pid in a signalling call": 3}},
	{program: "signal/sigfpe-div", synced: map[string]int{"SIGFPE delivered": 4}},
	{program: "signal/munmap-access", synced: map[string]int{"SIGSEGV delivered": 1}},
	{program: "signal/exec-protnone", synced: map[string]int{"SIGSEGV delivered": 1}}, // valgrind reports the fetch fault with the call's step
	{program: "signal/alarm-loop", signalOr: true,
		why: "valgrind takes a signal it is given (the reference's SIGALRM, at the reference's instruction) only at a later block: " +
			"the pairing agrees when valgrind's own timer fires as the reference's signal is given, else reports the signal divergence"},
	{program: "muldiv/div", mnemonic: "jnz", kind: harness.KindRegister, register: "rip", verdict: harness.TestWrong,
		why: "single-stepped by its gdbserver, valgrind falls through a jne after cmp $0xff,%r9b (r9b = 1) that QEMU, " +
			"the host and valgrind running freely take"},
}

// gdbserverTable: the host CPU itself under Debian's gdbserver 13. Fast
// corpus entries that agree to the end (measured over the whole corpus,
// see the README), static glibc programs among them,
// the signal entries (handled signals taken on both sides), and four QEMU 7.2
// bugs the host under gdbserver finds, reference-wrong.
var gdbserverTable = []known{
	{program: "examples/agree.S"},
	{program: "session/testdata/host-differs.S"}, // cpuid, rdtsc, getpid, time written from QEMU
	{program: "alu/widen"},
	{program: "avx2/lanes"},
	{program: "bmi2/pdep"},
	{program: "movbe/swap"},
	{program: "popcnt/count"},
	{program: "pclmul/clmul"},
	{program: "stack/push-pop"}, // PUSHF under ptrace stepping (the stepper's TF)
	{program: "string/cmps-scas"},
	{program: "sse/float-arith"},
	{program: "sse3/sse3"},
	{program: "sse41/float"},
	{program: "x87/load-store"}, // st0-st7 numbered from the stack top by gdbserver
	{program: "x87/constants"},
	{program: "syscall/read-stdin"},
	{program: "syscall/tls"},
	{program: "syscall/mmap"},   // mmap'd regions correspond
	{program: "smc/patch-mmap"}, // code in an mmap'd region
	{program: "signal/raise-usr1", synced: map[string]int{"SIGUSR1 delivered": 3, "own pid in a signalling call": 3}},
	{program: "signal/alarm-loop", synced: map[string]int{"SIGALRM injected": 1}}, // the test's own timer discarded
	{program: "signal/sigfpe-div", synced: map[string]int{"SIGFPE delivered": 4}},
	{program: "signal/munmap-access", synced: map[string]int{"SIGSEGV delivered": 1}},
	{program: "signal/exec-protnone", synced: map[string]int{"SIGSEGV delivered": 1}},
	// Static glibc: setjmp's mangled stack addresses, addresses copied through XMM registers.
	{program: "libc/strings", synced: map[string]int{"mangled addresses": 24}},
	{program: "signal/segv-siglongjmp", synced: map[string]int{"SIGSEGV delivered": 5}},
	{program: "bmi1/blsi", mnemonic: "blsi", kind: harness.KindFlags, register: "eflags", verdict: harness.ReferenceWrong,
		why: "QEMU 7.2 computes BLSI's CF as for BLSR; the host under gdbserver and the oracle set it for a non-zero source"},
	{program: "adx/adx32", mnemonic: "adcx", kind: harness.KindFlags, register: "eflags", verdict: harness.ReferenceWrong,
		why: "QEMU 7.2 leaves rflags 0xffffffff after a 32-bit ADCX; the host under gdbserver and the oracle compute them"},
	{program: "x87/fsin-half", mnemonic: "fsin", kind: harness.KindRegister, register: "st7", verdict: harness.ReferenceWrong,
		why: "QEMU 7.2 computes FSIN(0.5) in double precision (...582f8000, hardware ...582f7f44); the oracle shares it, " +
			"so QEMU against the oracle sees it only with --arbiter every"},
	{program: "x87/compare", mnemonic: "fcomip", kind: harness.KindFlags, register: "eflags", verdict: harness.ReferenceWrong,
		why: "hardware clears AF (with OF and SF) in FCOMIP; QEMU 7.2 and the oracle leave it"},
}

// qemuTable: a second QEMU 7.2 as the test, translating one instruction
// per block (-singlestep) with the plain max model (the reference has the
// arbiter's model; cpuid is written from it). A bounded set of fast
// corpus entries, one or two per class, about 100,000 instructions in
// all (libc/strings is 44,000 of them); every corpus entry in assembly
// agrees too (about 10 minutes, see the README).
var qemuTable = []known{
	{program: "alu/widen"}, {program: "alu/cmpxchg32"}, {program: "avx2/lanes"}, {program: "bmi1/bextr"},
	{program: "bmi1/bmi1"}, {program: "bmi2/pdep"}, {program: "control/jcc-loop"}, {program: "memory/addressing"},
	{program: "movbe/swap"}, {program: "popcnt/count"}, {program: "smc/patch-mmap"}, {program: "sse/float-arith"},
	{program: "sse2/convert"}, {program: "sse41/float"}, {program: "stack/push-pop"}, {program: "stack/enter-leave"},
	{program: "string/cmps-scas"}, {program: "syscall/mmap"}, {program: "syscall/read-stdin"}, {program: "syscall/tls"},
	{program: "x87/load-store"}, {program: "x87/trig"},
	{program: "signal/raise-usr1"}, {program: "signal/alarm-loop", synced: map[string]int{"SIGALRM injected": 1}},
	{program: "signal/sigfpe-div"}, {program: "signal/munmap-access"}, {program: "signal/exec-protnone"},
	{program: "signal/segv-siglongjmp", synced: map[string]int{"SIGSEGV delivered": 5}}, // frames of two sizes: address differences
	{program: "libc/strings"}, // static glibc: AT_RANDOM from the entry block, getrandom written from QEMU
	{program: "dynamic/hello", synced: map[string]int{"fd": 2}, long: true}, // the loader's descriptors: QEMU's process holds more
	{program: "bmi1/blsi"},     // QEMU's BLSI bug on both sides: they agree
	{program: "x87/fsin-half"}, // and FSIN's double precision
}

// pairingTable makes a table of specs for one emulator under test.
func pairingTable(spec string, rows []known) {
	var table []TableEntry
	for _, k := range rows {
		decorations := []any{SpecTimeout(5 * time.Minute), k}
		if k.long {
			decorations = append(decorations, Label("long"))
		}
		table = append(table, Entry(k.program, decorations...))
	}
	sp, perr := gdbtarget.ParseSpec(spec)
	builder := &corpus.Builder{}
	DescribeTable(spec,
		func(ctx SpecContext, k known) {
			Expect(perr).NotTo(HaveOccurred())
			tmp := GinkgoT().TempDir()
			noLeaks(tmp)
			opts := session.TestOptions{Options: session.Options{TempDir: tmp}, Test: sp, TestName: spec}
			var rep *session.Report
			var err error
			if filepath.Ext(k.program) == ".S" {
				opts.Program = testprog.Build(GinkgoT(), filepath.Join("..", k.program))
				rep, err = session.RunTest(ctx, opts)
			} else {
				e, ferr := corpusEntry(k.program)
				Expect(ferr).NotTo(HaveOccurred())
				var out bytes.Buffer
				opts.Stdout, opts.TestStdout = &out, &out
				rep, err = session.RunTestEntry(ctx, e, builder, opts)
			}
			Expect(err).NotTo(HaveOccurred())
			for name, n := range k.synced {
				Expect(rep.Synced).To(HaveKeyWithValue(name, n), "synced from the reference: %v", rep.Synced)
			}
			if k.signalOr && rep.Outcome != harness.Agree {
				Expect(rep.Divergences).NotTo(BeEmpty(), "outcome %s: %v", rep.Outcome, rep.Err)
				Expect(rep.Divergences[0].Kind).To(Equal(harness.KindSignal), k.why)
				Expect(rep.Divergences[0].Verdict).To(Equal(harness.Unjudged), k.why)
				return
			}
			if k.mnemonic == "" {
				Expect(rep.Err).NotTo(HaveOccurred())
				Expect(rep.Outcome).To(Equal(harness.Agree), "divergences: %+v", rep.Divergences)
				Expect(rep.LimitReached).To(BeEmpty())
				Expect(rep.Pairing.TestExitStatus).NotTo(BeNil())
				return
			}
			Expect(rep.Divergences).NotTo(BeEmpty(), "expected: %s", k.why)
			d := rep.Divergences[0]
			Expect(d.Instruction.Text).To(HavePrefix(k.mnemonic), k.why)
			Expect(d.Kind).To(Equal(k.kind), k.why)
			Expect(d.Register).To(Equal(k.register), k.why)
			Expect(d.Verdict).To(Equal(k.verdict), k.why)
		},
		table,
	)
}

func corpusEntry(name string) (corpus.Entry, error) {
	all, err := corpus.All()
	if err != nil {
		return corpus.Entry{}, err
	}
	for _, e := range all {
		if e.Name == name {
			return e, nil
		}
	}
	return corpus.Entry{}, &corpusMissing{name}
}

type corpusMissing struct{ name string }

func (c *corpusMissing) Error() string { return "no corpus entry " + c.name }

var _ = Describe("emulators under test beside QEMU, with the host CPU judging", Label("emulators"), func() {
	Describe("valgrind through vgdb", func() { pairingTable("valgrind", valgrindTable) })
	Describe("the host CPU under gdbserver", func() { pairingTable("gdbserver", gdbserverTable) })
	Describe("a second QEMU", func() {
		pairingTable("qemu-x86_64 -singlestep -cpu max -g {sock} {prog} {args}", qemuTable)
	})
})
