package gdbtarget

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		in      string
		kind    Kind
		words   []string
		addr    string
		wantErr string
	}{
		{in: "valgrind", kind: Valgrind},
		{in: "gdbserver", kind: Gdbserver, words: []string{"gdbserver", "--once", "--no-startup-with-shell", "127.0.0.1:{port}", "{prog}", "{args}"}},
		{in: "unix:/tmp/s", kind: Unix, addr: "/tmp/s"},
		{in: "localhost:1234", kind: TCP, addr: "localhost:1234"},
		{in: "pipe:vgdb --pid=12", kind: Pipe, words: []string{"vgdb", "--pid=12"}},
		{in: "qemu-x86_64 -g {sock} {prog} {args}", kind: Template, words: []string{"qemu-x86_64", "-g", "{sock}", "{prog}", "{args}"}},
		{in: `emu --gdb=tcp:{port} '{prog}'`, kind: Template, words: []string{"emu", "--gdb=tcp:{port}", "{prog}"}},
		{in: "emu {prog}", wantErr: "neither {sock} nor {port}"},
		{in: "emu -g {sock}", wantErr: "no {prog}"},
		{in: "emu -g {sock} {port} {prog}", wantErr: "both"},
		{in: "emu -g {sock} {prog} x{args}", wantErr: "word of its own"},
		{in: "emu -g {socket} {prog}", wantErr: "unknown placeholder"},
		{in: "emu -g {sock {prog}", wantErr: "unclosed"},
		{in: "emu 'a {sock} {prog}", wantErr: "unterminated"},
		{in: "unix:", wantErr: "socket path"},
		{in: "pipe:", wantErr: "relay command"},
		{in: "host:notaport", wantErr: "not a TCP port"},
		{in: "", wantErr: "empty"},
		{in: "nonsense", wantErr: "neither"},
	}
	for _, tt := range tests {
		sp, err := ParseSpec(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrSpec) {
				t.Errorf("ParseSpec(%q) error %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", tt.in, err)
			continue
		}
		if sp.Kind != tt.kind || sp.Address != tt.addr || !slices.Equal(sp.Words, tt.words) {
			t.Errorf("ParseSpec(%q) = %+v", tt.in, sp)
		}
	}
}

func TestX87Convention(t *testing.T) {
	for _, tt := range []struct {
		in  string
		rel bool
	}{
		{"gdbserver", true},
		{"/usr/bin/gdbserver --once localhost:{port} {prog} {args}", true},
		{"qemu-x86_64 -g {sock} {prog} {args}", false},
		{"valgrind", false},
	} {
		sp, err := ParseSpec(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if sp.X87StackRelative != tt.rel {
			t.Errorf("ParseSpec(%q).X87StackRelative = %v, want %v", tt.in, sp.X87StackRelative, tt.rel)
		}
	}
}

func TestChildPid(t *testing.T) {
	self := os.Getpid()
	parent := os.Getppid()
	for _, tt := range []struct {
		thread string
		stub   int
		want   int
	}{
		{"", 0, 0},                  // no stub process here
		{"p1.3816", parent, parent}, // QEMU names process 1
		{"", parent, parent},        // no thread id
		{fmt.Sprintf("p%x.%x", self, self), parent, self}, // a child of the stub
		{fmt.Sprintf("p%x.%x", self, self), self, self},   // the stub itself
		{fmt.Sprintf("p%x.1", parent), self, self},        // not a child
		{"pzz.1", parent, parent},
	} {
		if got := childPid(tt.thread, tt.stub); got != tt.want {
			t.Errorf("childPid(%q, %d) = %d, want %d", tt.thread, tt.stub, got, tt.want)
		}
	}
}

func TestExpand(t *testing.T) {
	sp, err := ParseSpec("emu -g {sock} {prog} {args} --log={sock}.log")
	if err != nil {
		t.Fatal(err)
	}
	got := sp.Expand("/d/s", 0, "/bin/p", []string{"a b", "c"})
	want := []string{"emu", "-g", "/d/s", "/bin/p", "a b", "c", "--log=/d/s.log"}
	if !slices.Equal(got, want) {
		t.Errorf("Expand = %q, want %q", got, want)
	}
}

func TestParseLayout(t *testing.T) {
	l, err := ParseLayout("# x86-64 subset\nrax 64\nrip 64 general\n\neflags 32 # flags\n")
	if err != nil {
		t.Fatal(err)
	}
	if l.Index("eflags") != 2 || l.Size() != 20 {
		t.Errorf("layout %+v", l.Regs)
	}
	for _, bad := range []string{"", "rax", "rax 0", "rax 63", "rax 64\nrax 64", "rax 64 a b"} {
		if _, err := ParseLayout(bad); err == nil {
			t.Errorf("ParseLayout(%q) accepted", bad)
		}
	}
}

func TestParseProcMaps(t *testing.T) {
	m := ParseProcMaps([]byte("00400000-00401000 r-xp 00000000 08:01 1 /bin/x\n1ffefff000-1fff001000 rw-p 00000000 00:00 0 [stack]\nbad line\n"))
	r, ok := m.Find(0x1fff000680)
	if !ok || r.Start != 0x1ffefff000 || r.End != 0x1fff001000 {
		t.Errorf("stack region %v %v in %v", r, ok, m)
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"valgrind", "unix:/x", "h:1", "pipe:a 'b c'", "e -g {sock} {prog} {args}", `e "{port}" \{prog}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := ParseSpec(s)
		if err != nil {
			return
		}
		if sp.Kind == Template {
			if sp.Sock == sp.Port {
				t.Fatalf("template %q accepted with sock=%v port=%v", s, sp.Sock, sp.Port)
			}
			w := sp.Expand("/s", 1, "/p", []string{"x"})
			for _, word := range w {
				if strings.Contains(word, "{sock}") || strings.Contains(word, "{prog}") || strings.Contains(word, "{port}") {
					t.Fatalf("placeholder left in %q after expanding %q", word, s)
				}
			}
		}
	})
}

func FuzzParseLayout(f *testing.F) {
	f.Add("rax 64\nrip 64\neflags 32\n")
	f.Add("# c\nxmm0 128 vector\n")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLayout(s)
		if err != nil {
			return
		}
		total := 0
		for _, r := range l.Regs {
			total += r.Size()
		}
		if total != l.Size() || len(l.Regs) == 0 {
			t.Fatalf("layout size %d, registers sum %d", l.Size(), total)
		}
	})
}
