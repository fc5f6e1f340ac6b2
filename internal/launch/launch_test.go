package launch

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCheckProgram(t *testing.T) {
	dir := t.TempDir()
	self, err := os.Executable() // an x86-64 ELF executable
	if err != nil {
		t.Fatal(err)
	}
	elf, _ := os.ReadFile(self)
	write := func(name string, data []byte, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	elf32 := append([]byte(nil), elf[:64]...)
	elf32[4] = 1 // ELFCLASS32
	arm := append([]byte(nil), elf[:64]...)
	arm[18], arm[19] = 183, 0 // EM_AARCH64
	for _, tc := range []struct{ name, path, want string }{
		{"x86-64 executable", self, ""},
		{"no program", "", "no program given"},
		{"missing", filepath.Join(dir, "nosuch"), "no such file"},
		{"not ELF", write("text", []byte("#!/bin/sh\n"), 0o755), "not an ELF file"},
		{"32-bit", write("elf32", elf32, 0o755), "not a 64-bit little-endian ELF"},
		{"another machine", write("arm", arm, 0o755), "ELF machine 183"},
		{"not executable", write("noexec", elf[:64], 0o644), "not executable"},
	} {
		err := CheckProgram(tc.path)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: CheckProgram = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestCloseKillsTheGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	p, err := Start("sh", Spec{Path: "sh", Args: []string{"-c", "sleep 60 & echo $! > " + pidFile + "; sleep 60"}})
	if err != nil {
		t.Fatal(err)
	}
	var child int
	for deadline := time.Now().Add(5 * time.Second); child == 0 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		b, _ := os.ReadFile(pidFile)
		child, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	if child == 0 {
		t.Fatal("the shell did not start its background child")
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if !p.Exited() {
		t.Error("Close returned before the process was reaped")
	}
	// The grandchild in the same group died too (a zombie until its new
	// parent reaps it, or gone).
	alive := func() bool {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", child))
		if err != nil {
			return false
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		return len(f) > 0 && f[0] != "Z"
	}
	for deadline := time.Now().Add(2 * time.Second); alive() && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
	}
	if alive() {
		t.Errorf("the group's other process %d is still running after Close", child)
	}
	if got := p.StderrText(); got != "(sh wrote nothing to stderr)" {
		t.Errorf("stderr %q", got)
	}
}
