package oracle

import "strings"

// qemuCPUDisabled lists the CPUID features of qemu-x86_64 7.2's "max" CPU
// that the oracle cannot execute (Unicorn 2.0.1 rejects or mis-executes
// them), plus a few that max lacks today but a later QEMU might add. With
// them off, the program under test (glibc's ifunc dispatch, for one) keeps
// to instructions the oracle runs, and QEMU raises SIGILL for the rest.
var qemuCPUDisabled = [...]string{
	"avx", "avx2", "fma", "f16c", "vaes", "vpclmulqdq", "avx512f", // VEX/EVEX: no AVX in Unicorn
	"pclmulqdq", "movbe", "popcnt", // invalid in Unicorn
	"xsave", "xsaveopt", "xsavec", "xsaves", "xgetbv1", // XSAVE family (and xgetbv)
	"rdrand", "rdseed", "rdpid", // host-dependent results anyway
	"fsgsbase", "sha-ni", "gfni", "clflushopt", "clwb", "pku",
	"movdiri", "movdir64b", "waitpkg", "rtm", "hle", "mpx",
	"3dnow", "3dnowext", "sse4a", // AMD extensions the oracle has not verified
	"umip", // sgdt/sidt/smsw/sldt/str would fault in QEMU but not in the oracle
}

// QEMUCPU returns the -cpu argument for qemu-x86_64 7.2 that switches off
// every CPU feature the oracle cannot execute: "max" minus the features
// listed in Features as not faithful. Verified on this machine: every flag
// name is accepted, cpuid under it reports them off, the instructions raise
// SIGILL, a static glibc program runs, and lzcnt and tzcnt still execute as
// lzcnt and tzcnt (abm and bmi1 stay on).
func QEMUCPU() string {
	var b strings.Builder
	b.WriteString("max")
	for _, f := range qemuCPUDisabled {
		b.WriteString(",-")
		b.WriteString(f)
	}
	return b.String()
}

// Feature is one CPU feature and how faithfully the oracle executes it.
type Feature struct {
	Name     string
	Faithful bool
	Note     string
}

// Features documents which CPU features the oracle executes faithfully
// (checked against known results in its tests) and what happens to the
// others.
func Features() []Feature {
	return []Feature{
		{"x86-64 integer", true, "ALU, flags, mul/div, shifts and rotates, bit ops, control flow, string instructions (one rep iteration per step), cmpxchg8b/16b, lock prefixes (misplaced ones raise #UD); corrected by the oracle: ENTER with nesting levels, flags of memory shifts by CL and memory SHLD/SHRD (both corrupted by Unicorn's write hook), 32-bit CMPXCHG, LAHF/SAHF with REX"},
		{"x87", true, "80-bit registers; st0..st7 are the physical registers as QEMU reports them; tags start empty (FNINIT state) and are not compared; CR0.NE is set so unmasked errors raise #MF (SIGFPE); corrected by the oracle: FBSTP (indefinite, sign of zero), FISTTP m32/m64 out of range, FLD m32/m64 of signalling NaNs, FXTRACT of special operands, the rounding of fldpi, fldl2e, fldl2t, fldlg2, fldln2"},
		{"x87 exception flags", false, "Unicorn sets only ZE (also for 0/0): IE DE ZE OE UE PE, ES and B of the status word are Imprecise, and unmasked exceptions never raise #MF"},
		{"FPATAN, F2XM1, FYL2X, FYL2XP1, FPREM, FPREM1", false, "Unicorn computes them in double precision: known divergences"},
		{"MMX", true, ""},
		{"SSE, SSE2, SSE3, SSSE3, SSE4.1, SSE4.2", true, "legacy encodings; the oracle checks the 16-byte alignment of m128 operands itself (#GP, SIGSEGV), since Unicorn does not, and computes PCMPxSTRx itself; Unsupported: both 66 and F2/F3 prefixes, SSSE3 on MMX registers with REX.R"},
		{"AES-NI", true, "legacy encodings"},
		{"LZCNT, TZCNT", true, "with abm and bmi1 on, as QEMUCPU keeps them"},
		{"BMI1", true, "andn, bextr, blsi, blsmsk, blsr, tzcnt; BLSI's CF is corrected by the oracle (Unicorn, like QEMU 7.2, computes it as for BLSR), and BEXTR with a length covering the operand"},
		{"BMI2", true, "bzhi, mulx, rorx, sarx, shlx, shrx; BZHI with an index of width-1 or more is corrected by the oracle"},
		{"BMI2 PDEP/PEXT", false, "Unicorn 2.0.1 swaps the two source operands; executed anyway, a known divergence"},
		{"ADX", true, "adcx, adox"},
		{"FXSAVE/FXRSTOR", true, "with CR4.OSFXSR set, as on Linux, so MXCSR and the XMM registers are saved and restored"},
		{"privilege", true, "the CPU runs at CPL 3 with Linux's user segments: privileged instructions raise #GP (SIGSEGV); in/out/ins/outs, rdpmc, sysret and sysexit are faulted by the oracle because Unicorn executes or rejects them differently"},
		{"int3, int1, int n", true, "as Linux's IDT: int3/int 3 and int1 trap with SIGTRAP, int 4 traps with SIGSEGV, other vectors are #GP (SIGSEGV)"},
		{"segment loads", true, "against a copy of Linux's GDT (0x23, 0x2b, 0x33 user descriptors)"},
		{"syscall, int 0x80", false, "not executed: Syscall"},
		{"cpuid, rdtsc, rdtscp, rdrand, rdseed, rdpid, xgetbv", false, "not executed: Sync"},
		{"AVX, AVX2, FMA, F16C, VAES, VPCLMULQDQ", false, "Unicorn runs VEX-encoded SSE instructions as their legacy forms (wrong results); reported Unsupported; off in QEMUCPU"},
		{"AVX-512", false, "EVEX: reported Unsupported; off in QEMUCPU"},
		{"POPCNT, MOVBE, PCLMULQDQ, XSAVE, RDFSBASE, SHA, CLFLUSHOPT, CLWB, PKU, MOVDIRI, TSX", false, "invalid in Unicorn: reported Unsupported; off in QEMUCPU"},
		{"SIMD floating-point exceptions", false, "Unicorn never sets MXCSR's exception flags (Imprecise) nor raises #XM; unmasking them changes nothing"},
		{"alignment check", false, "CR0.AM is off: EFLAGS.AC never raises #AC (QEMU 7.2 does not either)"},
		{"non-canonical addresses", false, "reported as page faults (SIGSEGV with the address) where hardware raises #GP (si_addr 0) or, for stack accesses, #SS (SIGBUS)"},
		{"trap flag", true, "a TF set by the program raises #DB (SIGTRAP) after the next instruction"},
		{"self-modifying code", true, "stores into code are seen by the next fetch, including into the instruction stream being run"},
	}
}
