package suites_test

import (
	"context"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"lockstep/minimize"
	"lockstep/repro"
)

// caseFiles lists corpus/cases/*.repro when the spec tree is built.
func caseFiles() []TableEntry {
	paths, _ := filepath.Glob(filepath.Join("..", "corpus", "cases", "*.repro"))
	var entries []TableEntry
	for _, p := range paths {
		entries = append(entries, Entry(filepath.Base(p), p))
	}
	return entries
}

var _ = Describe("the minimized cases of corpus/cases", Label("minimize"), func() {
	It("has cases to check", func() {
		Expect(caseFiles()).NotTo(BeEmpty())
	})

	DescribeTable("still show their recorded divergence and verdict on QEMU, the oracle and the host CPU",
		func(ctx SpecContext, path string) {
			tmp := GinkgoT().TempDir()
			noLeaks(tmp)
			c, err := repro.ParseFile(path)
			Expect(err).NotTo(HaveOccurred())
			recorded, ok := minimize.CaseSignature(c)
			Expect(ok).To(BeTrue(), "%s records no divergence", path)
			Expect(c.Verdict.Name).NotTo(BeEmpty(), "%s records no verdict", path)
			run, err := minimize.NewRunner(minimize.CaseOptions(c, minimize.Options{TempDir: tmp, RunTimeout: 30 * time.Second}))
			Expect(err).NotTo(HaveOccurred())
			defer run.Close()
			rctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			_, d, err := run.Run(rctx, c)
			Expect(err).NotTo(HaveOccurred())
			Expect(d).NotTo(BeNil(), "%s no longer diverges; recorded:\n%s", path, minimize.SideBySide(recorded, minimize.Signature{}))
			now := minimize.SignatureOf(d)
			same := recorded.Matches(now) && (recorded.Host == nil || string(recorded.Host) == string(now.Host))
			Expect(same).To(BeTrue(), "%s: the divergence or its verdict changed:\n%s", path, minimize.SideBySide(recorded, now))
		},
		caseFiles())
})
