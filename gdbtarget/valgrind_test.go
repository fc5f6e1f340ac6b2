package gdbtarget

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"lockstep/internal/testprog"
	"lockstep/machine"
)

func requireValgrind(t *testing.T) {
	t.Helper()
	for _, b := range []string{"valgrind", "vgdb"} {
		if _, err := exec.LookPath(b); err != nil {
			t.Fatalf("%s not installed (make deps installs it): %v", b, err)
		}
	}
}

// noLeftovers fails the test if a process named name outlives it or a
// lockstep directory stays in tmp.
func noLeftovers(t *testing.T, tmp string, names ...string) {
	testprog.NoLeaks(t, tmp)
	t.Cleanup(func() {
		for _, n := range names {
			deadline := time.Now().Add(2 * time.Second)
			for len(testprog.Children(n)) > 0 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if pids := testprog.Children(n); len(pids) > 0 {
				t.Errorf("%s processes left behind: %v", n, pids)
			}
		}
	})
}

// TestValgrind steps a program under valgrind's gdbserver through vgdb:
// capabilities discovered (no vCont, no-ack), registers from its target
// description, and its known CMPXCHG bug visible in RAX.
func TestValgrind(t *testing.T) {
	requireValgrind(t)
	tmp := t.TempDir()
	noLeftovers(t, tmp, "valgrind", "vgdb", "none-amd64")
	prog := testprog.Build(t, filepath.Join("..", "examples", "valgrind-cmpxchg32.S"))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tg, err := Start(ctx, Config{Spec: Spec{Kind: Valgrind}, Program: prog, TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if got := tg.PC(); got != testprog.Symbol(t, prog, "_start") {
		t.Fatalf("first pc %#x, want _start", got)
	}
	for _, n := range []string{"rax", "eflags", "xmm15", "mxcsr", "orig_rax"} {
		if tg.Layout().Index(n) < 0 {
			t.Errorf("valgrind's layout lacks %s", n)
		}
	}
	var st machine.Stop
	for range 4 { // mov rax; mov ecx; mov edx; cmpxchg
		if st, err = tg.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if st.Kind != machine.Stepped {
		t.Fatalf("stop %v", st)
	}
	rax, _ := tg.Registers().Uint64("rax")
	// Hardware keeps 0x1234567800000005; valgrind 3.19 zeroes the upper half.
	if rax != 5 {
		t.Errorf("rax after a successful cmpxchg under valgrind = %#x, want 0x5 (its known bug)", rax)
	}
	for {
		st, err = tg.Step(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Kind == machine.Exited {
			break
		}
	}
	if st.ExitStatus != 0 {
		t.Errorf("exit status %d", st.ExitStatus)
	}
	t.Logf("capabilities: %v", tg.Capabilities())
}
