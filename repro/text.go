package repro

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"lockstep/machine"
)

// ParseError is a malformed case file: the line (1-based; past the last
// line for something missing) and the reason.
type ParseError struct {
	Line int
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the reason.
func (e *ParseError) Unwrap() error { return e.Err }

// header is the first line's keyword.
const header = "lockstep-case"

// parser holds the state of one Parse.
type parser struct {
	c     *Case
	line  int
	lines map[string]int // validation item -> line
	total int            // bytes of memory so far

	cur     *Region // region that data lines go to
	curNext uint64  // lowest address the next data line may start at

	descSeen bool
	div      map[string]string // divergence key -> raw value
	divLine  map[string]int
	verdict  bool
	reason   bool
}

// Parse reads a case in the text format (see the package documentation).
// A malformed file gives a *ParseError naming the line and the reason.
func Parse(r io.Reader) (*Case, error) {
	p := &parser{c: &Case{}, lines: map[string]int{}, div: map[string]string{}, divLine: map[string]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		p.line++
		if err := p.parseLine(sc.Text()); err != nil {
			return nil, &ParseError{Line: p.line, Err: err}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{Line: p.line + 1, Err: fmt.Errorf("reading: %w", err)}
	}
	if p.line == 0 {
		return nil, &ParseError{Line: 1, Err: fmt.Errorf("empty file: want %q", fmt.Sprintf("%s %d", header, Version))}
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return p.c, nil
}

// ParseFile reads the case in the file at path; errors name the file and,
// for a malformed file, the line ("path:line: reason").
func ParseFile(path string) (*Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("repro: %w", err)
	}
	defer f.Close()
	c, err := Parse(f)
	var pe *ParseError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("%s:%d: %w", path, pe.Line, pe.Err)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

func (p *parser) parseLine(raw string) error {
	line := strings.TrimSpace(raw)
	if p.line == 1 {
		f := strings.Fields(line)
		if len(f) != 2 || f[0] != header {
			return fmt.Errorf("not a lockstep case: the first line must be %q", fmt.Sprintf("%s %d", header, Version))
		}
		if v, err := strconv.Atoi(f[1]); err != nil || v != Version {
			return fmt.Errorf("format version %q is not supported (this lockstep reads version %d)", f[1], Version)
		}
		return nil
	}
	if line == "" || line[0] == '#' {
		return nil
	}
	if strings.HasPrefix(line, "0x") || strings.HasPrefix(line, "0X") {
		return p.dataLine(stripComment(line))
	}
	p.cur = nil
	key, rest := cutWord(line)
	switch key {
	case "arch":
		if _, dup := p.lines["arch"]; dup {
			return errors.New("arch given twice")
		}
		p.lines["arch"] = p.line
		p.c.Arch = rest
		if rest != Arch {
			return fmt.Errorf("architecture %q is not supported (only %s)", rest, Arch)
		}
	case "labels":
		for _, l := range strings.Fields(rest) {
			p.lines[fmt.Sprintf("label %d", len(p.c.Labels))] = p.line
			p.c.Labels = append(p.c.Labels, l)
		}
	case "description":
		if p.descSeen {
			p.c.Description += "\n" + rest
		} else {
			p.descSeen = true
			p.lines["description"] = p.line
			p.c.Description = rest
		}
	case "mem":
		return p.memLine(stripComment(rest))
	case "insn":
		return p.insnLine(rest)
	case "divergence":
		k, v := cutWord(rest)
		switch k {
		case "kind", "insn", "pc", "register", "address", "reference", "oracle", "host", "detail":
		default:
			return fmt.Errorf("unknown divergence field %q (want kind, insn, pc, register, address, reference, oracle, host or detail)", k)
		}
		if _, dup := p.div[k]; dup {
			return fmt.Errorf("divergence %s given twice", k)
		}
		if _, ok := p.lines["divergence"]; !ok {
			p.lines["divergence"] = p.line
		}
		p.div[k], p.divLine[k] = v, p.line
	case "verdict":
		if p.verdict {
			return errors.New("verdict given twice")
		}
		p.verdict = true
		if !slices.Contains(Verdicts(), rest) {
			return fmt.Errorf("unknown verdict %q (want one of %s)", rest, strings.Join(Verdicts(), ", "))
		}
		p.c.Verdict.Name = rest
		if _, ok := p.lines["verdict"]; !ok {
			p.lines["verdict"] = p.line
		}
	case "reason":
		if p.reason {
			return errors.New("reason given twice")
		}
		p.reason = true
		p.c.Verdict.Reason = rest
		if _, ok := p.lines["verdict"]; !ok {
			p.lines["verdict"] = p.line
		}
	default:
		name, value, ok := strings.Cut(stripComment(line), "=")
		if !ok {
			return fmt.Errorf("unknown line %q: want a keyword (arch, labels, description, mem, insn, divergence, verdict, reason), a register assignment or a data line", shorten(line))
		}
		return p.regLine(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	return nil
}

func (p *parser) regLine(name, value string) error {
	info, ok := LookupRegister(name)
	if !ok {
		return fmt.Errorf("unknown register %q", shorten(name))
	}
	if _, dup := p.c.Regs[name]; dup {
		return fmt.Errorf("register %s given twice", name)
	}
	v, err := parseRegValue(value, info.Size())
	if err != nil {
		return fmt.Errorf("register %s: %w", name, err)
	}
	if p.c.Regs == nil {
		p.c.Regs = map[string][]byte{}
	}
	p.c.Regs[name] = v
	p.lines["reg "+name] = p.line
	return nil
}

// parseRegValue parses "0x" and at most 2*size hex digits into size
// little-endian bytes.
func parseRegValue(s string, size int) ([]byte, error) {
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok {
		return nil, fmt.Errorf("value %q: want 0x and hex digits", shorten(s))
	}
	if digits == "" || len(digits) > 2*size {
		return nil, fmt.Errorf("value %q: want 1 to %d hex digits", shorten(s), 2*size)
	}
	digits = strings.Repeat("0", 2*size-len(digits)) + digits
	b, err := hex.DecodeString(digits)
	if err != nil {
		return nil, fmt.Errorf("value %q: not hex", shorten(s))
	}
	slices.Reverse(b)
	return b, nil
}

// formatRegValue renders little-endian bytes as 0x and all their digits.
func formatRegValue(b []byte) string {
	be := slices.Clone(b)
	slices.Reverse(be)
	return "0x" + hex.EncodeToString(be)
}

func (p *parser) memLine(rest string) error {
	f := strings.Fields(rest)
	if len(f) != 3 {
		return fmt.Errorf("want mem ADDRESS SIZE PERMISSIONS, e.g. mem 0x401000 0x1000 r-x")
	}
	addr, err := parseAddr(f[0])
	if err != nil {
		return fmt.Errorf("mem address: %w", err)
	}
	size, err := parseAddr(f[1])
	if err != nil {
		return fmt.Errorf("mem size: %w", err)
	}
	perm, err := machine.ParsePerm(f[2])
	if err != nil {
		return fmt.Errorf("mem permissions %q: want three of r, w, x or -, e.g. r-x", shorten(f[2]))
	}
	switch {
	case addr%PageSize != 0 || size%PageSize != 0:
		return fmt.Errorf("region %#x size %#x: address and size must be multiples of %#x", addr, size, PageSize)
	case size == 0:
		return errors.New("region is empty")
	case addr < MinAddr:
		return fmt.Errorf("region %#x is below %#x, the lowest address Linux maps by default", addr, MinAddr)
	case size > MaxRegionSize:
		return fmt.Errorf("region size %#x is over the limit %#x", size, MaxRegionSize)
	case addr+size < addr || addr+size > 1<<47:
		return fmt.Errorf("region %#x size %#x is not in the user address space", addr, size)
	case p.total+int(size) > MaxMemory:
		return fmt.Errorf("regions hold more than the limit of %#x bytes", MaxMemory)
	}
	for i, r := range p.c.Memory {
		if addr < r.End() && r.Addr < addr+size {
			return fmt.Errorf("region %#x size %#x overlaps region %#x (line %d)", addr, size, r.Addr, p.lines[fmt.Sprintf("mem %d", i)])
		}
	}
	p.total += int(size)
	p.lines[fmt.Sprintf("mem %d", len(p.c.Memory))] = p.line
	p.c.Memory = append(p.c.Memory, Region{Addr: addr, Perm: perm, Data: make([]byte, size)})
	p.cur = &p.c.Memory[len(p.c.Memory)-1]
	p.curNext = addr
	return nil
}

func (p *parser) dataLine(line string) error {
	if p.cur == nil {
		return errors.New("data line outside a mem block: data lines follow their mem line")
	}
	a, rest := cutWord(line)
	addr, err := parseAddr(a)
	if err != nil {
		return fmt.Errorf("data address: %w", err)
	}
	b, err := parseBytes(rest)
	if err != nil {
		return err
	}
	if len(b) == 0 || len(b) > 16 {
		return fmt.Errorf("data line has %d bytes, want 1 to 16", len(b))
	}
	r := p.cur
	switch {
	case addr < p.curNext:
		return fmt.Errorf("data line %#x overlaps or precedes the previous one: addresses must increase", addr)
	case addr >= r.End() || addr+uint64(len(b)) > r.End():
		return fmt.Errorf("data line %#x (%d bytes) is outside region %#x-%#x", addr, len(b), r.Addr, r.End())
	}
	copy(r.Data[addr-r.Addr:], b)
	p.curNext = addr + uint64(len(b))
	return nil
}

func (p *parser) insnLine(rest string) error {
	code, text, _ := strings.Cut(rest, ";")
	a, hexBytes := cutWord(strings.TrimSpace(code))
	addr, err := parseAddr(a)
	if err != nil {
		return fmt.Errorf("insn address: %w", err)
	}
	b, err := parseBytes(hexBytes)
	if err != nil {
		return err
	}
	if len(b) == 0 || len(b) > MaxInsnLen {
		return fmt.Errorf("instruction has %d bytes, want 1 to %d", len(b), MaxInsnLen)
	}
	p.lines[fmt.Sprintf("insn %d", len(p.c.Insns))] = p.line
	p.c.Insns = append(p.c.Insns, Insn{Addr: addr, Bytes: b, Text: strings.TrimSpace(text)})
	return nil
}

// finish decodes the divergence, sorts the regions and validates the
// whole case, giving the line of the item at fault.
func (p *parser) finish() error {
	c := p.c
	if _, ok := p.lines["arch"]; !ok {
		return &ParseError{Line: p.line + 1, Err: fmt.Errorf("no arch line (want arch %s)", Arch)}
	}
	if len(p.div) > 0 {
		d, line, err := p.divergence()
		if err != nil {
			return &ParseError{Line: line, Err: err}
		}
		c.Divergence = d
	}
	if p.reason && !p.verdict {
		return &ParseError{Line: p.lines["verdict"], Err: errors.New("reason without a verdict line")}
	}
	// Regions in address order, their lines with them.
	idx := make([]int, len(c.Memory))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(c.Memory[a].Addr, c.Memory[b].Addr) })
	sorted := make([]Region, len(c.Memory))
	lines := make([]int, len(c.Memory))
	for i, j := range idx {
		sorted[i], lines[i] = c.Memory[j], p.lines[fmt.Sprintf("mem %d", j)]
	}
	for i, l := range lines {
		p.lines[fmt.Sprintf("mem %d", i)] = l
	}
	if c.Memory != nil {
		c.Memory = sorted
	}
	if pr := c.validate(); pr != nil {
		line, ok := p.lines[pr.item]
		if !ok {
			line = p.line + 1
		}
		return &ParseError{Line: line, Err: pr.err}
	}
	return nil
}

func (p *parser) divergence() (*Divergence, int, error) {
	first := p.lines["divergence"]
	d := &Divergence{Kind: Kind(p.div["kind"]), Detail: p.div["detail"]}
	for _, k := range []string{"kind", "insn", "pc", "reference", "oracle"} {
		if _, ok := p.div[k]; !ok {
			return nil, first, fmt.Errorf("divergence has no %s line", k)
		}
	}
	n, err := strconv.Atoi(p.div["insn"])
	if err != nil || n < 0 || strconv.Itoa(n) != p.div["insn"] {
		return nil, p.divLine["insn"], fmt.Errorf("divergence insn %q: want the instruction's index, from 0", shorten(p.div["insn"]))
	}
	d.Insn = n
	if d.PC, err = parseAddr(p.div["pc"]); err != nil {
		return nil, p.divLine["pc"], fmt.Errorf("divergence pc: %w", err)
	}
	switch d.Kind {
	case KindRegister, KindFlags:
		if _, ok := p.div["register"]; !ok {
			return nil, first, fmt.Errorf("divergence of kind %s has no register line", d.Kind)
		}
		d.Register = p.div["register"]
	case KindMemory:
		if _, ok := p.div["address"]; !ok {
			return nil, first, errors.New("divergence of kind memory has no address line")
		}
		if d.Address, err = parseAddr(p.div["address"]); err != nil {
			return nil, p.divLine["address"], fmt.Errorf("divergence address: %w", err)
		}
	case KindFault:
	default:
		return nil, p.divLine["kind"], fmt.Errorf("unknown divergence kind %q (want register, flags, memory or fault)", shorten(string(d.Kind)))
	}
	if _, ok := p.div["register"]; ok && d.Kind != KindRegister && d.Kind != KindFlags {
		return nil, p.divLine["register"], fmt.Errorf("a divergence of kind %s has no register", d.Kind)
	}
	if _, ok := p.div["address"]; ok && d.Kind != KindMemory {
		return nil, p.divLine["address"], fmt.Errorf("a divergence of kind %s has no address", d.Kind)
	}
	for _, v := range []struct {
		key string
		dst *[]byte
	}{{"reference", &d.Reference}, {"oracle", &d.Oracle}, {"host", &d.Host}} {
		raw, ok := p.div[v.key]
		if !ok {
			continue
		}
		b, err := parseValue(d.Kind, raw)
		if err != nil {
			return nil, p.divLine[v.key], fmt.Errorf("divergence %s: %w", v.key, err)
		}
		*v.dst = b
	}
	return d, first, nil
}

// parseValue parses a divergence value of the given kind.
func parseValue(k Kind, s string) ([]byte, error) {
	switch k {
	case KindRegister, KindFlags:
		digits, ok := strings.CutPrefix(s, "0x")
		if !ok || digits == "" || len(digits)%2 != 0 {
			return nil, fmt.Errorf("value %q: want 0x and an even number of hex digits (the register's full width)", shorten(s))
		}
		if len(digits) > 2*MaxValueLen {
			return nil, fmt.Errorf("value longer than %d bytes", MaxValueLen)
		}
		b, err := hex.DecodeString(digits)
		if err != nil {
			return nil, fmt.Errorf("value %q: not hex", shorten(s))
		}
		slices.Reverse(b)
		return b, nil
	case KindMemory:
		b, err := parseBytes(s)
		if err != nil {
			return nil, err
		}
		if len(b) == 0 || len(b) > MaxValueLen {
			return nil, fmt.Errorf("want 1 to %d bytes", MaxValueLen)
		}
		return b, nil
	}
	if s == "" {
		return nil, errors.New("empty value")
	}
	return []byte(s), nil
}

func formatValue(k Kind, b []byte) string {
	switch k {
	case KindRegister, KindFlags:
		return formatRegValue(b)
	case KindMemory:
		return formatBytes(b)
	}
	return string(b)
}

// parseAddr parses 0x and 1 to 16 hex digits.
func parseAddr(s string) (uint64, error) {
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok || digits == "" || len(digits) > 16 {
		return 0, fmt.Errorf("%q: want 0x and 1 to 16 hex digits", shorten(s))
	}
	v, err := strconv.ParseUint(digits, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: not hex", shorten(s))
	}
	return v, nil
}

// parseBytes parses bytes written as two hex digits each, separated by
// blanks.
func parseBytes(s string) ([]byte, error) {
	f := strings.Fields(s)
	out := make([]byte, 0, len(f))
	for _, w := range f {
		if len(w) != 2 {
			return nil, fmt.Errorf("byte %q: want two hex digits", shorten(w))
		}
		b, err := hex.DecodeString(w)
		if err != nil {
			return nil, fmt.Errorf("byte %q: not hex", w)
		}
		out = append(out, b[0])
	}
	return out, nil
}

func formatBytes(b []byte) string {
	var sb strings.Builder
	for i, x := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		fmt.Fprintf(&sb, "%02x", x)
	}
	return sb.String()
}

// stripComment drops a trailing "# comment" (allowed on register, mem and
// data lines, whose values hold no '#').
func stripComment(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// cutWord splits off the first blank-separated word; the rest is trimmed.
func cutWord(s string) (word, rest string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// Write writes the case in the text format. It refuses an invalid case
// (see Validate). The output is canonical: Parse gives back an equal case,
// and writing that again gives the same bytes.
func (c *Case) Write(w io.Writer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %d\n", header, Version)
	fmt.Fprintf(&b, "arch %s\n", c.Arch)
	if len(c.Labels) > 0 {
		fmt.Fprintf(&b, "labels %s\n", strings.Join(c.Labels, " "))
	}
	if c.Description != "" {
		for _, l := range strings.Split(c.Description, "\n") {
			b.WriteString(strings.TrimSpace("description " + l))
			b.WriteByte('\n')
		}
	}
	if len(c.Regs) > 0 {
		b.WriteString("\n# registers; the others take their defaults\n")
		for _, n := range c.RegNames() {
			fmt.Fprintf(&b, "%s = %s", n, formatRegValue(c.Regs[n]))
			if n == "eflags" {
				if names := flagNames(c.RegUint64(n)); names != "" {
					fmt.Fprintf(&b, "  # %s", names)
				}
			}
			b.WriteByte('\n')
		}
	}
	for _, r := range c.Memory {
		fmt.Fprintf(&b, "\nmem %#x %#x %s\n", r.Addr, len(r.Data), r.Perm)
		for off := 0; off < len(r.Data); off += 16 {
			chunk := r.Data[off:min(off+16, len(r.Data))]
			if !slices.ContainsFunc(chunk, func(x byte) bool { return x != 0 }) {
				continue
			}
			fmt.Fprintf(&b, "  %#x  %s\n", r.Addr+uint64(off), formatBytes(chunk))
		}
	}
	b.WriteByte('\n')
	for _, in := range c.Insns {
		fmt.Fprintf(&b, "insn %#x  %s", in.Addr, formatBytes(in.Bytes))
		if in.Text != "" {
			fmt.Fprintf(&b, "  ; %s", in.Text)
		}
		b.WriteByte('\n')
	}
	if d := c.Divergence; d != nil {
		b.WriteByte('\n')
		fmt.Fprintf(&b, "divergence kind %s\n", d.Kind)
		fmt.Fprintf(&b, "divergence insn %d\n", d.Insn)
		fmt.Fprintf(&b, "divergence pc %#x\n", d.PC)
		switch d.Kind {
		case KindRegister, KindFlags:
			fmt.Fprintf(&b, "divergence register %s\n", d.Register)
		case KindMemory:
			fmt.Fprintf(&b, "divergence address %#x\n", d.Address)
		}
		fmt.Fprintf(&b, "divergence reference %s\n", formatValue(d.Kind, d.Reference))
		fmt.Fprintf(&b, "divergence oracle %s\n", formatValue(d.Kind, d.Oracle))
		if d.Host != nil {
			fmt.Fprintf(&b, "divergence host %s\n", formatValue(d.Kind, d.Host))
		}
		if d.Detail != "" {
			fmt.Fprintf(&b, "divergence detail %s\n", d.Detail)
		}
	}
	if c.Verdict.Name != "" {
		fmt.Fprintf(&b, "\nverdict %s\n", c.Verdict.Name)
		if c.Verdict.Reason != "" {
			fmt.Fprintf(&b, "reason %s\n", c.Verdict.Reason)
		}
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("repro: write case: %w", err)
	}
	return nil
}

// String renders the case in the text format, or the validation error.
func (c *Case) String() string {
	var b strings.Builder
	if err := c.Write(&b); err != nil {
		return err.Error()
	}
	return b.String()
}

// flagNames names the set status and control bits of rflags.
func flagNames(v uint64) string {
	var names []string
	for _, f := range []struct {
		bit  uint
		name string
	}{{0, "CF"}, {2, "PF"}, {4, "AF"}, {6, "ZF"}, {7, "SF"}, {8, "TF"}, {9, "IF"}, {10, "DF"}, {11, "OF"}, {18, "AC"}, {21, "ID"}} {
		if v>>f.bit&1 != 0 {
			names = append(names, f.name)
		}
	}
	return strings.Join(names, " ")
}
