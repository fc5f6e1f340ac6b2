package repro

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"lockstep/machine"
)

// vexInsns are assembled by GNU as; VEXLen must find the length the
// assembler gave each. They cover every prefix (C5, C4, 62, 8F), every
// map, ModRM forms (register, SIB, disp8, disp32, RIP-relative, no base),
// immediates by map and opcode, and instructions x86asm cannot decode
// (AVX-VNNI, VAES, GFNI, AMX, AVX512-FP16, XOP, TBM).
var vexInsns = []string{
	"vpaddd ymm0, ymm1, ymm2",
	"vpaddd ymm0, ymm1, [rax+rbx*4+0x10]",
	"vpaddd ymm8, ymm9, [r13]",
	"vpshufd xmm0, [rip+0x100], 0x1b",
	"vpsrld ymm1, ymm2, 3",
	"vpsllq xmm3, xmm4, 63",
	"vcmpps ymm0, ymm1, [rsp+0x1000], 1",
	"vpinsrw xmm0, xmm1, eax, 2",
	"vpextrw eax, xmm1, 3",
	"vshufps ymm0, ymm1, ymm2, 0x44",
	"vinsertf128 ymm0, ymm1, [rbp-8], 1",
	"vzeroupper",
	"vzeroall",
	"vfmadd231pd ymm0, ymm1, [r12]",
	"pdep rax, rbx, [r13+0]",
	"andn rax, rbx, [0x1000]",
	"rorx rax, rbx, 5",
	"shlx eax, ebx, ecx",
	"blsi eax, ebx",
	"{vex} vpdpbusd ymm0, ymm1, ymm2",
	"vgf2p8affineqb ymm0, ymm1, ymm2, 5",
	"vaesenc ymm0, ymm1, [rax]",
	"vpclmulqdq ymm0, ymm1, ymm2, 0x11",
	"vpaddd zmm0, zmm1, [rax+0x40]",
	"vpaddd zmm0, zmm1, [rax+0x1000]",
	"vpternlogd zmm0, zmm1, zmm2, 0xfe",
	"vaddph zmm0, zmm1, zmm2",
	"vfmadd132ph zmm0, zmm1, [rcx+rdx*2]",
	"vpcmov xmm0, xmm1, xmm2, xmm3",
	"vprotd xmm0, xmm1, 7",
	"vfrczps xmm0, xmm1",
	"bextr rax, rbx, 0x1234",
	"tdpbssd tmm0, tmm1, tmm2",
	"ldtilecfg [rax]",
	"vmovdqu ymm0, fs:[rax]",
	"vmovdqu ymm0, [eax]",
	"vmovdqu ymm0, [eax+0x11223344]",
}

func TestVEXLen(t *testing.T) {
	if _, err := exec.LookPath("as"); err != nil {
		t.Skip("GNU as not installed")
	}
	dir := t.TempDir()
	var src strings.Builder
	src.WriteString("\t.intel_syntax noprefix\n\t.text\n")
	for i, in := range vexInsns {
		fmt.Fprintf(&src, "insn%d:\n\t%s\n", i, in)
	}
	fmt.Fprintf(&src, "insn%d:\n", len(vexInsns))
	s, o := filepath.Join(dir, "vex.s"), filepath.Join(dir, "vex.o")
	if err := os.WriteFile(s, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("as", "--64", "-o", o, s).CombinedOutput(); err != nil {
		t.Fatalf("as: %v\n%s", err, out)
	}
	f, err := elf.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	text, err := f.Section(".text").Data()
	if err != nil {
		t.Fatal(err)
	}
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	at := map[string]uint64{}
	for _, s := range syms {
		at[s.Name] = s.Value
	}
	var undecoded []string
	for i, in := range vexInsns {
		start, end := at[fmt.Sprintf("insn%d", i)], at[fmt.Sprintf("insn%d", i+1)]
		want := int(end - start)
		// What follows in memory: the next instruction, or padding.
		code := append(append([]byte(nil), text[start:]...), 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90)
		n, ok := VEXLen(code)
		if !ok || n != want {
			t.Errorf("VEXLen(% x) for %q = %d, %v; the assembler made %d bytes", text[start:end], in, n, ok, want)
		}
		if _, ok := decodedLen(code); !ok {
			undecoded = append(undecoded, in)
		}
	}
	sort.Strings(undecoded)
	t.Logf("x86asm cannot decode %d of %d: %s", len(undecoded), len(vexInsns), strings.Join(undecoded, "; "))
}

func TestVEXLenRejects(t *testing.T) {
	tests := []struct {
		name string
		code []byte
	}{
		{"not VEX", []byte{0x90, 0x90, 0x90}},
		{"pop rax (8F /0), not XOP", []byte{0x8f, 0xc0, 0x90, 0x90}},
		{"bound-like 62 without EVEX's bit", []byte{0x62, 0xf1, 0x78, 0x48, 0xfe, 0xc1}},
		{"truncated", []byte{0xc4, 0xe2}},
		{"modrm missing", []byte{0xc5, 0xfd, 0xfe}},
		{"immediate missing", []byte{0xc4, 0xe3, 0x7d, 0x18, 0xc1}},
		{"unknown map 4", []byte{0xc4, 0xe4, 0x7d, 0x18, 0xc1, 0x01}},
		{"66 before VEX", []byte{0x66, 0xc5, 0xfd, 0xfe, 0xc1}},
	}
	for _, tc := range tests {
		if n, ok := VEXLen(tc.code); ok {
			t.Errorf("%s: VEXLen(% x) = %d, want not ok", tc.name, tc.code, n)
		}
	}
}

// TestInsnLengthVEX: an insn line's bytes must be one instruction also
// for VEX encodings x86asm does not know (XOP's vpcmov here).
func TestInsnLengthVEX(t *testing.T) {
	vpcmov := []byte{0x8f, 0xe8, 0x70, 0xa2, 0xc2, 0x30}
	tests := []struct {
		name  string
		bytes []byte
		bad   bool
	}{
		{"exactly one instruction", vpcmov, false},
		{"one byte more", append(append([]byte(nil), vpcmov...), 0x90), true},
	}
	for _, tc := range tests {
		c := &Case{Arch: Arch, Memory: []Region{{Addr: 0x401000, Perm: machine.PermRead | machine.PermExec, Data: make([]byte, PageSize)}},
			Insns: []Insn{{Addr: 0x401000, Bytes: tc.bytes}}}
		err := c.Validate()
		if (err != nil) != tc.bad {
			t.Errorf("%s: Validate() = %v, want an error: %v", tc.name, err, tc.bad)
		}
	}
}
