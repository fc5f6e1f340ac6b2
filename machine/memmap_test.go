package machine

import "testing"

func TestMapOperations(t *testing.T) {
	rw, rx, r := PermRead|PermWrite, PermRead|PermExec, PermRead
	tests := []struct {
		name string
		do   func(m *Map)
		want []Region
	}{
		{"set merges equal neighbours", func(m *Map) {
			m.Set(0x1000, 0x2000, rw)
			m.Set(0x2000, 0x3000, rw)
		}, []Region{{0x1000, 0x3000, rw}}},
		{"set keeps different neighbours", func(m *Map) {
			m.Set(0x1000, 0x2000, rx)
			m.Set(0x2000, 0x3000, rw)
		}, []Region{{0x1000, 0x2000, rx}, {0x2000, 0x3000, rw}}},
		{"remove splits", func(m *Map) {
			m.Set(0x1000, 0x5000, rw)
			m.Remove(0x2000, 0x3000)
		}, []Region{{0x1000, 0x2000, rw}, {0x3000, 0x5000, rw}}},
		{"protect middle", func(m *Map) {
			m.Set(0x1000, 0x4000, rw)
			m.Protect(0x2000, 0x3000, r)
		}, []Region{{0x1000, 0x2000, rw}, {0x2000, 0x3000, r}, {0x3000, 0x4000, rw}}},
		{"protect leaves holes unmapped", func(m *Map) {
			m.Set(0x1000, 0x2000, rw)
			m.Set(0x3000, 0x4000, rw)
			m.Protect(0x0, 0x5000, r)
		}, []Region{{0x1000, 0x2000, r}, {0x3000, 0x4000, r}}},
		{"set over several", func(m *Map) {
			m.Set(0x1000, 0x2000, rw)
			m.Set(0x3000, 0x4000, rx)
			m.Set(0x1800, 0x3800, r)
		}, []Region{{0x1000, 0x1800, rw}, {0x1800, 0x3800, r}, {0x3800, 0x4000, rx}}},
		{"empty ranges ignored", func(m *Map) {
			m.Set(0x2000, 0x1000, rw)
			m.Remove(0x3000, 0x3000)
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Map{}
			tt.do(m)
			got := m.Regions()
			if len(got) != len(tt.want) {
				t.Fatalf("got\n%vwant %v", m, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got\n%vwant %v", m, tt.want)
				}
			}
		})
	}
}

func TestMapFind(t *testing.T) {
	m := NewMap(Region{0x1000, 0x2000, PermRead}, Region{0x4000, 0x5000, PermWrite})
	for _, tt := range []struct {
		addr uint64
		ok   bool
	}{{0xfff, false}, {0x1000, true}, {0x1fff, true}, {0x2000, false}, {0x4800, true}, {0x5000, false}} {
		if _, ok := m.Find(tt.addr); ok != tt.ok {
			t.Errorf("Find(%#x) = %v, want %v", tt.addr, ok, tt.ok)
		}
	}
}

func TestPermRoundTrip(t *testing.T) {
	for _, s := range []string{"---", "r--", "rw-", "r-x", "rwx", "--x"} {
		p, err := ParsePerm(s)
		if err != nil || p.String() != s {
			t.Errorf("ParsePerm(%q) = %v, %v", s, p, err)
		}
	}
	for _, s := range []string{"", "rw", "wrx", "rwxx"} {
		if _, err := ParsePerm(s); err == nil {
			t.Errorf("ParsePerm(%q) accepted", s)
		}
	}
}

func TestLayoutSnapshot(t *testing.T) {
	l, err := NewLayout("i386:x86-64", []Register{{Name: "rax", Bits: 64}, {Name: "eflags", Bits: 32}, {Name: "st0", Bits: 80}})
	if err != nil {
		t.Fatal(err)
	}
	if l.Size() != 8+4+10 {
		t.Fatalf("size %d", l.Size())
	}
	s := l.NewSnapshot()
	s.SetUint64("eflags", 0x1_0000_0246)
	if v, _ := s.Uint64("eflags"); v != 0x246 {
		t.Fatalf("eflags %#x, want truncation to 32 bits", v)
	}
	s.SetUint64("st0", ^uint64(0))
	if b := s.Bytes("st0"); b[8] != 0 || b[7] != 0xff {
		t.Fatalf("st0 % x", b)
	}
	if _, err := NewLayout("x", []Register{{Name: "a", Bits: 8}, {Name: "a", Bits: 8}}); err == nil {
		t.Fatal("duplicate accepted")
	}
}

func TestPermBits(t *testing.T) {
	for _, tc := range []struct {
		p    Perm
		want uint32
	}{
		{0, 0},
		{PermRead, 4},
		{PermRead | PermWrite, 6},
		{PermRead | PermExec, 5},
		{PermRead | PermWrite | PermExec, 7},
		{PermExec, 1},
	} {
		if got := PermBits[uint32](tc.p, 4, 2, 1); got != tc.want {
			t.Errorf("PermBits(%v) = %d, want %d", tc.p, got, tc.want)
		}
	}
}
