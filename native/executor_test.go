package native

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"lockstep/internal/testprog"
	"lockstep/machine"
)

// Every case runs a compiled program natively: it sets up a state, dumps
// it, executes the instruction, and dumps again. The executor then runs
// the same instruction bytes from the first dump, and must reach the
// second: the known answers are this host's own, never typed in.
var hostCases = []struct {
	name   string
	setup  string // assembly before the first dump
	insn   string // the instruction under test
	signal syscall.Signal
}{
	{"blsi CF of a non-zero source", "mov $0x10, %r8d", "blsi %r8d, %eax", 0},
	{"blsi CF of zero", "xor %r8d, %r8d", "blsi %r8d, %eax", 0},
	{"pdep", "mov $0x4321, %rbx\n mov $0xf0f0f0f0, %rcx", "pdep %rcx, %rbx, %rax", 0},
	{"pext", "mov $0x12345678, %rbx\n mov $0xff00ff0, %rcx", "pext %rcx, %rbx, %rax", 0},
	{"adox 32-bit with OF set", "mov $0xffffffff, %r8d\n mov $1, %r9d\n mov $0x800, %eax\n push %rax\n popfq", "adox %r9d, %r8d", 0},
	{"adcx 64-bit with CF set", "mov $-1, %r8\n mov $1, %r9\n stc", "adcx %r9, %r8", 0},
	{"fsin(0.5)", "fldl half(%rip)", "fsin", 0},
	{"fpatan", "fldl half(%rip)\n fld1", "fpatan", 0},
	{"fxam of an empty register", "fninit", "fxam", 0},
	{"sse mulpd", "movupd pair(%rip), %xmm3\n movupd pair(%rip), %xmm7", "mulpd %xmm3, %xmm7", 0},
	{"avx2 vpaddd on ymm", "vmovdqu wide(%rip), %ymm1\n vmovdqu wide+32(%rip), %ymm2", "vpaddd %ymm1, %ymm2, %ymm9", 0},
	{"pushfq keeps TF out of the pushed image", "stc", "pushfq", 0},
	{"push to the stack", "mov $0x1122334455667788, %rdx", "push %rdx", 0},
	{"load from an unmapped page", "mov $0x1000, %rbx", "mov (%rbx), %rax", syscall.SIGSEGV},
	{"division by zero", "xor %ecx, %ecx\n mov $7, %eax\n xor %edx, %edx", "div %ecx", syscall.SIGFPE},
	{"ud2", "", "ud2", syscall.SIGILL},
}

const programTemplate = `#include "dump.inc"
	.text
	.globl	_start
_start:
	%s
	DUMP
	.globl	insn
insn:	%s
	.globl	insn_end
insn_end:
	DUMP
	mov	$1, %%eax
	mov	$1, %%edi
	lea	xbuf(%%rip), %%rsi
	mov	$832, %%edx
	syscall
	mov	$60, %%eax
	xor	%%edi, %%edi
	syscall
	.data
	.balign	32
half:	.double	0.5
pair:	.double	1.5, -3.25
wide:	.long	1, 2, 3, 0x7fffffff, 5, 6, 7, 8, 10, 20, 30, 1, 50, 60, 70, 0x80000000
	.balign	64
xbuf:	.space	832
`

const dumpSize = 912

// hostProgram is a compiled case: its dumps and its memory.
type hostProgram struct {
	bin           string
	before, after []byte // dumps; after is nil when the instruction faulted
	xbuf          []byte // the save area xbuf at the end (832 bytes), when it got there
	signal        syscall.Signal
	insn, insnEnd uint64
	file          *elf.File
}

func buildHostProgram(t testing.TB, setup, insn string) *hostProgram {
	t.Helper()
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "case.S"), filepath.Join(dir, "case")
	if err := os.WriteFile(src, fmt.Appendf(nil, programTemplate, setup, insn), 0o644); err != nil {
		t.Fatal(err)
	}
	td, _ := filepath.Abs("testdata")
	if out, err := exec.Command("gcc", "-nostdlib", "-static", "-I", td, "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin)
	cmd.Stdout = &out
	err := cmd.Run()
	p := &hostProgram{bin: bin}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		ws := ee.Sys().(syscall.WaitStatus)
		if !ws.Signaled() {
			t.Fatalf("%s: %v", bin, err)
		}
		p.signal = ws.Signal()
	} else if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	b := out.Bytes()
	if len(b) < dumpSize {
		t.Fatalf("%s wrote %d bytes, want at least one dump", bin, len(b))
	}
	p.before = b[:dumpSize]
	if len(b) >= 2*dumpSize {
		p.after = b[dumpSize : 2*dumpSize]
	}
	if len(b) >= 2*dumpSize+832 {
		p.xbuf = b[2*dumpSize:]
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	p.file = f
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range syms {
		switch s.Name {
		case "insn":
			p.insn = s.Value
		case "insn_end":
			p.insnEnd = s.Value
		}
	}
	return p
}

// state turns a dump into registers of QEMU's layout, the full tag word
// and the YMM upper halves.
func stateFromDump(d []byte, rip uint64) *State {
	l := machine.X86_64()
	rm, err := newRegMap(l)
	if err != nil {
		panic(err)
	}
	s := l.NewSnapshot()
	le := binary.LittleEndian
	for i := range 16 {
		put(s, rm.gpr[i], le.Uint64(d[8*i:]))
	}
	put(s, rm.rip, rip)
	put(s, rm.eflags, le.Uint64(d[128:]))
	put(s, rm.cs, userCS)
	put(s, rm.ss, userDS)
	// An XSAVE image: the FXSAVE area, a header marking x87, SSE and AVX
	// present, then the upper halves.
	x := make([]byte, xsMinSize)
	copy(x, d[144:656])
	le.PutUint64(x[xsHeader:], xstateMask)
	copy(x[xsYMMH:], d[656:912])
	st := &State{Regs: s}
	st.FTag, st.YMMH = fromXState(s, x, rm)
	return st
}

// elfMemory serves the program's loadable segments, and a stack around
// rsp holding the qword the dump saw at (%rsp).
type elfMemory struct {
	f        *elf.File
	rsp, top uint64
}

func (m *elfMemory) Page(addr uint64, p []byte) (machine.Perm, bool, error) {
	clear(p)
	if addr >= (m.rsp&^(pageSize-1))-4*pageSize && addr <= m.rsp&^(pageSize-1) {
		if addr == m.rsp&^(pageSize-1) && m.rsp%pageSize <= pageSize-8 {
			binary.LittleEndian.PutUint64(p[m.rsp%pageSize:], m.top)
		}
		return machine.PermRead | machine.PermWrite, true, nil
	}
	for _, ph := range m.f.Progs {
		if ph.Type != elf.PT_LOAD || addr+pageSize <= ph.Vaddr || addr >= ph.Vaddr+ph.Memsz {
			continue
		}
		var perm machine.Perm
		if ph.Flags&elf.PF_R != 0 {
			perm |= machine.PermRead
		}
		if ph.Flags&elf.PF_W != 0 {
			perm |= machine.PermWrite
		}
		if ph.Flags&elf.PF_X != 0 {
			perm |= machine.PermExec
		}
		data := make([]byte, ph.Filesz)
		if _, err := ph.ReadAt(data, 0); err != nil {
			return 0, false, err
		}
		for i := range p {
			a := addr + uint64(i)
			if a >= ph.Vaddr && a < ph.Vaddr+ph.Filesz {
				p[i] = data[a-ph.Vaddr]
			}
		}
		return perm, true, nil
	}
	return 0, false, nil
}

func startExecutor(t testing.TB) *Executor {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := Start(ctx)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func TestAgainstHostPrograms(t *testing.T) {
	e := startExecutor(t)
	compared := []string{"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
		"rip", "eflags", "fctrl", "fstat", "ftag", "st0", "st1", "st2", "st3", "st4", "st5", "st6", "st7", "mxcsr",
		"xmm0", "xmm1", "xmm3", "xmm7", "xmm9", "xmm15"}
	for _, tc := range hostCases {
		t.Run(tc.name, func(t *testing.T) {
			p := buildHostProgram(t, tc.setup, tc.insn)
			if p.signal != tc.signal {
				t.Fatalf("natively the program ended with signal %v, the case expects %v", p.signal, tc.signal)
			}
			in := stateFromDump(p.before, p.insn)
			rsp, _ := in.Regs.Uint64("rsp")
			mem := &elfMemory{f: p.file, rsp: rsp, top: binary.LittleEndian.Uint64(p.before[136:])}
			in.Memory = mem
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			res, err := e.Run(ctx, in)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if tc.signal != 0 {
				if res.Fault == nil || res.Fault.Signal != int(tc.signal) {
					t.Fatalf("executor fault %v, the host program died of %v", res.Fault, tc.signal)
				}
				if tc.signal == syscall.SIGSEGV {
					if rbx, _ := in.Regs.Uint64("rbx"); res.Fault.Addr != rbx {
						t.Errorf("fault address %#x, want the load's %#x", res.Fault.Addr, rbx)
					}
				}
				return
			}
			if res.Fault != nil {
				t.Fatalf("executor faulted: %v", res.Fault)
			}
			want := stateFromDump(p.after, p.insnEnd)
			for _, name := range compared {
				if g, w := res.Regs.Bytes(name), want.Regs.Bytes(name); !bytes.Equal(g, w) {
					t.Errorf("%s = %x, the host program has %x", name, g, w)
				}
			}
			if res.YMMH != want.YMMH {
				t.Errorf("YMM upper halves differ:\n got %x\nwant %x", res.YMMH, want.YMMH)
			}
			// The qword at the new (%rsp), as the program saw it.
			newRSP, _ := res.Regs.Uint64("rsp")
			var got [8]byte
			err = res.ReadMemory(newRSP, got[:], func(a uint64, b []byte) error {
				var page [pageSize]byte
				if _, ok, err := mem.Page(a&^(pageSize-1), page[:]); err != nil || !ok {
					return fmt.Errorf("no page at %#x", a)
				}
				copy(b, page[a%pageSize:])
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if w := p.after[136:144]; !bytes.Equal(got[:], w) {
				t.Errorf("qword at (%%rsp) = %x, the host program has %x", got, w)
			}
		})
	}
}

func TestRefusesKernelEntries(t *testing.T) {
	e := startExecutor(t)
	for _, tc := range []struct{ name, insn string }{
		{"syscall", "syscall"},
		{"int 0x80", "int $0x80"},
		{"sysenter", "sysenter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := buildHostProgram(t, "", "nop")
			in := stateFromDump(p.before, p.insn)
			code := map[string][]byte{"syscall": {0x0f, 0x05}, "int 0x80": {0xcd, 0x80}, "sysenter": {0x0f, 0x34}}[tc.name]
			in.Memory = patched{&elfMemory{f: p.file}, p.insn, code}
			_, err := e.Run(context.Background(), in)
			if !errors.Is(err, ErrRefused) {
				t.Fatalf("Run = %v, want ErrRefused", err)
			}
		})
	}
	// The executor is still usable after a refusal.
	p := buildHostProgram(t, "mov $5, %eax", "inc %eax")
	in := stateFromDump(p.before, p.insn)
	in.Memory = &elfMemory{f: p.file}
	res, err := e.Run(context.Background(), in)
	if err != nil || res.Fault != nil {
		t.Fatalf("Run after refusals: %v %v", err, res)
	}
	if v, _ := res.Regs.Uint64("rax"); v != 6 {
		t.Errorf("rax = %d, want 6", v)
	}
}

// patched overlays code at addr.
type patched struct {
	PageSource
	addr uint64
	code []byte
}

func (p patched) Page(addr uint64, b []byte) (machine.Perm, bool, error) {
	perm, ok, err := p.PageSource.Page(addr, b)
	if ok && p.addr >= addr && p.addr < addr+pageSize {
		copy(b[p.addr-addr:], p.code)
	}
	return perm, ok, err
}

func TestXStateLayout(t *testing.T) {
	// QEMU reports physical registers: with TOP = 7, st7 is ST(0).
	l := machine.X86_64()
	rm, _ := newRegMap(l)
	s := l.NewSnapshot()
	put(s, rm.fstat, 7<<11)
	copy(s.Reg(rm.st[7]), []byte{1, 2, 3, 4, 5, 6, 7, 0x80, 0xff, 0x3f})
	x := make([]byte, xsMinSize)
	toXState(x, &State{Regs: s, FTag: 0x3fff}, rm)
	if !bytes.Equal(x[fxST:fxST+10], s.Reg(rm.st[7])) {
		t.Errorf("ST(0) in the FXSAVE image = %x, want physical st7", x[fxST:fxST+10])
	}
	if x[fxFTW] != 0x80 {
		t.Errorf("abridged tag = %#x, want 0x80 (only R7 full)", x[fxFTW])
	}
	back := l.NewSnapshot()
	tag, _ := fromXState(back, x, rm)
	if !bytes.Equal(back.Regs, func() []byte { put(s, rm.ftag, 0x3fff); return s.Regs }()) || tag != 0x3fff {
		t.Errorf("round trip differs: tag %#x", tag)
	}
}

func TestNoChildLeftBehind(t *testing.T) {
	e := startExecutor(t)
	pid := 0
	_ = e.do(context.Background(), func() error { pid = e.t.pid; return nil })
	e.Close()
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("child %d still exists after Close", pid)
	}
	if _, err := e.Run(context.Background(), &State{}); err == nil {
		t.Error("Run after Close succeeded")
	}
}

// The executor stands in for QEMU's CPU in XSAVE and FXSAVE: the bytes it
// saves (with the requested components cut to what both have, every
// requested component in use, the guest's MXCSR_MASK) are the bytes QEMU
// 7.2 saves, from the same state, with the components both have (max
// without MPX and PKU, as lockstep runs it).
func TestStateSavesLikeQEMU(t *testing.T) {
	testprog.RequireQEMU(t)
	e := startExecutor(t)
	for _, tc := range []struct{ name, setup, insn string }{
		{"xsave, components in use, every bit requested", "vmovdqu wide(%rip), %ymm3\n fld1\n mov $-1, %eax\n mov $-1, %edx", "xsave64 xbuf(%rip)"},
		{"xsave, components in their initial state", "vzeroupper\n fninit\n mov $7, %eax\n xor %edx, %edx", "xsave xbuf(%rip)"},
		{"xsave of SSE alone", "vmovdqu wide(%rip), %ymm3\n mov $2, %eax\n xor %edx, %edx", "xsave64 xbuf(%rip)"},
		{"fxsave", "fld1\n movdqu wide(%rip), %xmm4", "fxsave64 xbuf(%rip)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := buildHostProgram(t, tc.setup, tc.insn)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, "qemu-x86_64", "-cpu", "max,-mpx,-pku", p.bin).Output()
			if err != nil || len(out) < 2*dumpSize+832 {
				t.Fatalf("under QEMU: %v, %d bytes", err, len(out))
			}
			want := out[2*dumpSize:]
			in := stateFromDump(p.before, p.insn)
			rsp, _ := in.Regs.Uint64("rsp")
			mem := &elfMemory{f: p.file, rsp: rsp, top: binary.LittleEndian.Uint64(p.before[136:])}
			in.Memory = mem
			res, err := e.Run(ctx, in)
			if err != nil || res.Fault != nil {
				t.Fatalf("Run: %v %v", err, res)
			}
			xbuf := p.elfSymbol(t, "xbuf")
			got := make([]byte, 832)
			if err := res.ReadMemory(xbuf, got, func(a uint64, b []byte) error { return ReadSource(mem, a, b) }); err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("byte %d of the area: executor %#02x, QEMU %#02x", i, got[i], want[i])
				}
			}
			for _, r := range []string{"rax", "rdx"} {
				if a, b := res.Regs.Bytes(r), in.Regs.Bytes(r); !bytes.Equal(a, b) {
					t.Errorf("%s changed: %x, was %x", r, a, b)
				}
			}
		})
	}
}

func (p *hostProgram) elfSymbol(t *testing.T, name string) uint64 {
	t.Helper()
	syms, err := p.file.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range syms {
		if s.Name == name {
			return s.Value
		}
	}
	t.Fatalf("no symbol %s", name)
	return 0
}
