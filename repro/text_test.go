package repro

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"lockstep/machine"
)

const (
	rx  = machine.PermRead | machine.PermExec
	rw  = machine.PermRead | machine.PermWrite
	ro  = machine.PermRead
	rwx = machine.PermRead | machine.PermWrite | machine.PermExec
)

// page returns a zero page with the given bytes at the given offsets.
func page(n int, at ...any) []byte {
	b := make([]byte, n*PageSize)
	for i := 0; i+1 < len(at); i += 2 {
		copy(b[at[i].(int):], at[i+1].([]byte))
	}
	return b
}

func mustReg(t testing.TB, c *Case, name string, v uint64) {
	t.Helper()
	if err := c.SetReg(name, v); err != nil {
		t.Fatal(err)
	}
}

// pdepCase is the sample case, built by hand.
func pdepCase(t testing.TB) *Case {
	c := &Case{
		Arch:        Arch,
		Labels:      []string{"bmi2", "pdep"},
		Description: "pdep with the mask in rcx",
		Memory:      []Region{{Addr: 0x401000, Perm: rx, Data: page(1)}},
		Insns:       []Insn{{Addr: 0x401000, Bytes: []byte{0xc4, 0xe2, 0xe3, 0xf5, 0xc1}, Text: "pdep rax, rbx, rcx"}},
		Divergence: &Divergence{Kind: KindRegister, Insn: 0, PC: 0x401000, Register: "rax",
			Reference: le(0x40302010, 8), Oracle: le(0x4000, 8), Host: le(0x40302010, 8)},
		Verdict: Verdict{Name: FollowerWrong, Reason: "Unicorn swaps the operands"},
	}
	mustReg(t, c, "rbx", 0x4321)
	mustReg(t, c, "rcx", 0xf0f0f0f0)
	return c
}

func TestRoundTrip(t *testing.T) {
	st0 := []byte{0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f} // 1.0
	tests := []struct {
		name string
		make func(t *testing.T) *Case
	}{
		{"pdep", func(t *testing.T) *Case { return pdepCase(t) }},
		{"minimal", func(t *testing.T) *Case {
			return &Case{Arch: Arch, Memory: []Region{{Addr: 0x10000000, Perm: rwx, Data: page(1)}},
				Insns: []Insn{{Addr: 0x10000ffe, Bytes: []byte{0x66, 0x90}}}}
		}},
		{"every register and a multi-line description", func(t *testing.T) *Case {
			c := pdepCase(t)
			c.Description = "first line\n\nthird line: with = and # and ; in it"
			for i, r := range Registers() {
				if r.Name == "rip" {
					continue
				}
				v := make([]byte, r.Size())
				for j := range v {
					v[j] = byte(i*7 + j)
				}
				if err := c.SetRegBytes(r.Name, v); err != nil {
					t.Fatal(err)
				}
			}
			mustReg(t, c, "rip", 0x401000)
			c.SetRegBytes("st3", st0)
			return c
		}},
		{"memory with data and several regions", func(t *testing.T) *Case {
			c := pdepCase(t)
			c.Memory = []Region{
				{Addr: 0x401000, Perm: rx, Data: page(1, 0x10, []byte{0xde, 0xad}, 0xfff, []byte{1})},
				{Addr: 0x402000, Perm: ro, Data: page(2, 0, []byte("hello"), 0x1ff0, bytes.Repeat([]byte{0xff}, 16))},
				{Addr: 0x7fff0000, Perm: rw, Data: page(1)},
				{Addr: 0x7fff1000, Perm: 0, Data: page(1)},
			}
			c.Insns = append(c.Insns, Insn{Addr: 0x401005, Bytes: []byte{0x48, 0x8b, 0x04, 0x25, 0x00, 0x20, 0x40, 0x00}, Text: "mov rax, qword ptr [0x402000]"},
				Insn{Addr: 0x401100, Bytes: []byte{0xc3}})
			return c
		}},
		{"memory divergence without host", func(t *testing.T) *Case {
			c := pdepCase(t)
			c.Divergence = &Divergence{Kind: KindMemory, Insn: 0, PC: 0x401000, Address: 0x7fffe008,
				Reference: []byte{1, 2, 3}, Oracle: []byte{1, 2, 4}, Detail: "stack slot"}
			c.Verdict = Verdict{Name: Unjudged}
			return c
		}},
		{"flags divergence, tolerance", func(t *testing.T) *Case {
			c := pdepCase(t)
			mustReg(t, c, "eflags", 0x246)
			c.Divergence = &Divergence{Kind: KindFlags, Insn: 0, PC: 0x401000, Register: "eflags",
				Reference: le(0x202, 4), Oracle: le(0x212, 4)}
			c.Verdict = Verdict{Name: Tolerance, Reason: "AF is undefined after this instruction"}
			return c
		}},
		{"fault divergence, no verdict, no labels", func(t *testing.T) *Case {
			c := pdepCase(t)
			c.Labels = nil
			c.Description = ""
			c.Divergence = &Divergence{Kind: KindFault, Insn: 0, PC: 0x401000,
				Reference: []byte("none"), Oracle: []byte("signal 11"), Host: []byte("none")}
			c.Verdict = Verdict{}
			return c
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.make(t)
			var b bytes.Buffer
			if err := c.Write(&b); err != nil {
				t.Fatal(err)
			}
			got, err := Parse(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatalf("%v\n%s", err, b.String())
			}
			if !reflect.DeepEqual(got, c) {
				t.Fatalf("round trip differs:\nwrote\n%s\ngot  %+v\nwant %+v", b.String(), got, c)
			}
			if again := got.String(); again != b.String() {
				t.Fatalf("second write differs:\n%s\nvs\n%s", again, b.String())
			}
		})
	}
}

func TestSampleCases(t *testing.T) {
	files, err := os.ReadDir("../corpus/cases")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".repro") {
			continue
		}
		n++
		t.Run(f.Name(), func(t *testing.T) {
			b, err := os.ReadFile("../corpus/cases/" + f.Name())
			if err != nil {
				t.Fatal(err)
			}
			c, err := Parse(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.ELF(); err != nil {
				t.Fatal(err)
			}
		})
	}
	if n == 0 {
		t.Fatal("no cases in corpus/cases")
	}
	c, err := parseFile(t, "../corpus/cases/pdep.repro")
	if err != nil {
		t.Fatal(err)
	}
	if c.RegUint64("rbx") != 0x4321 || c.RegUint64("rcx") != 0xf0f0f0f0 || c.Verdict.Name != FollowerWrong ||
		!bytes.Equal(c.Divergence.Reference, le(0x40302010, 8)) || c.Insns[0].Text != "pdep rax, rbx, rcx" {
		t.Errorf("pdep.repro parsed as %+v", c)
	}
}

func parseFile(t *testing.T, path string) (*Case, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Parse(f)
}

func TestDefaults(t *testing.T) {
	c := pdepCase(t)
	for _, tt := range []struct {
		name string
		want uint64
	}{{"rax", 0}, {"rbx", 0x4321}, {"rsp", DefaultRSP}, {"rip", 0x401000}, {"eflags", 0x202}, {"mxcsr", 0x1f80},
		{"fctrl", 0x37f}, {"ftag", 0xffff}, {"fs_base", 0}, {"xmm5", 0}} {
		if got := c.RegUint64(tt.name); got != tt.want {
			t.Errorf("%s = %#x, want %#x", tt.name, got, tt.want)
		}
	}
	if c.Reg("cs") != nil || c.SetReg("cs", 0) == nil || c.SetReg("eflags", 1<<32) == nil || c.SetRegBytes("rax", []byte{1}) == nil {
		t.Error("unknown register or bad width accepted")
	}
}

const good = `lockstep-case 1
arch x86-64
rbx = 0x4321
mem 0x401000 0x1000 r-x
insn 0x401000  c4 e2 e3 f5 c1  ; pdep rax, rbx, rcx
`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		line int
		want string
	}{
		{"empty", "", 1, "empty file"},
		{"no header", "arch x86-64\n", 1, "first line must be"},
		{"future version", "lockstep-case 2\n", 1, "version \"2\" is not supported"},
		{"no arch", "lockstep-case 1\nmem 0x401000 0x1000 r-x\ninsn 0x401000 90\n", 4, "no arch line"},
		{"other arch", "lockstep-case 1\narch aarch64\n", 2, "not supported"},
		{"unknown keyword", good + "frobnicate 1\n", 6, "unknown line"},
		{"unknown register", good + "rxx = 0x1\n", 6, "unknown register \"rxx\""},
		{"register twice", good + "rbx = 0x1\n", 6, "rbx given twice"},
		{"register too wide", good + "eflags = 0x100000000\n", 6, "1 to 8 hex digits"},
		{"register not hex", good + "rax = 0xzz\n", 6, "not hex"},
		{"register without 0x", good + "rax = 12\n", 6, "want 0x"},
		{"unaligned region", good + "mem 0x402010 0x1000 rw-\n", 6, "multiples of 0x1000"},
		{"overlapping region", good + "mem 0x401000 0x2000 rw-\n", 6, "overlaps region 0x401000 (line 4)"},
		{"low region", good + "mem 0x1000 0x1000 rw-\n", 6, "below 0x10000"},
		{"huge region", good + "mem 0x10000000 0x10000000 rw-\n", 6, "over the limit"},
		{"bad permissions", good + "mem 0x402000 0x1000 rwz\n", 6, "permissions"},
		{"data outside mem", good + "0x401000  01\n", 6, "outside a mem block"},
		{"data out of region", "lockstep-case 1\narch x86-64\nmem 0x401000 0x1000 r-x\n0x401ff8 00 01 02 03 04 05 06 07 08\n", 4, "outside region"},
		{"data going back", "lockstep-case 1\narch x86-64\nmem 0x401000 0x1000 r-x\n0x401010 01\n0x401000 01\n", 5, "addresses must increase"},
		{"data too long", "lockstep-case 1\narch x86-64\nmem 0x401000 0x1000 r-x\n0x401000 " + strings.Repeat("00 ", 17) + "\n", 4, "want 1 to 16"},
		{"bad byte", "lockstep-case 1\narch x86-64\nmem 0x401000 0x1000 r-x\n0x401000 0g\n", 4, "not hex"},
		{"no instructions", "lockstep-case 1\narch x86-64\nmem 0x401000 0x1000 r-x\n", 4, "no instructions"},
		{"insn outside memory", good + "insn 0x500000 90\n", 6, "in no mem region"},
		{"insn not executable", "lockstep-case 1\narch x86-64\nmem 0x401000 0x1000 rw-\ninsn 0x401000 90\n", 4, "not executable"},
		{"insn over data", "lockstep-case 1\narch x86-64\nmem 0x401000 0x1000 r-x\n0x401000 90\ninsn 0x401000 90\n", 5, "not zero"},
		{"two instructions on one line", good + "insn 0x401010 90 90\n", 6, "one instruction per insn line"},
		{"overlapping instructions", good + "insn 0x401002 90\n", 6, "overlaps instruction 0"},
		{"insn past region", "lockstep-case 1\narch x86-64\nmem 0x401000 0x1000 r-x\ninsn 0x401fff 48 89 c0\n", 4, "runs past"},
		{"insn too long", good + "insn 0x401010 " + strings.Repeat("66 ", 16) + "\n", 6, "want 1 to 15"},
		{"rip elsewhere", good + "rip = 0x401001\n", 6, "not the first instruction's address"},
		{"bad label", good + "labels ok b@d\n", 6, "bad label \"b@d\""},
		{"unknown verdict", good + "verdict qemu-wrong\n", 6, "unknown verdict"},
		{"reason without verdict", good + "reason because\n", 6, "reason without a verdict"},
		{"divergence field", good + "divergence colour red\n", 6, "unknown divergence field"},
		{"divergence incomplete", good + "divergence kind register\ndivergence insn 0\n", 6, "no pc line"},
		{"divergence bad index", good + "divergence kind fault\ndivergence insn 3\ndivergence pc 0x401000\ndivergence reference none\ndivergence oracle signal 11\n", 6, "the case has 1"},
		{"divergence pc mismatch", good + "divergence kind fault\ndivergence insn 0\ndivergence pc 0x401001\ndivergence reference none\ndivergence oracle signal 11\n", 6, "not instruction 0's address"},
		{"divergence odd digits", good + "divergence kind register\ndivergence insn 0\ndivergence pc 0x401000\ndivergence register rax\ndivergence reference 0x123\ndivergence oracle 0x12\n", 10, "even number of hex digits"},
		{"divergence register on memory", good + "divergence kind memory\ndivergence insn 0\ndivergence pc 0x401000\ndivergence address 0x402000\ndivergence register rax\ndivergence reference 01\ndivergence oracle 02\n", 10, "has no register"},
		{"divergence kind", good + "divergence kind weird\ndivergence insn 0\ndivergence pc 0x401000\ndivergence reference 01\ndivergence oracle 02\n", 6, "unknown divergence kind"},
		{"divergence twice", good + "divergence kind fault\ndivergence kind fault\n", 7, "given twice"},
		{"control character", good + "description a\x01b\n", 6, "control"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.text))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.Line != tt.line || !strings.Contains(pe.Error(), tt.want) {
				t.Fatalf("got %q, want line %d and %q", pe.Error(), tt.line, tt.want)
			}
		})
	}
	if _, err := Parse(strings.NewReader(good)); err != nil {
		t.Fatalf("the base text does not parse: %v", err)
	}
}

func TestWriteRefusesInvalid(t *testing.T) {
	for _, tt := range []struct {
		name   string
		modify func(c *Case)
	}{
		{"no arch", func(c *Case) { c.Arch = "" }},
		{"wrong width", func(c *Case) { c.Regs["rbx"] = []byte{1} }},
		{"unknown register", func(c *Case) { c.Regs["cs"] = []byte{1, 0, 0, 0} }},
		{"unsorted regions", func(c *Case) {
			c.Memory = append([]Region{{Addr: 0x500000, Perm: rw, Data: page(1)}}, c.Memory...)
		}},
		{"description with trailing blank", func(c *Case) { c.Description = "x \ny" }},
		{"text with newline", func(c *Case) { c.Insns[0].Text = "a\nb" }},
		{"no oracle value", func(c *Case) { c.Divergence.Oracle = nil }},
		{"reason without verdict", func(c *Case) { c.Verdict.Name = "" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := pdepCase(t)
			tt.modify(c)
			if err := c.Write(&bytes.Buffer{}); err == nil {
				t.Fatal("invalid case written")
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(good)
	f.Add(pdepCase(f).String())
	b, err := os.ReadFile("../corpus/cases/pdep.repro")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
	f.Add(good + "mem 0x402000 0x2000 rw-\n  0x402000  01 02\n0x402ff0 ff # c\ndivergence kind memory\ndivergence insn 0\ndivergence pc 0x401000\ndivergence address 0x402000\ndivergence reference 01 02\ndivergence oracle 01 03\nverdict both-wrong\nreason r\n")
	f.Add(good + "description \n description  x\ndivergence kind fault\ndivergence insn 0\ndivergence pc 0x401000\ndivergence reference none\ndivergence oracle signal 11\ndivergence host none\ndivergence detail d\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := Parse(strings.NewReader(text))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		var out bytes.Buffer
		if err := c.Write(&out); err != nil {
			t.Fatalf("parsed case does not write: %v", err)
		}
		c2, err := Parse(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("written case does not parse: %v\n%s", err, out.String())
		}
		if !reflect.DeepEqual(c, c2) {
			t.Fatalf("round trip differs:\n%s", out.String())
		}
		if again := c2.String(); again != out.String() {
			t.Fatalf("second write differs:\n%s\nvs\n%s", again, out.String())
		}
	})
}
