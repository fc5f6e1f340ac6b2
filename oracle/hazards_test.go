package oracle

import (
	"bytes"
	"testing"

	"lockstep/machine"
)

// TestAbortsUnicorn pins the misplaced locks whose translation aborts
// Unicorn 2.0.1 (found by translating every opcode with a lock prefix in
// a child process), against the harmless ones.
func TestAbortsUnicorn(t *testing.T) {
	for _, tt := range []struct {
		hex    string
		aborts bool
	}{
		{"f03906", true},        // lock cmp [rsi], eax
		{"f03806", true},        // lock cmp [rsi], al
		{"66f0833e01", true},    // lock cmp word [rsi], 1
		{"f0a7", true},          // lock cmpsd
		{"f048a6", true},        // lock cmpsb
		{"f00fa3c1", true},      // lock bt ecx, eax
		{"f00fabc1", true},      // lock bts ecx, eax
		{"f00fbae103", true},    // lock bt ecx, 3
		{"f00fbaf903", true},    // lock btc ecx, 3
		{"f00f23f9", true},      // lock mov dr7, rcx
		{"f039c1", false},       // lock cmp ecx, eax: Unicorn rejects it
		{"f00fab06", false},     // lock bts [rsi], eax: valid
		{"f00106", false},       // lock add [rsi], eax: valid
		{"f0488906", false},     // lock mov [rsi], rax: Unicorn rejects it
		{"f0a5", false},         // lock movsd: Unicorn executes it
		{"f090", false},         // lock nop: Unicorn executes it
		{"83e4f04889e5", false}, // and esp, -16; mov rbp, rsp (not decoded at the f0)
	} {
		in := decode(unhexT(t, tt.hex))
		if got := abortsUnicorn(&in); got != tt.aborts {
			t.Errorf("%s: aborts %v, want %v", tt.hex, got, tt.aborts)
		}
	}
	for _, tt := range []struct {
		name   string
		page   func() []byte
		hazard bool
	}{
		{"no f0", func() []byte { return bytes.Repeat([]byte{0x90}, pageSize) }, false},
		{"f0 in displacements", func() []byte {
			pg := bytes.Repeat([]byte{0x90}, pageSize)
			copy(pg[100:], unhexT(t, "4883e4f04889e5 8945f0 488b45f0")) // and rsp,-16; mov rbp,rsp; mov [rbp-16],eax; mov rax,[rbp-16]
			return pg
		}, false},
		{"lock cmp", func() []byte {
			pg := bytes.Repeat([]byte{0x90}, pageSize)
			copy(pg[2000:], unhexT(t, "f03906"))
			return pg
		}, true},
		{"f0 displacement then cmp", func() []byte {
			pg := bytes.Repeat([]byte{0x90}, pageSize)
			copy(pg[10:], unhexT(t, "8945f0 394dec")) // mov [rbp-16],eax; cmp [rbp-20],ecx: f0 39 4d decodes as lock cmp
			return pg
		}, true},
		{"f0 at the end of the page", func() []byte {
			pg := bytes.Repeat([]byte{0x90}, pageSize)
			pg[pageSize-1] = 0xf0
			return pg
		}, true},
	} {
		if got := pageHazard(tt.page()); got != tt.hazard {
			t.Errorf("%s: hazard %v, want %v", tt.name, got, tt.hazard)
		}
	}
}

// TestLookaheadHazards steps programs that reach a misplaced lock Unicorn
// cannot translate, through every way its look-ahead would translate it:
// the straight-line block after the current instruction (on the same or
// the next page), and the block at the target of a direct, conditional,
// returning or indirect branch. Each must run up to the instruction and
// fault there with #UD; without the oracle's end address, Unicorn aborts
// the test binary.
func TestLookaheadHazards(t *testing.T) {
	ud := FaultInfo{Signal: sigILL, Vector: VectorUD}
	tests := []struct {
		name  string
		code  string
		at    uint64 // offset of the misplaced lock from textBase
		steps int    // steps before it
		edit  func(s *machine.Snapshot, src *fakeSource)
	}{
		{"straight line", "90 90 f03906", 2, 2, nil},
		{"jmp to it", "eb01 90 f0a7", 3, 1, nil},
		{"call to it", "e801000000 90 f00fa3c1", 6, 1, nil},
		{"jcc taken to it", "31c0 7401 90 f03906", 5, 2, nil},
		{"jcc falling through to it", "31c0 7501 f03906", 4, 2, nil},
		{"ret to it", "6807004000 90 c3 f03906", 7, 3, nil},
		{"jmp rax to it", "48c7c009004000 ffe0 f0833e01", 9, 2, nil},
		{"jmp [rsi] to it", "ff26 90 f03906", 3, 1, func(s *machine.Snapshot, src *fakeSource) {
			s.SetUint64("rsi", dataBase)
			src.write(dataBase, []byte{0x03, 0x00, 0x40, 0, 0, 0, 0, 0})
		}},
		{"on the next page", "", pageSize, 0, func(s *machine.Snapshot, src *fakeSource) {
			s.SetUint64("rip", textBase+pageSize-4)
			src.write(textBase+pageSize-4, unhexT(t, "90909090"))
			src.write(textBase+pageSize, unhexT(t, "f03906"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newTestOracle(t, tt.code, func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rsi", dataBase)
				if tt.edit != nil {
					tt.edit(s, src)
				}
			})
			for {
				r := o.step()
				if r.Kind == Executed {
					continue
				}
				wantFault(t, r, ud)
				if r.PC != textBase+tt.at {
					t.Errorf("#UD at %#x, want %#x", r.PC, textBase+tt.at)
				}
				if o.Oracle.mem.nhazard != 1 {
					t.Errorf("%d hazardous pages, want 1", o.Oracle.mem.nhazard)
				}
				o.Invalidate(textBase, textBase+2*pageSize)
				if o.Oracle.mem.nhazard != 0 {
					t.Errorf("%d hazardous pages after Invalidate, want 0", o.Oracle.mem.nhazard)
				}
				return
			}
		})
	}
}

// TestHazardAfterMprotect: code the program writes is scanned when it
// becomes executable.
func TestHazardAfterMprotect(t *testing.T) {
	// mov [rsi], eax stores f0 39 06 (lock cmp [rsi], eax); the page then
	// becomes executable and the program jumps to it.
	o := newTestOracle(t, "8906", func(s *machine.Snapshot, src *fakeSource) {
		s.SetUint64("rsi", dataBase+0x10)
		s.SetUint64("rax", 0x0639f0)
	})
	if r := o.step(); r.Kind != Executed {
		t.Fatalf("%+v", r)
	}
	if o.Oracle.mem.nhazard != 0 {
		t.Fatal("a data page counted as a hazard")
	}
	m := o.src.m.Clone()
	m.Protect(dataBase, dataBase+pageSize, machine.PermRead|machine.PermExec)
	o.src.m = m
	if err := o.SetMap(m); err != nil {
		t.Fatal(err)
	}
	if o.Oracle.mem.nhazard != 1 {
		t.Fatalf("%d hazardous pages after mprotect, want 1", o.Oracle.mem.nhazard)
	}
	// Jump there (jmp rsi, after a nop): the step must not translate it.
	s := o.regs()
	s.SetUint64("rip", textBase+0x100)
	o.src.write(textBase+0x100, unhexT(t, "90ffe6"))
	o.Invalidate(textBase, textBase+pageSize)
	if err := o.Adopt(s); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if r := o.step(); r.Kind != Executed {
			t.Fatalf("step %d: %+v", i, r)
		}
	}
	wantFault(t, o.step(), FaultInfo{Signal: sigILL, Vector: VectorUD})
}
