package oracle

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"syscall"
	"testing"

	"lockstep/machine"
	"lockstep/unicorn"
)

const (
	sigSEGV = int(syscall.SIGSEGV)
	sigFPE  = int(syscall.SIGFPE)
	sigILL  = int(syscall.SIGILL)
	sigTRAP = int(syscall.SIGTRAP)
)

func TestLazyPaging(t *testing.T) {
	// mov rax, [0x600000]; mov [0x600008], rax; nop
	o := newTestOracle(t, "488b042500006000 4889042508006000 90", func(s *machine.Snapshot, src *fakeSource) {
		src.write(dataBase, []byte{1, 2, 3, 4, 5, 6, 7, 8, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa})
	})
	if o.Cached(dataBase) || o.Cached(textBase) || len(o.src.reads) != 0 {
		t.Fatalf("New fetched pages: %v", o.src.reads)
	}
	if err := o.ReadMemory(dataBase, make([]byte, 1)); err == nil {
		t.Error("ReadMemory of an uncached page succeeded")
	}
	r := o.step()
	if r.Kind != Executed || len(r.Writes) != 0 {
		t.Fatalf("load: %+v", r)
	}
	if !o.Cached(dataBase) || !o.Cached(textBase) || o.Cached(dataBase+pageSize) || o.Cached(stackBase) {
		t.Errorf("cached pages wrong after a load: data %v text %v", o.Cached(dataBase), o.Cached(textBase))
	}
	if rax := o.reg("rax"); rax != 0x0807060504030201 {
		t.Errorf("rax = %#x", rax)
	}
	if len(o.DirtyPages()) != 0 {
		t.Errorf("dirty pages after a load: %#x", o.DirtyPages())
	}
	if c := o.CachedPages(); !slices.Equal(c, []uint64{textBase, dataBase}) && !slices.Equal(c, []uint64{dataBase, textBase}) {
		t.Errorf("cached pages %#x, want text %#x and data %#x", c, textBase, dataBase)
	}
	r = o.step()
	want := []MemWrite{{Addr: dataBase + 8, Old: bytes.Repeat([]byte{0xaa}, 8), New: []byte{1, 2, 3, 4, 5, 6, 7, 8}}}
	if r.Kind != Executed || len(r.Writes) != 1 || r.Writes[0].Addr != want[0].Addr ||
		!bytes.Equal(r.Writes[0].Old, want[0].Old) || !bytes.Equal(r.Writes[0].New, want[0].New) {
		t.Fatalf("store: %+v, want writes %+v", r, want)
	}
	if d := o.DirtyPages(); !slices.Equal(d, []uint64{dataBase}) {
		t.Errorf("dirty pages %#x, want [%#x]", d, dataBase)
	}
	if got := o.mem(dataBase+8, 8); !bytes.Equal(got, want[0].New) {
		t.Errorf("oracle memory %x", got)
	}
	if n := o.src.reads[dataBase]; n != 1 {
		t.Errorf("data page read %d times from the source, want once", n)
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		code  string
		edit  func(s *machine.Snapshot, src *fakeSource)
		steps int // executed steps before the fault
		want  FaultInfo
		rip   uint64 // rip after the fault (0: the faulting instruction)
	}{
		{name: "read unmapped", code: "488b042500007000",
			want: FaultInfo{Addr: 0x700000, Access: Read, Unmapped: true, Signal: sigSEGV, Vector: VectorPF}},
		{name: "write read-only", code: "4889042500206000",
			want: FaultInfo{Addr: roBase, Access: Write, Signal: sigSEGV, Vector: VectorPF}},
		{name: "read PROT_NONE", code: "488b042500306000",
			want: FaultInfo{Addr: noneBase, Access: Read, Signal: sigSEGV, Vector: VectorPF}},
		{name: "write PROT_NONE", code: "4889042500306000",
			want: FaultInfo{Addr: noneBase, Access: Write, Signal: sigSEGV, Vector: VectorPF}},
		{name: "fetch from non-executable", code: "ffe0", steps: 1,
			edit: func(s *machine.Snapshot, _ *fakeSource) { s.SetUint64("rax", dataBase) },
			want: FaultInfo{Addr: dataBase, Access: Fetch, Signal: sigSEGV, Vector: VectorPF}},
		{name: "call into unmapped", code: "ffd0", steps: 1,
			edit: func(s *machine.Snapshot, _ *fakeSource) { s.SetUint64("rax", 0x700000) },
			want: FaultInfo{Addr: 0x700000, Access: Fetch, Unmapped: true, Signal: sigSEGV, Vector: VectorPF}},
		{name: "jump to a non-canonical address", code: "ffe0", steps: 1,
			edit: func(s *machine.Snapshot, _ *fakeSource) { s.SetUint64("rax", noExit) },
			want: FaultInfo{Addr: noExit, Access: Fetch, Unmapped: true, Signal: sigSEGV, Vector: VectorPF}},
		{name: "split store into read-only", code: "48890425fc1f6000" /* mov [0x601ffc], rax */, steps: 0,
			want: FaultInfo{Addr: roBase, Access: Write, Signal: sigSEGV, Vector: VectorPF}},
		{name: "divide by zero", code: "48f7f1",
			want: FaultInfo{Signal: sigFPE, Vector: VectorDE}},
		{name: "ud2", code: "0f0b", want: FaultInfo{Signal: sigILL, Vector: VectorUD}},
		{name: "lock on a register", code: "f04801d8", want: FaultInfo{Signal: sigILL, Vector: VectorUD}},
		{name: "invalid in 64-bit mode", code: "ce" /* into */, want: FaultInfo{Signal: sigILL, Vector: VectorUD}},
		{name: "hlt", code: "f4", want: FaultInfo{Signal: sigSEGV, Vector: VectorGP}},
		{name: "cli", code: "fa", want: FaultInfo{Signal: sigSEGV, Vector: VectorGP}},
		{name: "mov from cr0", code: "0f20c0", want: FaultInfo{Signal: sigSEGV, Vector: VectorGP}},
		{name: "in", code: "ec", want: FaultInfo{Signal: sigSEGV, Vector: VectorGP}},
		{name: "rdpmc", code: "0f33", want: FaultInfo{Signal: sigSEGV, Vector: VectorGP}},
		{name: "sysret", code: "480f07", want: FaultInfo{Signal: sigSEGV, Vector: VectorGP}},
		{name: "int 0x21", code: "cd21", want: FaultInfo{Signal: sigSEGV, Vector: VectorGP}},
		{name: "int3", code: "cc", want: FaultInfo{Signal: sigTRAP, Vector: VectorBP}, rip: textBase + 1},
		{name: "int 3", code: "cd03", want: FaultInfo{Signal: sigTRAP, Vector: VectorBP}, rip: textBase + 2},
		{name: "int1", code: "f1", want: FaultInfo{Signal: sigTRAP, Vector: VectorDB}, rip: textBase + 1},
		{name: "movaps misaligned", code: "0f284608",
			edit: func(s *machine.Snapshot, _ *fakeSource) { s.SetUint64("rsi", dataBase) },
			want: FaultInfo{Signal: sigSEGV, Vector: VectorGP}},
		{name: "addps fs-relative misaligned", code: "640f58448b03",
			edit: func(s *machine.Snapshot, _ *fakeSource) {
				s.SetUint64("fs_base", dataBase)
				s.SetUint64("rbx", 0x10)
				s.SetUint64("rcx", 1)
			},
			want: FaultInfo{Signal: sigSEGV, Vector: VectorGP}},
		{name: "mov ds with a kernel selector", code: "66b81000 8ed8", steps: 1,
			want: FaultInfo{Signal: sigSEGV, Vector: VectorGP}},
		{name: "read the descriptor table", code: "48a12800000000feffff",
			want: FaultInfo{Addr: gdtBase + 0x28, Access: Read, Unmapped: true, Signal: sigSEGV, Vector: VectorPF}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newTestOracle(t, tt.code, func(s *machine.Snapshot, src *fakeSource) {
				s.SetUint64("rax", 0x1122334455667788)
				if tt.edit != nil {
					tt.edit(s, src)
				}
			})
			for i := 0; i < tt.steps; i++ {
				if r := o.step(); r.Kind != Executed {
					t.Fatalf("step %d: %+v", i, r)
				}
			}
			before := o.regs()
			pc, _ := before.Uint64("rip")
			r := o.step()
			wantFault(t, r, tt.want)
			if r.PC != pc || len(r.Writes) != 0 {
				t.Errorf("PC %#x (want %#x), writes %+v", r.PC, pc, r.Writes)
			}
			after := o.regs()
			wantRIP := tt.rip
			if wantRIP == 0 {
				wantRIP = pc
			}
			if rip, _ := after.Uint64("rip"); rip != wantRIP {
				t.Errorf("rip = %#x after the fault, want %#x", rip, wantRIP)
			}
			if !bytes.Equal(after.Regs[:after.Layout.Size()], before.Regs) && tt.rip == 0 {
				for _, reg := range after.Layout.Regs {
					if !bytes.Equal(after.Reg(o.layout.Index(reg.Name)), before.Reg(o.layout.Index(reg.Name))) {
						t.Errorf("%s changed by a faulting instruction: %x -> %x", reg.Name,
							before.Reg(o.layout.Index(reg.Name)), after.Reg(o.layout.Index(reg.Name)))
					}
				}
			}
		})
	}
}

// TestSplitStoreRollback: Unicorn stores the first half of a split access
// before faulting on the second page; the oracle undoes it.
func TestSplitStoreRollback(t *testing.T) {
	o := newTestOracle(t, "48890425fc1f6000", func(s *machine.Snapshot, src *fakeSource) {
		s.SetUint64("rax", 0x1122334455667788)
		src.write(roBase-4, []byte{9, 9, 9, 9})
	})
	wantFault(t, o.step(), FaultInfo{Addr: roBase, Access: Write, Signal: sigSEGV, Vector: VectorPF})
	if got := o.mem(roBase-4, 4); !bytes.Equal(got, []byte{9, 9, 9, 9}) {
		t.Errorf("first page holds %x after the faulting split store, want it untouched", got)
	}
}

// TestPageBoundaryFetch covers Unicorn's look-ahead: it translates the
// instruction after the current one before running it.
func TestPageBoundaryFetch(t *testing.T) {
	t.Run("last instruction before an unmapped page runs", func(t *testing.T) {
		o := newTestOracle(t, "", func(s *machine.Snapshot, src *fakeSource) {
			src.write(textBase+2*pageSize-1, []byte{0x90})
			s.SetUint64("rip", textBase+2*pageSize-1)
		})
		if r := o.step(); r.Kind != Executed {
			t.Fatalf("nop at the end of the text: %+v", r)
		}
		if rip := o.reg("rip"); rip != textBase+2*pageSize {
			t.Fatalf("rip = %#x", rip)
		}
		wantFault(t, o.step(), FaultInfo{Addr: textBase + 2*pageSize, Access: Fetch, Unmapped: true, Signal: sigSEGV, Vector: VectorPF})
	})
	t.Run("instruction straddling into an unmapped page faults", func(t *testing.T) {
		o := newTestOracle(t, "", func(s *machine.Snapshot, src *fakeSource) {
			src.write(textBase+2*pageSize-2, []byte{0x48, 0xff}) // inc rax, missing its last byte
			s.SetUint64("rip", textBase+2*pageSize-2)
		})
		wantFault(t, o.step(), FaultInfo{Addr: textBase + 2*pageSize, Access: Fetch, Unmapped: true, Signal: sigSEGV, Vector: VectorPF})
	})
	t.Run("instruction straddling two text pages runs", func(t *testing.T) {
		o := newTestOracle(t, "", func(s *machine.Snapshot, src *fakeSource) {
			src.write(textBase+pageSize-1, []byte{0x48, 0xff, 0xc0}) // inc rax
			s.SetUint64("rip", textBase+pageSize-1)
		})
		if r := o.step(); r.Kind != Executed || o.reg("rax") != 1 {
			t.Fatalf("%+v, rax %d", r, o.reg("rax"))
		}
	})
}

func TestRepString(t *testing.T) {
	t.Run("rep movsb", func(t *testing.T) {
		// rep movsb; rep movsb (rcx 0 by then); nop
		o := newTestOracle(t, "f3a4 f3a4 90", func(s *machine.Snapshot, src *fakeSource) {
			s.SetUint64("rcx", 3)
			s.SetUint64("rsi", dataBase)
			s.SetUint64("rdi", dataBase+0x100)
			src.write(dataBase, []byte("abc"))
		})
		for i, want := range []struct {
			repeat bool
			rip    uint64
		}{{true, textBase}, {true, textBase}, {false, textBase + 2}, {false, textBase + 4}} {
			r := o.step()
			if r.Kind != Executed || r.Repeat != want.repeat || o.reg("rip") != want.rip {
				t.Fatalf("step %d: %+v rip %#x, want repeat %v rip %#x", i, r, o.reg("rip"), want.repeat, want.rip)
			}
			if i < 3 && (len(r.Writes) != 1 || r.Writes[0].Addr != dataBase+0x100+uint64(i)) {
				t.Errorf("step %d writes %+v", i, r.Writes)
			}
			if i == 3 && len(r.Writes) != 0 {
				t.Errorf("rep with rcx 0 wrote %+v", r.Writes)
			}
		}
		if got := o.mem(dataBase+0x100, 3); string(got) != "abc" {
			t.Errorf("copied %q", got)
		}
	})
	t.Run("repne scasb stops on a match", func(t *testing.T) {
		o := newTestOracle(t, "f2ae", func(s *machine.Snapshot, src *fakeSource) {
			s.SetUint64("rcx", 10)
			s.SetUint64("rdi", dataBase)
			s.SetUint64("rax", 'c')
			src.write(dataBase, []byte("abcdef"))
		})
		for i := 0; i < 3; i++ {
			r := o.step()
			if wantRepeat := i < 2; r.Kind != Executed || r.Repeat != wantRepeat {
				t.Fatalf("step %d: %+v", i, r)
			}
		}
		if rip, rcx := o.reg("rip"), o.reg("rcx"); rip != textBase+2 || rcx != 7 {
			t.Errorf("rip %#x rcx %d after the match", rip, rcx)
		}
	})
}

func TestSyscallSyncAdopt(t *testing.T) {
	// mov eax, 60; syscall; cpuid; rdtsc; cpuid; nop
	o := newTestOracle(t, "b83c000000 0f05 0fa2 0f31 0fa2 90", nil)
	if r := o.step(); r.Kind != Executed {
		t.Fatalf("%+v", r)
	}
	r := o.step()
	if r.Kind != Syscall || r.PC != textBase+5 || r.Insn != "syscall" {
		t.Fatalf("syscall: %+v", r)
	}
	if rip := o.reg("rip"); rip != textBase+5 {
		t.Fatalf("the oracle moved past the syscall: rip %#x", rip)
	}
	// The harness steps the reference and adopts its registers.
	ref := o.regs()
	ref.SetUint64("rip", textBase+7)
	ref.SetUint64("rax", 0xfffffffffffffff2)
	ref.SetUint64("rcx", textBase+7)
	ref.SetUint64("r11", 0x246)
	if err := o.Adopt(ref); err != nil {
		t.Fatal(err)
	}
	if rax, r11 := o.reg("rax"), o.reg("r11"); rax != 0xfffffffffffffff2 || r11 != 0x246 {
		t.Errorf("after Adopt rax %#x r11 %#x", rax, r11)
	}
	for _, want := range []string{"cpuid", "rdtsc", "cpuid"} {
		r := o.step()
		if r.Kind != Sync || r.Insn != want {
			t.Fatalf("%+v, want Sync %s", r, want)
		}
		ref := o.regs()
		rip, _ := ref.Uint64("rip")
		ref.SetUint64("rip", rip+2)
		if err := o.Adopt(ref); err != nil {
			t.Fatal(err)
		}
	}
	if c := o.SyncCounts(); c["cpuid"] != 2 || c["rdtsc"] != 1 || len(c) != 2 {
		t.Errorf("SyncCounts = %v", c)
	}
	if r := o.step(); r.Kind != Executed || o.reg("rip") != textBase+14 {
		t.Errorf("after the syncs: %+v rip %#x", r, o.reg("rip"))
	}
}

func TestNotExecuted(t *testing.T) {
	for _, tt := range []struct {
		code string
		kind ResultKind
		insn string
	}{
		{"0f01f9", Sync, "rdtscp"},
		{"0f01d0", Sync, "xgetbv"},
		{"480fc7f0", Sync, "rdrand"},
		{"480fc7f8", Sync, "rdseed"},
		{"f30fc7f8", Sync, "rdpid"},
		{"cd80", Syscall, "int 0x80"},
		{"f3480fb8c3", Unsupported, "popcnt"},
		{"0f38f00424", Unsupported, "movbe"},
		{"660f3a44c100", Unsupported, "pclmulqdq"},
		{"0fae2424", Unsupported, "xsave"},
		{"f3480faec0", Unsupported, "rdfsbase"},
		{"c5f1efc2", Unsupported, "vpxor"},
		{"c5fe6f0424", Unsupported, "vmovdqu"},
		{"62f1fe487f0424", Unsupported, "vmovdqu64"},
		{"0f0fc19e", Unsupported, "3dnow"},
		{"660f78c00408", Unsupported, "sse4a"}, // extrq: unknown to x86asm
		{"f20f79c1", Unsupported, "sse4a"},     // insertq
		{"f30f2b00", Unsupported, "movntss"},
		{"66f20f58c1", Unsupported, "addsd"},     // with 0x66, which Unicorn takes as mandatory
		{"440f381ec1", Unsupported, "pabsd"},     // MMX form with REX.R
		{"440f3a0fc103", Unsupported, "palignr"}, // MMX form with REX.R
	} {
		t.Run(tt.code, func(t *testing.T) {
			o := newTestOracle(t, tt.code, nil)
			before := o.regs()
			r := o.step()
			if r.Kind != tt.kind || r.Insn != tt.insn || r.PC != textBase {
				t.Fatalf("%+v, want %v %q", r, tt.kind, tt.insn)
			}
			if after := o.regs(); !bytes.Equal(after.Regs, before.Regs) {
				t.Error("registers changed by an instruction the oracle did not execute")
			}
			if tt.kind == Unsupported && r.Reason == "" {
				t.Error("Unsupported without a reason")
			}
		})
	}
}

// TestPDEPUnicornBug documents Unicorn 2.0.1's known bug, which the
// oracle runs into on purpose (the harness reports it, the corpus records
// it): Unicorn swaps pdep's and pext's source operands. Hardware and QEMU
// compute pdep(src=0xff, mask=0xf0f0) = 0xf0f0.
func TestPDEPUnicornBug(t *testing.T) {
	e, err := unicorn.Open(unicorn.ArchX86, unicorn.Mode64)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.MemMap(0x1000, pageSize, unicorn.ProtAll); err != nil {
		t.Fatal(err)
	}
	// pdep rax, rbx, rcx: rax = deposit the low bits of rbx at the set bits of rcx.
	if err := e.MemWrite(0x1000, []byte{0xc4, 0xe2, 0xe3, 0xf5, 0xc1}); err != nil {
		t.Fatal(err)
	}
	e.RegWrite(unicorn.X86RegRBX, 0xff)
	e.RegWrite(unicorn.X86RegRCX, 0xf0f0)
	if err := e.Start(0x1000, noExit, 0, 1); err != nil {
		t.Fatal(err)
	}
	got, _ := e.RegRead(unicorn.X86RegRAX)
	const correct, swapped = 0xf0f0, 0xf0 // pdep(0xf0f0, mask 0xff) = 0xf0
	switch got {
	case swapped:
		t.Logf("Unicorn computes pdep(0xff, 0xf0f0) = %#x (operands swapped; correct is %#x)", got, correct)
	case correct:
		t.Errorf("Unicorn's pdep is correct now (%#x): update the corpus records of pdep and pext", got)
	default:
		t.Errorf("pdep = %#x, neither the correct %#x nor the known wrong %#x", got, correct, swapped)
	}
}

func TestSegmentLoads(t *testing.T) {
	// mov ax, 0x2b; mov ds, ax; mov ax, 0x2b; mov fs, ax; mov ebx, ds; nop
	o := newTestOracle(t, "66b82b00 8ed8 66b82b00 8ee0 8cdb 90", func(s *machine.Snapshot, _ *fakeSource) {
		s.SetUint64("fs_base", 0x1234000)
	})
	for i := 0; i < 5; i++ {
		if r := o.step(); r.Kind != Executed {
			t.Fatalf("step %d: %+v", i, r)
		}
	}
	s := o.regs()
	for name, want := range map[string]uint64{"ds": 0x2b, "fs": 0x2b, "rbx": 0x2b, "fs_base": 0, "cs": 0x33, "ss": 0x2b} {
		if v, _ := s.Uint64(name); v != want {
			t.Errorf("%s = %#x, want %#x", name, v, want)
		}
	}
	// The descriptor table is gone again: reading it faults.
	if o.Cached(gdtBase) {
		t.Error("the GDT page counts as program memory")
	}
}

// TestSelfModifyingCode: a store into the code Unicorn is running from
// makes QEMU restart the instruction, which the oracle lets complete.
func TestSelfModifyingCode(t *testing.T) {
	rwx := machine.PermRead | machine.PermWrite | machine.PermExec
	for _, tt := range []struct {
		name  string
		code  string
		edit  func(s *machine.Snapshot, src *fakeSource)
		steps int
		rax   uint64
	}{
		// mov byte [rip+2], 0xc8 turns the next "inc rax" (48 ff c0)
		// into "dec rax" (48 ff c8).
		{"patch the next instruction", "c60502000000c8 48ffc0", nil, 2, ^uint64(0)},
		// The same value: memory does not change, the store still
		// restarts the instruction.
		{"rewrite the same byte", "c6050000000048 48ffc0", nil, 2, 1},
		// rep movsb copies "dec rax" over the "inc rax" after it.
		{"rep movsb over the next instruction", "f3a4 48ffc0 90", func(s *machine.Snapshot, src *fakeSource) {
			s.SetUint64("rsi", dataBase)
			s.SetUint64("rdi", textBase+2)
			s.SetUint64("rcx", 3)
			src.write(dataBase, []byte{0x48, 0xff, 0xc8})
		}, 4, ^uint64(0)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := newTestOracle(t, tt.code, func(s *machine.Snapshot, src *fakeSource) {
				src.m.Set(textBase, textBase+2*pageSize, rwx)
				if tt.edit != nil {
					tt.edit(s, src)
				}
			})
			for i := 0; i < tt.steps; i++ {
				r := o.step()
				if r.Kind != Executed || (i == 0 && len(r.Writes) != 1) {
					t.Fatalf("step %d: %+v", i, r)
				}
			}
			if rax := o.reg("rax"); rax != tt.rax {
				t.Errorf("rax = %#x, want %#x", rax, tt.rax)
			}
		})
	}
}

func TestTrapFlag(t *testing.T) {
	// pushfq; or qword [rsp], 0x100; popfq; nop; nop
	o := newTestOracle(t, "9c 48810c2400010000 9d 90 90", nil)
	for i := 0; i < 3; i++ {
		if r := o.step(); r.Kind != Executed {
			t.Fatalf("step %d: %+v", i, r)
		}
	}
	// popfq sets TF; the instruction after it runs, then traps.
	r := o.step()
	wantFault(t, r, FaultInfo{Signal: sigTRAP, Vector: VectorDB})
	if rip := o.reg("rip"); rip != textBase+11 {
		t.Errorf("rip = %#x after the single-step trap, want past the nop", rip)
	}
}

func TestInvalidateAndSetMap(t *testing.T) {
	// mov [0x600008], rax; mov rax, [0x600000]; mov [0x600008], rax
	o := newTestOracle(t, "4889042508006000 488b042500006000 4889042508006000", func(s *machine.Snapshot, src *fakeSource) {
		s.SetUint64("rax", 7)
		src.write(dataBase, []byte{1})
	})
	o.step()
	if !slices.Equal(o.DirtyPages(), []uint64{dataBase}) {
		t.Fatalf("dirty %#x", o.DirtyPages())
	}
	// A system call rewrote the page in the program: forget it.
	o.src.write(dataBase, []byte{42})
	o.Invalidate(dataBase, dataBase+1)
	if o.Cached(dataBase) || len(o.DirtyPages()) != 0 {
		t.Fatal("Invalidate kept the page")
	}
	o.step()
	if rax := o.reg("rax"); rax != 42 {
		t.Errorf("rax = %d, want the refetched 42", rax)
	}
	if o.src.reads[dataBase] != 2 {
		t.Errorf("data page fetched %d times, want 2", o.src.reads[dataBase])
	}
	// mprotect(PROT_READ): content stays, writes fault.
	m := o.src.m.Clone()
	m.Protect(dataBase, dataBase+pageSize, machine.PermRead)
	if err := o.SetMap(m); err != nil {
		t.Fatal(err)
	}
	if !o.Cached(dataBase) {
		t.Error("a protection change dropped the page")
	}
	wantFault(t, o.step(), FaultInfo{Addr: dataBase + 8, Access: Write, Signal: sigSEGV, Vector: VectorPF})
	// munmap: the page is forgotten and accesses fault as unmapped.
	m.Remove(dataBase, dataBase+pageSize)
	if err := o.SetMap(m); err != nil {
		t.Fatal(err)
	}
	if o.Cached(dataBase) {
		t.Error("an unmapped page is still cached")
	}
	wantFault(t, o.step(), FaultInfo{Addr: dataBase + 8, Access: Write, Unmapped: true, Signal: sigSEGV, Vector: VectorPF})
	// mmap again: fresh content from the source.
	m.Set(dataBase, dataBase+pageSize, machine.PermRead|machine.PermWrite)
	o.src.m = m
	if err := o.SetMap(m); err != nil {
		t.Fatal(err)
	}
	if r := o.step(); r.Kind != Executed || r.Writes[0].Old[0] != 0 {
		t.Errorf("store into the remapped page: %+v", r)
	}
}

// TestHugeReservation: a PROT_NONE reservation of a terabyte costs neither
// host memory nor Unicorn regions, and accesses to it are protection
// faults.
func TestHugeReservation(t *testing.T) {
	const resv = 0x100000000000 // 16 TiB, 1 TiB long
	o := newTestOracle(t, "488b00", func(s *machine.Snapshot, src *fakeSource) {
		src.m.Set(resv, resv+1<<40, 0)
		s.SetUint64("rax", resv+0x1234)
	})
	wantFault(t, o.step(), FaultInfo{Addr: resv + 0x1234, Access: Read, Signal: sigSEGV, Vector: VectorPF})
	// mprotect a page of it readable: it becomes a region of its own.
	m := o.src.m.Clone()
	m.Protect(resv+0x1000, resv+0x2000, machine.PermRead|machine.PermWrite)
	o.src.m = m
	o.src.write(resv+0x1234, []byte{0x2a})
	if err := o.SetMap(m); err != nil {
		t.Fatal(err)
	}
	if r := o.step(); r.Kind != Executed || o.reg("rax") != 0x2a {
		t.Errorf("%+v rax %#x", r, o.reg("rax"))
	}
}

// TestSeededSegments: non-null FS and GS selectors in the entry snapshot
// are loaded through the GDT, and their bases survive.
func TestSeededSegments(t *testing.T) {
	o := newTestOracle(t, "90", func(s *machine.Snapshot, _ *fakeSource) {
		s.SetUint64("fs", 0x2b)
		s.SetUint64("fs_base", 0x7ffff7d8a740)
		s.SetUint64("gs", 0)
		s.SetUint64("gs_base", 0x1000)
		s.SetUint64("ds", 0x2b)
	})
	s := o.regs()
	for name, want := range map[string]uint64{"fs": 0x2b, "fs_base": 0x7ffff7d8a740, "gs": 0, "gs_base": 0x1000, "ds": 0x2b, "cs": 0x33, "ss": 0x2b} {
		if v, _ := s.Uint64(name); v != want {
			t.Errorf("%s = %#x, want %#x", name, v, want)
		}
	}
	// Adopt changes them back.
	s.SetUint64("fs", 0)
	s.SetUint64("fs_base", 0x5000)
	if err := o.Adopt(s); err != nil {
		t.Fatal(err)
	}
	if fs, base := o.reg("fs"), o.reg("fs_base"); fs != 0 || base != 0x5000 {
		t.Errorf("after Adopt fs %#x fs_base %#x", fs, base)
	}
}

func TestRegistersAndNotModelled(t *testing.T) {
	l := qemuLayout(t)
	s := entrySnapshot(l)
	for i, name := range []string{"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"} {
		s.SetUint64(name, 0x1111111111111111*uint64(i+1))
	}
	s.SetUint64("fs_base", 0x7ffff7d8a740)
	s.SetUint64("mxcsr", 0x1fa0)
	for i := range 16 {
		x := s.Bytes("xmm" + string(rune('0'+i%10)))
		if i >= 10 {
			x = s.Bytes("xmm1" + string(rune('0'+i-10)))
		}
		for j := range x {
			x[j] = byte(i*16 + j)
		}
	}
	copy(s.Bytes("st3"), unhex(t, "0000000000000080ff3f"))
	s.SetUint64("fstat", 3<<11) // TOP = 3
	s.SetUint64("cr0", 0x80050033)
	src := newFakeSource(testRegions()...)
	o, err := New(context.Background(), l, s, src)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	got := l.NewSnapshot()
	for i := range got.Regs {
		got.Regs[i] = 0xee
	}
	if err := o.Registers(got); err != nil {
		t.Fatal(err)
	}
	nm := o.NotModelled()
	want := []string{"k_gs_base", "cr0", "cr2", "cr3", "cr4", "cr8", "efer", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"}
	if !slices.Equal(nm, want) {
		t.Errorf("NotModelled = %v, want %v", nm, want)
	}
	for _, r := range l.Regs {
		g, w := got.Reg(l.Index(r.Name)), s.Reg(l.Index(r.Name))
		if slices.Contains(nm, r.Name) {
			if !bytes.Equal(g, bytes.Repeat([]byte{0xee}, len(g))) {
				t.Errorf("not-modelled %s was written: %x", r.Name, g)
			}
			if o.NotModelledReason(r.Name) == "" {
				t.Errorf("no reason for %s", r.Name)
			}
			continue
		}
		if !bytes.Equal(g, w) {
			t.Errorf("%s = %x, seeded %x", r.Name, g, w)
		}
	}
	if o.NotModelledReason("rax") != "" {
		t.Error("rax has a not-modelled reason")
	}
}

func TestNewErrors(t *testing.T) {
	l := qemuLayout(t)
	src := newFakeSource(testRegions()...)
	bad, err := machine.NewLayout("x", []machine.Register{{Name: "rax", Bits: 64}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tt := range []struct {
		name string
		new  func() (*Oracle, error)
	}{
		{"nil layout", func() (*Oracle, error) { return New(ctx, nil, entrySnapshot(l), src) }},
		{"nil source", func() (*Oracle, error) { return New(ctx, l, entrySnapshot(l), nil) }},
		{"layout without rip", func() (*Oracle, error) { return New(ctx, bad, bad.NewSnapshot(), src) }},
		{"snapshot of another layout", func() (*Oracle, error) { return New(ctx, l, bad.NewSnapshot(), src) }},
		{"canceled", func() (*Oracle, error) { return New(canceled, l, entrySnapshot(l), src) }},
		{"unaligned map", func() (*Oracle, error) {
			return New(ctx, l, entrySnapshot(l), newFakeSource(machine.Region{Start: 0x1000, End: 0x1800, Perm: machine.PermRead}))
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o, err := tt.new()
			if err == nil {
				o.Close()
				t.Fatal("New succeeded")
			}
		})
	}
}

func TestSourceFailure(t *testing.T) {
	o := newTestOracle(t, "488b042500006000", nil)
	o.src.fail = errFake
	if _, err := o.Step(context.Background()); !errors.Is(err, errFake) {
		t.Errorf("Step with a failing source: %v", err)
	}
	o.src.fail = nil
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := o.Step(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Step with a canceled context: %v", err)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Step(context.Background()); err == nil {
		t.Error("Step after Close succeeded")
	}
}

func TestDataFetchFailure(t *testing.T) {
	o := newTestOracle(t, "488b042500006000", nil)
	// Fetch the code first, then break the source for the data page.
	if _, err := o.code(context.Background(), textBase); err != nil {
		t.Fatal(err)
	}
	o.src.fail = errFake
	if _, err := o.Step(context.Background()); !errors.Is(err, errFake) {
		t.Errorf("Step whose data fetch fails: %v", err)
	}
}

func TestWritesOldNew(t *testing.T) {
	// push rax: the stack page is fetched inside the write hook.
	o := newTestOracle(t, "50", func(s *machine.Snapshot, src *fakeSource) {
		s.SetUint64("rax", 0x0102030405060708)
		src.write(stackPtr-8, []byte{0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0})
	})
	r := o.step()
	if len(r.Writes) != 1 {
		t.Fatalf("writes %+v", r.Writes)
	}
	w := r.Writes[0]
	if w.Addr != stackPtr-8 || binary.LittleEndian.Uint64(w.New) != 0x0102030405060708 || !bytes.Equal(w.Old, []byte{0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0}) {
		t.Errorf("write %+v", w)
	}
}
