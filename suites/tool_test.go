package suites_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"lockstep/corpus"
	"lockstep/harness"
	"lockstep/internal/faultinject"
	"lockstep/internal/testprog"
	"lockstep/machine"
	"lockstep/session"
	"lockstep/suites"
)

// noLeaks checks, when the spec ends, that no QEMU child is left and the
// spec's temp parent holds no lockstep directory.
func noLeaks(tmp string) {
	testprog.NoLeaks(GinkgoT(), tmp)
}

func example(name string) string {
	return testprog.Build(GinkgoT(), filepath.Join("..", "examples", name))
}

var _ = Describe("the harness on real QEMU and the real oracle", Label("tool"), func() {
	var tmp string
	BeforeEach(func() {
		tmp = GinkgoT().TempDir()
		noLeaks(tmp)
	})

	It("agrees to the end on the bundled example", func(ctx SpecContext) {
		rep, err := session.Run(ctx, session.Options{Program: example("agree.S"), TempDir: tmp})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep).To(suites.AgreeThroughout())
		Expect(rep.Syscalls).To(BeEquivalentTo(2))
	})

	It("corrects Unicorn's PDEP with the host CPU's verdict and goes on to agree", func(ctx SpecContext) {
		rep, err := session.Run(ctx, session.Options{Program: example("pdep.S"), TempDir: tmp})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep).To(suites.AgreeThroughout())
		Expect(rep.OracleCorrections).To(Equal(map[string]int{"pdep": 1}))
		Expect(rep.Host).NotTo(BeEmpty(), "the report names the host CPU")
	})

	It("reports Unicorn's PDEP at the pdep step, in rax, with both values, without the arbiter", func(ctx SpecContext) {
		rep, err := session.Run(ctx, session.Options{Program: example("pdep.S"), TempDir: tmp, Arbiter: session.ArbiterOff})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Outcome).To(Equal(harness.Diverge))
		d := rep.Divergences[0]
		Expect(d.Step).To(BeEquivalentTo(3))
		Expect(d.Instruction.Text).To(HavePrefix("pdep"))
		Expect(d.Register).To(Equal("rax"))
		Expect(d.Reference).To(Equal([]byte{0, 5, 0, 0, 0, 0, 0, 0}), "QEMU deposits 0b101 into mask 0xf00")
	})

	It("ends as QEMU's SIGILL, not a divergence, where the host runs for the oracle what QEMU's model lacks", func(ctx SpecContext) {
		prog := testprog.Build(GinkgoT(), filepath.Join("testdata", "sha-model.S"))
		rep, err := session.Run(ctx, session.Options{Program: prog, TempDir: tmp})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Divergences).To(BeEmpty())
		Expect(rep.Outcome).To(Equal(harness.FaultOutcome))
		Expect(rep.Signal).To(Equal(machine.SIGILL))
		Expect(rep.Native).To(HaveKey(ContainSubstring("sha1rnds4")), "the host ran it for the oracle")
	})

	It("sees FSIN's mistake that QEMU and the oracle share only when every instruction is judged", func(ctx SpecContext) {
		entries, err := corpus.All()
		Expect(err).NotTo(HaveOccurred())
		var fsin corpus.Entry
		for _, e := range entries {
			if e.Name == "x87/fsin-half" {
				fsin = e
			}
		}
		Expect(fsin.ArbiterEvery).To(BeTrue(), "the corpus entry asks for --arbiter every")
		b := &corpus.Builder{}
		rep, err := session.RunEntry(ctx, fsin, b, session.Options{TempDir: tmp, Arbiter: session.ArbiterDivergences})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep).To(suites.AgreeThroughout(), "QEMU and the oracle agree on FSIN(0.5)")
		rep, err = session.RunEntry(ctx, fsin, b, session.Options{TempDir: tmp})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Outcome).To(Equal(harness.Diverge))
		d := rep.Divergences[0]
		Expect(d.Instruction.Text).To(HavePrefix("fsin"))
		Expect(d.Verdict).To(Equal(harness.BothWrong))
		Expect(d.Reference).To(Equal(d.Follower))
		Expect(d.Hardware).NotTo(Equal(d.Reference))
		Expect(rep.Judged).To(BeNumerically(">", 0))
	})

	It("finds QEMU 7.2's BLSI carry-flag bug", func(ctx SpecContext) {
		rep, err := session.Run(ctx, session.Options{Program: example("blsi.S"), TempDir: tmp})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Outcome).To(Equal(harness.Diverge))
		d := rep.Divergences[0]
		Expect(d.Kind).To(Equal(harness.KindFlags))
		Expect(d.Instruction.Text).To(HavePrefix("blsi"))
		Expect(d.FlagBits).To(Equal("CF"))
		Expect(d.Reference[0]&1).To(BeZero(), "QEMU clears CF for a non-zero source")
		Expect(d.Follower[0]&1).To(Equal(byte(1)), "the oracle sets it, as the SDM and the hardware do")
		Expect(d.Verdict).To(Equal(harness.ReferenceWrong), "the host sides with the oracle")
		Expect(d.Hardware).To(Equal(d.Follower))
	})

	DescribeTable("finds an injected register fault at exactly its step",
		func(ctx SpecContext, step uint64, reg string, bit uint) {
			var inj *faultinject.Follower
			rep, err := session.Run(ctx, session.Options{Program: example("agree.S"), TempDir: tmp, Arbiter: session.ArbiterOff,
				Wrap: func(f harness.Follower, l *machine.Layout) harness.Follower {
					inj = faultinject.Wrap(f, l, faultinject.Injection{Step: step, Register: reg, Bit: bit})
					return inj
				}})
			Expect(err).NotTo(HaveOccurred())
			Expect(inj.Injected).To(BeTrue())
			Expect(rep.Outcome).To(Equal(harness.Diverge))
			d := rep.Divergences[0]
			Expect(d.Step).To(Equal(inj.InjectedStep))
			Expect(d.Register).To(Equal(reg))
			x := make([]byte, len(d.Reference))
			for i := range x {
				x[i] = d.Reference[i] ^ d.Follower[i]
			}
			want := make([]byte, len(x))
			want[bit/8] = 1 << (bit % 8)
			Expect(x).To(Equal(want), "exactly the injected bit differs")
		},
		Entry("rax bit 0 at step 1", uint64(1), "rax", uint(0)),
		Entry("rbx bit 63 at step 7", uint64(7), "rbx", uint(63)),
		Entry("xmm0 bit 100 at step 20", uint64(20), "xmm0", uint(100)),
		Entry("eflags carry at step 5", uint64(5), "eflags", uint(0)),
	)

	It("finds an injected memory fault at exactly its step and byte", func(ctx SpecContext) {
		var inj *faultinject.Follower
		rep, err := session.Run(ctx, session.Options{Program: example("agree.S"), TempDir: tmp, Arbiter: session.ArbiterOff,
			Wrap: func(f harness.Follower, l *machine.Layout) harness.Follower {
				inj = faultinject.Wrap(f, l, faultinject.Injection{Step: 10, Memory: true})
				return inj
			}})
		Expect(err).NotTo(HaveOccurred())
		Expect(inj.Injected).To(BeTrue())
		Expect(rep.Outcome).To(Equal(harness.Diverge))
		d := rep.Divergences[0]
		Expect(d.Kind).To(Equal(harness.KindMemory))
		Expect(d.Step).To(Equal(inj.InjectedStep))
		Expect(d.Address).To(Equal(inj.Address))
		Expect(d.Reference).To(HaveLen(1))
		Expect(d.Follower[0]).To(Equal(d.Reference[0] ^ 0xff))
	})

	It("ends with an error, not a hang, when QEMU is killed mid-run", func(ctx SpecContext) {
		rep, err := session.Run(ctx, session.Options{Program: example("spin.S"), TempDir: tmp,
			Wrap: func(f harness.Follower, l *machine.Layout) harness.Follower {
				return &killAfter{Follower: f, n: 100}
			}})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Outcome).To(Equal(harness.ErrorOutcome))
		Expect(rep.Err).To(HaveOccurred())
	}, SpecTimeout(time.Minute))
})

// killAfter kills every QEMU child of the test after n follower steps.
type killAfter struct {
	harness.Follower
	n, steps int
}

func (k *killAfter) Step(ctx context.Context) (harness.FollowStep, error) {
	k.steps++
	if k.steps == k.n {
		for _, pid := range testprog.Children("qemu-") {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return k.Follower.Step(ctx)
}

var _ = Describe("the lockstep command on bad input", Label("tool", "cli"), func() {
	var bin, tmp string
	BeforeEach(func() {
		var err error
		bin, err = gexec.Build("lockstep/cmd/lockstep")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(gexec.CleanupBuildArtifacts)
		tmp = GinkgoT().TempDir()
		noLeaks(tmp)
	})

	lockstep := func(args ...string) *gexec.Session {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(time.Minute).Should(gexec.Exit())
		return s
	}

	DescribeTable("exits 2 with a clear message",
		func(prog func() string, extra []string, message string) {
			args := append([]string{"run"}, extra...)
			s := lockstep(append(args, "--", prog())...)
			Expect(s.ExitCode()).To(Equal(2))
			Expect(string(s.Err.Contents()) + string(s.Out.Contents())).To(ContainSubstring(message))
		},
		Entry("a missing program", func() string { return filepath.Join(tmp, "nope") }, nil, "no such file"),
		Entry("a file that is not ELF", func() string {
			p := filepath.Join(tmp, "script.sh")
			Expect(os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755)).To(Succeed())
			return p
		}, nil, "not an ELF"),
		Entry("a program for another architecture", func() string {
			return aarch64Program(tmp)
		}, nil, "not x86-64"),
		Entry("an unknown register to ignore", func() string {
			return example("agree.S")
		}, []string{"--ignore", "nosuch"}, "nosuch"),
	)

	It("runs without the arbiter, saying why once, where ptrace is not permitted", func() {
		wrapper := filepath.Join(tmp, "noptrace")
		out, err := exec.Command("gcc", "-o", wrapper, filepath.Join("testdata", "noptrace.c")).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		cmd := exec.Command(wrapper, bin, "run", "--json", "--", example("pdep.S"))
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(time.Minute).Should(gexec.Exit())
		Expect(s.ExitCode()).To(Equal(1), "Unicorn's PDEP is a divergence again: nobody corrects it")
		var j struct {
			ArbiterOff string `json:"arbiter_off"`
			Host       string `json:"host"`
			CPUModel   string `json:"cpu_model"`
			Divergence struct{ Verdict string }
		}
		Expect(json.Unmarshal(s.Out.Contents(), &j)).To(Succeed())
		Expect(j.ArbiterOff).To(ContainSubstring("ptrace not permitted"))
		Expect(j.Host).To(BeEmpty())
		Expect(j.Divergence.Verdict).To(BeEmpty())
		Expect(j.CPUModel).To(ContainSubstring("-avx2"), "the oracle's own model, without the host's fallback")
	})

	It("says the arbiter is off once, and keeps today's verdict-free report, with --no-arbiter", func() {
		s := lockstep("run", "--no-arbiter", "--", example("blsi.S"))
		Expect(s.ExitCode()).To(Equal(1))
		out := string(s.Out.Contents())
		Expect(out).To(ContainSubstring("arbiter: off"))
		Expect(out).NotTo(ContainSubstring("verdict:"))
	})

	It("exits 1 on a divergence and writes the JSON report with the verdict", func() {
		s := lockstep("run", "--json", "--", example("blsi.S"))
		Expect(s.ExitCode()).To(Equal(1))
		Expect(json.Valid(s.Out.Contents())).To(BeTrue(), "well-formed JSON")
		var j struct {
			Outcome    string `json:"outcome"`
			Host       string `json:"host"`
			Divergence struct {
				Register, Verdict, Hardware, Reference, Oracle string
			} `json:"divergence"`
			OracleCorrections map[string]int `json:"oracle_corrections"`
		}
		Expect(json.Unmarshal(s.Out.Contents(), &j)).To(Succeed())
		Expect(j.Outcome).To(Equal("diverge"))
		Expect(j.Host).NotTo(BeEmpty())
		Expect(j.Divergence.Register).To(Equal("eflags"))
		Expect(j.Divergence.Verdict).To(Equal("reference-wrong"))
		Expect(j.Divergence.Hardware).To(Equal(j.Divergence.Oracle))
		Expect(j.OracleCorrections).NotTo(BeNil())
	})

	It("exits 0 with an oracle correction in the JSON report", func() {
		s := lockstep("run", "--json", "--", example("pdep.S"))
		Expect(s.ExitCode()).To(Equal(0))
		var j struct {
			Outcome           string         `json:"outcome"`
			OracleCorrections map[string]int `json:"oracle_corrections"`
		}
		Expect(json.Unmarshal(s.Out.Contents(), &j)).To(Succeed())
		Expect(j.Outcome).To(Equal("agree"))
		Expect(j.OracleCorrections).To(HaveKeyWithValue("pdep", 1))
	})

	It("exits 0 with agreement so far when --max-steps ends a program that does not exit", func() {
		s := lockstep("run", "--max-steps", "2000", "--", example("spin.S"))
		Expect(s.ExitCode()).To(Equal(0))
		Expect(string(s.Out.Contents())).To(ContainSubstring("agree for the first 2000 instructions; the program had not ended (step limit)"))
	})

	It("exits 0 on agreement", func() {
		s := lockstep("run", "--", example("agree.S"))
		Expect(s.ExitCode()).To(Equal(0))
		Expect(string(s.Out.Contents())).To(ContainSubstring("agree"))
	})
})

// aarch64Program cross-compiles a tiny AArch64 program when the cross
// compiler is there, else writes an AArch64 ELF header (both are refused
// before QEMU starts).
func aarch64Program(dir string) string {
	p := filepath.Join(dir, "arm64")
	src := filepath.Join(dir, "arm64.S")
	os.WriteFile(src, []byte(".globl _start\n_start:\n mov x8, #93\n svc #0\n"), 0o644)
	if exec.Command("aarch64-linux-gnu-gcc", "-nostdlib", "-static", "-o", p, src).Run() == nil {
		return p
	}
	hdr := make([]byte, 64)
	copy(hdr, "\x7fELF\x02\x01\x01")
	hdr[18] = 183
	Expect(os.WriteFile(p, hdr, 0o755)).To(Succeed())
	return p
}
