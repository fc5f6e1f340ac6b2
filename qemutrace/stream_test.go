package qemutrace

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"lockstep/internal/testprog"
	"lockstep/machine"
)

// TestStreamBlocks runs basic.S freely to its mmap, block by block, then
// steps the syscall over the gdbstub and runs freely to the end.
//
// The blocks logged from _start to do_mmap are one per instruction (210)
// in both modes: QEMU 7.2 translates the page of a breakpoint one
// instruction per block (CF_BP_PAGE), and the breakpoint at do_mmap shares
// the loop's page. TestStreamBlocksWhole runs the same loop without one.
func TestStreamBlocks(t *testing.T) {
	prog := testprog.Build(t, "testdata/basic.S")
	sym := func(name string) uint64 { return testprog.Symbol(t, prog, name) }
	for _, tt := range []struct {
		mode   Mode
		blocks int
	}{{Blocks, 210}, {Insns, 210}} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			tr := start(t, prog, Config{Mode: tt.mode})
			if err := tr.Resume(ctx(t), sym("do_mmap")); err != nil {
				t.Fatal(err)
			}
			snap := tr.Layout().NewSnapshot()
			rcx := tr.Layout().Index("rcx")
			var pcs []uint64
			for nextBlock(t, tr, snap) {
				pc, _ := snap.Uint64("rip")
				pcs = append(pcs, pc)
				if pc == sym("after_loop") && le64(snap.Reg(rcx)) != 0 {
					t.Errorf("rcx %d after the loop", le64(snap.Reg(rcx)))
				}
			}
			stop, err := tr.Wait(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			if stop.Kind != machine.Stepped || stop.PC != sym("do_mmap") {
				t.Fatalf("stopped %v, want at do_mmap %#x", stop, sym("do_mmap"))
			}
			if len(pcs) != tt.blocks || pcs[0] != sym("_start") {
				t.Errorf("%d blocks, first at %#x; want %d from _start %#x", len(pcs), pcs[0], tt.blocks, sym("_start"))
			}
			// The syscall over the gdbstub; its map change is seen.
			stop, err = tr.Step(ctx(t))
			if err != nil || stop.Kind != machine.Syscall {
				t.Fatalf("mmap step: %v %v", stop, err)
			}
			if _, ok := tr.Map().Find(stop.Syscall.Result); !ok {
				t.Errorf("mmap'd area %#x not in the map:\n%v", stop.Syscall.Result, tr.Map())
			}
			if err := tr.Resume(ctx(t), 0); err != nil {
				t.Fatal(err)
			}
			for nextBlock(t, tr, snap) {
			}
			stop, err = tr.Wait(ctx(t))
			if err != nil || stop.Kind != machine.Exited || stop.ExitStatus != 7 {
				t.Fatalf("end: %v %v, want exit 7", stop, err)
			}
		})
	}
}

// TestStreamBlocksWhole runs basic.S freely from _start to its exit with
// no breakpoint: in block mode the 100 iterations of the dec/jnz loop are
// one block each; with -singlestep every instruction is one.
func TestStreamBlocksWhole(t *testing.T) {
	prog := testprog.Build(t, "testdata/basic.S")
	sym := func(name string) uint64 { return testprog.Symbol(t, prog, name) }
	for _, tt := range []struct {
		mode       Mode
		loopBlocks int // blocks starting at loop
	}{{Blocks, 99}, {Insns, 100}} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			tr := start(t, prog, Config{Mode: tt.mode})
			if err := tr.Resume(ctx(t), 0); err != nil {
				t.Fatal(err)
			}
			snap := tr.Layout().NewSnapshot()
			loop := 0
			for nextBlock(t, tr, snap) {
				if pc, _ := snap.Uint64("rip"); pc == sym("loop") {
					loop++
				}
			}
			stop, err := tr.Wait(ctx(t))
			if err != nil || stop.Kind != machine.Exited || stop.ExitStatus != 7 {
				t.Fatalf("end: %v %v, want exit 7", stop, err)
			}
			if loop != tt.loopBlocks {
				t.Errorf("%d blocks start at loop, want %d", loop, tt.loopBlocks)
			}
		})
	}
}

// TestStreamFailures: QEMU dying, stalling, or logging another format
// while it runs freely each end in a clear error within the deadline, and
// Close leaves nothing behind (start checks).
func TestStreamFailures(t *testing.T) {
	spin := testprog.Build(t, "testdata/spin.S")
	real, err := exec.LookPath("qemu-x86_64")
	if err != nil {
		t.Skip("no qemu-x86_64")
	}
	// A QEMU whose log lacks the x87 and vector lines: -d without fpu.
	nofpu := filepath.Join(t.TempDir(), "qemu-nofpu")
	script := "#!/bin/sh\nargs=\"\"\nfor a; do [ \"$a\" = page,cpu,fpu,nochain ] && a=page,cpu,nochain; set -- \"$@\" \"$a\"; shift; done\nexec " + real + " \"$@\"\n"
	if err := os.WriteFile(nofpu, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		cfg  Config
		act  func(*Tracer)
		want string
	}{
		{"QEMU killed", Config{}, func(tr *Tracer) { syscall.Kill(tr.proc.proc.Pid(), syscall.SIGKILL) }, "QEMU died while running freely"},
		{"QEMU stopped", Config{StallTimeout: 300 * time.Millisecond}, func(tr *Tracer) { syscall.Kill(tr.proc.proc.Pid(), syscall.SIGSTOP) }, "CPU log stalled"},
		{"log format", Config{QEMU: nofpu}, func(*Tracer) {}, "not the format lockstep reads"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Mode = Blocks
			tr := start(t, spin, cfg)
			if err := tr.Resume(ctx(t), 0); err != nil {
				t.Fatal(err)
			}
			snap := tr.Layout().NewSnapshot()
			if _, err := tr.NextBlock(ctx(t), snap); err != nil && tt.name != "log format" {
				t.Fatalf("first block: %v", err)
			}
			tt.act(tr)
			begin := time.Now()
			for {
				ok, err := tr.NextBlock(ctx(t), snap)
				if err != nil {
					if !strings.Contains(err.Error(), tt.want) {
						t.Errorf("error %q, want one containing %q", err, tt.want)
					}
					break
				}
				if !ok {
					t.Fatal("QEMU stopped by itself")
				}
				if time.Since(begin) > 20*time.Second {
					t.Fatal("no error in 20s")
				}
			}
		})
	}
}

// nextBlock takes the next block of a free run into snap, failing the test
// on an error; false once QEMU has stopped.
func nextBlock(t *testing.T, tr *Tracer, snap *machine.Snapshot) bool {
	t.Helper()
	ok, err := tr.NextBlock(ctx(t), snap)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}
