package rsp_test

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"lockstep/rsp"
)

// progSource is the guest for the QEMU tests: a short counted loop that
// exits with status 7; with -DFOREVER an endless loop for benchmarks; with
// -DFAULT a read of address 0 first.
const progSource = `
	.globl _start
	.text
_start:
#ifdef FAULT
	mov 0, %rax
#endif
	mov $3, %ecx
loop:
	add $1, %rax
#ifdef FOREVER
	jmp loop
#endif
	dec %ecx
	jnz loop
done:
	mov $60, %eax
	mov $7, %edi
	syscall
`

// qemuTarget is a guest program stopped at its entry under qemu-x86_64's
// gdbstub.
type qemuTarget struct {
	prog    string
	sock    string
	symbols map[string]uint64
	text    []byte // the .text section
	textAt  uint64
	entry   uint64
	exited  chan struct{} // closed when QEMU has exited
	waitErr error         // QEMU's exit, valid after exited is closed
}

// startQEMU builds the guest, starts it under QEMU and waits for the stub's
// socket. QEMU is killed and the temporary directory removed at cleanup.
// define, if not empty, is a macro to define when building it.
func startQEMU(tb testing.TB, define string) *qemuTarget {
	tb.Helper()
	qemu, err := exec.LookPath("qemu-x86_64")
	if err != nil {
		tb.Skip("qemu-x86_64 is not on PATH; skipping the tests that need a real stub")
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		tb.Skip("gcc is not on PATH; cannot build the guest program")
	}
	dir := tb.TempDir()
	src := filepath.Join(dir, "prog.S")
	if err := os.WriteFile(src, []byte(progSource), 0o644); err != nil {
		tb.Fatal(err)
	}
	t := &qemuTarget{prog: filepath.Join(dir, "prog"), sock: filepath.Join(dir, "gdb.sock"), exited: make(chan struct{})}
	args := []string{"-nostdlib", "-static", "-o", t.prog, src}
	if define != "" {
		args = append([]string{"-D" + define}, args...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "gcc", args...).CombinedOutput(); err != nil {
		tb.Fatalf("gcc: %v\n%s", err, out)
	}
	t.loadELF(tb)

	cmd := exec.Command(qemu, "-g", t.sock, t.prog)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start qemu: %v", err)
	}
	go func() {
		t.waitErr = cmd.Wait()
		close(t.exited)
	}()
	tb.Cleanup(func() {
		cmd.Process.Kill()
		select {
		case <-t.exited:
		case <-time.After(10 * time.Second):
			tb.Errorf("qemu (pid %d) did not exit after SIGKILL", cmd.Process.Pid)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(t.sock); err == nil {
			return t
		}
		select {
		case <-t.exited:
			tb.Fatalf("qemu exited before opening its socket: %v\n%s", t.waitErr, stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			tb.Fatalf("qemu did not create %s within 10s", t.sock)
		}
	}
}

func (t *qemuTarget) loadELF(tb testing.TB) {
	f, err := elf.Open(t.prog)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	t.entry = f.Entry
	sec := f.Section(".text")
	if sec == nil {
		tb.Fatal("guest has no .text")
	}
	if t.text, err = sec.Data(); err != nil {
		tb.Fatal(err)
	}
	t.textAt = sec.Addr
	syms, err := f.Symbols()
	if err != nil {
		tb.Fatal(err)
	}
	t.symbols = make(map[string]uint64)
	for _, s := range syms {
		t.symbols[s.Name] = s.Value
	}
}

func (t *qemuTarget) dial(tb testing.TB) *rsp.Conn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// QEMU creates the socket file (bind) a moment before it listens:
	// until then, connecting is refused. Probing by connecting is not an
	// option, as QEMU accepts a single connection.
	c, err := rsp.Dial(ctx, "unix", t.sock)
	for errors.Is(err, syscall.ECONNREFUSED) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
		c, err = rsp.Dial(ctx, "unix", t.sock)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// waitExit waits for QEMU to exit on its own.
func (t *qemuTarget) waitExit(tb testing.TB) {
	tb.Helper()
	select {
	case <-t.exited:
		var ee *exec.ExitError
		if t.waitErr != nil && !errors.As(t.waitErr, &ee) {
			tb.Fatalf("qemu: %v", t.waitErr)
		}
	case <-time.After(10 * time.Second):
		tb.Fatal("qemu still running 10s after the target should have ended")
	}
}

func TestQEMU(t *testing.T) {
	q := startQEMU(t, "")
	c := q.dial(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	if v, ok := c.Feature("qXfer:features:read"); !ok || v != "+" {
		t.Errorf("Feature(qXfer:features:read) = %q, %v; want +", v, ok)
	}
	if got := c.PacketSize(); got != 0x1000 {
		t.Errorf("PacketSize = %#x, want 0x1000", got)
	}

	layout, err := c.TargetDescription(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if layout.Size() != 608 {
		t.Errorf("layout size %d, want 608", layout.Size())
	}
	if first, last := layout.Regs[0].Name, layout.Regs[len(layout.Regs)-1].Name; first != "rax" || last != "mxcsr" {
		t.Errorf("registers run from %s to %s, want rax to mxcsr", first, last)
	}
	for name, bits := range map[string]int{"rip": 64, "eflags": 32, "st0": 80, "xmm0": 128, "xmm15": 128, "fs_base": 64} {
		if r, ok := layout.Lookup(name); !ok || r.Bits != bits {
			t.Errorf("register %s = %+v, %v; want %d bits", name, r, ok, bits)
		}
	}
	t.Logf("arch %q, %d registers", layout.Arch, len(layout.Regs))

	stop, err := c.StopReason(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stop.Kind != rsp.StopSignal || stop.Signal != 5 || stop.Thread == "" {
		t.Errorf("StopReason = %+v, want SIGTRAP with a thread", stop)
	}

	snap := layout.NewSnapshot()
	if err := c.ReadRegisters(ctx, snap.Regs); err != nil {
		t.Fatal(err)
	}
	rip, _ := snap.Uint64("rip")
	if rip != q.entry || rip < q.textAt || rip >= q.textAt+uint64(len(q.text)) {
		t.Fatalf("rip %#x at the start, want entry %#x in .text", rip, q.entry)
	}

	// Memory at rip is the program text; 0x1000 bytes take two packets.
	want := q.text[rip-q.textAt:]
	code := make([]byte, len(want))
	if err := c.ReadMemory(ctx, rip, code); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(code, want) {
		t.Errorf("memory at rip %#x = % x, want % x", rip, code, want)
	}
	page := make([]byte, 0x1000)
	pageAt := q.textAt &^ 0xfff
	if err := c.ReadMemory(ctx, pageAt, page); err != nil {
		t.Fatal(err)
	}
	if off := q.textAt - pageAt; !bytes.Equal(page[off:off+uint64(len(q.text))], q.text) {
		t.Errorf("page read does not hold the text at offset %#x", off)
	}

	// One step executes "mov $3, %ecx" (5 bytes).
	if stop, err = c.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if stop.Kind != rsp.StopSignal || stop.Signal != 5 {
		t.Errorf("Step = %+v, want SIGTRAP", stop)
	}
	if err := c.ReadRegisters(ctx, snap.Regs); err != nil {
		t.Fatal(err)
	}
	if rip, _ := snap.Uint64("rip"); rip != q.symbols["loop"] {
		t.Errorf("rip %#x after one step, want %#x (loop)", rip, q.symbols["loop"])
	}
	if rcx, _ := snap.Uint64("rcx"); rcx != 3 {
		t.Errorf("rcx %#x after mov $3, want 3", rcx)
	}

	// Single registers work once target.xml has been read.
	rcx, _ := layout.Lookup("rcx")
	buf := make([]byte, rcx.Size())
	if err := c.ReadRegister(ctx, rcx.Regnum, buf); err != nil {
		t.Fatal(err)
	}
	if buf[0] != 3 {
		t.Errorf("p rcx = % x, want 3", buf)
	}

	done := q.symbols["done"]
	if err := c.InsertBreakpoint(ctx, done, 1); err != nil {
		t.Fatal(err)
	}
	if stop, err = c.Continue(ctx); err != nil {
		t.Fatal(err)
	}
	if stop.Kind != rsp.StopSignal || stop.Signal != 5 {
		t.Errorf("Continue = %+v, want SIGTRAP", stop)
	}
	if err := c.ReadRegisters(ctx, snap.Regs); err != nil {
		t.Fatal(err)
	}
	if rip, _ := snap.Uint64("rip"); rip != done {
		t.Errorf("rip %#x at the breakpoint, want %#x", rip, done)
	}
	if rax, _ := snap.Uint64("rax"); rax != 3 {
		t.Errorf("rax %d after the loop, want 3", rax)
	}
	if err := c.RemoveBreakpoint(ctx, done, 1); err != nil {
		t.Fatal(err)
	}

	if err := c.Kill(ctx); err != nil {
		t.Fatal(err)
	}
	q.waitExit(t)
	if _, err := c.Step(ctx); err == nil {
		t.Error("Step after Kill succeeded")
	}
}

func TestQEMURunToExit(t *testing.T) {
	q := startQEMU(t, "")
	c := q.dial(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	auxv, err := c.Auxv(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(auxv) == 0 || len(auxv)%16 != 0 {
		t.Errorf("auxv has %d bytes, want a non-empty multiple of 16", len(auxv))
	}
	// Step through the whole program: mov, 3 x (add, dec, jnz), then the
	// exit sequence ends in W07.
	steps := 0
	for steps < 100 {
		steps++
		stop, err := c.Step(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if stop.Kind == rsp.StopExited {
			if stop.ExitStatus != 7 {
				t.Errorf("exit status %d, want 7", stop.ExitStatus)
			}
			break
		}
	}
	if want := 1 + 3*3 + 3; steps != want {
		t.Errorf("program ended after %d steps, want %d", steps, want)
	}
	q.waitExit(t)
}

func TestQEMUSignal(t *testing.T) {
	q := startQEMU(t, "FAULT")
	c := q.dial(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stop, err := c.Step(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stop.Kind != rsp.StopSignal || stop.Signal != 11 {
		t.Fatalf("Step over a read of address 0 = %v, want SIGSEGV", stop)
	}
	// Delivering the signal, which has no handler, kills the program.
	if stop, err = c.StepWithSignal(ctx, stop.Signal); err != nil {
		t.Fatal(err)
	}
	if stop.Kind != rsp.StopTerminated || stop.Signal != 11 {
		t.Errorf("StepWithSignal(SIGSEGV) = %v, want terminated by SIGSEGV", stop)
	}
	q.waitExit(t)
}

// TestQEMUStepAllocs checks that the hot path allocates nothing.
func TestQEMUStepAllocs(t *testing.T) {
	q := startQEMU(t, "FOREVER")
	c := q.dial(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	layout, err := c.TargetDescription(ctx)
	if err != nil {
		t.Fatal(err)
	}
	regs := make([]byte, layout.Size())
	step := func() {
		if _, err := c.Step(ctx); err != nil {
			t.Fatal(err)
		}
		if err := c.ReadRegisters(ctx, regs); err != nil {
			t.Fatal(err)
		}
	}
	step() // the first step queries vCont and learns the thread
	if n := testing.AllocsPerRun(200, step); n != 0 {
		t.Errorf("Step+ReadRegisters allocates %v times per step, want 0", n)
	}
}

// BenchmarkQEMUStep measures single steps of a real qemu-x86_64, alone and
// with a read of the whole register file after each.
func BenchmarkQEMUStep(b *testing.B) {
	for _, bc := range []struct {
		name string
		regs bool
	}{{"Step", false}, {"StepReadRegisters", true}} {
		b.Run(bc.name, func(b *testing.B) {
			q := startQEMU(b, "FOREVER")
			c := q.dial(b)
			ctx := context.Background()
			layout, err := c.TargetDescription(ctx)
			if err != nil {
				b.Fatal(err)
			}
			regs := make([]byte, layout.Size())
			if _, err := c.Step(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := c.Step(ctx); err != nil {
					b.Fatal(err)
				}
				if bc.regs {
					if err := c.ReadRegisters(ctx, regs); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}
