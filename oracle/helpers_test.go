package oracle

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"lockstep/machine"
)

// qemuLayout builds the register file QEMU 7.2's x86-64 target description
// gives (i386-64bit.xml): the 608-byte 'g' packet.
func qemuLayout(t testing.TB) *machine.Layout {
	t.Helper()
	var regs []machine.Register
	add := func(bits int, typ, group string, names ...string) {
		for _, n := range names {
			regs = append(regs, machine.Register{Name: n, Bits: bits, Regnum: len(regs), Type: typ, Group: group})
		}
	}
	add(64, "int64", "general", "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15")
	add(64, "code_ptr", "general", "rip")
	add(32, "i386_eflags", "general", "eflags")
	add(32, "int32", "general", "cs", "ss", "ds", "es", "fs", "gs")
	add(64, "int64", "general", "fs_base", "gs_base", "k_gs_base")
	add(64, "int64", "system", "cr0", "cr2", "cr3", "cr4", "cr8", "efer")
	add(80, "i387_ext", "float", "st0", "st1", "st2", "st3", "st4", "st5", "st6", "st7")
	add(32, "int", "float", "fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop")
	for i := 0; i < 16; i++ {
		add(128, "vec128", "vector", fmt.Sprintf("xmm%d", i))
	}
	add(32, "i386_mxcsr", "vector", "mxcsr")
	l, err := machine.NewLayout("i386:x86-64", regs)
	if err != nil {
		t.Fatal(err)
	}
	if l.Size() != 608 {
		t.Fatalf("layout is %d bytes, QEMU's 'g' packet is 608", l.Size())
	}
	return l
}

// fakeSource is a MemorySource over a map and a sparse page store. It
// counts page reads and can be told to fail.
type fakeSource struct {
	m     *machine.Map
	data  map[uint64][]byte // page address -> 4 KiB
	reads map[uint64]int
	fail  error
}

func newFakeSource(regions ...machine.Region) *fakeSource {
	return &fakeSource{m: machine.NewMap(regions...), data: make(map[uint64][]byte), reads: make(map[uint64]int)}
}

func (f *fakeSource) Map() *machine.Map { return f.m }

func (f *fakeSource) ReadMemory(ctx context.Context, addr uint64, p []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if f.fail != nil {
		return f.fail
	}
	for len(p) > 0 {
		r, ok := f.m.Find(addr)
		if !ok || r.Perm == 0 {
			return fmt.Errorf("fake: %#x not readable", addr)
		}
		page := addr &^ pageMask
		f.reads[page]++
		n := copy(p, f.page(page)[addr&pageMask:])
		p = p[n:]
		addr += uint64(n)
	}
	return nil
}

func (f *fakeSource) page(addr uint64) []byte {
	pg := f.data[addr]
	if pg == nil {
		pg = make([]byte, pageSize)
		f.data[addr] = pg
	}
	return pg
}

// write stores bytes in the source (the program's memory).
func (f *fakeSource) write(addr uint64, b []byte) {
	for len(b) > 0 {
		n := copy(f.page(addr &^ pageMask)[addr&pageMask:], b)
		b = b[n:]
		addr += uint64(n)
	}
}

// The test program's address space.
const (
	textBase  = 0x400000 // r-x, two pages
	dataBase  = 0x600000 // rw-, two pages
	roBase    = 0x602000 // r--
	noneBase  = 0x603000 // ---
	stackTop  = 0x7ffffffff000
	stackBase = stackTop - 0x21000 // rw-
	stackPtr  = stackTop - 0x1000
)

func testRegions() []machine.Region {
	rw, rx := machine.PermRead|machine.PermWrite, machine.PermRead|machine.PermExec
	return []machine.Region{
		{Start: textBase, End: textBase + 2*pageSize, Perm: rx},
		{Start: dataBase, End: dataBase + 2*pageSize, Perm: rw},
		{Start: roBase, End: roBase + pageSize, Perm: machine.PermRead},
		{Start: noneBase, End: noneBase + pageSize, Perm: 0},
		{Start: stackBase, End: stackTop, Perm: rw},
	}
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// entrySnapshot is a program at its entry point, as QEMU user mode shows
// it: rip at the text, rsp on the stack, cs 0x33, ss 0x2b, default x87
// control word and mxcsr.
func entrySnapshot(l *machine.Layout) *machine.Snapshot {
	s := l.NewSnapshot()
	for name, v := range map[string]uint64{
		"rip": textBase, "rsp": stackPtr, "eflags": 0x202, "cs": 0x33, "ss": 0x2b,
		"fctrl": 0x37f, "mxcsr": 0x1f80,
	} {
		s.SetUint64(name, v)
	}
	return s
}

type testOracle struct {
	*Oracle
	t      testing.TB
	src    *fakeSource
	layout *machine.Layout
}

// newTestOracle starts an oracle on code at textBase; edit may change the
// entry snapshot and the source before New.
func newTestOracle(t testing.TB, code string, edit func(s *machine.Snapshot, src *fakeSource)) *testOracle {
	t.Helper()
	l := qemuLayout(t)
	src := newFakeSource(testRegions()...)
	src.write(textBase, unhex(t, code))
	s := entrySnapshot(l)
	if edit != nil {
		edit(s, src)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	o, err := New(ctx, l, s, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := o.Close(); err != nil {
			t.Error(err)
		}
	})
	return &testOracle{Oracle: o, t: t, src: src, layout: l}
}

func (o *testOracle) step() Result {
	o.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := o.Step(ctx)
	if err != nil {
		o.t.Fatalf("Step: %v", err)
	}
	return r
}

func (o *testOracle) regs() *machine.Snapshot {
	o.t.Helper()
	s := o.layout.NewSnapshot()
	if err := o.Registers(s); err != nil {
		o.t.Fatal(err)
	}
	return s
}

func (o *testOracle) reg(name string) uint64 {
	o.t.Helper()
	v, ok := o.regs().Uint64(name)
	if !ok {
		o.t.Fatalf("no register %s", name)
	}
	return v
}

func (o *testOracle) mem(addr uint64, n int) []byte {
	o.t.Helper()
	b := make([]byte, n)
	if err := o.ReadMemory(addr, b); err != nil {
		o.t.Fatal(err)
	}
	return b
}

// wantFault checks a Fault result.
func wantFault(t testing.TB, r Result, want FaultInfo) {
	t.Helper()
	if r.Kind != Fault {
		t.Fatalf("result %+v, want a fault %+v", r, want)
	}
	if r.Fault != want {
		t.Fatalf("fault %+v, want %+v (insn %q)", r.Fault, want, r.Insn)
	}
}

var errFake = errors.New("fake source failure")
