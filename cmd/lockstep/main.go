// Command lockstep finds the first instruction where an emulator and a
// reference CPU part ways.
//
// Usage:
//
//	lockstep run [flags] -- PROG [ARGS...]    QEMU against the Unicorn oracle, first divergence
//	lockstep trace [flags] -- PROG [ARGS...]  one line per instruction QEMU executes
//	lockstep minimize [flags] -- PROG [ARGS...] first divergence as a minimal case
//	lockstep corpus list|build|run [flags]    the bundled test programs
//
// Exit status: 0 agree, 1 divergence, 2 error of the tool or bad input,
// 3 the oracle cannot execute an instruction of the program, 4 (minimize)
// a divergence that gave no reproducer.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit statuses.
const (
	exitAgree       = 0
	exitDiverge     = 1
	exitError       = 2
	exitUnsupported = 3
)

const usage = `usage:
  lockstep run [flags] -- PROG [ARGS...]     run PROG under QEMU and the Unicorn oracle in lockstep
  lockstep trace [flags] -- PROG [ARGS...]   print every instruction QEMU executes
  lockstep minimize [flags] -- PROG [ARGS...]  reduce PROG's first divergence to a minimal case with a verdict
  lockstep corpus list [--label L]           list the bundled test programs
  lockstep corpus build                      build them (cached)
  lockstep corpus run [--label L] [flags]    run them in lockstep and check their expectations
Run 'lockstep COMMAND -h' for a command's flags.
Exit status: 0 agree, 1 divergence, 2 error or bad input, 3 oracle unsupported,
4 (minimize) a divergence that gave no reproducer.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError
	}
	switch args[0] {
	case "run":
		return cmdRun(ctx, args[1:], stdout, stderr)
	case "trace":
		return cmdTrace(ctx, args[1:], stdout, stderr)
	case "corpus":
		return cmdCorpus(ctx, args[1:], stdout, stderr)
	case "minimize":
		return cmdMinimize(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitAgree
	}
	fmt.Fprintf(stderr, "lockstep: unknown command %q\n%s", args[0], usage)
	return exitError
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
