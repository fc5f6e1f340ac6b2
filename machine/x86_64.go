package machine

import "fmt"

// x86_64Regs is QEMU 7.2's x86-64 register file as its gdbstub describes
// it (i386-64bit.xml) and orders its 'g' packet: 608 bytes.
var x86_64Regs = []struct {
	names      []string
	bits       int
	typ, group string
}{
	{[]string{"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}, 64, "int64", "org.gnu.gdb.i386.core"},
	{[]string{"rip"}, 64, "code_ptr", "org.gnu.gdb.i386.core"},
	{[]string{"eflags"}, 32, "i386_eflags", "org.gnu.gdb.i386.core"},
	{[]string{"cs", "ss", "ds", "es", "fs", "gs"}, 32, "int32", "org.gnu.gdb.i386.core"},
	{[]string{"fs_base", "gs_base", "k_gs_base"}, 64, "int64", "org.gnu.gdb.i386.core"},
	{[]string{"cr0", "cr2", "cr3", "cr4", "cr8", "efer"}, 64, "int64", "org.gnu.gdb.i386.core"},
	{[]string{"st0", "st1", "st2", "st3", "st4", "st5", "st6", "st7"}, 80, "i387_ext", "org.gnu.gdb.i386.core"},
	{[]string{"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"}, 32, "int", "float"},
	{[]string{"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"}, 128, "vec128", "org.gnu.gdb.i386.sse"},
	{[]string{"mxcsr"}, 32, "i386_mxcsr", "vector"},
}

// X86_64 returns the x86-64 layout of QEMU 7.2's gdbstub, for code that
// builds states without a stub (cases, the native executor's tests). A
// running target's own description stays the authority.
func X86_64() *Layout {
	var regs []Register
	for _, g := range x86_64Regs {
		for _, n := range g.names {
			regs = append(regs, Register{Name: n, Bits: g.bits, Regnum: len(regs), Type: g.typ, Group: g.group})
		}
	}
	l, err := NewLayout("i386:x86-64", regs)
	if err != nil {
		panic(fmt.Sprintf("machine: the built-in x86-64 layout is invalid: %v", err))
	}
	return l
}
