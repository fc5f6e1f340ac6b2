package oracle

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// probeC reports CPUID feature bits, tries instructions under a SIGILL
// handler and exercises glibc (ifunc-dispatched string functions, stdio,
// malloc, libm) in a static binary.
const probeC = `
#include <cpuid.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bit { const char *name; unsigned leaf, sub; int reg, bit; };
static const struct bit bits[] = {
	{"pclmulqdq", 1, 0, 2, 1}, {"fma", 1, 0, 2, 12}, {"movbe", 1, 0, 2, 22}, {"popcnt", 1, 0, 2, 23},
	{"xsave", 1, 0, 2, 26}, {"osxsave", 1, 0, 2, 27}, {"avx", 1, 0, 2, 28}, {"f16c", 1, 0, 2, 29},
	{"rdrand", 1, 0, 2, 30}, {"fsgsbase", 7, 0, 1, 0}, {"hle", 7, 0, 1, 4}, {"avx2", 7, 0, 1, 5},
	{"rtm", 7, 0, 1, 11}, {"mpx", 7, 0, 1, 14}, {"avx512f", 7, 0, 1, 16}, {"rdseed", 7, 0, 1, 18},
	{"clflushopt", 7, 0, 1, 23}, {"clwb", 7, 0, 1, 24}, {"sha", 7, 0, 1, 29}, {"umip", 7, 0, 2, 2},
	{"pku", 7, 0, 2, 3}, {"gfni", 7, 0, 2, 8}, {"vaes", 7, 0, 2, 9}, {"vpclmulqdq", 7, 0, 2, 10},
	{"rdpid", 7, 0, 2, 22}, {"movdiri", 7, 0, 2, 27}, {"movdir64b", 7, 0, 2, 28},
	{"xsaveopt", 13, 1, 0, 0}, {"xsavec", 13, 1, 0, 1}, {"xgetbv1", 13, 1, 0, 2}, {"xsaves", 13, 1, 0, 3},
	{"sse4a", 0x80000001, 0, 2, 6}, {"3dnowext", 0x80000001, 0, 3, 30}, {"3dnow", 0x80000001, 0, 3, 31},
	{"sse4.2", 1, 0, 2, 20}, {"aes", 1, 0, 2, 25}, {"ssse3", 1, 0, 2, 9}, {"cx16", 1, 0, 2, 13},
	{"bmi1", 7, 0, 1, 3}, {"bmi2", 7, 0, 1, 8}, {"adx", 7, 0, 1, 19}, {"abm", 0x80000001, 0, 2, 5},
};

static sigjmp_buf jb;
static void onill(int s) { siglongjmp(jb, 1); }
#define TRY(name, code) do { if (sigsetjmp(jb, 1) == 0) { code; printf("exec %s ok\n", name); } \
	else printf("exec %s sigill\n", name); } while (0)

int main(void) {
	unsigned max = __get_cpuid_max(0, 0), emax = __get_cpuid_max(0x80000000, 0);
	for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++) {
		const struct bit *b = &bits[i];
		unsigned r[4] = {0};
		if ((b->leaf < 0x80000000 && b->leaf <= max) || (b->leaf >= 0x80000000 && b->leaf <= emax))
			__cpuid_count(b->leaf, b->sub, r[0], r[1], r[2], r[3]);
		printf("cpuid %s %d\n", b->name, (r[b->reg] >> b->bit) & 1);
	}
	signal(SIGILL, onill);
	unsigned long v, one = 1, zero = 0;
	__asm__ volatile("lzcnt %1, %0" : "=r"(v) : "r"(one));
	printf("lzcnt(1) %lu\n", v);
	v = 99;
	__asm__ volatile("tzcnt %1, %0" : "+r"(v) : "r"(zero));
	printf("tzcnt(0) %lu\n", v);
	TRY("popcnt", __asm__ volatile("popcnt %1, %0" : "=r"(v) : "r"(one)));
	TRY("movbe", __asm__ volatile("movbe (%%rsp), %0" : "=r"(v)));
	TRY("pclmulqdq", __asm__ volatile("pclmulqdq $0, %%xmm1, %%xmm0" ::: "xmm0"));
	TRY("vpxor", __asm__ volatile("vpxor %%xmm1, %%xmm1, %%xmm0" ::: "xmm0"));
	TRY("rdrand", __asm__ volatile("rdrand %0" : "=r"(v)));
	TRY("rdseed", __asm__ volatile("rdseed %0" : "=r"(v)));
	TRY("xgetbv", __asm__ volatile("xor %%ecx, %%ecx; xgetbv" ::: "eax", "edx", "ecx"));
	TRY("rdfsbase", __asm__ volatile("rdfsbase %0" : "=r"(v)));
	TRY("sha1rnds4", __asm__ volatile("sha1rnds4 $0, %%xmm1, %%xmm0" ::: "xmm0"));
	TRY("clflushopt", __asm__ volatile("clflushopt (%%rsp)" ::: "memory"));
	TRY("andn", __asm__ volatile("andn %2, %1, %0" : "=r"(v) : "r"(one), "r"(3UL)));
	TRY("aesenc", __asm__ volatile("aesenc %%xmm1, %%xmm0" ::: "xmm0"));
	TRY("crc32", __asm__ volatile("crc32q %1, %0" : "+r"(v) : "r"(one)));
	char *p = malloc(100);
	strcpy(p, "static glibc");
	printf("glibc %s %zu %s %.6f\n", p, strlen(p), strchr(p, 'g'), sqrt(2.0));
	free(p);
	return 0;
}
`

// TestQEMUCPU checks QEMUCPU on the real qemu-x86_64: every flag is
// accepted, cpuid shows the features off, their instructions raise
// SIGILL, lzcnt and tzcnt keep their semantics, and a static glibc
// program runs.
func TestQEMUCPU(t *testing.T) {
	qemu, err := exec.LookPath("qemu-x86_64")
	if err != nil {
		t.Skip("qemu-x86_64 not installed")
	}
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "probe.c"), filepath.Join(dir, "probe")
	if err := os.WriteFile(src, []byte(probeC), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.CommandContext(ctx, gcc, "-O2", "-static", "-o", bin, src, "-lm").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(ctx, qemu, "-cpu", QEMUCPU(), bin).CombinedOutput()
	if err != nil {
		t.Fatalf("qemu-x86_64 -cpu %s: %v\n%s", QEMUCPU(), err, out)
	}
	t.Logf("%d bytes of output from qemu-x86_64 -cpu %s", len(out), QEMUCPU())
	got := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && (f[0] == "cpuid" || f[0] == "exec") {
			got[f[0]+" "+f[1]] = f[2]
		} else if len(f) == 2 {
			got[f[0]] = f[1]
		}
	}
	for _, name := range []string{"pclmulqdq", "fma", "movbe", "popcnt", "xsave", "osxsave", "avx", "f16c", "rdrand",
		"fsgsbase", "hle", "avx2", "rtm", "mpx", "avx512f", "rdseed", "clflushopt", "clwb", "sha", "umip", "pku",
		"gfni", "vaes", "vpclmulqdq", "rdpid", "movdiri", "movdir64b", "xsaveopt", "xsavec", "xgetbv1", "xsaves",
		"sse4a", "3dnowext", "3dnow"} {
		if got["cpuid "+name] != "0" {
			t.Errorf("cpuid reports %s = %q under QEMUCPU", name, got["cpuid "+name])
		}
	}
	for _, name := range []string{"sse4.2", "aes", "ssse3", "cx16", "bmi1", "bmi2", "adx", "abm"} {
		if got["cpuid "+name] != "1" {
			t.Errorf("cpuid reports %s = %q: the oracle executes it, keep it on", name, got["cpuid "+name])
		}
	}
	for _, name := range []string{"popcnt", "movbe", "pclmulqdq", "vpxor", "rdrand", "rdseed", "xgetbv", "rdfsbase", "sha1rnds4", "clflushopt"} {
		if got["exec "+name] != "sigill" {
			t.Errorf("%s: %q, want SIGILL", name, got["exec "+name])
		}
	}
	for _, name := range []string{"andn", "aesenc", "crc32"} {
		if got["exec "+name] != "ok" {
			t.Errorf("%s: %q, want it to execute", name, got["exec "+name])
		}
	}
	if got["lzcnt(1)"] != "63" || got["tzcnt(0)"] != "64" {
		t.Errorf("lzcnt(1) = %s, tzcnt(0) = %s: want 63 and 64 (not bsr/bsf)", got["lzcnt(1)"], got["tzcnt(0)"])
	}
	if !strings.Contains(string(out), "glibc static glibc 12 glibc 1.414214") {
		t.Errorf("static glibc program output:\n%s", out)
	}
}
