package gdbtarget

import (
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"lockstep/internal/testprog"
	"lockstep/machine"
)

// TestGdbserver runs a program natively under Debian's gdbserver 13: the
// target description is read after the stop reason (gdbserver asserts
// otherwise), st0-st7 are numbered from the stack top, and the memory map
// is the program's own (gdbserver's child), not gdbserver's.
func TestGdbserver(t *testing.T) {
	if _, err := exec.LookPath("gdbserver"); err != nil {
		t.Fatalf("gdbserver not installed (make deps installs it): %v", err)
	}
	tmp := t.TempDir()
	noLeftovers(t, tmp, "gdbserver")
	prog := testprog.Build(t, filepath.Join("..", "examples", "agree.S"))
	sp, err := ParseSpec("gdbserver")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tg, err := Start(ctx, Config{Spec: sp, Program: prog, TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if got := tg.PC(); got != testprog.Symbol(t, prog, "_start") {
		t.Fatalf("first pc %#x, want _start", got)
	}
	if !tg.X87StackRelative() {
		t.Error("gdbserver's st0-st7 should be stack-relative")
	}
	for _, n := range []string{"rax", "eflags", "st7", "xmm15", "mxcsr", "fs_base", "ymm0h"} {
		if tg.Layout().Index(n) < 0 {
			t.Errorf("gdbserver's layout lacks %s", n)
		}
	}
	m, src := tg.Map(ctx)
	if m == nil || src == "/proc/"+strconv.Itoa(tg.Pid())+"/maps" {
		t.Fatalf("map from %q: want the program's own /proc/PID/maps, not gdbserver's (pid %d)", src, tg.Pid())
	}
	sp0, _ := tg.Registers().Uint64("rsp")
	if _, ok := m.Find(sp0); !ok || !strings.HasPrefix(src, "/proc/") {
		t.Errorf("the stack pointer %#x is not in the map from %s", sp0, src)
	}
	var st machine.Stop
	for n := 0; n < 10000; n++ {
		if st, err = tg.Step(ctx); err != nil {
			t.Fatal(err)
		}
		if st.Kind == machine.Exited {
			break
		}
	}
	if st.Kind != machine.Exited || st.ExitStatus != 0 {
		t.Errorf("end %v", st)
	}
	t.Logf("capabilities: %v", tg.Capabilities())
}
