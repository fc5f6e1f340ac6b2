package gdbtarget

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"

	"lockstep/machine"
)

// ParseLayout reads a register layout file, for stubs without a target
// description: one register a line, in 'g' packet order, as "NAME BITS"
// (optionally a third word, the group); blank lines and text after # are
// ignored.
func ParseLayout(text string) (*machine.Layout, error) {
	var regs []machine.Register
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 || len(f) > 3 {
			return nil, fmt.Errorf("layout line %d: want NAME BITS [GROUP], got %q", n, strings.TrimSpace(line))
		}
		bits, err := strconv.Atoi(f[1])
		if err != nil || bits <= 0 || bits > 4096 || bits%8 != 0 {
			return nil, fmt.Errorf("layout line %d: register %s: width %q is not a positive multiple of 8 up to 4096", n, f[0], f[1])
		}
		r := machine.Register{Name: f[0], Bits: bits, Regnum: len(regs)}
		if len(f) == 3 {
			r.Group = f[2]
		}
		regs = append(regs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	if len(regs) == 0 {
		return nil, fmt.Errorf("layout: no registers")
	}
	l, err := machine.NewLayout("layout file", regs)
	if err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	return l, nil
}

// aliases are names different stubs give the same register; Canonical
// maps each to the name QEMU's target description uses.
var aliases = map[string]string{
	"rflags": "eflags", "pc": "rip", "fsbase": "fs_base", "gsbase": "gs_base",
	"fcw": "fctrl", "fsw": "fstat", "ftw": "ftag", "fop": "fop",
}

// Canonical is the name a register goes by in QEMU's x86-64 target
// description (the reference's), for a name another stub may use.
func Canonical(name string) string {
	n := strings.ToLower(name)
	if c, ok := aliases[n]; ok {
		return c
	}
	return n
}
