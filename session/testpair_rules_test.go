package session

import "testing"

// TestCorrespondence: addresses inside a correspondence, and one past its
// end, translate both ways; others stay; low halves of corresponding
// addresses are recognised.
func TestCorrespondence(t *testing.T) {
	f := &testFollower{corrs: []corr{
		{name: "stack", ref: 0x40007e1000, test: 0x7ffffffde000, n: 0x21000},
		{name: "mmap", ref: 0x4000803000, test: 0x7ffff7ff3000, n: 0x4000},
	}}
	tests := []struct {
		test, ref uint64
		in        bool // test lies in (or just past) a test region
	}{
		{0x7ffffffde000, 0x40007e1000, true},
		{0x7fffffffe5c0, 0x40008015c0, true},
		{0x7ffffffff000, 0x4000802000, true}, // one past the stack's end
		{0x7ffff7ff6ff8, 0x4000806ff8, true},
		{0x7ffff7ff7000, 0x4000807000, true}, // one past the mmap's end
		{0x7ffffffff008, 0x7ffffffff008, false},
		{0x401000, 0x401000, false},
	}
	for _, tt := range tests {
		if got := f.toRef(tt.test); got != tt.ref {
			t.Errorf("toRef(%#x) = %#x, want %#x", tt.test, got, tt.ref)
		}
		if _, ok := f.corrOf(tt.test); ok != tt.in {
			t.Errorf("corrOf(%#x) = %v, want %v", tt.test, ok, tt.in)
		}
		if tt.in {
			if got := f.toTest(tt.ref); got != tt.test {
				t.Errorf("toTest(%#x) = %#x, want %#x", tt.ref, got, tt.test)
			}
		}
	}
	halves := []struct {
		test, ref uint64
		want      bool
	}{
		{0xffffe5c0, 0x008015c0, true}, // low halves of the stack pair above
		{0xf7ff6ff8, 0x00806ff8, true},
		{0xffffe5c0, 0x008015c8, false},
		{5, 6, false},
	}
	for _, tt := range halves {
		if got := f.lowHalves(tt.test, tt.ref); got != tt.want {
			t.Errorf("lowHalves(%#x, %#x) = %v, want %v", tt.test, tt.ref, got, tt.want)
		}
	}
}

// TestAddressDifference: a value that differs from the reference's by the
// difference of two regions' offsets (the image at offset 0 counting) is
// the difference of addresses from those regions; no other is.
func TestAddressDifference(t *testing.T) {
	stack := corr{name: "stack", ref: 0x4000000000, test: 0x7ffff0000000, n: 0x100000}
	frame := corr{name: "signal frame", ref: 0x40000f0000, test: 0x7ffff00ef8c0, n: 0x101b8}
	f := &testFollower{corrs: []corr{frame, stack}}
	soff, foff := stack.test-stack.ref, frame.test-frame.ref
	img := uint64(0x401000) // an address in the program's image
	tests := []struct {
		name      string
		test, ref uint64
		want      bool
	}{
		{"handler stack less main stack", 0xfffffffffffff7a8 + (foff - soff), 0xfffffffffffff7a8, true},
		{"main stack less handler stack", 0x858 + (soff - foff), 0x858, true},
		{"stack less image", 0x7ffff0000100 - img, 0x4000000100 - img, true},
		{"image less stack", img - 0x7ffff0000100, img - 0x4000000100, true},
		{"equal", 42, 42, false},
		{"off by one", 0x858 + (soff - foff) + 1, 0x858, false},
		{"an offset's half", 0x858 + (soff-foff)/2, 0x858, false},
	}
	for _, tt := range tests {
		if got := f.addressDifference(tt.test, tt.ref); got != tt.want {
			t.Errorf("%s: addressDifference(%#x, %#x) = %v, want %v", tt.name, tt.test, tt.ref, got, tt.want)
		}
	}
}

// TestMangled: an address of a correspondence mangled as glibc does (xor
// with the pointer guard, then rotated left by 17) is recognised at both
// steps and translated to the reference's mangled form; other values are
// not.
func TestMangled(t *testing.T) {
	const guard = 0x9e3779b97f4a7c15
	stack := corr{name: "stack", ref: 0x4000000000, test: 0x7ffff0000000, n: 0x100000}
	f := &testFollower{corrs: []corr{stack}, guard: guard}
	rol := func(v uint64, k int) uint64 { return v<<k | v>>(64-k) }
	tAddr, rAddr := uint64(0x7ffff00fe5c0), uint64(0x40000fe5c0)
	tests := []struct {
		name      string
		test, ref uint64
		want      bool
	}{
		{"xor'ed", tAddr ^ guard, rAddr ^ guard, true},
		{"xor'ed and rotated", rol(tAddr^guard, 17), rol(rAddr^guard, 17), true},
		{"rotated by another count", rol(tAddr^guard, 9), rol(rAddr^guard, 9), false},
		{"another address", rol(tAddr^guard, 17), rol((rAddr+8)^guard, 17), false},
		{"not in a region", rol(0x401000^guard, 17), rol(0x401000^guard, 17) + 1, false},
	}
	for _, tt := range tests {
		if got := f.mangled(tt.test, tt.ref); got != tt.want {
			t.Errorf("%s: mangled(%#x, %#x) = %v, want %v", tt.name, tt.test, tt.ref, got, tt.want)
		}
	}
	if got, want := f.refValue(rol(tAddr^guard, 17)), rol(rAddr^guard, 17); got != want {
		t.Errorf("refValue of a mangled address = %#x, want %#x", got, want)
	}
	if got := f.refValue(tAddr); got != rAddr {
		t.Errorf("refValue of an address = %#x, want %#x", got, rAddr)
	}
	if got := f.refValue(0x1234); got != 0x1234 {
		t.Errorf("refValue of data = %#x", got)
	}
}
