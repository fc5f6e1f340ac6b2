package minimize

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"lockstep/harness"
	"lockstep/machine"
	"lockstep/repro"
)

// Signature identifies a divergence for the reproduction check: a
// reduced case must show the same one.
type Signature struct {
	// PC and Insn are the divergent instruction's address and bytes, Text
	// its disassembly (not compared).
	PC   uint64
	Insn []byte
	Text string
	// Kind, Register (register and flags kinds) and Address (memory) say
	// what differs.
	Kind     harness.Kind
	Register string
	Address  uint64
	// Reference, Oracle and Host are the three values (Host not
	// compared: it follows from the verdict).
	Reference, Oracle, Host []byte
	// Verdict is the host CPU's judgement.
	Verdict harness.Verdict
}

// SignatureOf returns the signature of a divergence.
func SignatureOf(d *harness.Divergence) Signature {
	return Signature{PC: d.Instruction.PC, Insn: slices.Clone(d.Instruction.Bytes), Text: d.Instruction.Text,
		Kind: d.Kind, Register: d.Register, Address: d.Address,
		Reference: slices.Clone(d.Reference), Oracle: slices.Clone(d.Follower), Host: slices.Clone(d.Hardware),
		Verdict: d.Verdict}
}

// Matches reports whether o is the same divergence as s: same
// instruction address and bytes, kind, register or address, reference
// and oracle values, and verdict.
func (s Signature) Matches(o Signature) bool {
	return s.PC == o.PC && bytes.Equal(s.Insn, o.Insn) && s.Kind == o.Kind &&
		s.Register == o.Register && s.Address == o.Address &&
		bytes.Equal(s.Reference, o.Reference) && bytes.Equal(s.Oracle, o.Oracle) &&
		s.Verdict == o.Verdict
}

// Where names what differs: the register, or the address.
func (s Signature) Where() string {
	if s.Kind == harness.KindMemory {
		return fmt.Sprintf("memory at %#x", s.Address)
	}
	return s.Register
}

// String renders the signature on one line.
func (s Signature) String() string {
	v := string(s.Verdict)
	if v == "" {
		v = "no verdict"
	}
	return fmt.Sprintf("%s at %#x [% x]: %s %s reference %s oracle %s (%s)",
		s.Text, s.PC, s.Insn, s.Kind, s.Where(), hexValue(s.Reference), hexValue(s.Oracle), v)
}

// Mnemonic is the instruction's mnemonic, prefixes aside.
func (s Signature) Mnemonic() string {
	f := strings.Fields(s.Text)
	for len(f) > 1 && slices.Contains([]string{"lock", "rep", "repe", "repne", "data16", "addr32"}, f[0]) {
		f = f[1:]
	}
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}

// hexValue renders a little-endian register value as one hex number,
// and longer values (memory) as bytes.
func hexValue(b []byte) string {
	if len(b) == 0 {
		return "none"
	}
	if len(b) > 16 {
		return fmt.Sprintf("% x", b)
	}
	r := slices.Clone(b)
	slices.Reverse(r)
	return fmt.Sprintf("%#x", r)
}

// ErrNotExtractable is wrapped by the error of Extract for a divergence
// that no case can reproduce: one without the state before it, or of a
// kind a case does not record.
var ErrNotExtractable = errors.New("minimize: the divergence cannot be extracted")

// page is one guest page of a state: its bytes as the program had them
// (instruction bytes included).
type page struct {
	addr uint64
	perm machine.Perm
	data []byte
}

// state is a case under reduction, in a form the reduction steps change
// easily: registers by name, memory by page.
type state struct {
	regs  map[string][]byte
	pages []page // address order
	insns []repro.Insn
	div   repro.Divergence
	verd  repro.Verdict
	desc  string
	label []string
	// pinned registers must stay listed (rsp when a page lies where the
	// default stack would go).
	pinned map[string]bool
}

func (s *state) clone() *state {
	n := &state{regs: map[string][]byte{}, insns: slices.Clone(s.insns), div: s.div, verd: s.verd,
		desc: s.desc, label: slices.Clone(s.label), pinned: s.pinned}
	for k, v := range s.regs {
		n.regs[k] = slices.Clone(v)
	}
	for _, p := range s.pages {
		n.pages = append(n.pages, page{addr: p.addr, perm: p.perm, data: slices.Clone(p.data)})
	}
	return n
}

// pageOf returns the index of the page holding addr, or -1.
func (s *state) pageOf(addr uint64) int {
	base := addr &^ (repro.PageSize - 1)
	for i, p := range s.pages {
		if p.addr == base {
			return i
		}
	}
	return -1
}

// underInsn reports whether the byte at addr belongs to an instruction.
func (s *state) underInsn(addr uint64) bool {
	for _, in := range s.insns {
		if addr >= in.Addr && addr < in.End() {
			return true
		}
	}
	return false
}

// Case builds the repro.Case of the state: adjacent pages of equal
// permissions merged into one region, instruction bytes only on insn
// lines.
func (s *state) Case() (*repro.Case, error) {
	c := &repro.Case{Arch: repro.Arch, Description: s.desc, Labels: slices.Clone(s.label),
		Regs: map[string][]byte{}, Insns: slices.Clone(s.insns), Verdict: s.verd}
	for k, v := range s.regs {
		c.Regs[k] = slices.Clone(v)
	}
	for _, p := range s.pages {
		data := slices.Clone(p.data)
		for _, in := range s.insns {
			if in.Addr < p.addr+uint64(len(data)) && in.End() > p.addr {
				lo, hi := max(in.Addr, p.addr), min(in.End(), p.addr+uint64(len(data)))
				clear(data[lo-p.addr : hi-p.addr])
			}
		}
		if n := len(c.Memory); n > 0 && c.Memory[n-1].End() == p.addr && c.Memory[n-1].Perm == p.perm {
			c.Memory[n-1].Data = append(c.Memory[n-1].Data, data...)
			continue
		}
		c.Memory = append(c.Memory, repro.Region{Addr: p.addr, Perm: p.perm, Data: data})
	}
	d := s.div
	d.Insn = len(s.insns) - 1
	d.PC = s.insns[d.Insn].Addr
	c.Divergence = &d
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Size counts what a case holds, for the reduction's report.
type Size struct {
	Registers    int `json:"registers"`
	Pages        int `json:"pages"`
	Bytes        int `json:"bytes"` // non-zero memory bytes, instructions aside
	Instructions int `json:"instructions"`
}

// SizeOf counts a case's listed registers, pages, non-zero bytes and
// instructions.
func SizeOf(c *repro.Case) Size {
	sz := Size{Registers: len(c.Regs), Instructions: len(c.Insns)}
	for _, r := range c.Memory {
		sz.Pages += len(r.Data) / repro.PageSize
		for _, b := range r.Data {
			if b != 0 {
				sz.Bytes++
			}
		}
	}
	return sz
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// String renders the size like "2 registers, 1 page (8 bytes), 1 instruction".
func (s Size) String() string {
	return fmt.Sprintf("%s, %s (%s), %s", plural(s.Registers, "register"), plural(s.Pages, "page"),
		plural(s.Bytes, "non-zero byte"), plural(s.Instructions, "instruction"))
}

// eflagsSettable are the rflags bits a case's prologue can set (see
// repro's ELF): CF, bit 1, PF, AF, ZF, SF, IF, DF, OF, AC, ID.
const eflagsSettable = 0x1 | 0x2 | 0x4 | 0x10 | 0x40 | 0x80 | 0x200 | 0x400 | 0x800 | 0x40000 | 0x200000

// Extract builds a one-instruction case from a judged divergence: every
// register of d.Before the case format knows (rip aside), the pages the
// host touched, the divergent instruction, the recorded divergence and
// verdict. The notes say what had to be left out or changed (a page
// where the case's prologue goes, rflags bits a program cannot set). The
// error wraps ErrNotExtractable when d has no Before state or is of a kind
// a case cannot record.
func Extract(d *harness.Divergence) (*repro.Case, []string, error) {
	s, notes, err := extract(d, 0)
	if err != nil {
		return nil, notes, err
	}
	c, err := s.Case()
	if err != nil {
		return nil, notes, fmt.Errorf("minimize: extracted case: %w", err)
	}
	return c, notes, nil
}

// extract builds the state of a case whose window holds the divergent
// instruction and the window instructions before it from d.History.
func extract(d *harness.Divergence, window int) (*state, []string, error) {
	if d.Before == nil || d.Before.Regs == nil {
		return nil, nil, fmt.Errorf("%w: it has no state from before the instruction (the host CPU did not run it: %s)", ErrNotExtractable, orNone(d.VerdictReason))
	}
	var kind repro.Kind
	switch d.Kind {
	case harness.KindRegister:
		kind = repro.KindRegister
	case harness.KindFlags:
		kind = repro.KindFlags
	case harness.KindMemory:
		kind = repro.KindMemory
	default:
		return nil, nil, fmt.Errorf("%w: a %s divergence (only register, flags and memory divergences are extracted so far)", ErrNotExtractable, d.Kind)
	}
	if len(d.Instruction.Bytes) == 0 || len(d.Instruction.Bytes) > repro.MaxInsnLen {
		return nil, nil, fmt.Errorf("%w: the instruction at %#x has %d bytes", ErrNotExtractable, d.Instruction.PC, len(d.Instruction.Bytes))
	}
	if window > len(d.History) {
		return nil, nil, fmt.Errorf("minimize: a window of %d earlier instructions, the history holds %d", window, len(d.History))
	}
	var notes []string
	s := &state{regs: map[string][]byte{}, pinned: map[string]bool{}}
	b := d.Before
	for _, info := range repro.Registers() {
		v := b.Regs.Bytes(info.Name)
		if info.Name == "rip" || v == nil || len(v) != info.Size() {
			continue
		}
		s.regs[info.Name] = slices.Clone(v)
	}
	// What the reference's layout lacks comes from the follower.
	s.regs["ftag"] = le(uint64(b.FTag), 4)
	for i, h := range b.YMMH {
		if slices.ContainsFunc(h[:], func(x byte) bool { return x != 0 }) {
			s.regs[fmt.Sprintf("ymm%dh", i)] = slices.Clone(h[:])
		}
	}
	// Earlier instructions: registers they changed take the value they
	// had before the window (from older history), where known.
	hist := d.History[len(d.History)-window:]
	older := d.History[:len(d.History)-window]
	unknown := map[string]bool{}
	for _, e := range hist {
		for _, ch := range e.Changed {
			if ch.Name == "rip" {
				continue
			}
			if _, ok := s.regs[ch.Name]; !ok {
				continue
			}
			if v, ok := lastValue(older, ch.Name); ok {
				s.regs[ch.Name] = v
			} else {
				unknown[ch.Name] = true
			}
		}
	}
	if len(unknown) > 0 {
		names := slices.Sorted(func(yield func(string) bool) {
			for n := range unknown {
				if !yield(n) {
					return
				}
			}
		})
		notes = append(notes, fmt.Sprintf("the value before the window of %s is not in the history: the value before the divergent instruction stands in", strings.Join(names, " ")))
	}
	if fl := le64(s.regs["eflags"]); fl&^eflagsSettable != 0 || fl&0x202 != 0x202 {
		nf := fl&eflagsSettable | 0x202
		notes = append(notes, fmt.Sprintf("eflags %#x has bits a program cannot set: the case uses %#x", fl, nf))
		s.regs["eflags"] = le(nf, 4)
	}
	for _, n := range []string{"fctrl", "fstat", "ftag", "mxcsr"} {
		if v, ok := s.regs[n]; ok && le64(v) > 0xffff {
			notes = append(notes, fmt.Sprintf("%s %#x has bits above 15: the case keeps the low 16", n, le64(v)))
			s.regs[n] = le(le64(v)&0xffff, 4)
		}
	}
	for _, n := range []string{"fs_base", "gs_base"} {
		if v, ok := s.regs[n]; ok && le64(v) >= 1<<47 {
			notes = append(notes, fmt.Sprintf("%s %#x is outside the user address space: left at its default", n, le64(v)))
			delete(s.regs, n)
		}
	}
	prologueEnd := uint64(repro.PrologueAddr + repro.PrologueSize)
	stackEnd := uint64(repro.StackAddr + repro.StackSize)
	for _, p := range b.Pages {
		switch {
		case len(p.Data) != repro.PageSize || p.Addr%repro.PageSize != 0:
			notes = append(notes, fmt.Sprintf("page %#x of %d bytes is not a whole page: left out", p.Addr, len(p.Data)))
			continue
		case p.Addr < repro.MinAddr:
			notes = append(notes, fmt.Sprintf("page %#x lies below %#x, where Linux maps nothing by default: left out", p.Addr, repro.MinAddr))
			continue
		case p.Addr >= repro.PrologueAddr && p.Addr < prologueEnd:
			notes = append(notes, fmt.Sprintf("page %#x collides with the case's prologue at %#x-%#x: left out (the case may not reproduce)", p.Addr, repro.PrologueAddr, prologueEnd))
			continue
		case p.Addr >= repro.StackAddr && p.Addr < stackEnd:
			if !s.pinned["rsp"] {
				notes = append(notes, fmt.Sprintf("page %#x lies where the case's default stack goes (%#x-%#x): rsp stays listed", p.Addr, repro.StackAddr, stackEnd))
			}
			s.pinned["rsp"] = true
		}
		s.pages = append(s.pages, page{addr: p.Addr, perm: p.Perm, data: slices.Clone(p.Data)})
	}
	// The instructions: the window's earlier ones, then the divergent one.
	for _, e := range hist {
		s.insns = append(s.insns, repro.Insn{Addr: e.PC, Bytes: slices.Clone(e.Bytes), Text: e.Text})
	}
	s.insns = append(s.insns, repro.Insn{Addr: d.Instruction.PC, Bytes: slices.Clone(d.Instruction.Bytes), Text: d.Instruction.Text})
	for i, in := range s.insns {
		for _, o := range s.insns[:i] {
			if in.Addr < o.End() && o.Addr < in.End() {
				return nil, notes, fmt.Errorf("minimize: the window of %d instructions runs the instruction at %#x twice (a loop): a case runs each instruction once", window+1, in.Addr)
			}
		}
		for a := in.Addr &^ (repro.PageSize - 1); a < in.End(); a += repro.PageSize {
			if s.pageOf(a) < 0 {
				// The host fetched it, so it is normally among the
				// pages; if not, an executable page of zeros holds it.
				s.pages = append(s.pages, page{addr: a, perm: machine.PermRead | machine.PermExec, data: make([]byte, repro.PageSize)})
				notes = append(notes, fmt.Sprintf("the code page %#x was not captured: a page of zeros (r-x) holds the instruction", a))
			}
		}
		// The page content must hold the instruction bytes too (for
		// the 64-byte chunk bookkeeping they are cleared anyway).
		for k, x := range in.Bytes {
			a := in.Addr + uint64(k)
			p := &s.pages[s.pageOf(a)]
			p.data[a-p.addr] = x
		}
	}
	slices.SortFunc(s.pages, func(a, b page) int { return cmp.Compare(a.addr, b.addr) })
	s.div = repro.Divergence{Kind: kind, Register: d.Register, Address: d.Address,
		Reference: slices.Clone(d.Reference), Oracle: slices.Clone(d.Follower), Host: slices.Clone(d.Hardware)}
	if kind == repro.KindMemory {
		s.div.Register = ""
	} else {
		s.div.Address = 0
	}
	if len(s.div.Host) == 0 {
		s.div.Host = nil
	}
	if d.Verdict != "" {
		s.verd = repro.Verdict{Name: string(d.Verdict), Reason: oneLine(d.VerdictReason)}
	}
	sig := SignatureOf(d)
	s.label = labelsFor(sig)
	s.desc = oneLine(fmt.Sprintf("%s: %s %s differs (extracted by lockstep minimize at step %d)", sig.Text, d.Kind, sig.Where(), d.Step))
	return s, notes, nil
}

// labelsFor labels a case by the mnemonic and who is wrong.
func labelsFor(sig Signature) []string {
	labels := []string{}
	if mn := labelWord(sig.Mnemonic()); mn != "" {
		labels = append(labels, mn)
	}
	switch sig.Verdict {
	case harness.ReferenceWrong:
		labels = append(labels, "qemu")
	case harness.FollowerWrong:
		labels = append(labels, "oracle")
	case harness.BothWrong:
		labels = append(labels, "qemu", "oracle")
	}
	return append(labels, "minimized")
}

func labelWord(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._/-", r) {
			return r
		}
		return -1
	}, s)
}

// lastValue returns the newest value of register name in the history
// entries.
func lastValue(h []harness.HistoryEntry, name string) ([]byte, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		for _, ch := range h[i].Changed {
			if ch.Name == name {
				return slices.Clone(ch.Value), true
			}
		}
	}
	return nil, false
}

// oneLine makes free text fit one line of a case file.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == 0xfffd {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func orNone(s string) string {
	if s == "" {
		return "no reason given"
	}
	return s
}

func le(v uint64, size int) []byte {
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], v)
	return slices.Clone(buf[:size])
}

func le64(b []byte) uint64 {
	var buf [8]byte
	copy(buf[:], b)
	return binary.LittleEndian.Uint64(buf[:])
}

// CaseSignature is the signature a case records: its divergence and
// verdict. ok is false when the case records no divergence.
func CaseSignature(c *repro.Case) (sig Signature, ok bool) {
	d := c.Divergence
	if d == nil || d.Insn < 0 || d.Insn >= len(c.Insns) {
		return Signature{}, false
	}
	in := c.Insns[d.Insn]
	return Signature{PC: in.Addr, Insn: slices.Clone(in.Bytes), Text: in.Text, Kind: harness.Kind(d.Kind),
		Register: d.Register, Address: d.Address, Reference: slices.Clone(d.Reference), Oracle: slices.Clone(d.Oracle),
		Host: slices.Clone(d.Host), Verdict: harness.Verdict(c.Verdict.Name)}, true
}

// SideBySide renders two signatures field by field, marking the fields
// that differ: what a failed check of a recorded case prints.
func SideBySide(recorded, now Signature) string {
	var b strings.Builder
	row := func(name, a, c string) {
		mark := " "
		if a != c {
			mark = "≠"
		}
		fmt.Fprintf(&b, "  %s %-10s %-40s %s\n", mark, name, a, c)
	}
	fmt.Fprintf(&b, "    %-10s %-40s %s\n", "", "recorded", "now")
	row("pc", fmt.Sprintf("%#x", recorded.PC), fmt.Sprintf("%#x", now.PC))
	row("bytes", fmt.Sprintf("% x", recorded.Insn), fmt.Sprintf("% x", now.Insn))
	row("kind", string(recorded.Kind), string(now.Kind))
	row("where", recorded.Where(), now.Where())
	row("reference", hexValue(recorded.Reference), hexValue(now.Reference))
	row("oracle", hexValue(recorded.Oracle), hexValue(now.Oracle))
	row("host", hexValue(recorded.Host), hexValue(now.Host))
	row("verdict", string(recorded.Verdict), string(now.Verdict))
	return b.String()
}
