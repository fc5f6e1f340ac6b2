// Package testprog builds small guest programs for tests and checks that
// tests leave no QEMU behind.
package testprog

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// TB is what these helpers need of a test: *testing.T, *testing.B and
// Ginkgo's GinkgoT() all have it.
type TB interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skip(args ...any)
	TempDir() string
}

// Build assembles (.S: -nostdlib -static) or compiles (.c: -O2 -static)
// src with gcc into the test's temp dir and returns the binary's path.
func Build(t TB, src string, flags ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(src), filepath.Ext(src)))
	args := []string{"-static", "-o", out}
	if strings.HasSuffix(src, ".S") || strings.HasSuffix(src, ".s") {
		args = append(args, "-nostdlib")
	} else {
		args = append(args, "-O2")
	}
	args = append(args, flags...)
	args = append(args, src)
	if b, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
		t.Fatalf("gcc %s: %v\n%s", src, err, b)
	}
	return out
}

// Symbol returns the address of a symbol of an ELF binary.
func Symbol(t TB, binary, name string) uint64 {
	t.Helper()
	f, err := elf.Open(binary)
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatalf("%v", err)
	}
	for _, s := range syms {
		if s.Name == name {
			return s.Value
		}
	}
	t.Fatalf("%s has no symbol %q", binary, name)
	return 0
}

// RequireQEMU skips the test when qemu-x86_64 is not installed.
func RequireQEMU(t TB) {
	t.Helper()
	if _, err := exec.LookPath("qemu-x86_64"); err != nil {
		t.Skip("qemu-x86_64 not installed (make deps)")
	}
}

// Children lists the pids of our live child processes whose command
// contains name.
func Children(name string) []int {
	me := strconv.Itoa(os.Getpid())
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 || f[1] != me || f[0] == "Z" {
			continue
		}
		cmd, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if strings.Contains(string(cmd), name) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// NoLeaks registers a cleanup that fails the test if a qemu child process
// is still alive or a lockstep temp dir is left in dir when it ends.
func NoLeaks(t TB, tmp string) {
	t.Helper()
	t.Cleanup(func() {
		deadline := time.Now().Add(2 * time.Second)
		for len(Children("qemu-")) > 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if pids := Children("qemu-"); len(pids) > 0 {
			t.Errorf("QEMU processes left behind: %v", pids)
		}
		if tmp != "" {
			ents, _ := os.ReadDir(tmp)
			for _, e := range ents {
				if strings.HasPrefix(e.Name(), "lockstep-") {
					t.Errorf("temp dir left behind: %s", filepath.Join(tmp, e.Name()))
				}
			}
		}
	})
}
