package minimize

import (
	"regexp"
	"strings"

	"lockstep/harness"
)

// Key is what de-duplicates divergences across programs: the mnemonic
// and operand form of the instruction ("pdep r64, r64, r64") and what
// differs (the register; for a flags divergence the differing flags,
// "CF", or where both sides agree the flags that differ from the host's;
// for memory "memory"). Two divergences with the same key are the
// same bug, whatever the values, addresses and registers involved.
type Key struct {
	Form  string // mnemonic and operand form
	Where string // register, flags, or "memory"
}

// String renders the key as "FORM: WHERE".
func (k Key) String() string { return k.Form + ": " + k.Where }

// Name is a file name derived from the key: lower case, words joined by
// '-' ("pdep-r64-r64-r64-rax", "blsi-r32-r32-cf").
func (k Key) Name() string {
	s := strings.ToLower(k.Form + " " + k.Where)
	s = nonName.ReplaceAllString(s, "-")
	s = strings.Trim(s, "-")
	if s == "" {
		return "case"
	}
	return s
}

var nonName = regexp.MustCompile(`[^a-z0-9]+`)

// KeyOf returns the de-duplication key of a signature.
func KeyOf(s Signature) Key {
	text := s.Text
	if text == "" || strings.HasPrefix(text, "(") {
		text, _ = harness.Disassemble(s.Insn, s.PC)
	}
	k := Key{Form: OperandForm(text)}
	switch s.Kind {
	case harness.KindMemory:
		k.Where = "memory"
	case harness.KindFlags:
		x := le64(s.Reference) ^ le64(s.Oracle)
		if x == 0 && s.Host != nil {
			// Both sides agree and the host does not (--arbiter every).
			x = le64(s.Reference) ^ le64(s.Host)
		}
		k.Where = harness.FlagBits(x)
		if k.Where == "" {
			k.Where = s.Register
		}
	default:
		k.Where = s.Register
	}
	return k
}

// OperandForm rewrites an Intel-syntax disassembly into its mnemonic and
// operand classes: registers by class and width (r64, r32, r16, r8, xmm,
// ymm, zmm, k, mm, st, sreg), memory by size (m8 ... m512, m80, or m),
// immediates and displacements as imm. Prefix words (lock, rep, ...)
// stay.
func OperandForm(text string) string {
	text = strings.TrimSuffix(strings.TrimSpace(text), " (VEX)")
	words := strings.Fields(text)
	var head []string
	for len(words) > 0 && prefixWords[words[0]] {
		head, words = append(head, words[0]), words[1:]
	}
	if len(words) == 0 {
		return strings.Join(head, " ")
	}
	head = append(head, words[0])
	ops := strings.TrimSpace(strings.Join(words[1:], " "))
	if ops == "" {
		return strings.Join(head, " ")
	}
	var forms []string
	for _, op := range strings.Split(ops, ",") {
		forms = append(forms, operandClass(strings.TrimSpace(op)))
	}
	return strings.Join(head, " ") + " " + strings.Join(forms, ", ")
}

var prefixWords = map[string]bool{"lock": true, "rep": true, "repe": true, "repne": true, "repz": true, "repnz": true, "data16": true, "addr32": true}

var (
	gpr64  = regexp.MustCompile(`^(r[a-d]x|r[sd]i|r[sb]p|r([89]|1[0-5]))$`)
	gpr32  = regexp.MustCompile(`^(e[a-d]x|e[sd]i|e[sb]p|r([89]|1[0-5])[dl])$`)
	gpr16  = regexp.MustCompile(`^([a-d]x|[sd]i|[sb]p|r([89]|1[0-5])w)$`)
	gpr8   = regexp.MustCompile(`^([a-d][lh]|[sd]il|[sb]pl|r([89]|1[0-5])b)$`)
	vecReg = regexp.MustCompile(`^([xyz]mm)\d+$`)
	kReg   = regexp.MustCompile(`^k[0-7]$`)
	mmReg  = regexp.MustCompile(`^mm[0-7]$`)
	stReg  = regexp.MustCompile(`^st(\d|\(\d\))?$`)
	sReg   = regexp.MustCompile(`^[c-gs]s$`)
	immRE  = regexp.MustCompile(`^[-+]?(0x[0-9a-f]+|\d+)$`)
	memRE  = regexp.MustCompile(`^(?:(\w+) ptr )?(?:[c-gs]s:)?\[`)
)

var memSizes = map[string]string{"byte": "m8", "word": "m16", "dword": "m32", "qword": "m64", "tword": "m80", "tbyte": "m80",
	"xmmword": "m128", "ymmword": "m256", "zmmword": "m512"}

func operandClass(op string) string {
	op = strings.ToLower(op)
	switch {
	case gpr64.MatchString(op):
		return "r64"
	case gpr32.MatchString(op):
		return "r32"
	case gpr16.MatchString(op):
		return "r16"
	case gpr8.MatchString(op):
		return "r8"
	case vecReg.MatchString(op):
		return vecReg.FindStringSubmatch(op)[1]
	case kReg.MatchString(op):
		return "k"
	case mmReg.MatchString(op):
		return "mm"
	case stReg.MatchString(op):
		return "st"
	case sReg.MatchString(op):
		return "sreg"
	case immRE.MatchString(op):
		return "imm"
	}
	if m := memRE.FindStringSubmatch(op); m != nil {
		if sz, ok := memSizes[m[1]]; ok {
			return sz
		}
		return "m"
	}
	return op
}
