package main

import (
	"net"
	"path/filepath"
	"strings"
	"testing"

	"lockstep/internal/testprog"
	"lockstep/rsp/rsptest"
)

// TestRunTestBadPeers: a bad --test target is a clear error, exit status
// 2, and nothing is left running (QEMU included).
func TestRunTestBadPeers(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	prog := testprog.Build(t, "../../qemutrace/testdata/basic.S")
	hangup, err := rsptest.NewUnix(func(string) rsptest.Response { return rsptest.Response{Hangup: true, NoReply: true} })
	if err != nil {
		t.Fatal(err)
	}
	defer hangup.Close()
	// A listening TCP port nobody answers on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	tests := []struct{ spec, want string }{
		{"emu --run {prog}", "neither {sock} nor {port}"},
		{"unix:" + hangup.Address(), "handshake"},
		{"unix:" + filepath.Join(t.TempDir(), "none"), "connect"},
		{ln.Addr().String(), "connect"},
		{"/bin/false -g {sock} {prog}", "exited before its gdbstub"},
		{"pipe:/bin/true", "handshake"},
	}
	for _, tt := range tests {
		code, out, errs := lockstep(t, "run", "--test", tt.spec, "--", prog)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("--test %q: exit %d, stderr %q (want 2 and %q); stdout %q", tt.spec, code, errs, tt.want, out)
		}
	}
	for _, n := range []string{"vgdb", "valgrind", "/bin/true", "/bin/false"} {
		if pids := testprog.Children(n); len(pids) > 0 {
			t.Errorf("%s left running: %v", n, pids)
		}
	}
}
