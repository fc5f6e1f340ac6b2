package unicorn

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"os"
	"runtime/cgo"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Machine code used by the tests (assembled with GNU as, Intel syntax).
const (
	codeMovRAX   = "48b88877665544332211" // mov rax, 0x1122334455667788
	codeAddRAX   = "4801d8"               // add rax, rbx
	codeStore    = "4889042500200000"     // mov [0x2000], rax
	codeLoad     = "488b042500300000"     // mov rax, [0x3000]
	codeSpin     = "ebfe"                 // jmp $
	codeIncRAX   = "48ffc0"               // inc rax
	codeDecRAX   = "48ffc8"               // dec rax
	codeInt3     = "cc"                   // int3
	codeSyscall  = "0f05"                 // syscall
	codeCPUID    = "0fa2"                 // cpuid
	codeUD2      = "0f0b"                 // ud2
	codeMovupsX1 = "0f10c8"               // movups xmm1, xmm0
	codeNop      = "90"
)

// noExit is an end address emulation never reaches: non-canonical, so no
// instruction can live there.
const noExit = 0x8000_0000_0000_0000

func code(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(parts, ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newX86 opens a 64-bit engine with code at 0x1000 (rwx) and closes it at
// the end of the test.
func newX86(t testing.TB, prog []byte) *Engine {
	t.Helper()
	e, err := Open(ArchX86, Mode64)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if err := e.MemMap(0x1000, PageSize, ProtAll); err != nil {
		t.Fatal(err)
	}
	if err := e.MemWrite(0x1000, prog); err != nil {
		t.Fatal(err)
	}
	return e
}

func reg(t testing.TB, e *Engine, r Reg) uint64 {
	t.Helper()
	v, err := e.RegRead(r)
	if err != nil {
		t.Fatalf("RegRead(%d): %v", r, err)
	}
	return v
}

func TestVersion(t *testing.T) {
	if ma, mi := Version(); ma != 2 || mi != 0 {
		t.Errorf("Version() = %d.%d, want 2.0 (the binding targets libunicorn 2.0.1)", ma, mi)
	}
	if !ArchSupported(ArchX86) {
		t.Error("x86 not supported by the library")
	}
}

func TestOpenErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		arch Arch
		mode Mode
		want Code
	}{
		{"bad arch", Arch(99), Mode64, ErrArch},
		{"bad mode", ArchX86, Mode(1 << 20), ErrMode},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Open(tt.arch, tt.mode)
			if err == nil {
				e.Close()
				t.Fatal("Open succeeded")
			}
			var ue *Error
			if !errors.As(err, &ue) || ue.Code != tt.want || ue.Text == "" || ue.Op != "open" {
				t.Fatalf("err = %#v, want *Error with code %d and text", err, tt.want)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want.Error()) {
				t.Errorf("message %q lacks uc_strerror text %q", err, tt.want.Error())
			}
		})
	}
}

func TestClosedEngine(t *testing.T) {
	e, err := Open(ArchX86, Mode64)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := e.RegRead(X86RegRAX); !errors.Is(err, ErrHandle) {
		t.Errorf("RegRead after Close: %v, want ErrHandle", err)
	}
	if err := e.MemMap(0, PageSize, ProtAll); !errors.Is(err, ErrHandle) {
		t.Errorf("MemMap after Close: %v, want ErrHandle", err)
	}
}

func TestMemory(t *testing.T) {
	e := newX86(t, code(t, codeNop))
	tests := []struct {
		name string
		do   func() error
		want Code // ErrOK for success
	}{
		{"map", func() error { return e.MemMap(0x10000, 4*PageSize, ProtRead|ProtWrite) }, ErrOK},
		{"map overlapping", func() error { return e.MemMap(0x11000, PageSize, ProtRead) }, ErrMap},
		{"map unaligned address", func() error { return e.MemMap(0x20010, PageSize, ProtRead) }, ErrArg},
		{"map unaligned size", func() error { return e.MemMap(0x20000, 100, ProtRead) }, ErrArg},
		{"write", func() error { return e.MemWrite(0x10ffe, []byte{1, 2, 3, 4}) }, ErrOK},
		{"write unmapped", func() error { return e.MemWrite(0x30000, []byte{1}) }, ErrWriteUnmapped},
		{"read unmapped", func() error { return e.MemRead(0x30000, make([]byte, 1)) }, ErrReadUnmapped},
		{"protect", func() error { return e.MemProtect(0x12000, PageSize, ProtRead) }, ErrOK},
		{"unmap middle", func() error { return e.MemUnmap(0x11000, PageSize) }, ErrOK},
		{"unmap unmapped", func() error { return e.MemUnmap(0x40000, PageSize) }, ErrNoMem},
	}
	for _, tt := range tests {
		err := tt.do()
		if tt.want == ErrOK {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	got := make([]byte, 2)
	if err := e.MemRead(0x10ffe, got); err != nil || !bytes.Equal(got, []byte{1, 2}) {
		t.Errorf("MemRead = % x, %v; want 01 02", got, err)
	}
	regions, err := e.MemRegions()
	if err != nil {
		t.Fatal(err)
	}
	want := []Region{
		{0x1000, PageSize, ProtAll},
		{0x10000, PageSize, ProtRead | ProtWrite},
		{0x12000, PageSize, ProtRead},
		{0x13000, PageSize, ProtRead | ProtWrite},
	}
	if len(regions) != len(want) {
		t.Fatalf("MemRegions = %+v, want %+v", regions, want)
	}
	for i := range want {
		if regions[i] != want[i] {
			t.Errorf("region %d = %+v, want %+v", i, regions[i], want[i])
		}
	}
}

func TestRegisters(t *testing.T) {
	e := newX86(t, code(t, codeNop))
	for _, tt := range []struct {
		reg  Reg
		in   uint64
		want uint64
	}{
		{X86RegRAX, 0x1122334455667788, 0x1122334455667788},
		{X86RegR15, ^uint64(0), ^uint64(0)},
		{X86RegRIP, 0x1000, 0x1000},
		{X86RegEFLAGS, 0x1_0000_0ad7, 0xad7}, // 32 bits; reserved bit 1 always set
		{X86RegMXCSR, 0x1f80, 0x1f80},        // 32 bits
		{X86RegFPCW, 0x1_037f, 0x037f},       // 16 bits
		{X86RegFSBase, 0x7fff_0000_1000, 0x7fff_0000_1000},
	} {
		if err := e.RegWrite(tt.reg, tt.in); err != nil {
			t.Fatalf("RegWrite(%d): %v", tt.reg, err)
		}
		if got := reg(t, e, tt.reg); got != tt.want {
			t.Errorf("register %d = %#x, want %#x", tt.reg, got, tt.want)
		}
	}
	xmm := code(t, "00112233445566778899aabbccddeeff")
	if err := e.RegWriteBytes(X86RegXMM7, xmm); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 32)
	if n, err := e.RegReadBytes(X86RegYMM7, got); err != nil || n != 32 || !bytes.Equal(got[:16], xmm) || !bytes.Equal(got[16:], make([]byte, 16)) {
		t.Errorf("ymm7 = % x (%d, %v), want xmm7 then zeros", got, n, err)
	}
	if err := e.RegWriteBytes(X86RegXMM0, make([]byte, 65)); err == nil {
		t.Error("65-byte register write accepted")
	}
	if err := e.RegWriteMMR(X86RegGDTR, X86MMR{Base: 0xffff_8000_0000_0000, Limit: 0x7f}); err != nil {
		t.Fatal(err)
	}
	if m, err := e.RegReadMMR(X86RegGDTR); err != nil || m.Base != 0xffff_8000_0000_0000 || m.Limit != 0x7f {
		t.Errorf("GDTR = %+v, %v", m, err)
	}
	if efer, err := e.ReadMSR(0xc000_0080); err != nil || efer&0x500 != 0x500 {
		t.Errorf("EFER = %#x, %v; want LME and LMA set in 64-bit mode", efer, err)
	}
	if r, ok := X86RegByName("fs_base"); !ok || r != X86RegFSBase {
		t.Errorf("X86RegByName(fs_base) = %d, %v", r, ok)
	}
	if _, ok := X86RegByName("st8"); ok {
		t.Error("X86RegByName(st8) found a register")
	}
}

// TestX87Registers pins down what FPn and STn mean in Unicorn 2.0.1: FPn is
// the physical register Rn, STn is relative to TOP.
func TestX87Registers(t *testing.T) {
	e := newX86(t, code(t, "d9e8d9eb")) // fld1; fldpi
	if err := e.RegWrite(X86RegFPTag, 0xffff); err != nil {
		t.Fatal(err)
	}
	if err := e.Start(0x1000, noExit, 0, 2); err != nil {
		t.Fatal(err)
	}
	if sw := reg(t, e, X86RegFPSW); (sw>>11)&7 != 6 {
		t.Fatalf("TOP = %d after two pushes, want 6", (sw>>11)&7)
	}
	one := code(t, "0000000000000080ff3f")
	pi := code(t, "35c26821a2da0fc90040")
	for _, tt := range []struct {
		reg  Reg
		want []byte
	}{
		{X86RegFP7, one}, {X86RegFP6, pi}, {X86RegST0, pi}, {X86RegST1, one}, {X86RegFP0, make([]byte, 10)},
	} {
		got := make([]byte, 10)
		if _, err := e.RegReadBytes(tt.reg, got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, tt.want) {
			t.Errorf("register %d = % x, want % x", tt.reg, got, tt.want)
		}
	}
	if tag := reg(t, e, X86RegFPTag); tag != 0x0fff {
		t.Errorf("FPTAG = %#x, want 0x0fff (R6, R7 valid)", tag)
	}
}

func TestRegBatch(t *testing.T) {
	e := newX86(t, code(t, codeNop))
	b, err := e.NewRegBatch([]BatchReg{
		{X86RegRAX, 0, 8},
		{X86RegCS, 8, 4}, // 16-bit value in a 32-bit slot
		{X86RegXMM1, 16, 16},
		{X86RegEFLAGS, 40, 4},
	})
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != 44 {
		t.Errorf("Len = %d, want 44", b.Len())
	}
	src := make([]byte, 44)
	binary.LittleEndian.PutUint64(src[0:], 0xdead_beef_0000_0001)
	binary.LittleEndian.PutUint32(src[8:], 0xffff_0033) // upper half dropped by Unicorn
	for i := 16; i < 32; i++ {
		src[i] = byte(i)
	}
	binary.LittleEndian.PutUint32(src[40:], 0x246)
	if err := b.Write(src); err != nil {
		t.Fatal(err)
	}
	dst := bytes.Repeat([]byte{0xee}, 48)
	if err := b.Read(dst); err != nil {
		t.Fatal(err)
	}
	want := append([]byte(nil), src...)
	binary.LittleEndian.PutUint32(want[8:], 0x33)
	for _, i := range []int{12, 13, 14, 15, 32, 33, 34, 35, 36, 37, 38, 39} {
		want[i] = 0xee // not in a slot: untouched
	}
	want = append(want, 0xee, 0xee, 0xee, 0xee)
	if !bytes.Equal(dst, want) {
		t.Errorf("batch read\n got % x\nwant % x", dst, want)
	}
	if err := b.Read(make([]byte, 43)); err == nil {
		t.Error("short buffer accepted")
	}
	for _, bad := range [][]BatchReg{
		nil,
		{{X86RegRAX, 0, 8}, {X86RegRBX, 4, 8}},
		{{X86RegRAX, -1, 8}},
		{{X86RegRAX, 0, 65}},
	} {
		if _, err := e.NewRegBatch(bad); err == nil {
			t.Errorf("NewRegBatch(%v) accepted", bad)
		}
	}
	b.Close()
	if err := b.Read(dst); err == nil {
		t.Error("Read on a closed batch succeeded")
	}
}

func TestStart(t *testing.T) {
	t.Run("count", func(t *testing.T) {
		e := newX86(t, code(t, codeMovRAX, codeAddRAX, codeIncRAX))
		if err := e.RegWrite(X86RegRBX, 1); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(0x1000, noExit, 0, 2); err != nil {
			t.Fatal(err)
		}
		if rax, rip := reg(t, e, X86RegRAX), reg(t, e, X86RegRIP); rax != 0x1122334455667789 || rip != 0x100d {
			t.Errorf("rax = %#x rip = %#x, want 0x1122334455667789 0x100d", rax, rip)
		}
	})
	t.Run("until", func(t *testing.T) {
		e := newX86(t, code(t, codeIncRAX, codeIncRAX, codeIncRAX))
		if err := e.Start(0x1000, 0x1006, 0, 0); err != nil {
			t.Fatal(err)
		}
		if rax := reg(t, e, X86RegRAX); rax != 2 {
			t.Errorf("rax = %d, want 2", rax)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		e := newX86(t, code(t, codeSpin))
		start := time.Now()
		if err := e.Start(0x1000, noExit, 50*time.Millisecond, 0); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 40*time.Millisecond || d > 10*time.Second {
			t.Errorf("spin with a 50ms timeout returned after %v", d)
		}
	})
	t.Run("negative timeout", func(t *testing.T) {
		e := newX86(t, code(t, codeNop))
		if err := e.Start(0x1000, noExit, -time.Second, 1); err == nil {
			t.Error("negative timeout accepted")
		}
	})
	t.Run("start read", func(t *testing.T) {
		e := newX86(t, code(t, codeIncRAX, codeLoad))
		b, err := e.NewRegBatch([]BatchReg{{X86RegRAX, 0, 8}, {X86RegRIP, 8, 8}})
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 16)
		if err := e.StartRead(0x1000, noExit, 0, 1, b, buf); err != nil {
			t.Fatal(err)
		}
		if rax, rip := binary.LittleEndian.Uint64(buf), binary.LittleEndian.Uint64(buf[8:]); rax != 1 || rip != 0x1003 {
			t.Errorf("after inc: rax %d rip %#x", rax, rip)
		}
		err = e.StartRead(0x1003, noExit, 0, 1, b, buf)
		if !errors.Is(err, ErrReadUnmapped) {
			t.Fatalf("load from unmapped memory: %v", err)
		}
		if rip := binary.LittleEndian.Uint64(buf[8:]); rip != 0x1003 {
			t.Errorf("registers not read after a fault: rip %#x", rip)
		}
	})
	t.Run("invalid instruction", func(t *testing.T) {
		e := newX86(t, code(t, codeUD2))
		if err := e.Start(0x1000, noExit, 0, 1); !errors.Is(err, ErrInsnInvalid) {
			t.Errorf("ud2: %v, want ErrInsnInvalid", err)
		}
	})
}

func TestHooks(t *testing.T) {
	t.Run("code", func(t *testing.T) {
		e := newX86(t, code(t, codeIncRAX, codeNop, codeIncRAX))
		var addrs []uint64
		var sizes []uint32
		if _, err := e.HookCode(1, 0, func(addr uint64, size uint32) {
			addrs = append(addrs, addr)
			sizes = append(sizes, size)
		}); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(0x1000, 0x1007, 0, 0); err != nil {
			t.Fatal(err)
		}
		if len(addrs) != 3 || addrs[0] != 0x1000 || addrs[1] != 0x1003 || addrs[2] != 0x1004 || sizes[1] != 1 {
			t.Errorf("code hook saw %#x sizes %v", addrs, sizes)
		}
	})
	t.Run("memory write sees the old value", func(t *testing.T) {
		e := newX86(t, code(t, codeMovRAX, codeStore))
		if err := e.MemMap(0x2000, PageSize, ProtRead|ProtWrite); err != nil {
			t.Fatal(err)
		}
		if err := e.MemWrite(0x2000, []byte{9, 9, 9, 9, 9, 9, 9, 9}); err != nil {
			t.Fatal(err)
		}
		type ev struct {
			access    MemAccess
			addr, old uint64
			size      int
			value     int64
		}
		var got []ev
		if _, err := e.HookMem(HookMemWrite, 1, 0, func(a MemAccess, addr uint64, size int, value int64) {
			old := make([]byte, 8)
			if err := e.MemRead(addr, old); err != nil {
				t.Error(err)
			}
			got = append(got, ev{a, addr, binary.LittleEndian.Uint64(old), size, value})
		}); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(0x1000, noExit, 0, 2); err != nil {
			t.Fatal(err)
		}
		want := []ev{{MemWrite, 0x2000, 0x0909090909090909, 8, 0x1122334455667788}}
		if len(got) != 1 || got[0] != want[0] {
			t.Errorf("write hook saw %+v, want %+v", got, want)
		}
	})
	t.Run("unmapped access mapped by the hook", func(t *testing.T) {
		e := newX86(t, code(t, codeLoad))
		var events []string
		if _, err := e.HookMemInvalid(HookMemUnmapped, 1, 0, func(a MemAccess, addr uint64, size int, _ int64) bool {
			events = append(events, a.String()+" "+strconv.FormatUint(addr, 16)+"/"+strconv.Itoa(size))
			if err := e.MemMap(addr&^(PageSize-1), PageSize, ProtRead); err != nil {
				t.Error(err)
				return false
			}
			return e.MemWrite(addr, []byte{0x2a}) == nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(0x1000, noExit, 0, 1); err != nil {
			t.Fatal(err)
		}
		if rax := reg(t, e, X86RegRAX); rax != 0x2a || len(events) != 1 || events[0] != "read unmapped 3000/8" {
			t.Errorf("rax = %#x, events %q", rax, events)
		}
	})
	t.Run("protection fault", func(t *testing.T) {
		e := newX86(t, code(t, codeStore))
		if err := e.MemMap(0x2000, PageSize, ProtRead); err != nil {
			t.Fatal(err)
		}
		var seen MemAccess
		if _, err := e.HookMemInvalid(HookMemProt, 1, 0, func(a MemAccess, addr uint64, size int, _ int64) bool {
			seen = a
			return false
		}); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(0x1000, noExit, 0, 1); !errors.Is(err, ErrWriteProt) || seen != MemWriteProt {
			t.Errorf("err %v, hook saw %v", err, seen)
		}
	})
	t.Run("interrupt", func(t *testing.T) {
		e := newX86(t, code(t, codeInt3, codeIncRAX))
		var intnos []uint32
		if _, err := e.HookInterrupt(func(n uint32) {
			intnos = append(intnos, n)
			if err := e.Stop(); err != nil {
				t.Error(err)
			}
		}); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(0x1000, noExit, 0, 0); err != nil {
			t.Fatal(err)
		}
		// int3 is a trap: Unicorn resumes (here: stops) after it.
		if len(intnos) != 1 || intnos[0] != 3 || reg(t, e, X86RegRIP) != 0x1001 || reg(t, e, X86RegRAX) != 0 {
			t.Errorf("interrupts %v, rip %#x", intnos, reg(t, e, X86RegRIP))
		}
	})
	t.Run("invalid instruction", func(t *testing.T) {
		e := newX86(t, code(t, codeUD2))
		calls := 0
		if _, err := e.HookInsnInvalid(func() bool { calls++; return false }); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(0x1000, noExit, 0, 1); !errors.Is(err, ErrInsnInvalid) || calls != 1 {
			t.Errorf("err %v after %d calls", err, calls)
		}
	})
	t.Run("syscall", func(t *testing.T) {
		e := newX86(t, code(t, codeIncRAX, codeSyscall, codeIncRAX))
		var rips []uint64
		if _, err := e.HookSyscall(X86InsSyscall, func() { rips = append(rips, reg(t, e, X86RegRIP)) }); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(0x1000, noExit, 0, 3); err != nil {
			t.Fatal(err)
		}
		if len(rips) != 1 || rips[0] != 0x1003 || reg(t, e, X86RegRAX) != 2 {
			t.Errorf("syscall hook at %#x, rax %d", rips, reg(t, e, X86RegRAX))
		}
	})
	t.Run("cpuid", func(t *testing.T) {
		e := newX86(t, code(t, codeCPUID))
		if _, err := e.HookCPUID(func() bool {
			for _, r := range []Reg{X86RegRAX, X86RegRBX, X86RegRCX, X86RegRDX} {
				if err := e.RegWrite(r, 0x42); err != nil {
					t.Error(err)
				}
			}
			return true
		}); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(0x1000, noExit, 0, 1); err != nil {
			t.Fatal(err)
		}
		if rbx, rip := reg(t, e, X86RegRBX), reg(t, e, X86RegRIP); rbx != 0x42 || rip != 0x1002 {
			t.Errorf("rbx %#x rip %#x after a skipped cpuid", rbx, rip)
		}
	})
	t.Run("delete", func(t *testing.T) {
		e := newX86(t, code(t, codeNop, codeNop))
		calls := 0
		h, err := e.HookCode(1, 0, func(uint64, uint32) { calls++ })
		if err != nil {
			t.Fatal(err)
		}
		if err := e.HookDel(h); err != nil {
			t.Fatal(err)
		}
		if err := e.HookDel(h); !errors.Is(err, ErrArg) {
			t.Errorf("second HookDel: %v", err)
		}
		if err := e.Start(0x1000, noExit, 0, 2); err != nil || calls != 0 || e.Hooks() != 0 {
			t.Errorf("deleted hook called %d times (err %v, %d hooks)", calls, err, e.Hooks())
		}
	})
}

func TestCallbackPanic(t *testing.T) {
	e := newX86(t, code(t, codeNop, codeNop))
	if _, err := e.HookCode(1, 0, func(uint64, uint32) { panic("boom") }); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("recovered %v, want the callback's panic", r)
		}
		// The engine stays usable after the panic crossed back into Go.
		if _, err := e.RegRead(X86RegRIP); err != nil {
			t.Error(err)
		}
	}()
	e.Start(0x1000, noExit, 0, 2)
	t.Error("Start returned instead of re-panicking")
}

func TestContext(t *testing.T) {
	e := newX86(t, code(t, codeIncRAX))
	c, err := e.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(0x1000, noExit, 0, 1); err != nil {
		t.Fatal(err)
	}
	if reg(t, e, X86RegRAX) != 1 {
		t.Fatal("inc did not run")
	}
	if err := e.RestoreContext(c); err != nil {
		t.Fatal(err)
	}
	if rax := reg(t, e, X86RegRAX); rax != 0 {
		t.Errorf("rax = %d after restore, want 0", rax)
	}
	if err := e.SaveContext(c); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.RestoreContext(c); err == nil {
		t.Error("restore from a closed context succeeded")
	}
}

func TestCPUModel(t *testing.T) {
	e, err := Open(ArchX86, Mode64)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.SetCPUModel(X86CPUHaswell); err != nil {
		t.Fatal(err)
	}
	if m, err := e.CPUModel(); err != nil || m != X86CPUHaswell {
		t.Errorf("CPUModel = %d, %v", m, err)
	}
	if m, err := e.Mode(); err != nil || m != Mode64 {
		t.Errorf("Mode = %d, %v", m, err)
	}
	if ps, err := e.PageSize(); err != nil || ps != PageSize {
		t.Errorf("PageSize = %d, %v", ps, err)
	}
}

// TestTranslationCache documents that MemWrite does not invalidate
// translated code in Unicorn 2.0.1: callers that rewrite code must call
// RemoveCache (or FlushTranslations).
func TestTranslationCache(t *testing.T) {
	for _, tt := range []struct {
		name  string
		flush func(e *Engine) error
		want  uint64
	}{
		{"stale without flush", func(*Engine) error { return nil }, 2},
		{"RemoveCache", func(e *Engine) error { return e.RemoveCache(0x1000, 0x2000) }, 0},
		{"FlushTranslations", (*Engine).FlushTranslations, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newX86(t, code(t, codeIncRAX))
			if err := e.Start(0x1000, noExit, 0, 1); err != nil {
				t.Fatal(err)
			}
			if err := e.MemWrite(0x1000, code(t, codeDecRAX)); err != nil {
				t.Fatal(err)
			}
			if err := tt.flush(e); err != nil {
				t.Fatal(err)
			}
			if err := e.Start(0x1000, noExit, 0, 1); err != nil {
				t.Fatal(err)
			}
			if rax := reg(t, e, X86RegRAX); rax != tt.want {
				t.Errorf("rax = %d, want %d", rax, tt.want)
			}
		})
	}
}

// TestCloseReleasesHandles checks that Close deletes every callback handle.
func TestCloseReleasesHandles(t *testing.T) {
	e, err := Open(ArchX86, Mode64)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := e.HookCode(1, 0, func(uint64, uint32) {}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.HookInterrupt(func(uint32) {}); err != nil {
		t.Fatal(err)
	}
	var handles []cgo.Handle
	for _, h := range e.hooks {
		handles = append(handles, h.handle)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if len(handles) != 4 || e.Hooks() != 0 {
		t.Fatalf("%d handles, %d hooks left", len(handles), e.Hooks())
	}
	for _, h := range handles {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("handle %d still valid after Close", h)
				}
			}()
			h.Value()
		}()
	}
}

func rss(t testing.TB) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip("no /proc/self/statm")
	}
	f := strings.Fields(string(b))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}

// TestStress opens and closes thousands of engines, each with hooks of
// every kind, a register batch and a context, and checks that the process
// does not grow: every handle and C allocation must be released.
func TestStress(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	prog := code(t, codeIncRAX, codeStore, codeInt3)
	deadline := time.Now().Add(3 * time.Minute)
	round := func() {
		e, err := Open(ArchX86, Mode64)
		if err != nil {
			t.Fatal(err)
		}
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(e.MemMap(0x1000, PageSize, ProtAll))
		must(e.MemMap(0x2000, PageSize, ProtRead|ProtWrite))
		must(e.MemWrite(0x1000, prog))
		writes := 0
		_, err = e.HookMem(HookMemWrite, 1, 0, func(MemAccess, uint64, int, int64) { writes++ })
		must(err)
		_, err = e.HookMemInvalid(HookMemInvalid, 1, 0, func(MemAccess, uint64, int, int64) bool { return false })
		must(err)
		_, err = e.HookInterrupt(func(uint32) { e.Stop() })
		must(err)
		_, err = e.HookCode(1, 0, func(uint64, uint32) {})
		must(err)
		b, err := e.NewRegBatch([]BatchReg{{X86RegRAX, 0, 8}, {X86RegXMM0, 8, 16}})
		must(err)
		_, err = e.NewContext()
		must(err)
		buf := make([]byte, b.Len())
		must(e.StartRead(0x1000, noExit, 0, 0, b, buf))
		if writes != 1 || buf[0] != 1 {
			t.Fatalf("round ran wrong: %d writes, rax %d", writes, buf[0])
		}
		must(e.Close())
	}
	for i := 0; i < 50; i++ { // warm up allocators before measuring
		round()
	}
	before := rss(t)
	for i := 0; i < n; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("only %d engines in 3 minutes", i)
		}
		round()
	}
	grown := rss(t) - before
	t.Logf("%d engines, RSS grew %d KiB", n, grown/1024)
	if grown > 32<<20 {
		t.Errorf("RSS grew %d MiB over %d engines: something leaks", grown>>20, n)
	}
}
