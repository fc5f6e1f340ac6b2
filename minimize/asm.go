package minimize

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"lockstep/machine"
	"lockstep/repro"
)

// Assembly renders a case as a GNU assembler source (Intel syntax, with
// .intel_syntax noprefix) for a bug report: a comment with the
// divergence, the three values and the verdict; the register set-up; the
// case's memory regions as sections at their own addresses, with the
// instructions among their bytes; the exit where the case's ELF has it.
// BuildCommand gives the gcc line that places the sections.
//
// The set-up at _start loads, in this order: rflags (push and popfq on
// the stack the kernel gave), x87, mxcsr and xmm0-15 (one fxrstor, only
// when the case lists one of them: Linux starts with the defaults), the
// listed ymm upper halves (vinsertf128), the listed GPRs other than rsp
// (mov, which leaves the flags alone), then rsp, and jumps to the first
// instruction. A case without rsp gets the default stack as a section.
// The fs and gs bases are set with arch_prctl first when listed.
func Assembly(c *repro.Case) (string, error) {
	exe, err := c.ELF()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	if c.Description != "" {
		for _, l := range strings.Split(c.Description, "\n") {
			p("# %s", l)
		}
	}
	if d := c.Divergence; d != nil {
		in := c.Insns[d.Insn]
		where := d.Register
		if d.Kind == repro.KindMemory {
			where = fmt.Sprintf("memory at %#x", d.Address)
		}
		p("# After %s at %#x, %s differs (%s):", in.Text, in.Addr, where, d.Kind)
		p("#   reference (QEMU)      %s", hexValue(d.Reference))
		p("#   oracle (Unicorn)      %s", hexValue(d.Oracle))
		if d.Host != nil {
			p("#   host CPU              %s", hexValue(d.Host))
		}
	}
	if c.Verdict.Name != "" {
		p("# Verdict: %s. %s", c.Verdict.Name, c.Verdict.Reason)
	}
	p("#")
	p("# Build: %s", BuildCommand(c, "case.S", "case"))
	p("")
	p("\t.intel_syntax noprefix")
	p("\t.globl _start")
	p("\t.text")
	p("_start:")
	for i, n := range []string{"fs_base", "gs_base"} {
		if _, ok := c.Regs[n]; ok {
			p("\tmov eax, 158\t\t# arch_prctl(ARCH_SET_%s, %#x)", strings.ToUpper(n[:2]), c.RegUint64(n))
			p("\tmov edi, %#x", 0x1002-i)
			p("\tmov rsi, %#x", c.RegUint64(n))
			p("\tsyscall")
		}
	}
	var data strings.Builder
	d := func(format string, args ...any) { fmt.Fprintf(&data, format+"\n", args...) }
	if _, ok := c.Regs["eflags"]; ok {
		p("\tpush qword ptr [rip + .Leflags]\t# eflags %#x", c.RegUint64("eflags"))
		p("\tpopfq")
		d(".Leflags:\n\t.quad %#x", c.RegUint64("eflags"))
	}
	if slices.ContainsFunc(c.RegNames(), isFXState) {
		p("\tfxrstor [rip + .Lfxarea]\t# x87, mxcsr, xmm0-15")
		d("\t.balign 16\n.Lfxarea:")
		writeBytes(d, fxArea(c))
	}
	for i := range 16 {
		n := fmt.Sprintf("ymm%dh", i)
		if v, ok := c.Regs[n]; ok {
			p("\tvinsertf128 ymm%d, ymm%d, xmmword ptr [rip + .L%s], 1", i, i, n)
			d("\t.balign 16\n.L%s:", n)
			writeBytes(d, v)
		}
	}
	for _, n := range []string{"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"} {
		if _, ok := c.Regs[n]; ok {
			p("\tmov %s, %#x", n, c.RegUint64(n))
		}
	}
	p("\tmov rsp, %#x", c.RegUint64("rsp"))
	p("\tjmp case_start")
	if data.Len() > 0 {
		p("")
		p("\t.section .rodata")
		b.WriteString(data.String())
	}
	if _, ok := c.Regs["rsp"]; !ok {
		p("")
		p("\t.section .casestack,\"aw\",@nobits\t# the default stack, at %#x", repro.StackAddr)
		p("\t.skip %#x", repro.StackSize)
	}
	image := c.Image()
	for _, r := range image {
		p("")
		p("\t.section %s,\"%s\",@progbits\t# at %#x, %s", sectionName(r.Addr), sectionFlags(r.Perm), r.Addr, r.Perm)
		for off := 0; off < len(r.Data); {
			addr := r.Addr + uint64(off)
			if i := slices.IndexFunc(c.Insns, func(in repro.Insn) bool { return in.Addr == addr }); i >= 0 {
				in := c.Insns[i]
				if i == 0 {
					p("case_start:")
				}
				mark := ""
				if c.Divergence != nil && c.Divergence.Insn == i {
					mark = "  <- divergence"
				}
				p("\t.byte %s\t# %#x: %s%s", byteList(in.Bytes), in.Addr, in.Text, mark)
				off += len(in.Bytes)
				continue
			}
			if exe.Exit != 0 && addr == exe.Exit {
				p("\tmov eax, 231\t\t# exit_group(0)")
				p("\txor edi, edi")
				p("\tsyscall")
				off += repro.ExitLen
				continue
			}
			end := off
			next := func(e int) bool {
				a := r.Addr + uint64(e)
				return e < len(r.Data) && !slices.ContainsFunc(c.Insns, func(in repro.Insn) bool { return in.Addr == a }) && a != exe.Exit
			}
			if r.Data[off] == 0 {
				for next(end) && r.Data[end] == 0 {
					end++
				}
				p("\t.skip %#x", end-off)
			} else {
				for next(end) && r.Data[end] != 0 && end-off < 16 {
					end++
				}
				p("\t.byte %s", byteList(r.Data[off:end]))
			}
			off = end
		}
	}
	return b.String(), nil
}

// BuildCommand is the gcc command that builds Assembly's output: the
// text segment (and _start) at the case's prologue address, each region
// and the default stack at their addresses.
func BuildCommand(c *repro.Case, src, out string) string {
	args := []string{"gcc", "-nostdlib", "-static", fmt.Sprintf("-Wl,-Ttext-segment=%#x", repro.PrologueAddr)}
	if _, ok := c.Regs["rsp"]; !ok {
		args = append(args, fmt.Sprintf("-Wl,--section-start=.casestack=%#x", repro.StackAddr))
	}
	for _, r := range c.Memory {
		args = append(args, fmt.Sprintf("-Wl,--section-start=%s=%#x", sectionName(r.Addr), r.Addr))
	}
	return strings.Join(append(args, "-o", out, src), " ")
}

func sectionName(addr uint64) string { return fmt.Sprintf(".case%x", addr) }

func sectionFlags(p machine.Perm) string {
	f := "a"
	if p&machine.PermWrite != 0 {
		f += "w"
	}
	if p&machine.PermExec != 0 {
		f += "x"
	}
	return f
}

func isFXState(n string) bool {
	return strings.HasPrefix(n, "st") || strings.HasPrefix(n, "xmm") || n == "fctrl" || n == "fstat" || n == "ftag" || n == "mxcsr"
}

// fxArea is the FXSAVE image fxrstor loads: the x87 registers in stack
// order (ST(i) is the physical register (TOP+i) mod 8), the abridged tag
// word, mxcsr and xmm0-15.
func fxArea(c *repro.Case) []byte {
	a := make([]byte, 512)
	fstat := c.RegUint64("fstat")
	binary.LittleEndian.PutUint16(a[0:], uint16(c.RegUint64("fctrl")))
	binary.LittleEndian.PutUint16(a[2:], uint16(fstat))
	ftag := c.RegUint64("ftag")
	var abridged byte
	for i := range 8 {
		if ftag>>(2*i)&3 != 3 {
			abridged |= 1 << i
		}
	}
	a[4] = abridged
	binary.LittleEndian.PutUint32(a[24:], uint32(c.RegUint64("mxcsr")))
	top := int(fstat >> 11 & 7)
	for i := range 8 {
		copy(a[32+16*i:], c.Reg(fmt.Sprintf("st%d", (top+i)%8)))
	}
	for i := range 16 {
		copy(a[160+16*i:], c.Reg(fmt.Sprintf("xmm%d", i)))
	}
	return a
}

// writeBytes writes b as .byte lines of 16, and runs of zeros as .skip.
func writeBytes(d func(string, ...any), b []byte) {
	for off := 0; off < len(b); {
		end := off
		if b[off] == 0 {
			for end < len(b) && b[end] == 0 {
				end++
			}
			d("\t.skip %d", end-off)
		} else {
			for end < len(b) && b[end] != 0 && end-off < 16 {
				end++
			}
			d("\t.byte %s", byteList(b[off:end]))
		}
		off = end
	}
}

func byteList(b []byte) string {
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = fmt.Sprintf("0x%02x", x)
	}
	return strings.Join(parts, ", ")
}
