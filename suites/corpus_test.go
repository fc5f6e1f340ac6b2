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
		table = append(table, Entry(e.Name, Label(e.Labels...), SpecTimeout(10*time.Minute), e))
	}
	builder := &corpus.Builder{}
	DescribeTable("runs as its manifest records",
		func(ctx SpecContext, e corpus.Entry) {
			if e.Skip != "" {
				Skip(e.Skip)
			}
			tmp := GinkgoT().TempDir()
			noLeaks(tmp)
			rep, err := session.RunEntry(ctx, e, builder, session.Options{TempDir: tmp})
			Expect(err).NotTo(HaveOccurred())
			Expect(rep).To(suites.MeetExpectation(e), "corpus entry %s", e.Name)
		},
		table,
	)
})
