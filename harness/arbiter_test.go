package harness

import (
	"testing"

	"lockstep/native"
)

func ext(sexp uint16, mant uint64) []byte {
	b := make([]byte, 10)
	for i := range 8 {
		b[i] = byte(mant >> (8 * i))
	}
	b[8], b[9] = byte(sexp), byte(sexp>>8)
	return b
}

func TestWithinULP(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b []byte
		want bool
	}{
		{"equal", ext(0x3ffd, 0xf57743a2582f7f44), ext(0x3ffd, 0xf57743a2582f7f44), true},
		{"one ulp", ext(0x3ffe, 0xffa52de61c11f240), ext(0x3ffe, 0xffa52de61c11f23f), true},
		{"two ulps", ext(0x3ffe, 0xffa52de61c11f240), ext(0x3ffe, 0xffa52de61c11f23e), false},
		{"FSIN(0.5) in double precision", ext(0x3ffd, 0xf57743a2582f7f44), ext(0x3ffd, 0xf57743a2582f8000), false},
		{"across an exponent boundary", ext(0x3ffe, 0xffffffffffffffff), ext(0x3fff, 0x8000000000000000), true},
		{"opposite signs", ext(0x3fff, 0x8000000000000000), ext(0xbfff, 0x8000000000000000), false},
		{"not 80-bit", []byte{1, 2}, []byte{1, 2}, false},
	} {
		if got := withinULP(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: withinULP = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestFaultVerdict(t *testing.T) {
	segv := &native.Fault{Signal: 11, Addr: 0x1000}
	for _, tc := range []struct {
		name           string
		host           *native.Fault
		refSig, folSig int
		want           Verdict
	}{
		{"the follower faults, the host executes like the reference", nil, 0, 11, FollowerWrong},
		{"the reference faults, the host executes like the follower", nil, 11, 0, ReferenceWrong},
		{"the host faults like the follower", segv, 0, 11, ReferenceWrong},
		{"the host faults like the reference", segv, 11, 0, FollowerWrong},
		{"SIGBUS like the reference", &native.Fault{Signal: 7}, 7, 0, FollowerWrong},
		{"the host faults otherwise", &native.Fault{Signal: 8}, 11, 0, BothWrong},
	} {
		if got, _ := faultVerdict(tc.host, tc.refSig, tc.folSig); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestMnemonicOf(t *testing.T) {
	for _, tc := range []struct {
		code []byte
		want string
	}{
		{[]byte{0xc4, 0xe2, 0xe3, 0xf5, 0xc1}, "pdep"},
		{[]byte{0xd9, 0xfe}, "fsin"},
		{[]byte{0xf3, 0xa4}, "movsb"},
		{[]byte{0xf0, 0x0f, 0xc1, 0x03}, "xadd"},
	} {
		if got := mnemonicOf(tc.code, 0x401000); got != tc.want {
			t.Errorf("mnemonicOf(% x) = %q, want %q", tc.code, got, tc.want)
		}
	}
}
