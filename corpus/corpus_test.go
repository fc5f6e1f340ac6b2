package corpus

import (
	"io/fs"
	"path"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, text string
		want       Entry
	}{
		{
			name: "alu/minimal",
			text: "labels: alu\n",
			want: Entry{Name: "alu/minimal", Labels: []string{"alu"},
				Expect: Expectation{Outcome: Agree}},
		},
		{
			name: "alu/comments",
			text: "# a comment\r\n\n   # indented comment\nlabels:  flags   alu \r\nmax-steps: 1000\n",
			want: Entry{Name: "alu/comments", Labels: []string{"alu", "flags"}, MaxSteps: 1000,
				Expect: Expectation{Outcome: Agree}},
		},
		{
			name: "bmi2/pdep",
			text: `labels: bmi2
expect: diverge
divergence.kind: register
divergence.instruction: pdep %r9,%r8,%rax
divergence.register: rax
divergence.reference: 0x00FF
divergence.oracle: 12
reason: Unicorn 2.0.1 PDEP swaps its operands: QEMU 7.2 is right
`,
			want: Entry{Name: "bmi2/pdep", Labels: []string{"bmi2"}, Expect: Expectation{
				Outcome: Diverge, Kind: "register", Instruction: "pdep %r9,%r8,%rax",
				Register: "rax", Reference: "0x00ff", Oracle: "0x12",
				Reason: "Unicorn 2.0.1 PDEP swaps its operands: QEMU 7.2 is right"}},
		},
		{
			name: "fault/ud2",
			text: "labels: fault\nexpect: fault\nsignal: 4\n",
			want: Entry{Name: "fault/ud2", Labels: []string{"fault"},
				Expect: Expectation{Outcome: Fault, Signal: 4}},
		},
		{
			name: "dynamic/hello",
			text: "source: main.c\nbuild: c-dynamic\ncflags: -DX=1  -lm\nlabels: libc dynamic\nargs: a  b\nexit: 3\n",
			want: Entry{Name: "dynamic/hello", Source: "programs/dynamic/main.c", Build: BuildCDynamic,
				CFlags: []string{"-DX=1", "-lm"}, Args: []string{"a", "b"}, Labels: []string{"dynamic", "libc"},
				Expect: Expectation{Outcome: Agree, ExitStatus: 3}},
		},
		{
			name: "syscall/read",
			text: `labels: syscall
stdin: one\ttwo\nback\\slash \n
`,
			want: Entry{Name: "syscall/read", Labels: []string{"syscall"}, Stdin: []byte("one\ttwo\nback\\slash \n"),
				Expect: Expectation{Outcome: Agree}},
		},
		{
			name: "syscall/empty-stdin",
			text: "labels: syscall\nstdin:\n",
			want: Entry{Name: "syscall/empty-stdin", Labels: []string{"syscall"}, Stdin: []byte{},
				Expect: Expectation{Outcome: Agree}},
		},
		{
			name: "unsupported/popcnt",
			text: "labels: popcnt\nexpect: unsupported\nskip: no POPCNT in Unicorn 2.0.1\n",
			want: Entry{Name: "unsupported/popcnt", Labels: []string{"popcnt"}, Skip: "no POPCNT in Unicorn 2.0.1",
				Expect: Expectation{Outcome: Unsupported}},
		},
		{
			name: "x87/mem",
			text: "labels: x87\nexpect: diverge\ndivergence.kind: memory\ndivergence.address: 4010A0\nreason: r\n",
			want: Entry{Name: "x87/mem", Labels: []string{"x87"}, Expect: Expectation{
				Outcome: Diverge, Kind: "memory", Address: "0x4010a0", Reason: "r"}},
		},
		{
			name: "bmi2/pext",
			text: "labels: bmi2\ncorrections:  pext pdep \n",
			want: Entry{Name: "bmi2/pext", Labels: []string{"bmi2"}, Corrections: []string{"pdep", "pext"},
				Expect: Expectation{Outcome: Agree}},
		},
		{
			name: "x87/fsin",
			text: `labels: x87
expect: diverge
divergence.kind: register
divergence.register: st7
reason: shared double-precision FSIN
arbiter: every
corrections: f2xm1
`,
			want: Entry{Name: "x87/fsin", Labels: []string{"x87"}, ArbiterEvery: true, Corrections: []string{"f2xm1"},
				Expect: Expectation{Outcome: Diverge, Kind: "register", Register: "st7",
					Reason: "shared double-precision FSIN"}},
		},
		{
			name: "x87/every-agree",
			text: "labels: x87\narbiter: every\n",
			want: Entry{Name: "x87/every-agree", Labels: []string{"x87"}, ArbiterEvery: true,
				Expect: Expectation{Outcome: Agree}},
		},
		{
			name: "asm/explicit",
			text: "source: other.S\nlabels: alu\n",
			want: Entry{Name: "asm/explicit", Source: "programs/asm/other.S", Build: BuildAsm, Labels: []string{"alu"},
				Expect: Expectation{Outcome: Agree}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.name, []byte(tt.text))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		desc, name, text, wantErr string
	}{
		{"unknown key", "a/b", "labels: alu\nlable: x\n", `unknown key "lable"`},
		{"typo in divergence key", "a/b", "labels: alu\nexpect: diverge\ndivergence.kin: register\n", "unknown key"},
		{"repeated key", "a/b", "labels: alu\nlabels: flags\n", "repeats line 1"},
		{"no colon", "a/b", "labels alu\n", `want "key: value"`},
		{"missing labels", "a/b", "exit: 1\n", "labels: missing"},
		{"empty labels", "a/b", "labels:\n", "empty"},
		{"unknown label", "a/b", "labels: alu avx9\n", `unknown label "avx9"`},
		{"repeated label", "a/b", "labels: alu alu\n", "repeated"},
		{"bad outcome", "a/b", "labels: alu\nexpect: pass\n", "unknown outcome"},
		{"fault without signal", "a/b", "labels: fault\nexpect: fault\n", "needs signal"},
		{"signal without fault", "a/b", "labels: fault\nsignal: 11\n", "not fault"},
		{"exit with fault", "a/b", "labels: fault\nexpect: fault\nsignal: 8\nexit: 0\n", "cannot have an exit status"},
		{"exit out of range", "a/b", "labels: alu\nexit: 256\n", "out of range"},
		{"exit not a number", "a/b", "labels: alu\nexit: one\n", "not a decimal"},
		{"signal out of range", "a/b", "labels: fault\nexpect: fault\nsignal: 0\n", "out of range"},
		{"diverge without kind", "a/b", "labels: alu\nexpect: diverge\nreason: r\n", "needs divergence.kind"},
		{"diverge without reason", "a/b", "labels: alu\nexpect: diverge\ndivergence.kind: flags\n", "needs a reason"},
		{"register divergence without register", "a/b", "labels: alu\nexpect: diverge\ndivergence.kind: register\nreason: r\n", "needs divergence.register"},
		{"memory divergence with register", "a/b", "labels: alu\nexpect: diverge\ndivergence.kind: memory\ndivergence.register: rax\nreason: r\n", "memory divergence"},
		{"flags divergence with address", "a/b", "labels: alu\nexpect: diverge\ndivergence.kind: flags\ndivergence.address: 10\nreason: r\n", "divergence.address given"},
		{"divergence on agree", "a/b", "labels: alu\ndivergence.kind: register\n", "not diverge"},
		{"bad divergence kind", "a/b", "labels: alu\nexpect: diverge\ndivergence.kind: timing\nreason: r\n", "unknown divergence kind"},
		{"bad hex", "a/b", "labels: alu\nexpect: diverge\ndivergence.kind: memory\ndivergence.address: 0xg1\nreason: r\n", "not a hex"},
		{"empty hex", "a/b", "labels: alu\nexpect: diverge\ndivergence.kind: memory\ndivergence.oracle: 0x\nreason: r\n", "not a hex"},
		{"register with space", "a/b", "labels: alu\nexpect: diverge\ndivergence.kind: register\ndivergence.register: r a x\nreason: r\n", "not a register"},
		{"unsupported without skip or reason", "a/b", "labels: avx2\nexpect: unsupported\n", "needs skip"},
		{"bad escape", "a/b", "labels: syscall\nstdin: a\\rb\n", `unknown escape \r`},
		{"trailing backslash", "a/b", "labels: syscall\nstdin: ab\\\n", "trailing backslash"},
		{"zero max-steps", "a/b", "labels: alu\nmax-steps: 0\n", "must be positive"},
		{"negative max-steps", "a/b", "labels: alu\nmax-steps: -5\n", "invalid syntax"},
		{"bad build", "a/b", "labels: alu\nbuild: rust\n", "unknown build kind"},
		{"asm build for C", "a/b", "source: b.c\nbuild: asm\nlabels: alu\n", "needs a .S source"},
		{"C build for asm", "a/b", "source: b.S\nbuild: c-static\nlabels: alu\n", "needs a .c source"},
		{"source with directory", "a/b", "source: ../x.S\nlabels: alu\n", "not a plain file name"},
		{"source with odd extension", "a/b", "source: x.s\nlabels: alu\n", "must end in .S or .c"},
		{"not UTF-8", "a/b", "labels: alu\nreason: \xff\xfe\n", "UTF-8"},
		{"empty corrections", "a/b", "labels: bmi2\ncorrections:\n", "empty"},
		{"upper-case correction", "a/b", "labels: bmi2\ncorrections: PEXT\n", "not a lower-case mnemonic"},
		{"correction with punctuation", "a/b", "labels: bmi2\ncorrections: pext,pdep\n", "not a lower-case mnemonic"},
		{"correction starting with a digit", "a/b", "labels: bmi2\ncorrections: 3dnow\n", "not a lower-case mnemonic"},
		{"repeated correction", "a/b", "labels: bmi2\ncorrections: pext pdep pext\n", "repeated"},
		{"corrections with fault", "a/b", "labels: fault\nexpect: fault\nsignal: 11\ncorrections: pext\n", "not agree or diverge"},
		{"corrections with unsupported", "a/b", "labels: avx2\nexpect: unsupported\nskip: s\ncorrections: vpaddd\n", "not agree or diverge"},
		{"unknown arbiter mode", "a/b", "labels: x87\narbiter: always\n", "unknown arbiter mode"},
		{"empty arbiter mode", "a/b", "labels: x87\narbiter:\n", "unknown arbiter mode"},
		{"arbiter every with unsupported", "a/b", "labels: avx2\nexpect: unsupported\nskip: s\narbiter: every\n", "arbiter: every given"},
		{"name without class", "bad", "labels: alu\n", "not class/name"},
		{"name too deep", "a/b/c", "labels: alu\n", "not class/name"},
		{"name upper case", "A/b", "labels: alu\n", "not allowed"},
		{"hidden name", "a/.b", "labels: alu\n", "hidden"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			_, err := Parse(tt.name, []byte(tt.text))
			if err == nil {
				t.Fatalf("Parse succeeded, want an error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse error %q does not contain %q", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.name) {
				t.Errorf("Parse error %q does not name the entry %q", err, tt.name)
			}
		})
	}
}

func TestManifestRoundTrip(t *testing.T) {
	entries, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		text, err := e.Manifest()
		if err != nil {
			t.Fatalf("%s: Manifest: %v", e.Name, err)
		}
		back, err := Parse(e.Name, text)
		if err != nil {
			t.Fatalf("%s: Parse(Manifest): %v\n%s", e.Name, err, text)
		}
		if err := resolve(programs, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, e) {
			t.Errorf("%s: round trip changed the entry:\n%#v\n%#v", e.Name, e, back)
		}
	}
}

// Corpus-wide targets from the corpus brief.
const (
	minEntries = 60
	minClasses = 15
)

func TestAll(t *testing.T) {
	entries, err := All()
	if err != nil {
		t.Fatalf("All: %v", err)
	}
	if len(entries) < minEntries {
		t.Errorf("%d entries, want at least %d", len(entries), minEntries)
	}
	classes := map[string]bool{}
	sources := map[string]string{}
	for i, e := range entries {
		if i > 0 && entries[i-1].Name >= e.Name {
			t.Errorf("entries not sorted: %s before %s", entries[i-1].Name, e.Name)
		}
		classes[path.Dir(e.Name)] = true
		if e.Build == BuildDefault {
			t.Errorf("%s: build kind not resolved", e.Name)
		}
		if !strings.HasPrefix(e.Source, "programs/"+path.Dir(e.Name)+"/") {
			t.Errorf("%s: source %s is outside its class directory", e.Name, e.Source)
		}
		src, err := e.ReadSource()
		if err != nil {
			t.Errorf("%s: %v", e.Name, err)
		} else if len(src) == 0 {
			t.Errorf("%s: empty source", e.Name)
		}
		if other, dup := sources[e.Source]; dup {
			t.Errorf("%s and %s share source %s", e.Name, other, e.Source)
		}
		sources[e.Source] = e.Name
		for _, l := range e.Labels {
			if !knownLabels[l] {
				t.Errorf("%s: unknown label %q", e.Name, l)
			}
		}
		x := e.Expect
		switch x.Outcome {
		case Agree:
		case Fault:
			if !e.HasLabel("fault") {
				t.Errorf("%s: expects a fault but has no fault label", e.Name)
			}
			if x.Signal != 4 && x.Signal != 8 && x.Signal != 11 {
				t.Errorf("%s: signal %d is not SIGILL, SIGFPE or SIGSEGV", e.Name, x.Signal)
			}
		case Diverge:
			if x.Instruction == "" {
				t.Errorf("%s: a divergence needs the instruction", e.Name)
			}
		case Unsupported:
			if e.Default() && x.Reason == "" {
				t.Errorf("%s: unsupported, in the default set, with no reason to check", e.Name)
			}
		default:
			t.Errorf("%s: outcome %q", e.Name, x.Outcome)
		}
		if e.HasLabel("fault") && x.Outcome != Fault {
			t.Errorf("%s: fault label but expects %s", e.Name, x.Outcome)
		}
		if e.HasLabel("dynamic") != (e.Build == BuildCDynamic) {
			t.Errorf("%s: the dynamic label and build c-dynamic must go together", e.Name)
		}
		if e.Build != BuildAsm && !e.HasLabel("libc") {
			t.Errorf("%s: C programs carry the libc label", e.Name)
		}
		if e.HasLabel("long") && e.MaxSteps == 0 {
			t.Errorf("%s: long entries need max-steps", e.Name)
		}
	}
	if len(classes) < minClasses {
		t.Errorf("%d classes, want at least %d", len(classes), minClasses)
	}
	// Every source file must belong to an entry: an orphan is usually a
	// manifest that was forgotten. A shared file must be included by an
	// entry, and nothing but shared files may live in the shared directory.
	included := map[string]bool{}
	for _, e := range entries {
		src, err := e.ReadSource()
		if err != nil {
			t.Fatal(err)
		}
		incs, err := includes(programs, e.Source, src)
		if err != nil {
			t.Errorf("%s: %v", e.Name, err)
		}
		for _, f := range incs {
			included[f.path] = true
		}
	}
	err = fs.WalkDir(programs, "programs", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch {
		case strings.HasPrefix(p, sharedDir+"/"):
			if path.Ext(p) != ".inc" {
				t.Errorf("%s: the shared directory holds only .inc files", p)
			} else if !included[p] {
				t.Errorf("%s is included by no entry", p)
			}
		case path.Ext(p) == ".case":
		default:
			if _, ok := sources[p]; !ok {
				t.Errorf("%s belongs to no entry", p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLoadRejectsBadCorpus(t *testing.T) {
	tests := []struct {
		desc    string
		files   map[string]string
		wantErr string
	}{
		{"missing source", map[string]string{"programs/a/x.case": "labels: alu\n"}, "neither x.S nor x.c"},
		{"both sources", map[string]string{"programs/a/x.case": "labels: alu\n", "programs/a/x.S": "", "programs/a/x.c": ""}, "both x.S and x.c"},
		{"named source missing", map[string]string{"programs/a/x.case": "source: y.S\nlabels: alu\n", "programs/a/x.S": ""}, "y.S"},
		{"bad manifest", map[string]string{"programs/a/x.case": "labels: nope\n", "programs/a/x.S": ""}, "unknown label"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			fsys := mapFS(tt.files)
			_, err := load(fsys)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("load: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestFilter(t *testing.T) {
	entries := []Entry{
		{Name: "a/1", Labels: []string{"alu", "flags"}},
		{Name: "a/2", Labels: []string{"alu", "long"}},
		{Name: "b/3", Labels: []string{"x87"}},
	}
	names := func(es []Entry) string {
		var n []string
		for _, e := range es {
			n = append(n, e.Name)
		}
		return strings.Join(n, ",")
	}
	tests := []struct {
		labels []string
		want   string
	}{
		{nil, "a/1,a/2,b/3"},
		{[]string{"alu"}, "a/1,a/2"},
		{[]string{"alu", "flags"}, "a/1"},
		{[]string{"!long"}, "a/1,b/3"},
		{[]string{"alu", "!long"}, "a/1"},
		{[]string{"sse"}, ""},
	}
	for _, tt := range tests {
		if got := names(Filter(entries, tt.labels...)); got != tt.want {
			t.Errorf("Filter(%q) = %q, want %q", tt.labels, got, tt.want)
		}
	}
	if !entries[0].Default() || entries[1].Default() {
		t.Error("Default: a long entry is not in the default set, others are")
	}
}

func FuzzParse(f *testing.F) {
	entries, err := All()
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		data, err := fs.ReadFile(programs, strings.TrimSuffix(e.Source, path.Ext(e.Source))+".case")
		if err == nil {
			f.Add(string(data))
		}
	}
	f.Add("labels: syscall\nstdin: a\\\\b\\n\\t\n")
	f.Add("labels: alu\nexpect: diverge\ndivergence.kind: memory\ndivergence.address: 0x10\nreason: r\n")
	f.Add("labels: bmi2\ncorrections: pext pdep\n")
	f.Add("labels: x87\nexpect: diverge\ndivergence.kind: register\ndivergence.register: st7\nreason: r\narbiter: every\ncorrections: fsin\n")
	f.Fuzz(func(t *testing.T, text string) {
		e, err := Parse("fuzz/case", []byte(text))
		if err != nil {
			return
		}
		// Whatever parses must render and parse back to the same entry.
		m, err := e.Manifest()
		if err != nil {
			t.Fatalf("Manifest of a parsed entry: %v", err)
		}
		back, err := Parse("fuzz/case", m)
		if err != nil {
			t.Fatalf("Parse(Manifest): %v\n%s", err, m)
		}
		if !reflect.DeepEqual(back, e) {
			t.Fatalf("round trip changed the entry:\n%#v\n%#v", e, back)
		}
	})
}
