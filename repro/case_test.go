package repro

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lockstep/machine"
)

func TestApply(t *testing.T) {
	l, err := machine.NewLayout("i386:x86-64", []machine.Register{
		{Name: "rax", Bits: 64}, {Name: "rsp", Bits: 64}, {Name: "rip", Bits: 64}, {Name: "eflags", Bits: 32},
		{Name: "cs", Bits: 32}, {Name: "st0", Bits: 80}, {Name: "xmm0", Bits: 128}, {Name: "mxcsr", Bits: 32},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := l.NewSnapshot()
	s.SetUint64("rax", 99)
	s.SetUint64("cs", 0x33)
	c := pdepCase(t)
	c.SetRegBytes("xmm0", bytes.Repeat([]byte{7}, 16))
	c.Apply(s)
	for _, tt := range []struct {
		name string
		want uint64
	}{{"rax", 0}, {"rsp", DefaultRSP}, {"rip", 0x401000}, {"eflags", 0x202}, {"cs", 0x33}, {"mxcsr", 0x1f80}, {"xmm0", 0x0707070707070707}} {
		if got, _ := s.Uint64(tt.name); got != tt.want {
			t.Errorf("%s = %#x, want %#x", tt.name, got, tt.want)
		}
	}
}

func TestParseFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.repro")
	if err := os.WriteFile(path, []byte(good+"rax = 0xq\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseFile(path); err == nil || !strings.HasPrefix(err.Error(), path+":6: register rax") {
		t.Fatalf("got %v", err)
	}
	if _, err := ParseFile(filepath.Join(t.TempDir(), "missing.repro")); err == nil {
		t.Fatal("missing file parsed")
	}
	if c, err := ParseFile("../corpus/cases/pdep.repro"); err != nil || c.Verdict.Name != FollowerWrong {
		t.Fatalf("%v %+v", err, c)
	}
}
