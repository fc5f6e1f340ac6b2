package minimize

import (
	"testing"

	"lockstep/harness"
)

func TestOperandForm(t *testing.T) {
	tests := []struct{ text, want string }{
		{"pdep rax, rbx, rcx", "pdep r64, r64, r64"},
		{"pdep r8, r9, r15", "pdep r64, r64, r64"},
		{"blsi eax, ebx", "blsi r32, r32"},
		{"adcx r10d, r11d", "adcx r32, r32"},
		{"mov byte ptr [rax+rbx*8+0x10], sil", "mov m8, r8"},
		{"add qword ptr fs:[0x28], 0x1", "add m64, imm"},
		{"lock xadd dword ptr [rdi], ecx", "lock xadd m32, r32"},
		{"rep movsb", "rep movsb"},
		{"fadd st0, st1", "fadd st, st"},
		{"fsin", "fsin"},
		{"vpaddd ymm0, ymm1, ymmword ptr [rsp]", "vpaddd ymm, ymm, m256"},
		{"shl ax, cl", "shl r16, r8"},
		{"fld tword ptr [rbp-0x10]", "fld m80"},
		{"blsi (VEX)", "blsi"},
	}
	for _, tc := range tests {
		if got := OperandForm(tc.text); got != tc.want {
			t.Errorf("OperandForm(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestKeyOf(t *testing.T) {
	tests := []struct {
		name     string
		sig      Signature
		want     string
		wantName string
	}{
		{"register", Signature{Text: "pdep rax, rbx, rcx", Kind: harness.KindRegister, Register: "rax"}, "pdep r64, r64, r64: rax", "pdep-r64-r64-r64-rax"},
		{"flags by bit", Signature{Text: "blsi eax, ebx", Kind: harness.KindFlags, Register: "eflags",
			Reference: []byte{0x02, 0x02, 0, 0}, Oracle: []byte{0x03, 0x02, 0, 0}}, "blsi r32, r32: CF", "blsi-r32-r32-cf"},
		{"memory", Signature{Text: "mov qword ptr [rdi], rax", Kind: harness.KindMemory, Address: 0x1000}, "mov m64, r64: memory", "mov-m64-r64-memory"},
		{"text from the bytes", Signature{Insn: []byte{0xc4, 0xe2, 0xe3, 0xf5, 0xc1}, Kind: harness.KindRegister, Register: "rax"}, "pdep r64, r64, r64: rax", "pdep-r64-r64-r64-rax"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := KeyOf(tc.sig)
			if k.String() != tc.want || k.Name() != tc.wantName {
				t.Errorf("KeyOf = %q (%s), want %q (%s)", k, k.Name(), tc.want, tc.wantName)
			}
		})
	}
}
