package gdbtarget

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"golang.org/x/arch/x86/x86asm"

	"lockstep/internal/testprog"
	"lockstep/machine"
)

// TestStepWith steps a program that stores and pushes under each real stub
// with the memory its instructions write read before and after each step
// in the step's own round trips, and checks every value against a plain
// read, and the code read ahead against the memory at the next pc.
func TestStepWith(t *testing.T) {
	prog := testprog.Build(t, filepath.Join("testdata", "writes.S"))
	for _, tt := range []struct {
		name  string
		spec  string
		bins  []string
		noAck bool
	}{
		{"valgrind", "valgrind", []string{"valgrind", "vgdb"}, true},
		{"gdbserver", "gdbserver", []string{"gdbserver"}, true},
		{"qemu", "qemu-x86_64 -g {sock} {prog}", []string{"qemu-x86_64"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, b := range tt.bins {
				if _, err := exec.LookPath(b); err != nil {
					t.Fatalf("%s not installed (make deps installs it): %v", b, err)
				}
			}
			sp, err := ParseSpec(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			tg, err := Start(ctx, Config{Spec: sp, Program: prog})
			if err != nil {
				t.Fatal(err)
			}
			defer tg.Close()
			changed, guessed := 0, 0
			var st machine.Stop
			for n := 0; n < 100 && st.Kind != machine.Exited; n++ {
				pc := tg.PC()
				code := slices.Clone(tg.Code(ctx))
				plain := make([]byte, len(code))
				if err := tg.ReadMemory(ctx, pc, plain); err != nil || !bytes.Equal(code, plain) {
					t.Fatalf("step %d: Code() % x, memory at %#x % x (%v)", n, code, pc, plain, err)
				}
				inst, err := x86asm.Decode(code, 64)
				if err != nil {
					t.Fatalf("step %d: %v", n, err)
				}
				rsp, _ := tg.Registers().Uint64("rsp")
				rdi, _ := tg.Registers().Uint64("rdi")
				rd := StepReads{NextPC: pc + uint64(inst.Len)}
				for _, a := range []uint64{rsp - 8, rdi, 0x10} {
					rd.Before = append(rd.Before, Read{Addr: a, Buf: make([]byte, 8)})
					rd.After = append(rd.After, Read{Addr: a, Buf: make([]byte, 8)})
				}
				before := make([][]byte, len(rd.Before))
				unmapped := make([]bool, len(rd.Before))
				for i, r := range rd.Before {
					before[i] = make([]byte, len(r.Buf))
					unmapped[i] = tg.ReadMemory(ctx, r.Addr, before[i]) != nil
				}
				if st, err = tg.StepWith(ctx, &rd); err != nil {
					t.Fatalf("step %d at %#x: %v", n, pc, err)
				}
				if st.Kind == machine.Exited {
					break
				}
				if tg.PC() == rd.NextPC {
					guessed++
				}
				for i := range rd.Before {
					b, a := rd.Before[i], rd.After[i]
					if unmapped[i] { // 0x10, and rdi before it is set
						if b.Err == nil || a.Err == nil {
							t.Fatalf("step %d: unmapped read gave no error: %v, %v", n, b.Err, a.Err)
						}
						continue
					}
					now := make([]byte, len(a.Buf))
					if err := tg.ReadMemory(ctx, a.Addr, now); err != nil || b.Err != nil || a.Err != nil {
						t.Fatalf("step %d: reads at %#x: %v, %v, %v", n, a.Addr, b.Err, a.Err, err)
					}
					if !bytes.Equal(b.Buf, before[i]) || !bytes.Equal(a.Buf, now) {
						t.Fatalf("step %d at %#x: read before % x (plain % x), after % x (plain % x)", n, a.Addr, b.Buf, before[i], a.Buf, now)
					}
					if !bytes.Equal(a.Buf, b.Buf) {
						changed++
					}
				}
			}
			if st.Kind != machine.Exited || st.ExitStatus != 0 {
				t.Fatalf("end %v", st)
			}
			if changed < 10 || guessed < 10 {
				t.Errorf("%d writes seen, %d next pcs guessed: the program was not followed", changed, guessed)
			}
			// QEMU 7.2's stub has no no-ack mode: one exchange at a time.
			caps := tg.Capabilities()
			if slices.Contains(caps, "no-ack") != tt.noAck || slices.Contains(caps, "pipelined") != tt.noAck {
				t.Errorf("capabilities %v: want no-ack and pipelined %v", caps, tt.noAck)
			}
		})
	}
}
