package rsp

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"lockstep/machine"
)

// Bounds on target descriptions, which come from the stub and so are input.
const (
	maxIncludeDepth = 8
	maxDocuments    = 64
	maxRegisters    = 4096
	maxRegisterBits = 4096 // wider than any real register (AVX-512: 512)
	maxRegnum       = 1 << 16
)

// xincludeNS is the namespace of <xi:include>.
const xincludeNS = "http://www.w3.org/2001/XInclude"

// ParseTargetDescription parses a GDB target description (target.xml) into
// a register layout in register-number order, which is the order of the 'g'
// packet. include fetches the document an <xi:include href="..."/> names;
// includes nest up to a fixed depth and may not form cycles.
//
// Each <reg> needs a name and a bitsize; regnum defaults to one more than
// the previous register's (0 for the first). A register's Group is its group
// attribute, or else the name of the <feature> that holds it. XML comments
// are ignored (QEMU's x86 description has register names in one).
func ParseTargetDescription(xml []byte, include func(name string) ([]byte, error)) (*machine.Layout, error) {
	p := &tdescParser{include: include}
	if err := p.parse(xml, "target.xml", nil); err != nil {
		return nil, fmt.Errorf("rsp: target description: %w", err)
	}
	if len(p.regs) == 0 {
		return nil, errors.New("rsp: target description: no registers")
	}
	// Stable, so that a clash below names the registers in document order.
	slices.SortStableFunc(p.regs, func(a, b machine.Register) int { return a.Regnum - b.Regnum })
	for i := 1; i < len(p.regs); i++ {
		if p.regs[i].Regnum == p.regs[i-1].Regnum {
			return nil, fmt.Errorf("rsp: target description: registers %q and %q share number %d",
				p.regs[i-1].Name, p.regs[i].Name, p.regs[i].Regnum)
		}
	}
	l, err := machine.NewLayout(p.arch, p.regs)
	if err != nil {
		return nil, fmt.Errorf("rsp: target description: %w", err)
	}
	return l, nil
}

type tdescParser struct {
	include func(string) ([]byte, error)
	arch    string
	regs    []machine.Register
	next    int // default number of the next register
	docs    int
}

// parse reads one document; stack holds the names of the documents that
// include it, to catch cycles and bound depth.
func (p *tdescParser) parse(doc []byte, name string, stack []string) error {
	if p.docs++; p.docs > maxDocuments {
		return fmt.Errorf("more than %d documents", maxDocuments)
	}
	d := xml.NewDecoder(bytes.NewReader(doc))
	feature := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "architecture":
				var arch string
				if err := d.DecodeElement(&arch, &t); err != nil {
					return fmt.Errorf("%s: architecture: %w", name, err)
				}
				p.arch = strings.TrimSpace(arch)
			case t.Name.Local == "feature":
				feature = attr(t, "name")
			case t.Name.Local == "reg":
				if err := p.reg(t, feature); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			case t.Name.Local == "include" && (t.Name.Space == "xi" || t.Name.Space == xincludeNS):
				if err := p.includeDoc(attr(t, "href"), append(stack, name)); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
		case xml.EndElement:
			if t.Name.Local == "feature" {
				feature = ""
			}
		}
	}
}

func (p *tdescParser) includeDoc(href string, stack []string) error {
	switch {
	case href == "":
		return errors.New("include without href")
	case slices.Contains(stack, href):
		return fmt.Errorf("include cycle: %s -> %s", strings.Join(stack, " -> "), href)
	case len(stack) > maxIncludeDepth:
		return fmt.Errorf("includes nested deeper than %d", maxIncludeDepth)
	case p.include == nil:
		return fmt.Errorf("cannot fetch included %q", href)
	}
	doc, err := p.include(href)
	if err != nil {
		return fmt.Errorf("include %q: %w", href, err)
	}
	return p.parse(doc, href, stack)
}

func (p *tdescParser) reg(t xml.StartElement, feature string) error {
	if len(p.regs) >= maxRegisters {
		return fmt.Errorf("more than %d registers", maxRegisters)
	}
	r := machine.Register{
		Name:  attr(t, "name"),
		Type:  attr(t, "type"),
		Group: attr(t, "group"),
	}
	if r.Name == "" {
		return errors.New("register without a name")
	}
	bits, err := strconv.Atoi(attr(t, "bitsize"))
	if err != nil || bits <= 0 || bits > maxRegisterBits {
		return fmt.Errorf("register %q: bad bitsize %q", r.Name, attr(t, "bitsize"))
	}
	r.Bits = bits
	r.Regnum = p.next
	if s := attr(t, "regnum"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > maxRegnum {
			return fmt.Errorf("register %q: bad regnum %q", r.Name, s)
		}
		r.Regnum = n
	}
	if r.Type == "" {
		r.Type = "int" // GDB's default
	}
	if r.Group == "" {
		r.Group = feature
	}
	p.next = r.Regnum + 1
	p.regs = append(p.regs, r)
	return nil
}

// attr returns the value of the named attribute (any namespace), or "".
func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
