package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"lockstep/harness"
	"lockstep/native"
	"lockstep/oracle"
)

// Arbiter modes of Options.Arbiter.
const (
	// ArbiterDivergences (the default) judges each divergence on the host
	// CPU and runs natively what Unicorn cannot.
	ArbiterDivergences = "divergences"
	// ArbiterEvery judges every instruction on the host CPU.
	ArbiterEvery = "every"
	// ArbiterOff is the behaviour before the arbiter: no host CPU at all.
	ArbiterOff = "off"
)

// arbiterFeatures lists the CPUID features of QEMU 7.2's "max" CPU that
// the arbiter's model may keep, each with the /proc/cpuinfo flag the host
// needs to run it natively. A feature the host lacks is switched off, so
// that whatever the oracle cannot run, the host can.
var arbiterFeatures = []struct{ qemu, cpuinfo string }{
	{"avx", "avx"}, {"avx2", "avx2"}, {"fma", "fma"}, {"f16c", "f16c"},
	{"vaes", "vaes"}, {"vpclmulqdq", "vpclmulqdq"}, {"avx512f", "avx512f"},
	{"pclmulqdq", "pclmulqdq"}, {"movbe", "movbe"}, {"popcnt", "popcnt"},
	{"rdrand", "rdrand"}, {"rdseed", "rdseed"}, {"rdpid", "rdpid"},
	{"fsgsbase", "fsgsbase"}, {"sha-ni", "sha_ni"}, {"gfni", "gfni"},
	{"clflushopt", "clflushopt"}, {"clwb", "clwb"}, {"movdiri", "movdiri"},
	{"movdir64b", "movdir64b"}, {"3dnow", "3dnow"}, {"3dnowext", "3dnowext"},
	{"sse4a", "sse4a"}, {"abm", "abm"}, {"bmi1", "bmi1"}, {"bmi2", "bmi2"}, {"adx", "adx"},
}

// XSAVE itself stays on (QEMU 7.2 runs VEX instructions only with OSXSAVE
// set): the native executor runs XSAVE and XRSTOR with the components both
// CPUs have (package native says how).
//
// arbiterOffFeatures stay off whatever the host has, because their results
// depend on the host's kernel, its bookkeeping or timing rather than on the
// architecture.
var arbiterOffFeatures = []struct{ qemu, why string }{
	{"xsaveopt", "skips what the host's own tracking says is unmodified"},
	{"xsavec", "the compacted layout follows the host's XINUSE"},
	{"xsaves", "supervisor state"}, {"xgetbv1", "XINUSE is the host's"},
	{"pku", "protection keys are kernel state"},
	{"umip", "sgdt/sidt/smsw/sldt/str read the host kernel's tables"},
	{"rtm", "transactions abort for host reasons"}, {"hle", "as rtm"},
	{"waitpkg", "waits depend on timing"}, {"mpx", "removed from Linux, and absent from the host's XCR0"},
	{"avx512f", "QEMU 7.2 has no AVX-512"},
}

// ArbiterCPU returns the -cpu model for runs with an arbiter: QEMU's "max"
// with every feature the host lacks switched off (the host must be able to
// run what the oracle cannot), and the host-dependent ones.
func ArbiterCPU() string {
	flags := hostFlags()
	var b strings.Builder
	b.WriteString("max")
	off := map[string]bool{}
	for _, f := range arbiterOffFeatures {
		off[f.qemu] = true
		b.WriteString(",-" + f.qemu)
	}
	for _, f := range arbiterFeatures {
		if !off[f.qemu] && !flags[f.cpuinfo] {
			b.WriteString(",-" + f.qemu)
		}
	}
	return b.String()
}

func hostFlags() map[string]bool {
	out := map[string]bool{}
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "flags" {
			for _, f := range strings.Fields(v) {
				out[f] = true
			}
			break
		}
	}
	return out
}

// startArbiter starts the host CPU executor for a mode, or says why there
// is none.
func startArbiter(ctx context.Context, mode string) (*native.Executor, string, error) {
	switch mode {
	case "", ArbiterDivergences, ArbiterEvery:
	case ArbiterOff:
		return nil, "switched off (--no-arbiter)", nil
	default:
		return nil, "", fmt.Errorf("session: unknown arbiter mode %q (want %s, %s or %s)", mode, ArbiterDivergences, ArbiterEvery, ArbiterOff)
	}
	ex, err := native.Start(ctx)
	if errors.Is(err, native.ErrUnavailable) {
		return nil, err.Error(), nil
	}
	if err != nil {
		return nil, "", err
	}
	return ex, "", nil
}

// configureArbiter makes the executor the harness's judge, or records why
// there is none.
func configureArbiter(cfg *harness.Config, ex *native.Executor, mode, off string) {
	if ex == nil {
		cfg.ArbiterOff = off
		return
	}
	cfg.Judge = ex
	if mode == ArbiterEvery {
		cfg.Arbiter = harness.ArbiterEvery
	}
}

// oracleOptions gives the oracle the host as its fallback.
func oracleOptions(ex *native.Executor) []oracle.Option {
	if ex == nil {
		return nil
	}
	return []oracle.Option{oracle.WithHost(ex)}
}
