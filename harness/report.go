package harness

import (
	"encoding/binary"
	"fmt"
	"io"
	"lockstep/repro"
	"math"
	"math/big"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
	"golang.org/x/arch/x86/x86asm"

	"lockstep/machine"
)

// Disassemble renders the instruction at the start of code in Intel
// syntax and returns its length (all of code when it cannot be decoded).
func Disassemble(code []byte, pc uint64) (string, int) {
	if len(code) == 0 {
		return "(no code)", 0
	}
	if text, n, ok := decodeADX(code); ok {
		return text, n
	}
	inst, err := x86asm.Decode(code, 64)
	if err != nil {
		// A VEX, EVEX or XOP instruction x86asm does not know: its length
		// from the encoding, not the whole window.
		n, ok := repro.VEXLen(code)
		if !ok {
			n = len(code)
		}
		if mn, ok := vexMnemonic(code); ok {
			return mn + " (VEX)", n
		}
		if ok {
			return "(undecoded VEX)", n
		}
		return "(undecoded)", n
	}
	return x86asm.IntelSyntax(inst, pc, nil), inst.Len
}

// decodeADX decodes ADCX and ADOX (66 or F3, REX, 0F 38 F6 /r), which
// x86asm does not know, for their register forms; a memory operand is
// shown as "[mem]".
func decodeADX(code []byte) (string, int, bool) {
	if len(code) < 5 || (code[0] != 0x66 && code[0] != 0xf3) {
		return "", 0, false
	}
	mn := map[byte]string{0x66: "adcx", 0xf3: "adox"}[code[0]]
	i, rex := 1, byte(0)
	if code[i]&0xf0 == 0x40 {
		rex, i = code[i], i+1
	}
	if len(code) < i+4 || code[i] != 0x0f || code[i+1] != 0x38 || code[i+2] != 0xf6 {
		return "", 0, false
	}
	modrm := code[i+3]
	wide := rex&8 != 0
	reg := int(modrm>>3&7) | int(rex&4)<<1
	dst := gpr(reg, wide)
	if modrm>>6 != 3 {
		return fmt.Sprintf("%s %s, [mem]", mn, dst), len(code), true
	}
	src := gpr(int(modrm&7)|int(rex&1)<<3, wide)
	return fmt.Sprintf("%s %s, %s", mn, dst, src), i + 4, true
}

func gpr(n int, wide bool) string {
	names := []string{"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"}
	switch {
	case n >= 8 && wide:
		return fmt.Sprintf("r%d", n)
	case n >= 8:
		return fmt.Sprintf("r%dd", n)
	case wide:
		return "r" + names[n]
	}
	return "e" + names[n]
}

// FormatValue renders a register value for a report: hex, plus lanes for
// vector registers and the number for x87 registers.
func FormatValue(reg machine.Register, v []byte) string {
	h := hexLE(v)
	switch {
	case reg.Bits == 80:
		return fmt.Sprintf("%s (%s)", h, float80(v))
	case reg.Bits == 128:
		f32 := make([]string, 4)
		for i := range f32 {
			f32[i] = fmt.Sprint(math.Float32frombits(binary.LittleEndian.Uint32(v[4*i:])))
		}
		f64 := []string{
			fmt.Sprint(math.Float64frombits(binary.LittleEndian.Uint64(v[0:]))),
			fmt.Sprint(math.Float64frombits(binary.LittleEndian.Uint64(v[8:]))),
		}
		return fmt.Sprintf("%s (f32 [%s] f64 [%s])", h, strings.Join(f32, " "), strings.Join(f64, " "))
	}
	return h
}

// hexLE renders little-endian bytes as one hex number.
func hexLE(v []byte) string {
	var b strings.Builder
	b.WriteString("0x")
	for i := len(v) - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "%02x", v[i])
	}
	return b.String()
}

// hexBytes renders bytes in memory order.
func hexBytes(v []byte) string {
	var b strings.Builder
	for i, x := range v {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%02x", x)
	}
	return b.String()
}

// float80 renders an x87 extended-precision value exactly enough to tell
// two apart.
func float80(v []byte) string {
	if len(v) < 10 {
		return "?"
	}
	mant := binary.LittleEndian.Uint64(v)
	se := binary.LittleEndian.Uint16(v[8:])
	sign, exp := se>>15, int(se&0x7fff)
	s := ""
	if sign != 0 {
		s = "-"
	}
	switch {
	case exp == 0x7fff && mant<<1 == 0:
		return s + "inf"
	case exp == 0x7fff:
		return s + "nan"
	case exp == 0 && mant == 0:
		return s + "0"
	}
	if exp == 0 {
		exp = 1 // denormal
	}
	f := new(big.Float).SetPrec(64).SetUint64(mant)
	f.SetMantExp(f, exp-16383-63)
	if sign != 0 {
		f.Neg(f)
	}
	return f.Text('g', 21)
}

// hexWindow dumps the 16-byte lines around [first, last] of a compared
// range, reference and follower side by side, marking differing bytes.
func hexWindow(base uint64, ref, fol []byte, first, last int) string {
	lo := max(0, first&^15-16)
	hi := min(len(ref), (last|15)+1+16)
	var b strings.Builder
	for off := lo; off < hi; off += 16 {
		end := min(off+16, hi)
		fmt.Fprintf(&b, "%016x  ref ", base+uint64(off))
		for i := off; i < end; i++ {
			fmt.Fprintf(&b, "%02x ", ref[i])
		}
		b.WriteString(strings.Repeat("   ", 16-(end-off)))
		b.WriteString(" fol ")
		for i := off; i < end; i++ {
			fmt.Fprintf(&b, "%02x", fol[i])
			if ref[i] != fol[i] {
				b.WriteByte('*')
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// snapshotText renders a snapshot one register per line.
func snapshotText(s *machine.Snapshot) string {
	var b strings.Builder
	for i, r := range s.Layout.Regs {
		fmt.Fprintf(&b, "%-8s %s\n", r.Name, hexLE(s.Reg(i)))
	}
	return b.String()
}

// snapshotDiff is a unified diff of two snapshots, reference first.
func snapshotDiff(ref, fol *machine.Snapshot) string {
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(snapshotText(ref), snapshotText(fol))
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var out strings.Builder
	out.WriteString("--- reference\n+++ follower\n")
	for _, d := range diffs {
		prefix := " "
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			prefix = "-"
		case diffmatchpatch.DiffInsert:
			prefix = "+"
		default:
			continue // only the differing lines: the report lists the rest
		}
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l != "" {
				out.WriteString(prefix + l)
			}
		}
	}
	return out.String()
}

// Style selects how a text report looks.
type Style struct {
	Color bool // ANSI colours, for terminals
	// Explain lists every register not compared with its reason; without
	// it the report has one line with their count and categories.
	Explain bool

	follower string // how the follower is named ("follower", "test")
}

func (st Style) paint(code, s string) string {
	if !st.Color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// WriteText writes a human-readable report of the run.
func (res *Result) WriteText(w io.Writer, layout *machine.Layout, st Style) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	switch res.Outcome {
	case Agree:
		if res.LimitReached != "" {
			p("%s for the first %d instructions; the program had not ended (%s limit)", st.paint("32;1", "agree"), res.Steps, limitWord(res.LimitReached))
			break
		}
		p("%s: %d instructions compared", st.paint("32;1", "agree"), res.Steps)
	case Diverge:
		p("%s after %d instructions", st.paint("31;1", "DIVERGENCE"), res.Steps)
	case FaultOutcome:
		p("%s: both sides fault with signal %s at %#x after %d instructions", st.paint("33;1", "fault"), machine.SignalText(res.Signal), res.FaultPC, res.Steps)
	case UnsupportedOutcome:
		if res.UnsupportedProgram {
			p("%s: lockstep cannot follow the program past %s at %#x (%s) after %d instructions", st.paint("33;1", "unsupported"),
				res.Unsupported.Text, res.Unsupported.PC, hexBytes(res.Unsupported.Bytes), res.Steps)
		} else {
			p("%s: the oracle cannot execute %s at %#x (%s) after %d instructions", st.paint("33;1", "oracle unsupported"),
				res.Unsupported.Text, res.Unsupported.PC, hexBytes(res.Unsupported.Bytes), res.Steps)
		}
		if res.UnsupportedReason != "" {
			p("\n  %s", res.UnsupportedReason)
		}
	case ErrorOutcome:
		p("%s after %d instructions: %v", st.paint("31;1", "error"), res.Steps, res.Err)
	}
	if res.Outcome == Diverge && res.LimitReached != "" {
		p(" (the run stopped at the %s limit)", limitWord(res.LimitReached))
	}
	p("\n")
	st.follower = res.followerLabel()
	for i, d := range res.Divergences {
		if i > 0 {
			p("\n")
		}
		d.writeText(w, layout, st)
	}
	res.writePairing(w)
	p("\nsummary: %d instructions, %d syscalls", res.Steps, res.Syscalls)
	if res.Mode != "" {
		p(", %s mode (%d windows, %d block boundaries)", res.Mode, res.Windows, res.Blocks)
	}
	for _, sp := range res.Split {
		to := fmt.Sprint(sp.ToSyscall)
		if sp.ToSyscall == 0 {
			to = "the end"
		}
		p("\n  part %d/%d: after system call %d to %s: %d instructions (%d before it), %s", sp.Index+1, sp.Of, sp.FromSyscall, to, sp.Steps, sp.Skipped, sp.Outcome)
	}
	if res.Signals > 0 {
		p(", %d signals delivered", res.Signals)
	}
	if res.Skipped > 0 {
		p(", %d skipped before the start address", res.Skipped)
	}
	if res.ExitStatus != nil {
		p(", exit status %d", *res.ExitStatus)
	}
	if res.Duration > 0 {
		p(", %.2fs (%.0f instructions/s)", res.Duration.Seconds(), float64(res.Steps)/res.Duration.Seconds())
	}
	p("\n")
	if len(res.Synced) > 0 {
		p("synced from the reference, not compared: %s\n", CountsText(res.Synced))
	}
	switch {
	case res.Host != "":
		mode := "judges divergences"
		if res.ArbiterEvery {
			mode = fmt.Sprintf("judged every instruction (%d run natively)", res.Judged)
		}
		p("arbiter: the host CPU (%s) %s\n", res.Host, mode)
	case res.ArbiterOff != "":
		p("arbiter: off: %s\n", res.ArbiterOff)
	}
	if len(res.OracleCorrections) > 0 {
		p("oracle corrections (the host sided with the reference): %s\n", CountsText(res.OracleCorrections))
	}
	if len(res.Tolerated) > 0 {
		p("within tolerance: %s\n", CountsText(res.Tolerated))
	}
	if len(res.Native) > 0 {
		p("run on the host for the oracle: %s\n", CountsText(res.Native))
	}
	if len(res.Unjudged) > 0 {
		p("not judged: %s\n", CountsText(res.Unjudged))
	}
	if len(res.NotCompared) > 0 {
		if st.Explain {
			p("not compared: %s\n", notComparedText(res.NotCompared))
		} else {
			p("not compared: %s (--explain lists them)\n", notComparedSummary(res.NotCompared))
		}
	}
}

// CountsText renders counts by name as "name×n", sorted by name.
func CountsText(m map[string]int) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s×%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

func (d *Divergence) writeText(w io.Writer, layout *machine.Layout, st Style) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	fl := st.follower
	if fl == "" {
		fl = "follower"
	}
	if s := d.plainVerdictFor(fl); s != "" {
		p("%s\n", st.paint("1", s))
	}
	p("step %d  pc %#x  %s  [%s]\n", d.Step, d.Instruction.PC, st.paint("1", d.Instruction.Text), hexBytes(d.Instruction.Bytes))
	switch d.Kind {
	case KindRegister, KindFlags:
		reg, _ := layout.Lookup(d.Register)
		p("%s %s differs\n", d.Kind, st.paint("1", d.Register))
		p("  reference %s\n  %-9s %s\n", FormatValue(reg, d.Reference), fl, FormatValue(reg, d.Follower))
		if d.Hardware != nil {
			p("  host      %s\n", FormatValue(reg, d.Hardware))
		}
		if d.Oracle != nil {
			p("  oracle    %s\n", FormatValue(reg, d.Oracle))
		}
		if d.FlagBits != "" {
			p("  differing flags: %s (reference %s; %s %s)\n", d.FlagBits, FlagBits(le(d.Reference)), fl, FlagBits(le(d.Follower)))
		}
		if len(d.Others) > 0 {
			p("  also differ: %s\n", strings.Join(d.Others, " "))
		}
	case KindMemory:
		p("memory at %s differs (%d bytes)\n", st.paint("1", fmt.Sprintf("%#x", d.Address)), len(d.Reference))
		p("  reference %s\n  %-9s %s\n", hexBytes(d.Reference), fl, hexBytes(d.Follower))
		if d.Hardware != nil {
			p("  host      %s\n", hexBytes(d.Hardware))
		}
		if d.Oracle != nil {
			p("  oracle    %s\n", hexBytes(d.Oracle))
		}
		if d.Mapping != "" {
			p("  in mapping %s\n", d.Mapping)
		}
		p("%s", indent(d.Window, "  "))
	default:
		p("%s: %s\n", d.Kind, d.Detail)
		if d.Hardware != nil {
			p("  host: %s\n", d.Hardware)
		}
		if d.Oracle != nil {
			p("  oracle: %s\n", d.Oracle)
		}
	}
	if d.Agreement != "" {
		p("three opinions: %s\n", d.Agreement)
	}
	if d.Verdict != "" {
		p("verdict: %s", d.Verdict)
		if d.VerdictReason != "" {
			p(" (%s)", d.VerdictReason)
		}
		p("\n")
	}
	d.Block.writeText(w, st)
	if len(d.History) > 0 {
		p("last %d instructions:\n", len(d.History))
		for _, h := range d.History {
			var ch []string
			for _, c := range h.Changed {
				if c.Name == "rip" {
					continue
				}
				ch = append(ch, c.Name+"="+hexLE(c.Value))
			}
			p("  %8d  %#x  %-40s %s\n", h.Step, h.PC, h.Text, strings.Join(ch, " "))
		}
	}
	if d.Diff != "" {
		p("register diff:\n%s", indent(strings.Replace(d.Diff, "+++ follower\n", "+++ "+fl+"\n", 1), "  "))
	}
}

func indent(s, pre string) string {
	if s == "" {
		return ""
	}
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(pre + l)
		}
	}
	return b.String()
}

// notComparedText groups registers by reason: "cr0 cr2: kernel state; ...".
func notComparedText(nc []NotCompared) string {
	var groups []string
	for i := 0; i < len(nc); {
		j := i
		var names []string
		for ; j < len(nc) && nc[j].Reason == nc[i].Reason; j++ {
			names = append(names, nc[j].Register)
		}
		groups = append(groups, strings.Join(names, " ")+" ("+nc[i].Reason+")")
		i = j
	}
	return strings.Join(groups, "; ")
}

// writeText says how block mode found the divergence, with the block.
func (b *BlockDivergence) writeText(w io.Writer, st Style) {
	if b == nil {
		return
	}
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	switch {
	case b.OnlyAsBlock:
		p("%s\n", st.paint("1", fmt.Sprintf("block mode: found at the end of the block at %#x; run again single-stepped, QEMU agrees with the oracle through it, so QEMU goes wrong only when it translates the block as a whole", b.Start)))
	case b.Localized:
		p("block mode: found at the end of the block at %#x, then run again single-stepped to this instruction\n", b.Start)
	default:
		p("block mode: found at the end of the block at %#x; not localized: %s\n", b.Start, b.Rerun)
	}
	if len(b.Instructions) > 0 && !b.Localized {
		p("the block, as the oracle ran it (%d instructions):\n", len(b.Instructions))
		for _, in := range b.Instructions {
			p("  %#x  %-40s [%s]\n", in.PC, in.Text, hexBytes(in.Bytes))
		}
	}
}
