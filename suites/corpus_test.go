package suites_test

import (
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"lockstep/corpus"
	"lockstep/session"
	"lockstep/suites"
)

// Every corpus program in lockstep: QEMU against the Unicorn oracle. Each
// entry is labelled by its instruction classes, so that
// `ginkgo --label-filter=bmi2 ./suites` runs just those; each spec starts
// its own QEMU, socket directory and oracle, so `ginkgo -p` is safe.
var _ = Describe("the corpus in lockstep", func() {
	describeCorpus(session.StepMode, nil)
})

// The corpus with QEMU running freely and compared at every translation
// block (label block), and one instruction per block (label insn, run with
// the long entries). Every entry must end as in step mode, except those
// that record a bug QEMU shows only in whole blocks (block.expect). In
// block mode the long entries run in the default suite: that is the speed
// block mode is for.
var _ = Describe("the corpus in block mode", Label("block"), func() {
	describeCorpus(session.BlockMode, func(labels []string) []string {
		out := []string{"block"}
		for _, l := range labels {
			if l != "long" {
				out = append(out, l)
			}
		}
		return out
	})
})

var _ = Describe("the corpus in insn mode", Label("insn", "long"), func() {
	describeCorpus(session.InsnMode, func(labels []string) []string { return append([]string{"insn", "long"}, labels...) })
})

// describeCorpus runs every corpus entry in one mode as a table; relabel,
// if set, gives each entry its labels.
func describeCorpus(mode session.Mode, relabel func([]string) []string) {
	entries, err := corpus.All()
	if err != nil {
		// Tree construction cannot fail a spec; make the error one.
		It("loads the corpus", func() { Expect(err).NotTo(HaveOccurred()) })
		return
	}
	// LOCKSTEP_SHARD=I/N runs part I of N of the corpus, for a CI matrix.
	if s := os.Getenv("LOCKSTEP_SHARD"); s != "" {
		shard, err := corpus.ParseShard(s)
		if err != nil {
			It("reads LOCKSTEP_SHARD", func() { Expect(err).NotTo(HaveOccurred()) })
			return
		}
		entries = shard.Select(entries)
	}
	var table []TableEntry
	for _, e := range entries {
		labels := e.Labels
		if relabel != nil {
			labels = relabel(labels)
		}
		timeout := 10 * time.Minute
		if e.HasLabel("long") && mode == session.StepMode {
			// long/sieve stepped takes about 9 minutes alone, more beside
			// the insn-mode corpus in make test-long.
			timeout = 30 * time.Minute
		}
		table = append(table, Entry(e.Name, Label(labels...), SpecTimeout(timeout), e))
	}
	builder := &corpus.Builder{}
	DescribeTable("runs as its manifest records",
		func(ctx SpecContext, e corpus.Entry) {
			if e.Skip != "" {
				Skip(e.Skip)
			}
			tmp := GinkgoT().TempDir()
			noLeaks(tmp)
			rep, err := session.RunEntry(ctx, e, builder, session.Options{TempDir: tmp, Mode: mode})
			Expect(err).NotTo(HaveOccurred())
			Expect(rep).To(suites.MeetExpectation(e), "corpus entry %s", e.Name)
		},
		table,
	)
}
