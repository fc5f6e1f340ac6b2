// Package corpus lists, describes and builds the test programs that the
// lockstep harness runs under QEMU and the Unicorn oracle.
//
// Each program lives in programs/<class>/ as a GNU assembler (.S) or C (.c)
// source with a manifest, <name>.case, beside it. A manifest is a UTF-8 text
// of "key: value" lines; blank lines and lines starting with '#' are ignored
// and unknown keys are errors, so that a typo cannot silently change what an
// entry expects. The sources are embedded in the package, so the corpus works
// from any working directory and from an installed binary.
//
// The programs follow a few conventions that the harness can rely on:
//
//   - Assembly is GNU as in AT&T syntax, linked with -nostdlib -static at
//     fixed addresses. What programs share (the output buffer and exit,
//     loops over operand tables, recording macros, the drivers of families
//     of similar programs) lives in programs/common/*.inc and is included
//     with `#include "common/NAME.inc"` (gcc runs the C preprocessor on .S
//     files), so that a program keeps what makes it different: its
//     instructions and its operand tables. The shared directory holds no
//     entries, and a change to a shared file rebuilds the entries that
//     include it.
//   - Results go both to registers and to an output buffer in memory, which
//     is written to stdout at the end, so a wrong result shows up in a
//     register, in a memory write and in the output.
//   - Only architecturally defined results are stored: flags that an
//     instruction leaves undefined are masked out before they are recorded.
//     (They still reach the registers, where the harness compares them.)
//   - Nothing that differs from run to run is stored or printed: no stack or
//     mmap addresses (only differences between them), no pids, no time.
//   - Programs exit through exit(2) with status 0 unless the manifest says
//     otherwise; those that fault do so at one marked instruction.
//   - An instruction that one side is known to get wrong lives in an entry
//     of its own, so that it does not hide the rest of its class.
//
// Two keys describe what the arbiter (the host CPU, judging divergences) is
// expected to do: "corrections: MNEMONIC..." lists the instructions on
// which the host sides with QEMU and the oracle is corrected, and
// "arbiter: every" asks for every instruction to be judged natively, so
// that a mistake QEMU and the oracle share becomes a divergence.
package corpus

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

//go:embed programs
var programs embed.FS

// FS returns the embedded file system holding the corpus; Entry.Source
// values are paths inside it.
func FS() fs.FS { return programs }

// BuildKind says how a source is turned into an executable.
type BuildKind int

// Build kinds. The zero value, BuildDefault, is resolved from the source's
// extension: .S is BuildAsm and .c is BuildCStatic.
const (
	BuildDefault  BuildKind = iota
	BuildAsm                // gcc -nostdlib -static -o out src.S
	BuildCStatic            // gcc -O2 -static -o out src.c
	BuildCDynamic           // gcc -O2 -o out src.c
)

var buildNames = [...]string{
	BuildDefault:  "default",
	BuildAsm:      "asm",
	BuildCStatic:  "c-static",
	BuildCDynamic: "c-dynamic",
}

func (k BuildKind) String() string {
	if k >= 0 && int(k) < len(buildNames) {
		return buildNames[k]
	}
	return fmt.Sprintf("BuildKind(%d)", int(k))
}

// ParseBuildKind returns the kind named by s as written in a manifest
// ("asm", "c-static" or "c-dynamic").
func ParseBuildKind(s string) (BuildKind, error) {
	for k, n := range buildNames {
		if n == s && BuildKind(k) != BuildDefault {
			return BuildKind(k), nil
		}
	}
	return BuildDefault, fmt.Errorf("unknown build kind %q (want asm, c-static or c-dynamic)", s)
}

// Outcomes an entry can expect.
const (
	// Agree: QEMU and the oracle agree on every step and the program
	// exits with Expectation.ExitStatus.
	Agree = "agree"
	// Diverge: the run diverges at a known instruction (a known bug of one
	// side); Expectation's divergence fields describe it.
	Diverge = "diverge"
	// Fault: the program is killed by Expectation.Signal, and both sides
	// agree up to the faulting instruction.
	Fault = "fault"
	// Unsupported: the oracle cannot run the program (Entry.Skip says
	// why); it is only built and run natively or under QEMU.
	Unsupported = "unsupported"
)

// Divergence kinds for Expectation.Kind.
var divergenceKinds = map[string]bool{
	"register": true, "flags": true, "memory": true,
	"fault": true, "exit": true, "output": true,
}

// knownLabels are the instruction classes and properties an entry may carry.
var knownLabels = map[string]bool{
	"alu": true, "flags": true, "shift": true, "muldiv": true, "bitops": true,
	"bmi1": true, "bmi2": true, "adx": true, "string": true, "control": true,
	"stack": true, "x87": true, "sse": true, "sse2": true, "sse3": true,
	"ssse3": true, "sse41": true, "sse42": true, "aes": true, "syscall": true,
	"memory": true, "smc": true, "fault": true, "libc": true, "dynamic": true,
	"long": true, "avx": true, "avx2": true, "popcnt": true, "movbe": true,
	"pclmul": true, "rdrand": true, "sha": true, "convert": true, "tls": true,
	"signal": true, "threads": true, "fsgsbase": true,
}

// KnownLabels returns the labels a manifest may use, sorted.
func KnownLabels() []string {
	out := make([]string, 0, len(knownLabels))
	for l := range knownLabels {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Entry is one test program and what running it should do.
type Entry struct {
	Name     string    // class/name, e.g. "bmi2/pdep"
	Source   string    // path inside the embedded FS, e.g. "programs/bmi2/pdep.S"
	Build    BuildKind // never BuildDefault in entries returned by All
	CFlags   []string  // extra compiler flags
	Args     []string  // argv after the program name
	Stdin    []byte    // standard input; nil for none
	Labels   []string  // instruction classes, sorted
	Expect   Expectation
	Skip     string // why the oracle cannot run this entry; empty if it can
	MaxSteps uint64 // bound on lockstep steps; 0 for the harness default

	// Corrections lists, sorted, the mnemonics (lower case, as in
	// "corrections: pdep pext") on which the arbiter is expected to
	// correct the oracle: the host CPU sides with QEMU, the oracle adopts
	// QEMU's state and the run goes on, counting the correction. Empty
	// when the oracle is expected to need no correction. Only entries
	// that expect agree or diverge may list corrections.
	Corrections []string
	// ArbiterEvery says that the entry is run with every instruction
	// judged natively ("arbiter: every"), not only the divergent ones, so
	// that a mistake QEMU and the oracle share shows as a divergence.
	ArbiterEvery bool
	// Block, when set, is what the entry gives in block mode instead of
	// Expect: a bug QEMU shows only when it translates several
	// instructions as one block ("block.expect: diverge").
	Block *BlockExpectation
}

// BlockExpectation is a divergence that appears only in block mode: at a
// block boundary, with single-stepped QEMU agreeing with the oracle.
type BlockExpectation struct {
	Register string // the first differing register
	Verdict  string // the host's verdict, when recorded
}

// Expectation is what a lockstep run of an entry should end with.
type Expectation struct {
	Outcome    string // Agree, Diverge, Fault or Unsupported
	ExitStatus int    // exit status for Agree and Unsupported
	Signal     int    // terminating signal for Fault

	// For Diverge: what the first divergence is. Kind is one of register,
	// flags, memory, fault, exit, output; Instruction is its disassembly;
	// Register or Address (hex) locates it; Reference (QEMU) and Oracle
	// (Unicorn) are the two values in hex, when known.
	Kind, Instruction, Register, Address, Reference, Oracle string
	// Verdict is the host CPU's judgement of the divergence (the
	// harness's verdict names), when the entry records one.
	Verdict string
	// Reason is a one-line explanation of a divergence or of anything
	// unusual about the entry (such as a known QEMU bug). For an
	// Unsupported entry that runs (no skip), the run's reason must
	// contain it.
	Reason string
}

// HasLabel reports whether e carries label l.
func (e Entry) HasLabel(l string) bool {
	for _, x := range e.Labels {
		if x == l {
			return true
		}
	}
	return false
}

// Default reports whether e belongs to the default lockstep suite: the
// oracle can run it and it is not marked long.
func (e Entry) Default() bool { return e.Skip == "" && !e.HasLabel("long") }

// ReadSource returns the entry's source text from the embedded corpus.
func (e Entry) ReadSource() ([]byte, error) {
	b, err := fs.ReadFile(programs, e.Source)
	if err != nil {
		return nil, fmt.Errorf("corpus: source of %s: %w", e.Name, err)
	}
	return b, nil
}

// Filter returns the entries that carry every given label. A label written
// as "!label" selects entries that do not carry it, so Filter(all, "x87",
// "!long") is the x87 entries of the default size.
func Filter(entries []Entry, labels ...string) []Entry {
	var out []Entry
next:
	for _, e := range entries {
		for _, l := range labels {
			if neg, ok := strings.CutPrefix(l, "!"); ok {
				if e.HasLabel(neg) {
					continue next
				}
			} else if !e.HasLabel(l) {
				continue next
			}
		}
		out = append(out, e)
	}
	return out
}

// All returns every entry of the embedded corpus, sorted by name. Each
// manifest is parsed and checked against the corpus: its source must exist
// and match its build kind.
func All() ([]Entry, error) {
	return load(programs)
}

func load(fsys fs.FS) ([]Entry, error) {
	var entries []Entry
	var errs []error
	err := fs.WalkDir(fsys, "programs", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".case" {
			return nil
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "programs/"), ".case")
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		e, err := Parse(name, data)
		if err == nil {
			err = resolve(fsys, &e)
		}
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("corpus: walking programs: %w", err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	return entries, nil
}

// resolve fills the default source and build kind of e and checks that the
// source exists in fsys.
func resolve(fsys fs.FS, e *Entry) error {
	dir := path.Join("programs", path.Dir(e.Name))
	if e.Source == "" {
		base := path.Base(e.Name)
		for _, ext := range []string{".S", ".c"} {
			p := path.Join(dir, base+ext)
			if _, err := fs.Stat(fsys, p); err == nil {
				if e.Source != "" {
					return fmt.Errorf("corpus: %s: both %s.S and %s.c exist; name one with source:", e.Name, base, base)
				}
				e.Source = p
			}
		}
		if e.Source == "" {
			return fmt.Errorf("corpus: %s: no source: neither %s.S nor %s.c exists", e.Name, base, base)
		}
	} else if _, err := fs.Stat(fsys, e.Source); err != nil {
		return fmt.Errorf("corpus: %s: source %s: %w", e.Name, e.Source, err)
	}
	return checkBuild(e)
}

// checkBuild resolves BuildDefault from the source's extension and rejects
// a build kind that does not fit the source language.
func checkBuild(e *Entry) error {
	ext := path.Ext(e.Source)
	switch e.Build {
	case BuildDefault:
		if ext == ".S" {
			e.Build = BuildAsm
		} else {
			e.Build = BuildCStatic
		}
	case BuildAsm:
		if ext != ".S" {
			return fmt.Errorf("corpus: %s: build asm needs a .S source, not %s", e.Name, e.Source)
		}
	case BuildCStatic, BuildCDynamic:
		if ext != ".c" {
			return fmt.Errorf("corpus: %s: build %s needs a .c source, not %s", e.Name, e.Build, e.Source)
		}
	}
	return nil
}

// validVerdicts are the verdicts a manifest may record.
var validVerdicts = map[string]bool{"reference-wrong": true, "follower-wrong": true, "both-wrong": true, "tolerance": true, "unjudged": true}

// manifestKeys are the keys a .case file may use.
var manifestKeys = map[string]bool{
	"source": true, "build": true, "cflags": true, "labels": true,
	"args": true, "stdin": true, "expect": true, "exit": true, "signal": true,
	"divergence.kind": true, "divergence.instruction": true,
	"divergence.register": true, "divergence.address": true,
	"divergence.reference": true, "divergence.oracle": true,
	"divergence.verdict": true,
	"reason":             true, "skip": true, "max-steps": true,
	"corrections": true, "arbiter": true,
	"block.expect": true, "block.register": true, "block.verdict": true,
}

// Parse parses the manifest data of the entry called name ("class/name")
// and checks it for consistency. If the manifest names no source, Source is
// left empty (All fills in the .S or .c of the same base name), and so is a
// build kind that depends on it.
func Parse(name string, data []byte) (Entry, error) {
	e, err := parse(name, data)
	if err != nil {
		return Entry{}, fmt.Errorf("corpus: %s: %w", name, err)
	}
	return e, nil
}

func parse(name string, data []byte) (Entry, error) {
	if err := checkName(name); err != nil {
		return Entry{}, err
	}
	if !utf8.Valid(data) {
		return Entry{}, errors.New("manifest is not valid UTF-8")
	}
	e := Entry{Name: name, Expect: Expectation{Outcome: Agree}}
	seen := map[string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		lineNo := i + 1
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return Entry{}, fmt.Errorf("line %d: want \"key: value\", got %q", lineNo, line)
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if !manifestKeys[key] {
			return Entry{}, fmt.Errorf("line %d: unknown key %q", lineNo, key)
		}
		if prev, dup := seen[key]; dup {
			return Entry{}, fmt.Errorf("line %d: key %q repeats line %d", lineNo, key, prev)
		}
		seen[key] = lineNo
		if err := e.set(key, value); err != nil {
			return Entry{}, fmt.Errorf("line %d: %s: %w", lineNo, key, err)
		}
	}
	if err := e.check(seen); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// checkName accepts "class/name" made of lower-case letters, digits, '-',
// '_' and '.', so that names are stable file names and ginkgo labels.
func checkName(name string) error {
	class, base, ok := strings.Cut(name, "/")
	if !ok || strings.Contains(base, "/") {
		return fmt.Errorf("entry name %q is not class/name", name)
	}
	for _, part := range []string{class, base} {
		if part == "" || part[0] == '.' || part[0] == '-' {
			return fmt.Errorf("entry name %q: empty or hidden component", name)
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
				return fmt.Errorf("entry name %q: character %q not allowed", name, r)
			}
		}
	}
	return nil
}

// set stores one manifest value in e.
func (e *Entry) set(key, value string) error {
	var err error
	x := &e.Expect
	switch key {
	case "source":
		if value == "" || strings.ContainsAny(value, "/\\") || value[0] == '.' {
			return fmt.Errorf("%q is not a plain file name in the entry's directory", value)
		}
		if ext := path.Ext(value); ext != ".S" && ext != ".c" {
			return fmt.Errorf("%q: source must end in .S or .c", value)
		}
		e.Source = path.Join("programs", path.Dir(e.Name), value)
	case "build":
		e.Build, err = ParseBuildKind(value)
	case "cflags":
		e.CFlags = fields(value)
	case "args":
		e.Args = fields(value)
	case "stdin":
		e.Stdin, err = unescape(value)
	case "labels":
		e.Labels, err = parseLabels(value)
	case "expect":
		switch value {
		case Agree, Diverge, Fault, Unsupported:
			x.Outcome = value
		default:
			return fmt.Errorf("unknown outcome %q (want agree, diverge, fault or unsupported)", value)
		}
	case "exit":
		x.ExitStatus, err = parseInt(value, 0, 255)
	case "signal":
		x.Signal, err = parseInt(value, 1, 64)
	case "divergence.kind":
		if !divergenceKinds[value] {
			return fmt.Errorf("unknown divergence kind %q (want register, flags, memory, fault, exit or output)", value)
		}
		x.Kind = value
	case "divergence.instruction":
		x.Instruction = value
	case "divergence.register":
		if value == "" || strings.ContainsAny(value, " \t") {
			return fmt.Errorf("%q is not a register name", value)
		}
		x.Register = value
	case "divergence.address":
		x.Address, err = parseHex(value)
	case "divergence.reference":
		x.Reference, err = parseHex(value)
	case "divergence.oracle":
		x.Oracle, err = parseHex(value)
	case "divergence.verdict":
		if !validVerdicts[value] {
			err = fmt.Errorf("unknown verdict %q (want reference-wrong, follower-wrong, both-wrong, tolerance or unjudged)", value)
		}
		x.Verdict = value
	case "reason":
		x.Reason = value
	case "skip":
		e.Skip = value
	case "max-steps":
		e.MaxSteps, err = strconv.ParseUint(value, 10, 64)
		if err == nil && e.MaxSteps == 0 {
			err = errors.New("must be positive")
		}
	case "corrections":
		e.Corrections, err = parseMnemonics(value)
	case "block.expect":
		if value != Diverge {
			return fmt.Errorf("block.expect %q: only diverge can differ from step mode", value)
		}
		if e.Block == nil {
			e.Block = &BlockExpectation{}
		}
	case "block.register":
		if value == "" || strings.ContainsAny(value, " \t") {
			return fmt.Errorf("%q is not a register name", value)
		}
		if e.Block == nil {
			e.Block = &BlockExpectation{}
		}
		e.Block.Register = value
	case "block.verdict":
		if !validVerdicts[value] {
			err = fmt.Errorf("unknown verdict %q", value)
		}
		if e.Block == nil {
			e.Block = &BlockExpectation{}
		}
		e.Block.Verdict = value
	case "arbiter":
		if value != "every" {
			return fmt.Errorf("unknown arbiter mode %q (want every)", value)
		}
		e.ArbiterEvery = true
	}
	return err
}

// check verifies that the manifest's keys fit together.
func (e *Entry) check(seen map[string]int) error {
	x := &e.Expect
	if len(e.Labels) == 0 {
		return errors.New("labels: missing (every entry needs at least one)")
	}
	if e.Source != "" {
		if err := checkBuild(e); err != nil {
			return err
		}
	}
	for k := range seen {
		if strings.HasPrefix(k, "divergence.") && x.Outcome != Diverge {
			return fmt.Errorf("%s given but expect is %s, not diverge", k, x.Outcome)
		}
	}
	if _, ok := seen["signal"]; ok && x.Outcome != Fault {
		return fmt.Errorf("signal given but expect is %s, not fault", x.Outcome)
	}
	if _, ok := seen["corrections"]; ok && x.Outcome != Agree && x.Outcome != Diverge {
		return fmt.Errorf("corrections given but expect is %s, not agree or diverge", x.Outcome)
	}
	if _, ok := seen["block.expect"]; e.Block != nil && (!ok || e.Block.Register == "") {
		return errors.New("block.register and block.verdict need block.expect: diverge, and block.expect needs block.register")
	}
	if e.Block != nil && e.ArbiterEvery {
		return errors.New("block.expect given with arbiter: every (such entries run stepped in every mode)")
	}
	if e.ArbiterEvery && x.Outcome == Unsupported {
		return errors.New("arbiter: every given but expect is unsupported")
	}
	switch x.Outcome {
	case Fault:
		if x.Signal == 0 {
			return errors.New("expect fault needs signal (11 SIGSEGV, 8 SIGFPE, 4 SIGILL)")
		}
		if _, ok := seen["exit"]; ok {
			return errors.New("expect fault cannot have an exit status")
		}
	case Diverge:
		if x.Kind == "" {
			return errors.New("expect diverge needs divergence.kind")
		}
		if x.Reason == "" {
			return errors.New("expect diverge needs a reason")
		}
		if (x.Kind == "register" || x.Kind == "flags") && x.Address != "" {
			return fmt.Errorf("divergence.address given for a %s divergence", x.Kind)
		}
		if x.Kind == "register" && x.Register == "" {
			return errors.New("a register divergence needs divergence.register")
		}
		if x.Kind == "memory" && x.Register != "" {
			return errors.New("divergence.register given for a memory divergence")
		}
	case Unsupported:
		if e.Skip == "" && x.Reason == "" {
			return errors.New("expect unsupported needs skip: with the reason (not run), or reason: (run, and the report's reason must contain it)")
		}
	}
	return nil
}

// fields splits a space-separated list; an empty list is nil.
func fields(value string) []string {
	f := strings.Fields(value)
	if len(f) == 0 {
		return nil
	}
	return f
}

// parseMnemonics parses the corrections list: instruction mnemonics in
// lower case (letters and digits, starting with a letter), each once,
// returned sorted.
func parseMnemonics(value string) ([]string, error) {
	ms := strings.Fields(value)
	if len(ms) == 0 {
		return nil, errors.New("empty (list the mnemonics or leave the key out)")
	}
	sort.Strings(ms)
	for i, m := range ms {
		if m[0] < 'a' || m[0] > 'z' {
			return nil, fmt.Errorf("%q is not a lower-case mnemonic", m)
		}
		for _, r := range m {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				return nil, fmt.Errorf("%q is not a lower-case mnemonic", m)
			}
		}
		if i > 0 && ms[i-1] == m {
			return nil, fmt.Errorf("mnemonic %q repeated", m)
		}
	}
	return ms, nil
}

func parseLabels(value string) ([]string, error) {
	fields := strings.Fields(value)
	if len(fields) == 0 {
		return nil, errors.New("empty")
	}
	sort.Strings(fields)
	for i, l := range fields {
		if !knownLabels[l] {
			return nil, fmt.Errorf("unknown label %q", l)
		}
		if i > 0 && fields[i-1] == l {
			return nil, fmt.Errorf("label %q repeated", l)
		}
	}
	return fields, nil
}

func parseInt(value string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(value)
	if err != nil {
		return 0, fmt.Errorf("%q is not a decimal number", value)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%d out of range [%d, %d]", n, lo, hi)
	}
	return n, nil
}

// parseHex accepts a hexadecimal number with an optional 0x prefix and
// returns it in canonical form: lower case with the 0x prefix, leading
// zeros kept (they carry the operand width).
func parseHex(value string) (string, error) {
	digits := strings.TrimPrefix(strings.TrimPrefix(value, "0x"), "0X")
	if digits == "" {
		return "", fmt.Errorf("%q is not a hex number", value)
	}
	for _, r := range digits {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return "", fmt.Errorf("%q is not a hex number", value)
		}
	}
	return "0x" + strings.ToLower(digits), nil
}

// unescape decodes a stdin value: \n, \t and \\ are the only escapes.
func unescape(value string) ([]byte, error) {
	b := make([]byte, 0, len(value))
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		if i+1 == len(value) {
			return nil, errors.New("trailing backslash")
		}
		i++
		switch value[i] {
		case 'n':
			b = append(b, '\n')
		case 't':
			b = append(b, '\t')
		case '\\':
			b = append(b, '\\')
		default:
			return nil, fmt.Errorf("unknown escape \\%c (want \\n, \\t or \\\\)", value[i])
		}
	}
	return b, nil
}

// Manifest renders e as the text of a .case file that Parse reads back
// into an equal Entry: keys in a fixed order, defaults left out. It is how
// a tool that learns an entry's divergence values can write them back.
func (e Entry) Manifest() ([]byte, error) {
	var b bytes.Buffer
	put := func(key, value string) error {
		if strings.ContainsAny(value, "\n") || value != strings.TrimSpace(value) {
			return fmt.Errorf("corpus: %s: %s value %q cannot be written on one line", e.Name, key, value)
		}
		fmt.Fprintf(&b, "%s: %s\n", key, value)
		return nil
	}
	x := e.Expect
	type kv struct{ key, value string }
	var kvs []kv
	if e.Source != "" {
		kvs = append(kvs, kv{"source", path.Base(e.Source)})
	}
	if e.Build != BuildDefault {
		kvs = append(kvs, kv{"build", e.Build.String()})
	}
	if len(e.CFlags) > 0 {
		kvs = append(kvs, kv{"cflags", strings.Join(e.CFlags, " ")})
	}
	kvs = append(kvs, kv{"labels", strings.Join(e.Labels, " ")})
	if len(e.Args) > 0 {
		kvs = append(kvs, kv{"args", strings.Join(e.Args, " ")})
	}
	if e.Stdin != nil {
		kvs = append(kvs, kv{"stdin", escape(e.Stdin)})
	}
	if x.Outcome != "" && x.Outcome != Agree {
		kvs = append(kvs, kv{"expect", x.Outcome})
	}
	if x.ExitStatus != 0 {
		kvs = append(kvs, kv{"exit", strconv.Itoa(x.ExitStatus)})
	}
	if x.Signal != 0 {
		kvs = append(kvs, kv{"signal", strconv.Itoa(x.Signal)})
	}
	for _, f := range []kv{
		{"divergence.kind", x.Kind}, {"divergence.instruction", x.Instruction},
		{"divergence.register", x.Register}, {"divergence.address", x.Address},
		{"divergence.reference", x.Reference}, {"divergence.oracle", x.Oracle},
		{"divergence.verdict", x.Verdict},
		{"reason", x.Reason}, {"skip", e.Skip},
	} {
		if f.value != "" {
			kvs = append(kvs, f)
		}
	}
	if e.MaxSteps != 0 {
		kvs = append(kvs, kv{"max-steps", strconv.FormatUint(e.MaxSteps, 10)})
	}
	if len(e.Corrections) > 0 {
		kvs = append(kvs, kv{"corrections", strings.Join(e.Corrections, " ")})
	}
	if e.ArbiterEvery {
		kvs = append(kvs, kv{"arbiter", "every"})
	}
	if e.Block != nil {
		kvs = append(kvs, kv{"block.expect", Diverge}, kv{"block.register", e.Block.Register})
		if e.Block.Verdict != "" {
			kvs = append(kvs, kv{"block.verdict", e.Block.Verdict})
		}
	}
	for _, f := range kvs {
		if err := put(f.key, f.value); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// escape is the inverse of unescape.
func escape(data []byte) string {
	r := strings.NewReplacer("\\", "\\\\", "\n", "\\n", "\t", "\\t")
	return r.Replace(string(data))
}
