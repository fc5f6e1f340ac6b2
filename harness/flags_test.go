package harness

import "testing"

func TestUndefinedFlags(t *testing.T) {
	tests := []struct {
		name string
		code []byte
		rcx  uint64
		want uint64
	}{
		{"add defines all", []byte{0x48, 0x01, 0xd8}, 0, 0},
		{"mul rbx", []byte{0x48, 0xf7, 0xe3}, 0, flagSF | flagZF | flagAF | flagPF},
		{"imul rax,rbx", []byte{0x48, 0x0f, 0xaf, 0xc3}, 0, flagSF | flagZF | flagAF | flagPF},
		{"div rbx", []byte{0x48, 0xf7, 0xf3}, 0, allArith},
		{"and eax,ebx", []byte{0x21, 0xd8}, 0, flagAF},
		{"shl eax,1", []byte{0xd1, 0xe0}, 0, flagAF},
		{"shl eax,0 changes nothing", []byte{0xc1, 0xe0, 0x00}, 0, 0},
		{"shl eax,32 masks to 0", []byte{0xc1, 0xe0, 0x20}, 0, 0},
		{"shl eax,5", []byte{0xc1, 0xe0, 0x05}, 0, flagOF | flagAF},
		{"shl al,9: CF too", []byte{0xc0, 0xe0, 0x09}, 0, flagOF | flagAF | flagCF},
		{"shl rax,cl cl=1", []byte{0x48, 0xd3, 0xe0}, 0x101, flagAF},
		{"shl rax,cl cl=64 masks to 0", []byte{0x48, 0xd3, 0xe0}, 64, 0},
		{"shr ax,cl cl=16", []byte{0x66, 0xd3, 0xe8}, 16, flagOF | flagAF | flagCF},
		{"rol eax,3", []byte{0xc1, 0xc0, 0x03}, 0, flagOF},
		{"rol eax,1", []byte{0xd1, 0xc0}, 0, 0},
		{"shld ax,bx,cl cl=20", []byte{0x66, 0x0f, 0xa5, 0xd8}, 20, allArith},
		{"bsf rax,rbx", []byte{0x48, 0x0f, 0xbc, 0xc3}, 0, flagCF | flagOF | flagSF | flagAF | flagPF},
		{"bt eax,3", []byte{0x0f, 0xba, 0xe0, 0x03}, 0, flagOF | flagSF | flagAF | flagPF},
		{"tzcnt rax,rbx", []byte{0xf3, 0x48, 0x0f, 0xbc, 0xc3}, 0, flagOF | flagSF | flagAF | flagPF},
		{"lzcnt rax,rbx", []byte{0xf3, 0x48, 0x0f, 0xbd, 0xc3}, 0, flagOF | flagSF | flagAF | flagPF},
		{"andn", []byte{0xc4, 0xe2, 0xe0, 0xf2, 0xc1}, 0, flagAF | flagPF},
		{"bextr", []byte{0xc4, 0xe2, 0xf0, 0xf7, 0xc2}, 0, flagAF | flagSF | flagPF},
		{"blsmsk", []byte{0xc4, 0xe2, 0xf8, 0xf3, 0xd3}, 0, flagAF | flagPF},
		{"blsr", []byte{0xc4, 0xe2, 0xf8, 0xf3, 0xcb}, 0, flagAF | flagPF},
		{"blsi", []byte{0xc4, 0xe2, 0xf8, 0xf3, 0xdb}, 0, flagAF | flagPF},
		{"bzhi", []byte{0xc4, 0xe2, 0xf0, 0xf5, 0xc2}, 0, flagAF | flagPF},
		{"pdep affects no flags", []byte{0xc4, 0xe2, 0xe3, 0xf5, 0xc1}, 0, 0},
		{"garbage", []byte{0x0f, 0xff}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UndefinedFlags(tt.code, tt.rcx); got != tt.want {
				t.Errorf("UndefinedFlags(% x) = %s, want %s", tt.code, FlagBits(got), FlagBits(tt.want))
			}
		})
	}
}

func TestFlagBits(t *testing.T) {
	if got := FlagBits(flagZF | flagCF | 1<<30); got != "CF|ZF|bits 0x40000000" {
		t.Errorf("FlagBits = %q", got)
	}
}

func TestFloat80(t *testing.T) {
	tests := []struct {
		b    []byte
		want string
	}{
		{[]byte{0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f}, "1"},
		{[]byte{0, 0, 0, 0, 0, 0, 0, 0xc0, 0x00, 0xc0}, "-3"},
		{[]byte{0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x7f}, "inf"},
		{[]byte{0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0x7f}, "nan"},
		{make([]byte, 10), "0"},
	}
	for _, tt := range tests {
		if got := float80(tt.b); got != tt.want {
			t.Errorf("float80(% x) = %s, want %s", tt.b, got, tt.want)
		}
	}
}

func TestDisassemble(t *testing.T) {
	tests := []struct {
		code []byte
		want string
		n    int
	}{
		{[]byte{0x48, 0x01, 0xd8}, "add rax, rbx", 3},
		{[]byte{0x66, 0x41, 0x0f, 0x38, 0xf6, 0xc1}, "adcx eax, r9d", 6},
		{[]byte{0xf3, 0x4c, 0x0f, 0x38, 0xf6, 0xc8}, "adox r9, rax", 6},
		{[]byte{0xc4, 0xe2, 0xe3, 0xf5, 0xc1}, "pdep rax, rbx, rcx", 5},
		// x86asm knows neither XOP nor AMX: the length comes from
		// repro.VEXLen, not the whole window.
		{[]byte{0x8f, 0xe8, 0x70, 0xa2, 0xc2, 0x30, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90}, "(undecoded VEX)", 6},
		{[]byte{0xc4, 0xe2, 0x6b, 0x5e, 0xc1, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90}, "(undecoded VEX)", 5},
		{[]byte{0x0f, 0x04, 0x90}, "(undecoded)", 3},
		{nil, "(no code)", 0},
	}
	for _, tt := range tests {
		got, n := Disassemble(tt.code, 0x1000)
		if got != tt.want || n != tt.n {
			t.Errorf("Disassemble(% x) = %q, %d; want %q, %d", tt.code, got, n, tt.want, tt.n)
		}
	}
}
