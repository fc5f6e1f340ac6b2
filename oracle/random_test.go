package oracle

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"testing"

	"golang.org/x/arch/x86/x86asm"

	"lockstep/machine"
	"lockstep/unicorn"
)

// randomInstruction returns a random instruction that x86asm decodes:
// prefixes, an opcode of the one-byte, 0F, 0F38 or 0F3A map, a ModRM byte
// (mostly a memory operand) and random immediates.
func randomInstruction(rng *rand.Rand) []byte {
	prefixes := []byte{0x66, 0xf2, 0xf3, 0x48, 0x41, 0x4c, 0x45, 0x66, 0x44, 0x49}
	for {
		var c []byte
		for p := rng.Intn(3); p > 0; p-- {
			c = append(c, prefixes[rng.Intn(len(prefixes))])
		}
		switch rng.Intn(4) {
		case 1:
			c = append(c, 0x0f)
		case 2:
			c = append(c, 0x0f, 0x38)
		case 3:
			c = append(c, 0x0f, 0x3a)
		}
		c = append(c, byte(rng.Intn(256)))
		reg := byte(rng.Intn(8))
		switch rng.Intn(6) {
		case 0:
			c = append(c, 0xc0|reg<<3|byte(rng.Intn(8))) // register
		case 1:
			c = append(c, 0x44|reg<<3, byte(rng.Intn(256)), byte(rng.Intn(256))) // [base+index*s+disp8]
		default:
			c = append(c, 0x40|reg<<3|[]byte{3, 5, 6, 7}[rng.Intn(4)], byte(rng.Intn(256))) // [rbx/rbp/rsi/rdi+disp8]
		}
		for i := 0; i < 8; i++ {
			c = append(c, byte(rng.Intn(256)))
		}
		in, err := x86asm.Decode(c, 64)
		if err != nil || in.Op == 0 {
			continue
		}
		return c[:in.Len]
	}
}

// cplDependent are instructions whose result differs between the oracle's
// CPL 3 and plain Unicorn's CPL 0 (IF and IOPL in popf) or its scratch
// GDT (the descriptor-table registers).
var cplDependent = map[x86asm.Op]bool{
	x86asm.POPF: true, x86asm.POPFQ: true, x86asm.POPFD: true,
	x86asm.SGDT: true, x86asm.SIDT: true, x86asm.SLDT: true, x86asm.STR: true, x86asm.SMSW: true,
}

// TestMatchesPlainUnicorn runs random instructions on the oracle and on
// plain Unicorn (no hooks, every page written beforehand) and requires the
// same registers and memory, and a write log that covers every changed
// byte: the oracle's hooks, lazy paging, write log, undo and re-runs must
// not change what Unicorn computes. Memory operands point at pages the
// oracle has not fetched, some across a page boundary, some into a
// read-only page: a fault must leave memory untouched. Instructions the
// oracle does not execute (privileged, system calls, host-dependent) or
// corrects on purpose are left out.
func TestMatchesPlainUnicorn(t *testing.T) {
	if testing.Short() {
		t.Skip("random instructions")
	}
	n := 600
	if v := os.Getenv("ORACLE_RANDOM_N"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	if raceEnabled {
		n = 100
	}
	rng := rand.New(rand.NewSource(seed()))
	compared := 0
	for i := 0; i < n; i++ {
		code := randomInstruction(rng)
		in := decode(code)
		switch {
		case in.class != clsNormal, in.segLoad:
			continue // the oracle does not run it, or loads descriptors plain Unicorn lacks
		case in.fix != fixNone && in.fix != fixEnter && in.fix != fixShiftCL && in.fix != fixShiftD:
			continue // corrected: plain Unicorn is wrong
		}
		if x, _ := x86asm.Decode(code, 64); cplDependent[x.Op] {
			continue
		}
		var gprs [16]uint64
		for j := range gprs {
			gprs[j] = rng.Uint64()
			if rng.Intn(3) == 0 {
				gprs[j] &= 0x3f
			}
		}
		xmm := make([]byte, 16*16)
		rng.Read(xmm)
		data := make([]byte, 2*pageSize)
		rng.Read(data)
		flags := uint64(rng.Intn(0x1000)) & flagStatus
		t.Run(fmt.Sprintf("%x", code), func(t *testing.T) {
			edit := func(s *machine.Snapshot, src *fakeSource) {
				for j, name := range []string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
					"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"} {
					s.SetUint64(name, gprs[j])
				}
				s.SetUint64("rbx", dataBase+2*pageSize-8) // accesses may straddle into the read-only page
				s.SetUint64("rsi", dataBase+0x800)
				s.SetUint64("rdi", dataBase+pageSize+0x800)
				s.SetUint64("rbp", stackPtr-0x800)
				s.SetUint64("rsp", stackPtr-0x400)
				s.SetUint64("eflags", 0x202|flags)
				for j := 0; j < 16; j++ {
					copy(s.Bytes(fmt.Sprintf("xmm%d", j)), xmm[16*j:])
				}
				src.write(dataBase, data)
			}
			o := newTestOracle(t, fmt.Sprintf("%x", code), edit)
			init := o.layout.NewSnapshot()
			if err := o.Registers(init); err != nil {
				t.Fatal(err)
			}
			p := newPlainCPU(t, o.layout, init, o.src)
			before := cachedMemory(o)
			r := o.step()
			if r.Kind == Fault && !isTrap(r.Fault.Vector) {
				// A fault leaves memory as it was (Unicorn's partial
				// writes are undone) and rip at the instruction.
				checkWrites(t, o, Result{}, before)
				if rip := o.reg("rip"); rip != r.PC {
					t.Errorf("rip %#x after a fault at %#x", rip, r.PC)
				}
			}
			if r.Kind != Executed {
				return
			}
			compared++
			checkWrites(t, o, r, before)
			perr := p.step()
			rip, _ := p.eng.RegRead(unicorn.X86RegRIP)
			if perr != nil && rip == r.PC {
				t.Fatalf("plain Unicorn failed where the oracle executed: %v (%+v)", perr, r)
			}
			if rip == r.PC && !r.Repeat && o.reg("rip") != r.PC {
				p.step() // a rep instruction's final step, folded by the oracle
			}
			if d := compareRegs(o.Oracle, o.regs(), p.regs()); len(d) > 0 {
				t.Errorf("%s: registers differ (oracle/plain): %v", mnemonic(code), d)
			}
			for _, page := range o.CachedPages() {
				got, want := o.mem(page, pageSize), p.mem(page, pageSize)
				for j := range got {
					if got[j] != want[j] {
						t.Errorf("%s: memory at %#x: oracle %#x, plain %#x", mnemonic(code), page+uint64(j), got[j], want[j])
						break
					}
				}
			}
		})
	}
	t.Logf("%d of %d compared", compared, n)
	if compared < n/3 {
		t.Errorf("only %d of %d random instructions compared", compared, n)
	}
}

func seed() int64 {
	if v, err := strconv.ParseInt(os.Getenv("ORACLE_RANDOM_SEED"), 10, 64); err == nil {
		return v
	}
	return 2
}
