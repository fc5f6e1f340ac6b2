package repro

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"lockstep/machine"
)

// Arch is the only architecture cases describe so far.
const Arch = "x86-64"

// Version is the version of the text format this package reads and writes.
const Version = 1

// Fixed addresses of what the ELF writer adds to a case (see the package
// documentation).
const (
	// PageSize is the granule of memory regions.
	PageSize = 0x1000
	// MinAddr is the lowest address a region may start at: Linux's
	// default vm.mmap_min_addr is 0x10000 on most distributions.
	MinAddr = 0x10000
	// PrologueAddr is where the ELF writer puts the prologue that sets the
	// registers; PrologueSize bytes from it are reserved.
	PrologueAddr = 0x10000
	PrologueSize = 0x10000
	// StackAddr and StackSize are the default stack region (rw-), added
	// when the case does not set rsp; DefaultRSP points into it, leaving a
	// page above for reads at positive offsets.
	StackAddr  = 0x20000
	StackSize  = 0x10000
	DefaultRSP = StackAddr + StackSize - PageSize
)

// Case is a standalone reproducer: an initial state, a few instructions,
// and the divergence they showed with its verdict. The zero value is not
// a valid case: it needs at least the architecture and one instruction.
type Case struct {
	// Arch is the architecture; only "x86-64".
	Arch string
	// Description is free text, possibly several lines, without leading
	// or trailing blanks on any line.
	Description string
	// Labels classify the case (instruction class, emulator, ...), in
	// file order; each a word of letters, digits and "._/-".
	Labels []string
	// Regs holds the registers that matter, by QEMU's x86-64 register
	// names, as little-endian bytes of exactly the register's width (see
	// Registers). Registers not present take their defaults.
	Regs map[string][]byte
	// Memory holds the memory regions in address order, non-overlapping.
	Memory []Region
	// Insns are the instructions in execution order. The first one's
	// address is the initial rip.
	Insns []Insn
	// Divergence is the recorded divergence, or nil.
	Divergence *Divergence
	// Verdict says who is right, or is the zero value when not recorded.
	Verdict Verdict
}

// Region is a memory region: page-aligned address and size, permissions,
// and its bytes (len(Data) is the size). Instruction bytes are not part
// of Data: where an instruction lies, Data holds zeros and the
// instruction's bytes are laid over it when the case is loaded.
type Region struct {
	Addr uint64
	Perm machine.Perm
	Data []byte
}

// End is the address after the region.
func (r Region) End() uint64 { return r.Addr + uint64(len(r.Data)) }

// Insn is one instruction: its address, bytes and disassembly. Text is a
// comment for the reader: the bytes are what runs.
type Insn struct {
	Addr  uint64
	Bytes []byte
	Text  string
}

// End is the address after the instruction.
func (in Insn) End() uint64 { return in.Addr + uint64(len(in.Bytes)) }

// Kind classifies a recorded divergence, with the harness's names.
type Kind string

// Divergence kinds a case records.
const (
	KindRegister Kind = "register"
	KindFlags    Kind = "flags"
	KindMemory   Kind = "memory"
	KindFault    Kind = "fault"
)

// Divergence is the recorded divergence of a case.
type Divergence struct {
	Kind Kind
	// Insn is the index in Case.Insns of the instruction after which the
	// sides differed, and PC its address.
	Insn int
	PC   uint64
	// Register names the differing register (register and flags kinds),
	// by the target description's name.
	Register string
	// Address is the first differing byte (memory kind).
	Address uint64
	// Reference, Oracle and Host are the values of QEMU, the Unicorn
	// oracle and the host CPU; Host is nil when not known. For register
	// and flags they are the register's little-endian bytes; for memory
	// the bytes from Address in address order; for a fault, words such as
	// "signal 11" or "none" as ASCII bytes.
	Reference, Oracle, Host []byte
	// Detail is optional free text (one line), such as the harness's
	// explanation of a fault.
	Detail string
}

// Verdict names who is right about a divergence.
type Verdict struct {
	// Name is one of Verdicts, or empty when no verdict is recorded.
	Name string
	// Reason is one line of free text.
	Reason string
}

// Verdict names.
const (
	ReferenceWrong = "reference-wrong" // QEMU is wrong, the host CPU agrees with the oracle
	FollowerWrong  = "follower-wrong"  // the oracle is wrong, the host CPU agrees with QEMU
	BothWrong      = "both-wrong"      // the host CPU agrees with neither
	Tolerance      = "tolerance"       // the difference is allowed (undefined flags, say)
	Unjudged       = "unjudged"        // no host verdict could be had
)

// Verdicts lists the verdict names in a fixed order.
func Verdicts() []string {
	return []string{ReferenceWrong, FollowerWrong, BothWrong, Tolerance, Unjudged}
}

// RegisterInfo describes one register a case may set.
type RegisterInfo struct {
	Name string
	Bits int // width in QEMU's register layout
	// Default is the value a case's register takes when not listed;
	// rip's default is the first instruction's address, given here as 0.
	Default uint64
}

// Size is the register's width in bytes.
func (r RegisterInfo) Size() int { return (r.Bits + 7) / 8 }

// Registers lists the registers a case may set, in the order the text
// format writes them. The widths are those of QEMU 7.2's x86-64 target
// description, so values are bytes of a machine.Snapshot; the ymm upper
// halves (ymm0h..ymm15h, 128 bits) are not in QEMU's layout.
func Registers() []RegisterInfo {
	regs := []RegisterInfo{}
	for _, n := range gprNames() {
		def := uint64(0)
		if n == "rsp" {
			def = DefaultRSP
		}
		regs = append(regs, RegisterInfo{Name: n, Bits: 64, Default: def})
	}
	regs = append(regs,
		RegisterInfo{Name: "rip", Bits: 64},
		RegisterInfo{Name: "eflags", Bits: 32, Default: 0x202},
		RegisterInfo{Name: "fs_base", Bits: 64},
		RegisterInfo{Name: "gs_base", Bits: 64})
	for i := range 8 {
		regs = append(regs, RegisterInfo{Name: fmt.Sprintf("st%d", i), Bits: 80})
	}
	regs = append(regs,
		RegisterInfo{Name: "fctrl", Bits: 32, Default: 0x37f},
		RegisterInfo{Name: "fstat", Bits: 32},
		RegisterInfo{Name: "ftag", Bits: 32, Default: 0xffff})
	for i := range 16 {
		regs = append(regs, RegisterInfo{Name: fmt.Sprintf("xmm%d", i), Bits: 128})
	}
	regs = append(regs, RegisterInfo{Name: "mxcsr", Bits: 32, Default: 0x1f80})
	for i := range 16 {
		regs = append(regs, RegisterInfo{Name: fmt.Sprintf("ymm%dh", i), Bits: 128})
	}
	return regs
}

// gprNames lists the general registers in QEMU's order (which is not the
// encoding order).
func gprNames() [16]string {
	return [16]string{"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}
}

// LookupRegister returns the description of a register a case may set.
func LookupRegister(name string) (RegisterInfo, bool) {
	for _, r := range Registers() {
		if r.Name == name {
			return r, true
		}
	}
	return RegisterInfo{}, false
}

// registerOrder maps names to their position in Registers.
func registerOrder() map[string]int {
	m := map[string]int{}
	for i, r := range Registers() {
		m[r.Name] = i
	}
	return m
}

// Reg returns the value of a register as the case sets it up: the listed
// value, or else the default, as little-endian bytes of the register's
// width. It returns nil for a name cases do not know.
func (c *Case) Reg(name string) []byte {
	info, ok := LookupRegister(name)
	if !ok {
		return nil
	}
	if v, ok := c.Regs[name]; ok {
		return bytes.Clone(v)
	}
	def := info.Default
	if name == "rip" && len(c.Insns) > 0 {
		def = c.Insns[0].Addr
	}
	return le(def, info.Size())
}

// RegUint64 returns the low 64 bits of Reg(name).
func (c *Case) RegUint64(name string) uint64 {
	b := c.Reg(name)
	var buf [8]byte
	copy(buf[:], b)
	return binary.LittleEndian.Uint64(buf[:])
}

// SetReg lists a register with a value of at most 64 bits (zero-extended
// to the register's width).
func (c *Case) SetReg(name string, v uint64) error {
	info, ok := LookupRegister(name)
	if !ok {
		return fmt.Errorf("repro: no register %q", name)
	}
	if info.Bits < 64 && v>>info.Bits != 0 {
		return fmt.Errorf("repro: %#x does not fit %s (%d bits)", v, name, info.Bits)
	}
	return c.SetRegBytes(name, le(v, info.Size()))
}

// SetRegBytes lists a register with a little-endian value of exactly its
// width.
func (c *Case) SetRegBytes(name string, v []byte) error {
	info, ok := LookupRegister(name)
	if !ok {
		return fmt.Errorf("repro: no register %q", name)
	}
	if len(v) != info.Size() {
		return fmt.Errorf("repro: %s is %d bytes, not %d", name, info.Size(), len(v))
	}
	if c.Regs == nil {
		c.Regs = map[string][]byte{}
	}
	c.Regs[name] = bytes.Clone(v)
	return nil
}

// Apply writes the case's registers (listed or default) into a snapshot
// of a layout that has them; registers the layout lacks (the ymm upper
// halves in QEMU's) are skipped, and registers the case does not know are
// left as they are.
func (c *Case) Apply(s *machine.Snapshot) {
	for _, r := range Registers() {
		if dst := s.Bytes(r.Name); dst != nil {
			clear(dst)
			copy(dst, c.Reg(r.Name))
		}
	}
}

// RegNames returns the names of the listed registers in format order.
func (c *Case) RegNames() []string {
	order := registerOrder()
	names := make([]string, 0, len(c.Regs))
	for n := range c.Regs {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return order[a] - order[b] })
	return names
}

// Region returns the index of the region holding addr, or -1.
func (c *Case) Region(addr uint64) int {
	for i, r := range c.Memory {
		if addr >= r.Addr && addr < r.End() {
			return i
		}
	}
	return -1
}

// Image returns a copy of the memory regions with the instructions'
// bytes laid over them: what the program's memory holds before the first
// instruction.
func (c *Case) Image() []Region {
	out := make([]Region, len(c.Memory))
	for i, r := range c.Memory {
		out[i] = Region{Addr: r.Addr, Perm: r.Perm, Data: bytes.Clone(r.Data)}
	}
	for _, in := range c.Insns {
		if i := c.Region(in.Addr); i >= 0 {
			copy(out[i].Data[in.Addr-out[i].Addr:], in.Bytes)
		}
	}
	return out
}

// Limits on what a case may hold, so that a hostile file cannot make the
// parser allocate without bound.
const (
	MaxRegionSize = 16 << 20 // bytes in one region
	MaxMemory     = 64 << 20 // bytes in all regions
	MaxInsnLen    = 15
	MaxValueLen   = 4096 // bytes in one divergence value
)

// problem is a validation error about one item of a case; the parser
// turns the item into a line number.
type problem struct {
	item string // "reg NAME", "mem I", "insn I", "divergence", "verdict", "label I", "description", "arch"
	err  error
}

func (p *problem) Error() string { return p.err.Error() }
func (p *problem) Unwrap() error { return p.err }

func bad(item, format string, args ...any) *problem {
	return &problem{item: item, err: fmt.Errorf(format, args...)}
}

// Validate checks that the case can be written and loaded: known
// registers of the right widths, page-aligned non-overlapping regions in
// address order, instructions inside executable regions over zero bytes,
// a divergence that names an instruction, a known verdict.
func (c *Case) Validate() error {
	if p := c.validate(); p != nil {
		return fmt.Errorf("repro: invalid case: %w", p)
	}
	return nil
}

func (c *Case) validate() *problem {
	if c.Arch != Arch {
		return bad("arch", "architecture %q is not supported (only %s)", c.Arch, Arch)
	}
	for i, line := range strings.Split(c.Description, "\n") {
		if err := checkText(line); err != nil {
			return bad("description", "description line %d: %v", i+1, err)
		}
	}
	for i, l := range c.Labels {
		if !isLabel(l) {
			return bad(fmt.Sprintf("label %d", i), "bad label %q: want letters, digits and ._/-", l)
		}
	}
	for _, name := range c.RegNames() {
		info, ok := LookupRegister(name)
		if !ok {
			return bad("reg "+name, "unknown register %q", name)
		}
		if len(c.Regs[name]) != info.Size() {
			return bad("reg "+name, "%s holds %d bytes, want %d", name, len(c.Regs[name]), info.Size())
		}
	}
	total := 0
	for i, r := range c.Memory {
		item := fmt.Sprintf("mem %d", i)
		switch {
		case r.Addr%PageSize != 0 || len(r.Data)%PageSize != 0:
			return bad(item, "region %#x+%#x is not page-aligned", r.Addr, len(r.Data))
		case r.Addr < MinAddr:
			return bad(item, "region %#x is below %#x, the lowest address Linux maps by default", r.Addr, MinAddr)
		case len(r.Data) == 0:
			return bad(item, "region %#x is empty", r.Addr)
		case len(r.Data) > MaxRegionSize:
			return bad(item, "region %#x is larger than %#x bytes", r.Addr, MaxRegionSize)
		case r.End() < r.Addr || r.End() > 1<<47:
			return bad(item, "region %#x+%#x is not in the user address space", r.Addr, len(r.Data))
		case r.Perm > machine.PermRead|machine.PermWrite|machine.PermExec:
			return bad(item, "region %#x has bad permissions %d", r.Addr, r.Perm)
		case i > 0 && r.Addr < c.Memory[i-1].End():
			return bad(item, "region %#x overlaps or follows region %#x", r.Addr, c.Memory[i-1].Addr)
		}
		if total += len(r.Data); total > MaxMemory {
			return bad(item, "regions hold more than %#x bytes", MaxMemory)
		}
	}
	if len(c.Insns) == 0 {
		return bad("insns", "no instructions")
	}
	for i, in := range c.Insns {
		item := fmt.Sprintf("insn %d", i)
		if len(in.Bytes) == 0 || len(in.Bytes) > MaxInsnLen {
			return bad(item, "instruction at %#x has %d bytes (1 to %d)", in.Addr, len(in.Bytes), MaxInsnLen)
		}
		if err := checkText(in.Text); err != nil {
			return bad(item, "disassembly: %v", err)
		}
		if n, ok := decodedLen(in.Bytes); ok && n != len(in.Bytes) {
			return bad(item, "bytes at %#x decode as an instruction of %d bytes, not %d: one instruction per insn line", in.Addr, n, len(in.Bytes))
		}
		ri := c.Region(in.Addr)
		if ri < 0 {
			return bad(item, "instruction at %#x is in no mem region", in.Addr)
		}
		r := c.Memory[ri]
		if in.End() > r.End() || in.End() < in.Addr {
			return bad(item, "instruction at %#x runs past its region's end %#x", in.Addr, r.End())
		}
		if r.Perm&machine.PermExec == 0 {
			return bad(item, "instruction at %#x is in region %#x, which is not executable (%s)", in.Addr, r.Addr, r.Perm)
		}
		if slices.ContainsFunc(r.Data[in.Addr-r.Addr:in.End()-r.Addr], func(b byte) bool { return b != 0 }) {
			return bad(item, "the region's bytes under the instruction at %#x are not zero (instruction bytes belong on the insn line only)", in.Addr)
		}
		for j := range i {
			o := c.Insns[j]
			if in.Addr < o.End() && o.Addr < in.End() {
				return bad(item, "instruction at %#x overlaps instruction %d at %#x", in.Addr, j, o.Addr)
			}
		}
	}
	if rip, ok := c.Regs["rip"]; ok && binary.LittleEndian.Uint64(rip) != c.Insns[0].Addr {
		return bad("reg rip", "rip %#x is not the first instruction's address %#x", binary.LittleEndian.Uint64(rip), c.Insns[0].Addr)
	}
	if d := c.Divergence; d != nil {
		if p := d.validate(c); p != nil {
			return p
		}
	}
	if v := c.Verdict; v.Name != "" || v.Reason != "" {
		if !slices.Contains(Verdicts(), v.Name) {
			return bad("verdict", "unknown verdict %q (want one of %s)", v.Name, strings.Join(Verdicts(), ", "))
		}
		if err := checkText(v.Reason); err != nil {
			return bad("verdict", "reason: %v", err)
		}
	}
	return nil
}

func (d *Divergence) validate(c *Case) *problem {
	const item = "divergence"
	if d.Insn < 0 || d.Insn >= len(c.Insns) {
		return bad(item, "divergence at instruction %d: the case has %d", d.Insn, len(c.Insns))
	}
	if d.PC != c.Insns[d.Insn].Addr {
		return bad(item, "divergence pc %#x is not instruction %d's address %#x", d.PC, d.Insn, c.Insns[d.Insn].Addr)
	}
	switch d.Kind {
	case KindRegister, KindFlags:
		if !isName(d.Register) {
			return bad(item, "divergence of kind %s needs a register name, not %q", d.Kind, d.Register)
		}
		if d.Address != 0 {
			return bad(item, "divergence of kind %s has an address", d.Kind)
		}
	case KindMemory:
		if d.Register != "" {
			return bad(item, "divergence of kind memory names a register")
		}
	case KindFault:
		if d.Register != "" || d.Address != 0 {
			return bad(item, "divergence of kind fault names a register or address")
		}
	default:
		return bad(item, "unknown divergence kind %q (want register, flags, memory or fault)", d.Kind)
	}
	for _, v := range []struct {
		name string
		val  []byte
		need bool
	}{{"reference", d.Reference, true}, {"oracle", d.Oracle, true}, {"host", d.Host, false}} {
		switch {
		case v.val == nil && v.need:
			return bad(item, "divergence has no %s value", v.name)
		case v.val == nil:
		case len(v.val) == 0 || len(v.val) > MaxValueLen:
			return bad(item, "divergence %s value has %d bytes (1 to %d)", v.name, len(v.val), MaxValueLen)
		case d.Kind == KindFault:
			if err := checkText(string(v.val)); err != nil {
				return bad(item, "divergence %s: %v", v.name, err)
			}
		}
	}
	if err := checkText(d.Detail); err != nil {
		return bad(item, "divergence detail: %v", err)
	}
	return nil
}

// checkText accepts one line of printable text with no blanks at either
// end (what a line of the format keeps after trimming).
func checkText(s string) error {
	if strings.TrimSpace(s) != s {
		return fmt.Errorf("%q has blanks at an end", s)
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f || r == 0xfffd {
			return fmt.Errorf("%q holds a control or invalid character", s)
		}
	}
	return nil
}

func isLabel(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._/-", r)) {
			return false
		}
	}
	return true
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func le(v uint64, size int) []byte {
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], v)
	out := make([]byte, size)
	copy(out, buf[:])
	return out
}
