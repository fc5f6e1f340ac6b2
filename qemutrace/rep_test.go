package qemutrace

import "testing"

func TestIsRepString(t *testing.T) {
	tests := []struct {
		name string
		code []byte
		want bool
	}{
		{"rep movsb", []byte{0xf3, 0xa4}, true},
		{"rep stosq", []byte{0xf3, 0x48, 0xab}, true},
		{"repne scasb", []byte{0xf2, 0xae}, true},
		{"repe cmpsw", []byte{0x66, 0xf3, 0xa7}, true},
		{"rep insb", []byte{0xf3, 0x6c}, true},
		{"jmp to itself", []byte{0xeb, 0xfe}, false},
		{"movsb without rep", []byte{0xa4}, false},
		{"pause (f3 90)", []byte{0xf3, 0x90}, false},
		{"rep ret", []byte{0xf3, 0xc3}, false},
		{"REX at the end", []byte{0xf3, 0x48}, false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		if got := isRepString(tt.code); got != tt.want {
			t.Errorf("%s: % x: %v, want %v", tt.name, tt.code, got, tt.want)
		}
	}
}
