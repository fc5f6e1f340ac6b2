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
