package qemutrace

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"lockstep/internal/testprog"
	"lockstep/machine"
)

// start runs prog under QEMU with a private temp parent, and checks at the
// end that nothing was left behind.
func start(t *testing.T, prog string, cfg Config) *Tracer {
	t.Helper()
	testprog.RequireQEMU(t)
	cfg.Program = prog
	if cfg.TempDir == "" {
		cfg.TempDir = t.TempDir()
	}
	testprog.NoLeaks(t, cfg.TempDir)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	tr, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := tr.Close(); err != nil {
			t.Error(err)
		}
	})
	return tr
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// runTo steps until pc reaches addr and returns the number of steps.
func runTo(t *testing.T, tr *Tracer, addr uint64) int {
	t.Helper()
	n := 0
	for tr.PC() != addr {
		if _, err := tr.Step(ctx(t)); err != nil {
			t.Fatalf("after %d steps: %v", n, err)
		}
		n++
		if n > 100000 {
			t.Fatalf("never reached %#x", addr)
		}
	}
	return n
}

func TestTraceBasic(t *testing.T) {
	prog := testprog.Build(t, "testdata/basic.S")
	sym := func(name string) uint64 { return testprog.Symbol(t, prog, name) }
	var stdout bytes.Buffer
	tr := start(t, prog, Config{Stdout: &stdout})

	if got, want := tr.PC(), sym("_start"); got != want {
		t.Fatalf("first stop at %#x, want _start %#x", got, want)
	}
	if n := tr.Layout().Size(); n != 608 {
		t.Errorf("register file is %d bytes, want QEMU 7.2's 608", n)
	}

	// The map from the page log: code r-x, data rw-, stack rw-.
	m := tr.Map()
	for _, tt := range []struct {
		name string
		addr uint64
		perm string
	}{{"code", sym("_start"), "r-x"}, {"data", sym("value"), "rw-"}, {"stack", mustReg(t, tr, "rsp"), "rw-"}} {
		r, ok := m.Find(tt.addr)
		if !ok || r.Perm.String() != tt.perm {
			t.Errorf("%s at %#x: region %v (found %v), want %s\n%v", tt.name, tt.addr, r, ok, tt.perm, m)
		}
	}

	// The loop: 1 + 2*100 instructions exactly.
	if n := runTo(t, tr, sym("after_loop")); n != 201 {
		t.Errorf("loop took %d steps, want 201", n)
	}
	if rcx := mustReg(t, tr, "rcx"); rcx != 0 {
		t.Errorf("rcx %d after loop", rcx)
	}
	runTo(t, tr, sym("store"))
	if rax := mustReg(t, tr, "rax"); rax != 0x1122334455667788 {
		t.Errorf("rax %#x at store", rax)
	}
	tr.Step(ctx(t))
	var b [8]byte
	if err := tr.ReadMemory(ctx(t), sym("value"), b[:]); err != nil {
		t.Fatal(err)
	}
	if le64(b[:]) != 0x1122334455667788 {
		t.Errorf(".data value % x after store", b)
	}

	// A stepped syscall advances exactly one instruction, and the new
	// mapping is in the map right after it.
	runTo(t, tr, sym("do_mmap"))
	stop, err := tr.Step(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if stop.Kind != machine.Syscall || stop.Syscall.Number != 9 || tr.PC() != sym("after_mmap") {
		t.Fatalf("mmap step: %v, pc %#x, want syscall 9 then %#x", stop, tr.PC(), sym("after_mmap"))
	}
	area := stop.Syscall.Result
	if r, ok := tr.Map().Find(area); !ok || r.Perm.String() != "rw-" || !r.Contains(area+8191) {
		t.Fatalf("mapping %#x not in map after mmap: %v\n%v", area, r, tr.Map())
	}
	runTo(t, tr, sym("do_munmap"))
	if stop, err = tr.Step(ctx(t)); err != nil || stop.Kind != machine.Syscall || tr.PC() != sym("after_munmap") {
		t.Fatalf("munmap step: %v %v", stop, err)
	}
	if r, ok := tr.Map().Find(area); ok {
		t.Fatalf("mapping %#x still in map after munmap: %v", area, r)
	}

	// rep stosb with rcx=3: one stop per iteration with rip unchanged.
	runTo(t, tr, sym("do_rep"))
	var repeats int
	for tr.PC() == sym("do_rep") {
		stop, err := tr.Step(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if stop.Repeat {
			repeats++
		}
	}
	if repeats != 2 || tr.PC() != sym("after_rep") {
		t.Errorf("rep stosb: %d repeats then pc %#x, want 2 then after_rep", repeats, tr.PC())
	}

	// Exit status.
	var last machine.Stop
	for stop, err := range tr.Trace(ctx(t)) {
		if err != nil {
			t.Fatal(err)
		}
		last = stop
	}
	if last.Kind != machine.Exited || last.ExitStatus != 7 {
		t.Fatalf("last stop %v, want exit 7", last)
	}
	if _, err := tr.Step(ctx(t)); !errors.Is(err, ErrExited) {
		t.Errorf("step after exit: %v", err)
	}
	if stdout.String() != "hello\n" {
		t.Errorf("guest stdout %q", stdout.String())
	}
	if tr.Syscalls() != 4 {
		t.Errorf("%d syscalls, want 4", tr.Syscalls())
	}
}

func TestTraceSegv(t *testing.T) {
	prog := testprog.Build(t, "testdata/segv.S")
	tr := start(t, prog, Config{})
	fault := testprog.Symbol(t, prog, "fault")
	var stops []machine.Stop
	for stop, err := range tr.Trace(ctx(t)) {
		if err != nil {
			t.Fatal(err)
		}
		stops = append(stops, stop)
	}
	if len(stops) != 3 {
		t.Fatalf("stops %v", stops)
	}
	if s := stops[1]; s.Kind != machine.Signalled || s.Signal != 11 || s.PC != fault {
		t.Errorf("stop %v, want signal 11 at %#x", s, fault)
	}
	if s := stops[2]; s.Kind != machine.Killed || s.Signal != 11 {
		t.Errorf("final stop %v, want killed by 11", s)
	}
}

func TestStartErrors(t *testing.T) {
	testprog.RequireQEMU(t)
	dir := t.TempDir()
	notELF := filepath.Join(dir, "script")
	os.WriteFile(notELF, []byte("#!/bin/sh\necho hi\n"), 0o755)
	arm := filepath.Join(dir, "arm")
	hdr := make([]byte, 64)
	copy(hdr, "\x7fELF\x02\x01\x01")
	hdr[18] = 183 // EM_AARCH64
	os.WriteFile(arm, hdr, 0o755)
	truncated := filepath.Join(dir, "trunc")
	os.WriteFile(truncated, hdr[:64], 0o755)
	hdr[18] = 62
	os.WriteFile(truncated, hdr, 0o755) // x86-64 header, nothing else: QEMU itself refuses

	tests := []struct {
		name, prog, qemu, want string
	}{
		{"missing", filepath.Join(dir, "nope"), "", "no such file"},
		{"not elf", notELF, "", "not an ELF"},
		{"other arch", arm, "", "not x86-64"},
		{"qemu refuses", truncated, "", "QEMU exited"},
		{"no qemu", notELF, "qemu-does-not-exist", "QEMU binary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			testprog.NoLeaks(t, tmp)
			c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			tr, err := Start(c, Config{Program: tt.prog, QEMU: tt.qemu, TempDir: tmp})
			if err == nil {
				tr.Close()
				t.Fatal("started")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestCancelKillsQEMU(t *testing.T) {
	prog := testprog.Build(t, "testdata/spin.S")
	tr := start(t, prog, Config{})
	c, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		for {
			if _, err := tr.Step(c); err != nil {
				done <- err
				return
			}
		}
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("step after cancel: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("step did not return after cancel")
	}
	// Close (in cleanup) must still kill QEMU and remove the directory;
	// NoLeaks checks both.
}

func TestQEMUKilledMidRun(t *testing.T) {
	prog := testprog.Build(t, "testdata/spin.S")
	tr := start(t, prog, Config{})
	for range 10 {
		if _, err := tr.Step(ctx(t)); err != nil {
			t.Fatal(err)
		}
	}
	syscall.Kill(tr.proc.proc.Pid(), syscall.SIGKILL)
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var err error
	for range 3 {
		if _, err = tr.Step(c); err != nil {
			break
		}
	}
	if err == nil || c.Err() != nil {
		t.Fatalf("step after QEMU died: %v (ctx %v)", err, c.Err())
	}
}

func mustReg(t *testing.T, tr *Tracer, name string) uint64 {
	t.Helper()
	v, ok := tr.Registers().Uint64(name)
	if !ok {
		t.Fatalf("no register %s", name)
	}
	return v
}

func TestRecordsWithMemory(t *testing.T) {
	prog := testprog.Build(t, "testdata/basic.S")
	tr := start(t, prog, Config{})
	value, store := testprog.Symbol(t, prog, "value"), testprog.Symbol(t, prog, "store")
	var before, after []byte
	var last Record
	for rec, err := range tr.Records(ctx(t), Range{Addr: value, Len: 8}) {
		if err != nil {
			t.Fatal(err)
		}
		if rec.Stop.PC == store-10 { // the movabs before the store
			before = append([]byte(nil), rec.Memory[0]...)
		}
		if rec.Stop.PC == store {
			after = append([]byte(nil), rec.Memory[0]...)
			if pc, _ := rec.Registers.Uint64("rip"); pc != store+7 {
				t.Errorf("rip after the store %#x", pc)
			}
		}
		last = rec
	}
	if le64(before) != 0 || le64(after) != 0x1122334455667788 {
		t.Errorf(".data before the store % x, after % x", before, after)
	}
	if last.Stop.Kind != machine.Exited || last.Memory[0] != nil || last.Step != tr.Steps() {
		t.Errorf("last record %+v", last)
	}
}
