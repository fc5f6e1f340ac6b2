package harness

import (
	"strings"
	"testing"
)

func TestStartsThread(t *testing.T) {
	const glibcThread = 0x3d0f00 // pthread_create's clone flags (glibc 2.36)
	tests := []struct {
		name   string
		nr     uint64
		arg0   uint64
		clone3 uint64 // clone3's flags in memory
		noMem  bool   // clone3's struct cannot be read
		want   bool
	}{
		{"clone, pthread_create", sysClone, glibcThread, 0, false, true},
		{"clone, fork", sysClone, 0x1200011, 0, false, false},
		{"clone, CLONE_VM without CLONE_THREAD", sysClone, 0x100 | 17, 0, false, false},
		{"clone, vfork (posix_spawn)", sysClone, 0x4100 | 17, 0, false, false},
		{"clone3, pthread_create", sysClone3, 0x7fff0000, glibcThread, false, true},
		{"clone3, fork", sysClone3, 0x7fff0000, 0, false, false},
		{"clone3, unreadable args", sysClone3, 0x10, 0, true, true},
		{"not a clone", 39, cloneThread, 0, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			read := func(addr uint64) (uint64, bool) {
				if addr != tc.arg0 {
					t.Errorf("clone3 flags read at %#x, want %#x", addr, tc.arg0)
				}
				return tc.clone3, !tc.noMem
			}
			if got := startsThread(tc.nr, tc.arg0, read); got != tc.want {
				t.Errorf("startsThread = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestUnsupportedHeader checks that the report blames the program's
// thread, not the oracle, for an unsupported run that stopped at one.
func TestUnsupportedHeader(t *testing.T) {
	in := &Instruction{PC: 0x467287, Bytes: []byte{0x0f, 0x05}, Text: "syscall"}
	tests := []struct {
		name    string
		program bool
		want    string
	}{
		{"a thread", true, "unsupported: lockstep cannot follow the program past syscall at 0x467287 (0f 05) after 12 instructions"},
		{"an instruction", false, "oracle unsupported: the oracle cannot execute syscall at 0x467287 (0f 05) after 12 instructions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := &Result{Outcome: UnsupportedOutcome, Steps: 12, Unsupported: in,
				UnsupportedReason: threadReason, UnsupportedProgram: tc.program}
			var b strings.Builder
			res.WriteText(&b, nil, Style{})
			if got, _, _ := strings.Cut(b.String(), "\n"); got != tc.want {
				t.Errorf("first line %q, want %q", got, tc.want)
			}
		})
	}
}
