package cpulog

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lockstep/internal/testprog"
)

// qemuLog runs an assembly program under qemu-x86_64 with the CPU log on
// and returns the log.
func qemuLog(t testing.TB, src string, extra ...string) []byte {
	t.Helper()
	testprog.RequireQEMU(t)
	dir := t.TempDir()
	s, bin, log := filepath.Join(dir, "p.S"), filepath.Join(dir, "p"), filepath.Join(dir, "cpu.log")
	if err := os.WriteFile(s, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("gcc", "-nostdlib", "-static", "-o", bin, s).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := append([]string{"-d", "cpu,fpu,nochain", "-D", log}, extra...)
	if out, err := exec.CommandContext(ctx, "qemu-x86_64", append(args, bin)...).CombinedOutput(); err != nil {
		t.Fatalf("qemu: %v\n%s", err, out)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const x87Program = `
	.text
	.globl _start
_start:
	mov	$0x1122334455667788, %r9
	fld1
	fldpi
	vpcmpeqd %ymm3, %ymm3, %ymm3
	mov	$0x2b, %eax
	jmp 1f
1:	mov $60, %eax
	xor %edi, %edi
	syscall
`

func readAll(t *testing.T, log []byte) []Record {
	t.Helper()
	r := NewReader(bytes.NewReader(log))
	var recs []Record
	for {
		var rec Record
		err := r.Next(&rec)
		if errors.Is(err, io.EOF) {
			return recs
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
}

func TestRealLog(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra []string
		want  int // records
	}{
		{"per block", nil, 2},
		{"per instruction (-singlestep)", []string{"-singlestep"}, 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs := readAll(t, qemuLog(t, x87Program, tc.extra...))
			if len(recs) != tc.want {
				t.Fatalf("%d records, want %d", len(recs), tc.want)
			}
			first, last := recs[0], recs[len(recs)-1]
			if first.RIP != 0x401000 || first.GPR[7] == 0 || first.CPL != 3 || first.Seg[CS].Selector != 0x33 {
				t.Errorf("first record: rip %#x rsp %#x cpl %d cs %#x", first.RIP, first.GPR[7], first.CPL, first.Seg[CS].Selector)
			}
			if last.GPR[9] != 0x1122334455667788 {
				t.Errorf("r9 = %#x", last.GPR[9])
			}
			// fld1 then fldpi: TOP is 6, R6 holds pi, R7 holds 1.0.
			if last.FSW>>11&7 != 6 || last.FTW != 0xc0 {
				t.Errorf("FSW %#x FTW %#x", last.FSW, last.FTW)
			}
			pi := [10]byte{0x35, 0xc2, 0x68, 0x21, 0xa2, 0xda, 0x0f, 0xc9, 0x00, 0x40}
			one := [10]byte{0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f}
			if last.FPR[6] != pi || last.FPR[7] != one {
				t.Errorf("FPR6 % x, FPR7 % x", last.FPR[6], last.FPR[7])
			}
			if last.XMM || last.YMM[3] != [32]byte(bytes.Repeat([]byte{0xff}, 32)) {
				t.Errorf("ymm3 = % x (xmm only: %v)", last.YMM[3], last.XMM)
			}
			if last.MXCSR != 0x1f80 || last.FCW != 0x37f {
				t.Errorf("MXCSR %#x FCW %#x", last.MXCSR, last.FCW)
			}
		})
	}
}

// TestRealLogXMM reads the log of a CPU model without AVX, where QEMU
// prints two XMM registers per line.
func TestRealLogXMM(t *testing.T) {
	const sse = `
	.globl _start
_start:
	pcmpeqd	%xmm3, %xmm3
	jmp	1f
1:	mov	$60, %eax
	xor	%edi, %edi
	syscall
`
	recs := readAll(t, qemuLog(t, sse, "-cpu", "qemu64"))
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	last := recs[len(recs)-1]
	if !last.XMM {
		t.Error("XMM not set for a log without YMM lines")
	}
	var want [32]byte
	copy(want[:16], bytes.Repeat([]byte{0xff}, 16))
	if last.YMM[3] != want || last.YMM[2] != [32]byte{} {
		t.Errorf("xmm3 = % x, xmm2 = % x", last.YMM[3], last.YMM[2])
	}
}

func TestCheck(t *testing.T) {
	if err := Check(bytes.NewReader(qemuLog(t, x87Program))); err != nil {
		t.Errorf("Check on QEMU 7.2's log: %v", err)
	}
	for _, tc := range []struct{ name, log, want string }{
		{"empty", "", "no CPU state"},
		{"another format", "EAX=00000000 EBX=00000000\n", "not a line"},
		{"truncated", "RAX=0000000000000000 RBX=0000000000000000 RCX=0000000000000000 RDX=0000000000000000\n", "ends inside a record"},
	} {
		if err := Check(strings.NewReader(tc.log)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Check = %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestMalformed mutates one line of a real record at a time.
func TestMalformed(t *testing.T) {
	log := qemuLog(t, x87Program)
	lines := strings.Split(string(log), "\n")
	recLen := 0
	for i, l := range lines[1:] {
		if strings.HasPrefix(l, "RAX=") {
			recLen = i + 1
			break
		}
	}
	one := strings.Join(lines[:recLen], "\n") + "\n"
	for _, tc := range []struct{ name, from, to, want string }{
		{"bad hex", "RAX=0000000000000000", "RAX=00000000000000zz", "bad hex for RAX"},
		{"short value", "RBX=0000000000000000", "RBX=00", "for RBX"},
		{"truncated line", "RDX=0000000000000000", "RDX=00", "short value for RDX"},
		{"unknown line", "EFER=", "XYZ=", "not a line"},
		{"bad CPL", "CPL=3", "CPL=9", "CPL"},
		{"vector out of order", "YMM01=", "YMM02=", "want register 01"},
		{"missing FCW", "FCW=", "EFER=", "has 0 FCW lines"},
		{"bad FPR", "FPR0=0000000000000000 0000", "FPR9=0000000000000000 0000", "FPRn"},
		{"segment width", "CS =0033", "CS =33", "wrong width"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(one, tc.from, tc.to, 1)
			if bad == one {
				t.Fatalf("%q not in the record", tc.from)
			}
			var rec Record
			err := NewReader(strings.NewReader(bad)).Next(&rec)
			var se *SyntaxError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Next = %v, want a syntax error with %q", err, tc.want)
			}
		})
	}
}

func FuzzReader(f *testing.F) {
	f.Add("RAX=0000000000000000 RBX=0000000000000000 RCX=0000000000000000 RDX=0000000000000000\n")
	f.Add("FCW=037f FSW=0000 [ST=0] FTW=00 MXCSR=00001f80\nFPR0=0000000000000000 0000 FPR1=0000000000000000 0000\n")
	f.Add("YMM00=0000000000000000 0000000000000000 0000000000000000 0000000000000000\nXMM01=0 0\n")
	f.Add("CS =0033 0000000000000000 ffffffff 00effb00 DPL=3 CS64 [-RA]\nRIP=0000000000401000 RFL=00000202 [-------] CPL=3\n")
	f.Fuzz(func(t *testing.T, log string) {
		r := NewReader(strings.NewReader(log))
		var rec Record
		for range 64 {
			if err := r.Next(&rec); err != nil {
				return
			}
		}
	})
}
