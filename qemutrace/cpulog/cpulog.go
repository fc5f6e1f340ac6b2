// Package cpulog reads the CPU state log of qemu-x86_64 7.2 (`-d
// cpu,fpu,nochain -D FILE`): one record of the guest's registers before
// every translation block QEMU executes (before every instruction with
// -singlestep). It is the stream block mode compares against.
//
// The log can be gigabytes, so Reader streams it: one line at a time, a
// fixed amount of memory, nothing kept but the record being read. The
// format is QEMU's and not a promise of QEMU's, so the reader is strict:
// every line of a record must be one it knows, every field must parse, and
// a record must be complete; anything else is an error naming the line,
// never a guess. Check reads the first record of a log to refuse a QEMU
// whose format differs before a run depends on it.
package cpulog

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unsafe"
)

// Segment registers in the order QEMU logs them.
const (
	ES = iota
	CS
	SS
	DS
	FS
	GS
)

// Segment is one segment register as logged.
type Segment struct {
	Selector uint16
	Base     uint64
	Limit    uint32
	Flags    uint32
}

// Record is the guest state before one translation block.
type Record struct {
	// GPR holds rax rbx rcx rdx rsi rdi rbp rsp r8..r15, the order of
	// QEMU's log (and of its gdbstub).
	GPR [16]uint64
	RIP uint64
	// RFL is rflags as QEMU computes it from its lazy condition codes.
	RFL uint32
	CPL int
	Seg [6]Segment
	FCW uint16
	FSW uint16
	// FTW is the abridged tag word: bit i set when physical register i
	// is not empty.
	FTW   uint8
	MXCSR uint32
	// FPR are the physical x87 registers R0..R7, 80 bits each, little-
	// endian (significand, then sign and exponent).
	FPR [8][10]byte
	// YMM are the vector registers, 32 bytes each, little-endian. When
	// the log has only XMM registers (XMM set), the upper halves are 0.
	YMM [16][32]byte
	XMM bool
}

// Line is one line's role in a record.
type lineKind int

const (
	lineRAX lineKind = iota // the first line of a record
	lineRSI
	lineR8
	lineR12
	lineRIP
	lineSeg
	lineFCW
	lineFPR
	lineVec
	lineIgnored // state lockstep does not compare (descriptor tables, control and debug registers)
)

// ignoredPrefixes are lines of a record that carry kernel or emulator state
// user code cannot see.
var ignoredPrefixes = []string{"LDT=", "TR =", "GDT=", "IDT=", "CR0=", "DR0=", "DR6=", "CCS=", "EFER="}

// segPrefixes are the segment lines, in Segment order.
var segPrefixes = [...]string{"ES =", "CS =", "SS =", "DS =", "FS =", "GS ="}

// required counts the lines a complete record has, by kind (vectors: 16).
var required = [lineIgnored]int{lineRAX: 1, lineRSI: 1, lineR8: 1, lineR12: 1, lineRIP: 1, lineSeg: 6, lineFCW: 1, lineFPR: 4, lineVec: 16}

// maxLine bounds a line: QEMU's longest is under 100 bytes.
const maxLine = 512

// SyntaxError is a line the reader does not understand.
type SyntaxError struct {
	Line int
	Text string
	Msg  string
}

func (e *SyntaxError) Error() string {
	// Text may alias the reader's buffer until cloned by newSyntaxError.
	return fmt.Sprintf("cpulog: line %d: %s: %q", e.Line, e.Msg, e.Text)
}

// Reader reads records from a log.
type Reader struct {
	sc      *bufio.Scanner
	line    int
	pending string // the first line of the next record, already read
	have    bool
}

// NewReader reads the log from r.
func NewReader(r io.Reader) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, maxLine), maxLine)
	return &Reader{sc: sc}
}

func (r *Reader) next() (string, bool, error) {
	if r.have {
		r.have = false
		r.line++
		return r.pending, true, nil
	}
	if !r.sc.Scan() {
		if err := r.sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				return "", false, &SyntaxError{Line: r.line + 1, Msg: fmt.Sprintf("line longer than %d bytes", maxLine)}
			}
			return "", false, fmt.Errorf("cpulog: %w", err)
		}
		return "", false, nil
	}
	r.line++
	b := r.sc.Bytes()
	if len(b) == 0 {
		return "", true, nil
	}
	// Valid until the next Scan: parsing keeps no part of a line, and the
	// lookahead line and error texts are cloned.
	return unsafe.String(&b[0], len(b)), true, nil
}

// Next fills rec with the next record. It returns io.EOF at the end of a
// log that ends between records, and io.ErrUnexpectedEOF inside one.
func (r *Reader) Next(rec *Record) error {
	*rec = Record{}
	var seen [lineIgnored + 1]int
	lines, vec := 0, 0
	for {
		text, ok, err := r.next()
		if err != nil {
			return err
		}
		if !ok {
			if lines == 0 {
				return io.EOF
			}
			return fmt.Errorf("cpulog: line %d: the log ends inside a record: %w", r.line, io.ErrUnexpectedEOF)
		}
		if strings.HasPrefix(text, "RAX=") && lines > 0 {
			// The next record starts before this one is complete.
			r.pending, r.have = strings.Clone(text), true
			r.line--
			return r.incomplete(&seen)
		}
		kind, err := r.parseLine(text, rec, &vec)
		if err != nil {
			return err
		}
		seen[kind]++
		if kind == lineVec {
			seen[kind] = vec // registers, not lines: XMM lines hold two
		}
		lines++
		if kind != lineIgnored && seen[kind] > required[kind] {
			return &SyntaxError{Line: r.line, Text: strings.Clone(text), Msg: "repeated in one record"}
		}
		if kind == lineVec && vec == 16 {
			return r.incomplete(&seen)
		}
	}
}

// incomplete reports the first kind of line a finished record lacks.
func (r *Reader) incomplete(seen *[lineIgnored + 1]int) error {
	names := map[lineKind]string{lineRAX: "RAX", lineRSI: "RSI", lineR8: "R8", lineR12: "R12", lineRIP: "RIP",
		lineSeg: "segment", lineFCW: "FCW", lineFPR: "FPR", lineVec: "YMM/XMM"}
	for k := lineRAX; k < lineIgnored; k++ {
		if seen[k] != required[k] {
			return &SyntaxError{Line: r.line, Msg: fmt.Sprintf("the record ending here has %d %s lines, want %d", seen[k], names[k], required[k])}
		}
	}
	return nil
}

func (r *Reader) parseLine(text string, rec *Record, vec *int) (lineKind, error) {
	switch {
	case strings.HasPrefix(text, "RAX="):
		return lineRAX, r.fields(text, rec.GPR[0:4], "RAX", "RBX", "RCX", "RDX")
	case strings.HasPrefix(text, "RSI="):
		return lineRSI, r.fields(text, rec.GPR[4:8], "RSI", "RDI", "RBP", "RSP")
	case strings.HasPrefix(text, "R8 ="):
		return lineR8, r.fields(text, rec.GPR[8:12], "R8 ", "R9 ", "R10", "R11")
	case strings.HasPrefix(text, "R12="):
		return lineR12, r.fields(text, rec.GPR[12:16], "R12", "R13", "R14", "R15")
	case strings.HasPrefix(text, "RIP="):
		var buf [12]string
		f := split(text, buf[:])
		if len(f) < 4 || !strings.HasPrefix(f[1], "RFL=") || !strings.HasPrefix(f[3], "CPL=") {
			return 0, r.bad(text, "want RIP=… RFL=… […] CPL=…")
		}
		var err error
		if rec.RIP, err = hexField(f[0], "RIP=", 16); err != nil {
			return 0, r.bad(text, err.Error())
		}
		rfl, err := hexField(f[1], "RFL=", 8)
		if err != nil {
			return 0, r.bad(text, err.Error())
		}
		rec.RFL = uint32(rfl)
		cpl, err := strconv.Atoi(strings.TrimPrefix(f[3], "CPL="))
		if err != nil || cpl < 0 || cpl > 3 {
			return 0, r.bad(text, "CPL is not 0-3")
		}
		rec.CPL = cpl
		return lineRIP, nil
	case strings.HasPrefix(text, "FCW="):
		return lineFCW, r.parseFCW(text, rec)
	case strings.HasPrefix(text, "FPR"):
		return lineFPR, r.parseFPR(text, rec)
	case strings.HasPrefix(text, "YMM") || strings.HasPrefix(text, "XMM"):
		return lineVec, r.parseVec(text, rec, vec)
	}
	for i, p := range segPrefixes {
		if strings.HasPrefix(text, p) {
			return lineSeg, r.parseSeg(text[len(p):], &rec.Seg[i])
		}
	}
	for _, p := range ignoredPrefixes {
		if strings.HasPrefix(text, p) {
			return lineIgnored, nil
		}
	}
	return 0, r.bad(text, "not a line of QEMU 7.2's x86-64 CPU log")
}

// bad is a syntax error in the line text.
func (r *Reader) bad(text, msg string) error {
	return &SyntaxError{Line: r.line, Text: strings.Clone(text), Msg: msg}
}

// hexDigit values, 0xff for a byte that is not a lower- or upper-case hex
// digit.
var hexDigit = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c], t[c-'a'+'A'] = byte(c-'a'+10), byte(c-'a'+10)
	}
	return t
}()

// parseHex parses s, all hex digits (at most 16), without allocating.
func parseHex(s string) (uint64, bool) {
	if len(s) == 0 || len(s) > 16 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		d := hexDigit[s[i]]
		if d == 0xff {
			return 0, false
		}
		v = v<<4 | uint64(d)
	}
	return v, true
}

// fields parses "NAME=hex NAME=hex ..." with the names given.
func (r *Reader) fields(text string, dst []uint64, names ...string) error {
	rest := text
	for i, n := range names {
		if len(rest) <= len(n) || rest[:len(n)] != n || rest[len(n)] != '=' {
			return &SyntaxError{Line: r.line, Text: strings.Clone(text), Msg: "want " + strings.TrimSpace(n) + "="}
		}
		rest = rest[len(n)+1:]
		if len(rest) < 16 {
			return &SyntaxError{Line: r.line, Text: strings.Clone(text), Msg: "short value for " + strings.TrimSpace(n)}
		}
		v, ok := parseHex(rest[:16])
		if !ok {
			return &SyntaxError{Line: r.line, Text: strings.Clone(text), Msg: "bad hex for " + strings.TrimSpace(n)}
		}
		dst[i] = v
		rest = strings.TrimPrefix(rest[16:], " ")
	}
	if strings.TrimSpace(rest) != "" {
		return &SyntaxError{Line: r.line, Text: strings.Clone(text), Msg: "trailing text"}
	}
	return nil
}

// hexField parses "NAME=hex" with exactly digits hex digits.
func hexField(f, name string, digits int) (uint64, error) {
	v := strings.TrimPrefix(f, name)
	if len(v) != digits || len(f) == len(v) {
		return 0, fmt.Errorf("want %s with %d hex digits", name, digits)
	}
	n, ok := parseHex(v)
	if !ok {
		return 0, fmt.Errorf("bad hex in %s", name)
	}
	return n, nil
}

// parseSeg parses "SEL BASE LIMIT FLAGS [...]".
func (r *Reader) parseSeg(text string, s *Segment) error {
	var buf [8]string
	f := split(text, buf[:])
	if len(f) < 4 {
		return r.bad(text, "want selector, base, limit and flags")
	}
	var vals [4]uint64
	for i, d := range [4]int{4, 16, 8, 8} {
		if len(f[i]) != d {
			return r.bad(text, "a segment field has the wrong width")
		}
		v, ok := parseHex(f[i])
		if !ok {
			return r.bad(text, "bad hex in a segment field")
		}
		vals[i] = v
	}
	*s = Segment{Selector: uint16(vals[0]), Base: vals[1], Limit: uint32(vals[2]), Flags: uint32(vals[3])}
	return nil
}

// parseFCW parses "FCW=037f FSW=0000 [ST=0] FTW=00 MXCSR=00001f80".
func (r *Reader) parseFCW(text string, rec *Record) error {
	var buf [6]string
	f := split(text, buf[:])
	if len(f) != 5 {
		return r.bad(text, "want FCW= FSW= [ST=] FTW= MXCSR=")
	}
	fcw, err1 := hexField(f[0], "FCW=", 4)
	fsw, err2 := hexField(f[1], "FSW=", 4)
	ftw, err3 := hexField(f[3], "FTW=", 2)
	mx, err4 := hexField(f[4], "MXCSR=", 8)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return r.bad(text, err.Error())
	}
	rec.FCW, rec.FSW, rec.FTW, rec.MXCSR = uint16(fcw), uint16(fsw), uint8(ftw), uint32(mx)
	return nil
}

// parseFPR parses "FPRi=significand exp FPRj=significand exp".
func (r *Reader) parseFPR(text string, rec *Record) error {
	var buf [5]string
	f := split(text, buf[:])
	if len(f) != 4 {
		return r.bad(text, "want two FPRn=significand exponent pairs")
	}
	for k := 0; k < 4; k += 2 {
		name, sig, ok := strings.Cut(f[k], "=")
		if !ok || len(name) != 4 || name[3] < '0' || name[3] > '7' || len(sig) != 16 || len(f[k+1]) != 4 {
			return r.bad(text, "want FPRn=16 hex digits and 4 hex digits")
		}
		m, ok1 := parseHex(sig)
		e, ok2 := parseHex(f[k+1])
		if !ok1 || !ok2 {
			return r.bad(text, "bad hex in an FPR")
		}
		dst := &rec.FPR[name[3]-'0']
		for i := range 8 {
			dst[i] = byte(m >> (8 * i))
		}
		dst[8], dst[9] = byte(e), byte(e>>8)
	}
	return nil
}

// parseVec parses "YMMnn=q3 q2 q1 q0" or "XMMnn=q1 q0" (most significant
// first), in register order.
func (r *Reader) parseVec(text string, rec *Record, vec *int) error {
	if *vec > 0 && (text[0] == 'X') != rec.XMM {
		return r.bad(text, "YMM and XMM lines mixed in one record")
	}
	rec.XMM = text[0] == 'X'
	// A YMM line holds one register, an XMM line two: "XMMnn=q1 q0
	// XMMmm=q1 q0".
	rest := text
	for {
		if err := r.parseOneVec(text, rest[:min(len(rest), r.vecLen(rec.XMM))], rec, vec); err != nil {
			return err
		}
		rest = rest[min(len(rest), r.vecLen(rec.XMM)):]
		if len(rest) == 0 {
			return nil
		}
		if !rec.XMM || len(rest) < 2 || rest[0] != ' ' || rest[1] != 'X' {
			return r.bad(text, "trailing text after a vector register")
		}
		rest = rest[1:]
	}
}

// vecLen is the length of one register's text: "YMMnn=" and four words,
// or "XMMnn=" and two.
func (r *Reader) vecLen(xmm bool) int {
	if xmm {
		return 6 + 2*17 - 1
	}
	return 6 + 4*17 - 1
}

// parseOneVec parses "YMMnn=q3 q2 q1 q0" or "XMMnn=q1 q0" (most
// significant first), in register order.
func (r *Reader) parseOneVec(text, one string, rec *Record, vec *int) error {
	want, prefix := 4, "YMM"
	if rec.XMM {
		want, prefix = 2, "XMM"
	}
	if len(one) != 6+want*17-1 || one[:3] != prefix || one[5] != '=' {
		return r.bad(text, fmt.Sprintf("want %snn= and %d 64-bit words", prefix, want))
	}
	if *vec >= 16 {
		return r.bad(text, "more than 16 vector registers")
	}
	n := int(one[3]-'0')*10 + int(one[4]-'0')
	if one[3] < '0' || one[3] > '9' || one[4] < '0' || one[4] > '9' || n != *vec {
		return r.bad(text, fmt.Sprintf("want register %02d next", *vec))
	}
	words := one[6:]
	for i := range want {
		if i > 0 && words[17*i-1] != ' ' {
			return r.bad(text, "words not one space apart")
		}
		v, ok := parseHex(words[17*i : 17*i+16])
		if !ok {
			return r.bad(text, "bad hex in a vector word")
		}
		lane := want - 1 - i
		for b := range 8 {
			rec.YMM[n][8*lane+b] = byte(v >> (8 * b))
		}
	}
	*vec++
	return nil
}

// Check reads the first record of a log and says what does not match the
// format this package reads, naming what is missing: a QEMU of another
// version, or a -d flag missing from its build. Block mode refuses to
// start when Check fails.
func Check(r io.Reader) error {
	var rec Record
	if err := NewReader(r).Next(&rec); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("cpulog: QEMU wrote no CPU state (is -d cpu,fpu supported by this QEMU build?)")
		}
		return fmt.Errorf("this QEMU's CPU log is not the format lockstep reads (QEMU 7.2's): %w", err)
	}
	return nil
}

// recordPrefixes start every line a record may hold; the vector and FPR
// lines are matched by their stem.
var recordPrefixes = []string{"RAX=", "RSI=", "R8 =", "R12=", "RIP=", "FCW=", "FPR", "YMM", "XMM"}

// IsLine reports whether a line belongs to the CPU log rather than to
// something else QEMU writes to the same file (the page log, say). It
// looks only at the prefix: the Reader checks the rest.
func IsLine(line []byte) bool {
	if len(line) < 3 {
		return false
	}
	// Every prefix starts with one of these letters; only then compare.
	switch line[0] {
	case 'R', 'F', 'Y', 'X', 'E', 'C', 'S', 'D', 'G', 'L', 'T', 'I':
	default:
		return false
	}
	s := unsafe.String(&line[0], min(len(line), 5))
	for _, group := range [][]string{recordPrefixes, segPrefixes[:], ignoredPrefixes} {
		for _, p := range group {
			if strings.HasPrefix(s, p) {
				return true
			}
		}
	}
	return false
}

// split splits s at runs of spaces into dst's room, like strings.Fields
// without allocating. It returns one more field than dst holds when s has
// more, which callers reject as a wrong count.
func split(s string, dst []string) []string {
	n := 0
	for i := 0; i < len(s); {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i == len(s) {
			break
		}
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' {
			j++
		}
		if n == len(dst)-1 {
			return dst[:n+1] // too many: the caller rejects the count
		}
		dst[n] = s[i:j]
		n++
		i = j
	}
	return dst[:n]
}
