package harness

import (
	"fmt"
	"io"
	"strings"
)

// Verdicts of a test pairing (an emulator under test stepped beside the
// reference): the follower is the emulator under test.
const (
	// TestWrong: the host agrees with the reference, not with the
	// emulator under test (FollowerWrong, named for the pairing).
	TestWrong Verdict = "test-wrong"
)

// Pairing describes a run whose follower is an emulator under test over a
// gdbstub rather than the oracle. Reports then name the follower's values
// "test" (text and JSON), and verdicts test-wrong / reference-wrong.
type Pairing struct {
	// Test names the emulator under test ("valgrind", the template's
	// command, the address).
	Test string `json:"test"`
	// Capabilities lists what was discovered of its stub.
	Capabilities []string `json:"capabilities"`
	// Correspondences are the address regions taken as equal on the two
	// sides ("stack: reference 0x..-0x.. = test 0x..-0x.."): a value
	// pointing into one at the same offset as into the other is equal.
	Correspondences []string `json:"correspondences"`
	// EntryBlock says whether the reference's entry block (argc, argv,
	// envp, the auxiliary vector and the strings and random bytes they
	// point to) was written into the test at entry, or why not.
	EntryBlock string `json:"entry_block"`
	// MapSource says where the test's memory map came from.
	MapSource string `json:"map_source,omitempty"`
	// TestOnly lists registers of the test's layout the reference lacks.
	TestOnly []string `json:"test_only_registers"`
	// TestExitStatus is the emulator under test's own exit status.
	TestExitStatus *int `json:"test_exit_status"`
	// SyscallsSynced counts, by name, system calls whose results differ
	// by nature and were written from the reference into the test.
	SyscallsSynced map[string]int `json:"syscalls_synced"`
}

// writePairing adds the pairing's lines to a text report.
func (res *Result) writePairing(w io.Writer) {
	pr := res.Pairing
	if pr == nil {
		return
	}
	fmt.Fprintf(w, "emulator under test: %s (stub: %s)\n", pr.Test, strings.Join(pr.Capabilities, ", "))
	for _, c := range pr.Correspondences {
		fmt.Fprintf(w, "address correspondence: %s\n", c)
	}
	if pr.EntryBlock != "" {
		fmt.Fprintf(w, "entry block (argv, envp, auxv) from the reference: %s\n", pr.EntryBlock)
	}
	if len(pr.SyscallsSynced) > 0 {
		fmt.Fprintf(w, "system call results written from the reference into the test: %s\n", CountsText(pr.SyscallsSynced))
	}
	if len(pr.TestOnly) > 0 {
		fmt.Fprintf(w, "only in the test's layout, not compared: %s\n", strings.Join(pr.TestOnly, " "))
	}
}

// followerLabel is how reports name the follower.
func (res *Result) followerLabel() string {
	if res.Pairing != nil {
		return "test"
	}
	return "follower"
}
