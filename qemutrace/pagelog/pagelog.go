// Package pagelog parses the page log that qemu-x86_64 writes with
// `-d page -D FILE`: a table of the guest's memory map after every mmap,
// growing brk and binary load, and a summary of the loaded binary.
//
// QEMU 7.2 writes a table like
//
//	page layout changed following mmap
//	start            end              size             prot
//	0000000000400000-0000000000401000 0000000000001000 r--
//
// and, after the binary is loaded, lines such as "start_code  0x...". The
// log is flushed as soon as a table is complete, so a Parser fed with what
// the file holds after a syscall has the map as it is after that syscall.
// munmap, mprotect and mremap write nothing: callers must follow those.
package pagelog

import (
	"bytes"
	"fmt"
	"strconv"

	"lockstep/machine"
)

// maxLine bounds a line held while waiting for its newline; QEMU's lines are
// under 100 bytes, so anything longer is garbage and is dropped.
const maxLine = 4096

// Load is the summary QEMU logs after loading the binary. Fields QEMU did
// not log are zero.
type Load struct {
	StartBrk, EndCode, StartCode, StartData, EndData uint64
	StartStack, Brk, Entry, ArgvStart, EnvStart      uint64
	AuxvStart                                        uint64
}

// Parser consumes the log incrementally. The zero value is ready to use.
type Parser struct {
	partial []byte // an unterminated last line
	inTable bool   // the previous line was a table header or row
	table   []machine.Region
	current *machine.Map
	reason  string
	tables  int
	load    Load
	loaded  bool
}

// Write feeds more of the log. Complete lines are parsed at once; an
// unterminated tail is kept for the next call. It never fails on content:
// lines it does not know are skipped, as QEMU logs other things too.
func (p *Parser) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			if len(p.partial)+len(b) > maxLine {
				p.partial = p.partial[:0]
				return n, nil
			}
			p.partial = append(p.partial, b...)
			break
		}
		line := b[:i]
		if len(p.partial) > 0 {
			if len(p.partial)+i <= maxLine {
				p.partial = append(p.partial, line...)
				line = p.partial
			} else {
				line = nil
			}
			p.partial = p.partial[:0]
		}
		p.line(line)
		b = b[i+1:]
	}
	return n, nil
}

// Map returns the most recent memory map (a copy), or nil before the first
// table.
func (p *Parser) Map() *machine.Map {
	if p.current == nil {
		return nil
	}
	return p.current.Clone()
}

// Tables counts the tables seen so far; it changes whenever a new table
// starts, so callers can tell whether the map was logged anew.
func (p *Parser) Tables() int { return p.tables }

// Reason is what the latest table followed ("mmap", "binary load", ...).
func (p *Parser) Reason() string { return p.reason }

// Load returns the binary-load summary and whether it has been seen.
func (p *Parser) Load() (Load, bool) { return p.load, p.loaded }

const headerPrefix = "page layout changed following "

func (p *Parser) line(line []byte) {
	line = bytes.TrimRight(line, "\r ")
	if rest, ok := bytes.CutPrefix(line, []byte(headerPrefix)); ok {
		p.reason = string(rest)
		p.tables++
		p.table = p.table[:0]
		p.current = &machine.Map{}
		p.inTable = true
		return
	}
	if p.inTable {
		if bytes.HasPrefix(line, []byte("start ")) {
			return // column header
		}
		if r, ok := parseRow(line); ok {
			p.current.Set(r.Start, r.End, r.Perm)
			return
		}
		p.inTable = false
	}
	p.loadField(line)
}

// parseRow parses "start-end size prot".
func parseRow(line []byte) (machine.Region, bool) {
	f := bytes.Fields(line)
	if len(f) != 3 {
		return machine.Region{}, false
	}
	se := bytes.SplitN(f[0], []byte("-"), 2)
	if len(se) != 2 {
		return machine.Region{}, false
	}
	start, err1 := strconv.ParseUint(string(se[0]), 16, 64)
	end, err2 := strconv.ParseUint(string(se[1]), 16, 64)
	size, err3 := strconv.ParseUint(string(f[1]), 16, 64)
	perm, err4 := machine.ParsePerm(string(f[2]))
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || end <= start || end-start != size {
		return machine.Region{}, false
	}
	return machine.Region{Start: start, End: end, Perm: perm}, true
}

func (p *Parser) loadField(line []byte) {
	f := bytes.Fields(line)
	if len(f) != 2 || !bytes.HasPrefix(f[1], []byte("0x")) {
		return
	}
	v, err := strconv.ParseUint(string(f[1][2:]), 16, 64)
	if err != nil {
		return
	}
	field, ok := loadFields[string(f[0])]
	if !ok {
		return
	}
	*field(&p.load) = v
	p.loaded = true
}

// loadFields maps the summary's names to the fields of Load.
var loadFields = map[string]func(*Load) *uint64{
	"start_brk":   func(l *Load) *uint64 { return &l.StartBrk },
	"end_code":    func(l *Load) *uint64 { return &l.EndCode },
	"start_code":  func(l *Load) *uint64 { return &l.StartCode },
	"start_data":  func(l *Load) *uint64 { return &l.StartData },
	"end_data":    func(l *Load) *uint64 { return &l.EndData },
	"start_stack": func(l *Load) *uint64 { return &l.StartStack },
	"brk":         func(l *Load) *uint64 { return &l.Brk },
	"entry":       func(l *Load) *uint64 { return &l.Entry },
	"argv_start":  func(l *Load) *uint64 { return &l.ArgvStart },
	"env_start":   func(l *Load) *uint64 { return &l.EnvStart },
	"auxv_start":  func(l *Load) *uint64 { return &l.AuxvStart },
}

// String summarises the load for diagnostics.
func (l Load) String() string {
	return fmt.Sprintf("code %#x-%#x data %#x-%#x brk %#x stack %#x entry %#x",
		l.StartCode, l.EndCode, l.StartData, l.EndData, l.Brk, l.StartStack, l.Entry)
}
