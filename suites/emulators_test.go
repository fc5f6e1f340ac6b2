package suites_test

import (
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

// valgrindKnown records what QEMU-vs-valgrind finds, like the corpus's
// recorded divergences: "" where valgrind agrees to the end, else the
// first divergence's instruction, kind and verdict.
type valgrindKnown struct {
	program  string // a corpus entry name, or a path under the repository
	mnemonic string // "" for agreement
	kind     harness.Kind
	register string
	verdict  harness.Verdict
	why      string
}

var valgrindTable = []valgrindKnown{
	{program: "examples/agree.S"},
	{program: "session/testdata/valgrind-loop.S"},
	{program: "examples/valgrind-cmpxchg32.S", mnemonic: "cmpxchg", kind: harness.KindRegister, register: "rax",
		verdict: harness.TestWrong, why: "a successful 32-bit CMPXCHG zeroes RAX's upper half"},
	{program: "alu/cmpxchg32", mnemonic: "pushfq", kind: harness.KindMemory, verdict: harness.TestWrong,
		why: "valgrind's PUSHF pushes rflags without the reserved bit 1 and IF (0x44 where hardware pushes 0x246)"},
}

var _ = Describe("emulators under test beside QEMU", Label("emulators"), func() {
	var table []TableEntry
	for _, k := range valgrindTable {
		table = append(table, Entry(k.program, SpecTimeout(5*time.Minute), k))
	}
	DescribeTable("valgrind through vgdb, with the host CPU judging",
		func(ctx SpecContext, k valgrindKnown) {
			tmp := GinkgoT().TempDir()
			noLeaks(tmp)
			prog := ""
			if filepath.Ext(k.program) == ".S" {
				prog = testprog.Build(GinkgoT(), filepath.Join("..", k.program))
			} else {
				all, err := corpus.All()
				Expect(err).NotTo(HaveOccurred())
				var e *corpus.Entry
				for i := range all {
					if all[i].Name == k.program {
						e = &all[i]
					}
				}
				Expect(e).NotTo(BeNil(), "corpus entry %s", k.program)
				prog, err = (&corpus.Builder{}).Build(ctx, *e)
				Expect(err).NotTo(HaveOccurred())
			}
			rep, err := session.RunTest(ctx, session.TestOptions{Options: session.Options{Program: prog, TempDir: tmp},
				Test: gdbtarget.Spec{Kind: gdbtarget.Valgrind}})
			Expect(err).NotTo(HaveOccurred())
			if k.mnemonic == "" {
				Expect(rep.Err).NotTo(HaveOccurred())
				Expect(rep.Outcome).To(Equal(harness.Agree), "divergences: %+v", rep.Divergences)
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
})
