package repro

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

// decodeAll disassembles code at pc with x86asm, one line per
// instruction; VEX instructions (which x86asm does not know) come out as
// "vex" and are skipped by their length from the table of the prologue's
// only VEX form (vinsertf128 with a rip-relative operand: 10 bytes).
func decodeAll(t *testing.T, code []byte, pc uint64) []string {
	t.Helper()
	var out []string
	for len(code) > 0 {
		if code[0] == 0xc4 {
			out = append(out, "vex")
			code, pc = code[10:], pc+10
			continue
		}
		inst, err := x86asm.Decode(code, 64)
		if err != nil {
			t.Fatalf("at %#x: %v", pc, err)
		}
		out = append(out, x86asm.IntelSyntax(inst, pc, nil))
		code, pc = code[inst.Len:], pc+uint64(inst.Len)
	}
	return out
}

func TestEncoders(t *testing.T) {
	tests := []struct {
		name string
		emit func(a *asm)
		want string
	}{
		{"mov eax, imm32", func(a *asm) { a.movImm32(regAX, 231) }, "mov eax, 0xe7"},
		{"mov edi, imm32", func(a *asm) { a.movImm32(regDI, 0x1002) }, "mov edi, 0x1002"},
		{"fxrstor", func(a *asm) { a.ripRel([]byte{0x0f, 0xae}, 1, 0) }, "fxrstor ptr [rip]"},
		{"jmp through memory", func(a *asm) { a.ripRel([]byte{0xff}, 4, 0) }, "jmp qword ptr [rip]"},
		{"exit", func(a *asm) { a.code = exitSequence() }, "mov eax, 0xe7; xor edi, edi; syscall"},
	}
	for n, name := range encodingOrder() {
		tests = append(tests, struct {
			name string
			emit func(a *asm)
			want string
		}{"mov " + name, func(a *asm) { a.movImm64(n, 0x1122334455667788) }, "mov " + name + ", 0x1122334455667788"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a asm
			tt.emit(&a)
			got := strings.Join(decodeAll(t, a.code, 0), "; ")
			if got != tt.want {
				t.Fatalf("% x decodes as %q, want %q", a.code, got, tt.want)
			}
		})
	}
	if len(exitSequence()) != ExitLen {
		t.Errorf("exit sequence is %d bytes, ExitLen %d", len(exitSequence()), ExitLen)
	}
}

// TestVEXEncoding checks vinsertf128 with objdump, since x86asm knows no
// VEX instruction.
func TestVEXEncoding(t *testing.T) {
	objdump, err := exec.LookPath("objdump")
	if err != nil {
		t.Skip("objdump not installed")
	}
	var a asm
	for _, i := range []int{0, 7, 8, 15} {
		a.ripRel([]byte{0xc4, byte(^i>>3&1)<<7 | 0x63, byte(^i&0xf)<<3 | 0x5, 0x18}, i, 0, 1)
	}
	path := filepath.Join(t.TempDir(), "vex.bin")
	if err := os.WriteFile(path, a.code, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(objdump, "-D", "-b", "binary", "-m", "i386:x86-64", "-M", "intel", path).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"vinsertf128 ymm0,ymm0,XMMWORD PTR [rip+0x0", "vinsertf128 ymm7,ymm7,",
		"vinsertf128 ymm8,ymm8,", "vinsertf128 ymm15,ymm15,"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("objdump shows no %q:\n%s", want, out)
		}
	}
	// And the prologue emits exactly these bytes for ymm8h.
	c := pdepCase(t)
	c.SetRegBytes("ymm8h", bytes.Repeat([]byte{0xab}, 16))
	code, err := c.prologue()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(code, a.code[20:24]) {
		t.Errorf("prologue lacks the vinsertf128 ymm8 prefix % x", a.code[20:24])
	}
}

// TestPrologue decodes a whole prologue and follows its rip-relative
// references into its data.
func TestPrologue(t *testing.T) {
	c := pdepCase(t)
	mustReg(t, c, "fs_base", 0x402000)
	mustReg(t, c, "gs_base", 0x403000)
	mustReg(t, c, "eflags", 0x8d7|0x200)
	mustReg(t, c, "rsp", 0x7fff0000)
	mustReg(t, c, "r15", 0xf15)
	c.SetRegBytes("ymm2h", bytes.Repeat([]byte{0x22}, 16))
	code, err := c.prologue()
	if err != nil {
		t.Fatal(err)
	}
	if len(code)%PageSize != 0 {
		t.Errorf("prologue is %d bytes, not whole pages", len(code))
	}
	end := bytes.Index(code, []byte{0xbf, PrologueFailStatus, 0, 0, 0}) + 12
	lines := decodeAll(t, code[:end], PrologueAddr)
	want := []string{
		"mov eax, 0x9e", "mov edi, 0x1002", "mov rsi, 0x402000", "syscall", "test rax, rax", "jnz ",
		"mov eax, 0x9e", "mov edi, 0x1001", "mov rsi, 0x403000", "syscall", "test rax, rax", "jnz ",
		"fxrstor ptr [rip+", "vex",
		"mov rax, 0x0", "mov rcx, 0xf0f0f0f0", "mov rdx, 0x0", "mov rbx, 0x4321", "mov rbp, 0x0", "mov rsi, 0x0",
		"mov rdi, 0x0", "mov r8, 0x0", "mov r9, 0x0", "mov r10, 0x0", "mov r11, 0x0", "mov r12, 0x0",
		"mov r13, 0x0", "mov r14, 0x0", "mov r15, 0xf15", "mov rsp, 0x", "popfq", "mov rsp, 0x7fff0000",
		"jmp qword ptr [rip+", "mov edi, 0x7d", "mov eax, 0xe7", "syscall",
	}
	if len(lines) != len(want) {
		t.Fatalf("prologue:\n%s", strings.Join(lines, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Fatalf("instruction %d is %q, want %q; prologue:\n%s", i, lines[i], want[i], strings.Join(lines, "\n"))
		}
	}
	// Both jne go to the failure exit.
	fail := PrologueAddr + uint64(bytes.Index(code, []byte{0xbf, PrologueFailStatus, 0, 0, 0}))
	for i := range 2 {
		if !strings.HasSuffix(lines[5+6*i], fmt.Sprintf("%#x", fail)) {
			t.Errorf("%q does not jump to the failure exit %#x", lines[5+6*i], fail)
		}
	}
	// The data the prologue reads.
	at := func(addr uint64, n int) []byte { return code[addr-PrologueAddr : addr-PrologueAddr+uint64(n)] }
	target := func(insnEnd uint64, dispAt uint64) uint64 {
		return uint64(int64(insnEnd) + int64(int32(binary.LittleEndian.Uint32(at(dispAt, 4)))))
	}
	fx := bytes.Index(code, []byte{0x0f, 0xae, 0x0d})
	fxAddr := target(PrologueAddr+uint64(fx)+7, PrologueAddr+uint64(fx)+3)
	if fxAddr%16 != 0 {
		t.Errorf("fxrstor area at %#x is not 16-byte aligned", fxAddr)
	}
	area := make([]byte, 512)
	c.fxsaveArea(area)
	if !bytes.Equal(at(fxAddr, 512), area) {
		t.Error("fxrstor does not read the fxsave area")
	}
	jmp := bytes.Index(code, []byte{0xff, 0x25})
	if got := binary.LittleEndian.Uint64(at(target(PrologueAddr+uint64(jmp)+6, PrologueAddr+uint64(jmp)+2), 8)); got != 0x401000 {
		t.Errorf("jmp goes to %#x, want 0x401000", got)
	}
	popf := bytes.IndexByte(code, 0x9d)
	flagsAddr := binary.LittleEndian.Uint64(code[popf-8:])
	if got := binary.LittleEndian.Uint64(at(flagsAddr, 8)); got != 0xad7 {
		t.Errorf("popfq reads %#x, want 0xad7", got)
	}
	vex := bytes.IndexByte(code, 0xc4)
	if got := at(target(PrologueAddr+uint64(vex)+10, PrologueAddr+uint64(vex)+5), 16); !bytes.Equal(got, bytes.Repeat([]byte{0x22}, 16)) {
		t.Errorf("vinsertf128 reads % x", got)
	}
}

func TestFXSaveArea(t *testing.T) {
	c := pdepCase(t)
	mustReg(t, c, "fstat", 5<<11) // TOP = 5
	mustReg(t, c, "ftag", 0x03ff) // R5, R6, R7 valid
	mustReg(t, c, "fctrl", 0x27f)
	mustReg(t, c, "mxcsr", 0x9fc0)
	one := []byte{0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f}
	c.SetRegBytes("st5", one)
	c.SetRegBytes("xmm15", bytes.Repeat([]byte{0xee}, 16))
	area := make([]byte, 512)
	c.fxsaveArea(area)
	if got := binary.LittleEndian.Uint16(area[0:]); got != 0x27f {
		t.Errorf("FCW %#x", got)
	}
	if got := binary.LittleEndian.Uint16(area[2:]); got != 5<<11 {
		t.Errorf("FSW %#x", got)
	}
	if area[4] != 0xe0 {
		t.Errorf("abridged tag %#x, want 0xe0", area[4])
	}
	if got := binary.LittleEndian.Uint32(area[24:]); got != 0x9fc0 {
		t.Errorf("MXCSR %#x", got)
	}
	if !bytes.Equal(area[32:42], one) { // ST(0) is R5
		t.Errorf("ST(0) slot % x", area[32:42])
	}
	if !bytes.Equal(area[160+15*16:160+16*16], bytes.Repeat([]byte{0xee}, 16)) {
		t.Error("xmm15 slot")
	}
}

func TestELFLayout(t *testing.T) {
	c := pdepCase(t)
	c.Memory = append(c.Memory, Region{Addr: 0x402000, Perm: ro, Data: page(1, 8, []byte("data"))},
		Region{Addr: 0x7fff0000, Perm: rw, Data: page(2)}, Region{Addr: 0x7fff2000, Perm: 0, Data: page(1)})
	exe, err := c.ELF()
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.NewFile(bytes.NewReader(exe.Bytes))
	if err != nil {
		t.Fatal(err)
	}
	if f.Type != elf.ET_EXEC || f.Machine != elf.EM_X86_64 || f.Entry != PrologueAddr || exe.Entry != PrologueAddr || exe.Start != 0x401000 {
		t.Errorf("header: %+v, executable %+v", f.FileHeader, exe)
	}
	if exe.Exit != 0x401005 {
		t.Errorf("exit at %#x, want right after the instruction", exe.Exit)
	}
	want := []struct {
		addr  uint64
		size  uint64
		flags elf.ProgFlag
	}{
		{PrologueAddr, PageSize, elf.PF_R | elf.PF_X},
		{StackAddr, StackSize, elf.PF_R | elf.PF_W},
		{0x401000, PageSize, elf.PF_R | elf.PF_X},
		{0x402000, PageSize, elf.PF_R},
		{0x7fff0000, 2 * PageSize, elf.PF_R | elf.PF_W},
		{0x7fff2000, PageSize, 0},
	}
	var loads []*elf.Prog
	stack := false
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_LOAD:
			loads = append(loads, p)
		case elf.PT_GNU_STACK:
			stack = p.Flags == elf.PF_R|elf.PF_W
		}
	}
	if !stack {
		t.Error("no non-executable PT_GNU_STACK")
	}
	if len(loads) != len(want) {
		t.Fatalf("%d PT_LOAD segments, want %d", len(loads), len(want))
	}
	for i, w := range want {
		p := loads[i]
		if p.Vaddr != w.addr || p.Memsz != w.size || p.Filesz != w.size || p.Flags != w.flags || p.Off%PageSize != 0 {
			t.Errorf("segment %d: %+v, want %#x size %#x flags %v", i, p.ProgHeader, w.addr, w.size, w.flags)
		}
	}
	code := make([]byte, 16)
	if _, err := loads[2].ReadAt(code, 0); err != nil {
		t.Fatal(err)
	}
	wantCode := append([]byte{0xc4, 0xe2, 0xe3, 0xf5, 0xc1}, exitSequence()...)
	if !bytes.Equal(code[:len(wantCode)], wantCode) {
		t.Errorf("code segment starts % x, want % x", code, wantCode)
	}
	data := make([]byte, 12)
	loads[3].ReadAt(data, 0)
	if string(data[8:]) != "data" {
		t.Errorf("data segment % x", data)
	}
	// With rsp listed there is no default stack.
	mustReg(t, c, "rsp", 0x7fff1000)
	exe, err = c.ELF()
	if err != nil {
		t.Fatal(err)
	}
	f, _ = elf.NewFile(bytes.NewReader(exe.Bytes))
	for _, p := range f.Progs {
		if p.Vaddr == StackAddr {
			t.Error("default stack present although rsp is listed")
		}
	}
}

func TestELFExitRoom(t *testing.T) {
	for _, tt := range []struct {
		name   string
		modify func(c *Case)
		want   uint64
	}{
		{"room", func(c *Case) {}, 0x401005},
		{"at the region's end", func(c *Case) { c.Insns[0].Addr = 0x401ffb; c.Divergence.PC = 0x401ffb }, 0},
		{"data after", func(c *Case) { c.Memory[0].Data[0x8] = 1 }, 0},
		{"instruction after", func(c *Case) {
			c.Insns = append(c.Insns, Insn{Addr: 0x401100, Bytes: []byte{0x90}}, Insn{Addr: 0x4010fa, Bytes: []byte{0x90}})
		}, 0},
		{"after the last in file order", func(c *Case) { c.Insns = append(c.Insns, Insn{Addr: 0x401100, Bytes: []byte{0x90}}) }, 0x401101},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := pdepCase(t)
			tt.modify(c)
			exe, err := c.ELF()
			if err != nil {
				t.Fatal(err)
			}
			if exe.Exit != tt.want {
				t.Fatalf("exit at %#x, want %#x", exe.Exit, tt.want)
			}
		})
	}
}

func TestELFErrors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		modify func(t *testing.T, c *Case)
		want   string
	}{
		{"region on the prologue", func(t *testing.T, c *Case) {
			c.Memory = append([]Region{{Addr: PrologueAddr + PageSize, Perm: rw, Data: page(1)}}, c.Memory...)
		}, "collides with the prologue"},
		{"region on the default stack", func(t *testing.T, c *Case) {
			c.Memory = append([]Region{{Addr: StackAddr, Perm: rw, Data: page(1)}}, c.Memory...)
		}, "collides with the default stack"},
		{"trap flag", func(t *testing.T, c *Case) { mustReg(t, c, "eflags", 0x302) }, "eflags 0x302"},
		{"IF clear", func(t *testing.T, c *Case) { mustReg(t, c, "eflags", 0x2) }, "eflags 0x2"},
		{"mxcsr reserved bits", func(t *testing.T, c *Case) { mustReg(t, c, "mxcsr", 0x11f80) }, "mxcsr 0x11f80"},
		{"kernel fs base", func(t *testing.T, c *Case) { mustReg(t, c, "fs_base", 0xffff800000000000) }, "outside the user address space"},
		{"invalid case", func(t *testing.T, c *Case) { c.Insns = nil }, "no instructions"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := pdepCase(t)
			tt.modify(t, c)
			if _, err := c.ELF(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
	// The default stack's addresses are free when rsp is listed.
	c := pdepCase(t)
	c.Memory = append([]Region{{Addr: StackAddr, Perm: rw, Data: page(1)}}, c.Memory...)
	mustReg(t, c, "rsp", StackAddr+0x800)
	if _, err := c.ELF(); err != nil {
		t.Fatal(err)
	}
}
