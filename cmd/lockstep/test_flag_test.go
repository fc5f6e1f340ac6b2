package main

import (
	"net"
	"os"
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

// TestRunTestThreeOpinions: in a pairing's JSON, the first divergence
// names each side's value (reference, test, the Unicorn oracle asked from
// the state before the instruction, the host) and says which agree. The
// test is the host itself under gdbserver; QEMU 7.2's BLSI carry flag is
// wrong, and the oracle (which corrects Unicorn's copy of that mistake)
// sides with the test. --test gdbserver also gives exit status 1 there.
func TestRunTestThreeOpinions(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	tests := []struct {
		src, spec                                string
		step                                     float64
		reference, test, oracle, hardware, agree string
		verdict                                  string
	}{
		{"../../examples/blsi.S", "gdbserver", 2, "0x00000202", "0x00000203", "0x00000203", "0x00000203",
			"test and oracle agree; the reference differs", "reference-wrong"},
		{"../../examples/valgrind-cmpxchg32.S", "valgrind", 4, "0x1234567800000005", "0x0000000000000005", "0x1234567800000005",
			"0x1234567800000005", "reference and oracle agree; the test differs", "test-wrong"},
	}
	for _, tt := range tests {
		prog := testprog.Build(t, tt.src)
		code, rep, errs := runJSON(t, "--test", tt.spec, "--", prog)
		if code != 1 {
			t.Fatalf("%s: exit %d, stderr %s", tt.spec, code, errs)
		}
		d, _ := rep["divergence"].(map[string]any)
		want := map[string]any{"step": tt.step, "reference": tt.reference, "test": tt.test, "oracle": tt.oracle,
			"hardware": tt.hardware, "agreement": tt.agree, "verdict": tt.verdict}
		for k, v := range want {
			if d[k] != v {
				t.Errorf("%s: divergence.%s = %v, want %v", tt.spec, k, d[k], v)
			}
		}
		if p, _ := rep["pairing"].(map[string]any); p == nil || p["test"] != tt.spec {
			t.Errorf("%s: pairing %v", tt.spec, rep["pairing"])
		}
	}
	for _, n := range []string{"gdbserver", "valgrind", "vgdb"} {
		if pids := testprog.Children(n); len(pids) > 0 {
			t.Errorf("%s left running: %v", n, pids)
		}
	}
}

// TestRunTestStdin: with --stdin, QEMU and the emulator under test each
// read the file themselves, so a program reading stdin agrees.
func TestRunTestStdin(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	prog := testprog.Build(t, "../../corpus/programs/syscall/read-stdin.S", "-I../../corpus/programs")
	in := filepath.Join(t.TempDir(), "in")
	if err := os.WriteFile(in, []byte("The quick brown fox\njumps over\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, spec := range []string{"gdbserver", "qemu-x86_64 -g {sock} {prog} {args}"} {
		code, rep, errs := runJSON(t, "--stdin", in, "--test", spec, "--", prog)
		if code != 0 || rep["outcome"] != "agree" {
			t.Errorf("--test %q: exit %d, outcome %v, stderr %s", spec, code, rep["outcome"], errs)
		}
	}
}

// TestRunTestSignals: a handled signal is taken on both sides. The JSON
// counts it under signals, names how the test took it under synced, and
// lists the signal frame's correspondence.
func TestRunTestSignals(t *testing.T) {
	testprog.RequireQEMU(t)
	testprog.NoLeaks(t, "")
	prog := testprog.Build(t, "../../corpus/programs/signal/raise-usr1.S", "-I../../corpus/programs")
	code, rep, errs := runJSON(t, "--test", "gdbserver", "--", prog)
	if code != 0 || rep["outcome"] != "agree" || rep["signals"] != float64(3) {
		t.Fatalf("exit %d, outcome %v, signals %v, stderr %s", code, rep["outcome"], rep["signals"], errs)
	}
	synced, _ := rep["synced"].(map[string]any)
	for k, v := range map[string]float64{"SIGUSR1 delivered": 3, "own pid in a signalling call": 3, "signal frame": 3} {
		if synced[k] != v {
			t.Errorf("synced[%q] = %v, want %v (synced %v)", k, synced[k], v, synced)
		}
	}
	p, _ := rep["pairing"].(map[string]any)
	corrs, _ := p["correspondences"].([]any)
	found := false
	for _, c := range corrs {
		if s, _ := c.(string); strings.HasPrefix(s, "signal frame: ") {
			found = true
		}
	}
	if !found {
		t.Errorf("correspondences %v: no signal frame", corrs)
	}
}
