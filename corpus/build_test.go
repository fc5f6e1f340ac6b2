package corpus

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, text := range files {
		m[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

func entry(t *testing.T, name string) Entry {
	t.Helper()
	entries, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("no entry %s", name)
	return Entry{}
}

// leftovers lists what is in dir besides the given binaries.
func leftovers(t *testing.T, dir string, keep ...string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var extra []string
next:
	for _, de := range des {
		for _, k := range keep {
			if filepath.Join(dir, de.Name()) == k {
				continue next
			}
		}
		extra = append(extra, de.Name())
	}
	return extra
}

func TestBuildCache(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	b := &Builder{CacheDir: dir}
	e := entry(t, "alu/incdec-neg")
	bin, err := b.Build(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(bin) != dir {
		t.Errorf("binary %s is not in the cache dir %s", bin, dir)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&0o111 == 0 {
		t.Errorf("binary %s is not executable: %v", bin, fi.Mode())
	}
	// It runs and exits 0.
	if out, err := exec.CommandContext(ctx, bin).Output(); err != nil || len(out) == 0 {
		t.Errorf("running %s: %v (%d bytes of output)", bin, err, len(out))
	}

	// A second build, even from a new Builder, is a cache hit: same path,
	// file untouched.
	b2 := &Builder{CacheDir: dir}
	bin2, err := b2.Build(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if bin2 != bin {
		t.Errorf("second build gave %s, want the cached %s", bin2, bin)
	}
	fi2, err := os.Stat(bin2)
	if err != nil {
		t.Fatal(err)
	}
	if !fi2.ModTime().Equal(fi.ModTime()) || !os.SameFile(fi, fi2) {
		t.Error("second build rewrote the cached binary")
	}

	// Different flags are a different binary.
	e.CFlags = []string{"-Wa,--defsym,UNUSED=1"}
	bin3, err := b.Build(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if bin3 == bin {
		t.Error("changing cflags did not change the cache key")
	}
	if extra := leftovers(t, dir, bin, bin3); len(extra) > 0 {
		t.Errorf("cache dir has leftovers: %v", extra)
	}
}

// TestBuildIncludes checks that included files reach the compiler, nested
// ones too, and that the cache key covers exactly the files an entry
// includes: changing one rebuilds the entries that use it and no other.
func TestBuildIncludes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	files := mapFS(map[string]string{
		// exit.inc includes status.inc, which sets the exit status.
		"programs/t/uses.S":  "#include \"common/exit.inc\"\n\t.text\n\t.globl _start\n_start:\n\tEXIT_STATUS\n",
		"programs/t/plain.S": "\t.globl _start\n_start:\n\tmovl $60, %eax\n\tmovl $7, %edi\n\tsyscall\n",
		"programs/common/exit.inc": "\t.section .note.GNU-stack,\"\",@progbits\n#include \"common/status.inc\"\n" +
			".macro EXIT_STATUS\n\tmovl $60, %eax\n\tmovl $STATUS, %edi\n\tsyscall\n.endm\n",
		"programs/common/status.inc": "\t.set STATUS, 3\n",
		"programs/common/unused.inc": "\t.set UNUSED, 1\n",
	})
	uses := Entry{Name: "t/uses", Source: "programs/t/uses.S", Build: BuildAsm}
	plain := Entry{Name: "t/plain", Source: "programs/t/plain.S", Build: BuildAsm}
	dir := t.TempDir()
	build := func(e Entry, wantStatus int) string {
		t.Helper()
		bin, err := (&Builder{CacheDir: dir, sources: files}).Build(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		_, status, signal, err := run(ctx, nil, bin)
		if err != nil || status != wantStatus || signal != 0 {
			t.Fatalf("%s: status %d signal %d (%v), want status %d", e.Name, status, signal, err, wantStatus)
		}
		return bin
	}
	usesBin, plainBin := build(uses, 3), build(plain, 7)

	// A file included through another one is part of the key.
	files["programs/common/status.inc"].Data = []byte("\t.set STATUS, 5\n")
	if bin := build(uses, 5); bin == usesBin {
		t.Error("changing a nested include did not change the cache key")
	}
	if bin := build(plain, 7); bin != plainBin {
		t.Error("changing a shared file rebuilt an entry that does not include it")
	}
	// Back to the old content: the first binary is reused.
	files["programs/common/status.inc"].Data = []byte("\t.set STATUS, 3\n")
	if bin := build(uses, 3); bin != usesBin {
		t.Errorf("same inputs gave %s, want the cached %s", bin, usesBin)
	}
	// A shared file the entry does not include is not part of its key.
	files["programs/common/unused.inc"].Data = []byte("\t.set UNUSED, 2\n")
	if bin := build(uses, 3); bin != usesBin {
		t.Error("changing a shared file the entry does not include changed its key")
	}
	if extra := leftovers(t, dir, usesBin, plainBin, filepath.Join(dir, filepath.Base(usesBin))); len(extra) != 1 {
		t.Errorf("cache dir holds %v, want the two binaries of uses and one of plain", extra)
	}
}

func TestIncludeNames(t *testing.T) {
	src := `# a comment
#include "common/a.inc"
  #  include   "common/b.inc"	// spaces around
#include <stdio.h>
#include_next "common/c.inc"
	.include "common/d.inc"
	.include	"common/e.inc"
.includes "common/f.inc"
#define X "common/g.inc"
#include "unterminated
`
	want := []string{"common/a.inc", "common/b.inc", "common/d.inc", "common/e.inc"}
	if got := includeNames([]byte(src)); !reflect.DeepEqual(got, want) {
		t.Errorf("includeNames = %q, want %q", got, want)
	}
}

func TestBuildErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	b := &Builder{CacheDir: dir, sources: mapFS(map[string]string{
		"programs/bad/asm.S":         "\t.globl _start\n_start:\n\tmovq %rax, %nosuchreg\n",
		"programs/bad/c.c":           "int main(void) { return undeclared; }\n",
		"programs/bad/inc.S":         "\t.globl _start\n_start:\n#include \"common/broken.inc\"\n",
		"programs/bad/noinc.S":       "\t.globl _start\n#include \"common/nosuch.inc\"\n",
		"programs/bad/escape.S":      "#include \"common/../bad/asm.S\"\n",
		"programs/bad/outside.S":     "\t.include \"bad/asm.S\"\n",
		"programs/common/broken.inc": "\tnop\n\tmovq %rax, %nosuchreg\n",
	})}
	tests := []struct {
		e       Entry
		wantErr []string
	}{
		{Entry{Name: "bad/asm", Source: "programs/bad/asm.S", Build: BuildAsm},
			[]string{"bad/asm", "asm.S:3", "nosuchreg"}},
		{Entry{Name: "bad/c", Source: "programs/bad/c.c", Build: BuildCStatic},
			[]string{"bad/c", "c.c:1", "undeclared"}},
		{Entry{Name: "bad/missing", Source: "programs/bad/missing.S", Build: BuildAsm},
			[]string{"bad/missing", "does not exist"}},
		{Entry{Name: "bad/kind", Source: "programs/bad/c.c", Build: BuildAsm},
			[]string{"needs a .S source"}},
		{Entry{Name: "bad/nosource"}, []string{"no source"}},
		// Messages from an included file name it as the source does.
		{Entry{Name: "bad/inc", Source: "programs/bad/inc.S", Build: BuildAsm},
			[]string{"bad/inc", "common/broken.inc:2", "nosuchreg"}},
		{Entry{Name: "bad/noinc", Source: "programs/bad/noinc.S", Build: BuildAsm},
			[]string{"bad/noinc", `includes "common/nosuch.inc"`, "not a shared file"}},
		{Entry{Name: "bad/escape", Source: "programs/bad/escape.S", Build: BuildAsm},
			[]string{"bad/escape", `include "common/../bad/asm.S"`, `"common/NAME"`}},
		{Entry{Name: "bad/outside", Source: "programs/bad/outside.S", Build: BuildAsm},
			[]string{"bad/outside", `include "bad/asm.S"`}},
	}
	for _, tt := range tests {
		_, err := b.Build(ctx, tt.e)
		if err == nil {
			t.Errorf("%s: Build succeeded", tt.e.Name)
			continue
		}
		for _, want := range tt.wantErr {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not contain %q", tt.e.Name, err, want)
			}
		}
	}
	if extra := leftovers(t, dir); len(extra) > 0 {
		t.Errorf("failed builds left %v in the cache", extra)
	}

	// A missing compiler is reported as such.
	nocc := &Builder{CacheDir: dir, CC: "/nonexistent/gcc"}
	if _, err := nocc.Build(ctx, entry(t, "alu/widen")); err == nil || !strings.Contains(err.Error(), "/nonexistent/gcc") {
		t.Errorf("Build with a missing compiler: %v", err)
	}
	// So is a context that has already ended.
	done, stop := context.WithCancel(ctx)
	stop()
	fresh := &Builder{CacheDir: t.TempDir()}
	if _, err := fresh.Build(done, entry(t, "alu/widen")); err == nil {
		t.Error("Build with a cancelled context succeeded")
	}
}

func TestBuildAllConcurrent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	var es []Entry
	for _, n := range []string{"alu/widen", "stack/push-pop", "fault/ud2", "sse42/crc32"} {
		es = append(es, entry(t, n))
	}
	// Two builders race on one cache directory, as ginkgo -p processes do.
	var wg sync.WaitGroup
	results := make([]map[string]string, 2)
	errs := make([]error, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = (&Builder{CacheDir: dir}).BuildAll(ctx, es)
		}()
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("BuildAll %d: %v", i, errs[i])
		}
		if len(results[i]) != len(es) {
			t.Fatalf("BuildAll %d built %d of %d", i, len(results[i]), len(es))
		}
	}
	var bins []string
	for _, e := range es {
		if results[0][e.Name] != results[1][e.Name] {
			t.Errorf("%s: builders disagree on the path", e.Name)
		}
		bins = append(bins, results[0][e.Name])
	}
	if extra := leftovers(t, dir, bins...); len(extra) > 0 {
		t.Errorf("cache dir has leftovers: %v", extra)
	}

	// A failing entry does not stop the others.
	b := &Builder{CacheDir: dir, sources: mapFS(map[string]string{
		"programs/bad/x.S": "\tbogus\n",
	})}
	bad := Entry{Name: "bad/x", Source: "programs/bad/x.S", Build: BuildAsm}
	got, err := b.BuildAll(ctx, []Entry{bad})
	if err == nil || !strings.Contains(err.Error(), "bogus") || len(got) != 0 {
		t.Errorf("BuildAll of a bad entry: %v, %v", got, err)
	}
}

func TestDefaultCacheDir(t *testing.T) {
	t.Setenv("LOCKSTEP_CACHE", "/some/where")
	if got := DefaultCacheDir(); got != "/some/where" {
		t.Errorf("DefaultCacheDir with LOCKSTEP_CACHE = %q", got)
	}
	t.Setenv("LOCKSTEP_CACHE", "")
	t.Setenv("XDG_CACHE_HOME", "/xdg")
	if got := DefaultCacheDir(); got != filepath.Join("/xdg", "lockstep", "corpus") {
		t.Errorf("DefaultCacheDir = %q", got)
	}
}

// qemuCPU approximates lockstep's default model (session.ArbiterCPU on
// this host): QEMU's max, whose extensions the oracle or the host run.
const qemuCPU = "max"

// qemuDiffers lists the entries whose output under QEMU 7.2 differs from
// the same program run on the host, because QEMU gets something wrong (or
// computes an x87 result differently); each manifest's reason says what.
// The test checks both ways, so the list stays true.
var qemuDiffers = map[string]bool{
	"alu/cmpxchg8b-16b":           true, // flags from before SAHF leak into CMPXCHG8B/16B
	"bmi1/blsi":                   true, // BLSI's CF inverted
	"adx/adx32":                   true, // 32-bit ADCX/ADOX flags
	"x87/arith-inexact":           true, // C1 (rounded up) never set
	"x87/arith-special":           true, // DE, C1
	"x87/convert-special":         true, // C1
	"x87/bcd":                     true, // C1
	"x87/sqrt-special":            true, // C2 after FSQRT(-1)
	"x87/trig":                    true, // host libm in double precision
	"x87/log-exp":                 true, // PE for exact results, one ulp
	"x87/prem1":                   true, // quotient bits
	"x87/compare":                 true, // FCOMI leaves AF
	"x87/compare-nan":             true, // FCOMI leaves AF
	"x87/fscale-qnan-snan":        true, // NaN propagation
	"x87/fsin-half":               true, // double precision, no PE
	"x87/pseudo-denormal-fadd":    true, // DE never set
	"x87/pseudo-denormal-frndint": true, // DE never set
	"x87/pseudo-denormal-fucomi":  true, // DE never set
	"sse/float-special":           true, // DE never set
	"sse2/float-special":          true, // DE never set
	"sse2/convert-special":        true, // DE never set
}

// run executes argv with stdin and returns its stdout and how it ended.
func run(ctx context.Context, stdin []byte, argv ...string) (out []byte, status, signal int, err error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		ws := exit.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			return stdout.Bytes(), -1, int(ws.Signal()), nil
		}
		return stdout.Bytes(), ws.ExitStatus(), 0, nil
	}
	return stdout.Bytes(), 0, 0, err
}

// TestPrograms builds every entry, runs it on the host and under
// qemu-x86_64, and checks the manifest's exit status or signal on both and
// that both print the same output (except where qemuDiffers says QEMU is
// known to be wrong).
func TestPrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the whole corpus")
	}
	qemu, err := exec.LookPath("qemu-x86_64")
	if err != nil {
		t.Fatalf("qemu-x86_64 is needed to validate the corpus: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	entries, err := All()
	if err != nil {
		t.Fatal(err)
	}
	bins, err := (&Builder{CacheDir: t.TempDir()}).BuildAll(ctx, entries)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			bin := bins[e.Name]
			x := e.Expect
			check := func(who string, status, signal int) {
				t.Helper()
				if x.Outcome == Fault {
					if signal != x.Signal {
						t.Errorf("%s: ended with status %d signal %d, want signal %d", who, status, signal, x.Signal)
					}
				} else if signal != 0 || status != x.ExitStatus {
					t.Errorf("%s: ended with status %d signal %d, want status %d", who, status, signal, x.ExitStatus)
				}
			}
			argv := append([]string{bin}, e.Args...)
			native, status, signal, err := run(ctx, e.Stdin, argv...)
			if err != nil {
				t.Fatalf("native run: %v", err)
			}
			check("native", status, signal)
			cpu := qemuCPU
			emulated, status, signal, err := run(ctx, e.Stdin, append([]string{qemu, "-cpu", cpu}, argv...)...)
			if err != nil {
				t.Fatalf("qemu run: %v", err)
			}
			check("qemu", status, signal)
			if differ := !bytes.Equal(native, emulated); differ != qemuDiffers[e.Name] {
				t.Errorf("native and QEMU output differ: %v, expected %v (%d and %d bytes)",
					differ, qemuDiffers[e.Name], len(native), len(emulated))
			}
			if x.Outcome != Fault && len(native) == 0 {
				t.Error("no output: every program reports its results on stdout")
			}
		})
	}
}
