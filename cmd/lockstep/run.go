package main

import (
	"context"
	"debug/elf"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"lockstep/gdbtarget"
	"lockstep/harness"
	"lockstep/session"
)

// harnessFlags are the comparison flags of `run` and `corpus run`.
type harnessFlags struct {
	maxSteps       uint64
	start          string
	keepGoing      bool
	maxDivergences int
	ignore         string
	strictFlags    bool
	imprecise      bool
	history        int
	asJSON         bool
	explain        bool
	timeout        time.Duration
	arbiter        string
	noArbiter      bool
	mode           string
}

// arbiterMode is the session's arbiter mode for the flags.
func (h *harnessFlags) arbiterMode() string {
	if h.noArbiter {
		return session.ArbiterOff
	}
	return h.arbiter
}

func (h *harnessFlags) register(fs *flag.FlagSet, defaultMax uint64) {
	fs.Uint64Var(&h.maxSteps, "max-steps", defaultMax, "compare at most `N` instructions (0: no limit); reaching it with no divergence is agreement")
	fs.StringVar(&h.start, "start", "", "run QEMU alone to `ADDR` (hex, or a symbol of PROG), then start comparing")
	fs.BoolVar(&h.keepGoing, "keep-going", false, "after a divergence, adopt the reference's state and go on")
	fs.IntVar(&h.maxDivergences, "max-divergences", 10, "with --keep-going, stop after `N` divergences")
	fs.StringVar(&h.ignore, "ignore", "", "comma-separated `registers` not to compare")
	fs.BoolVar(&h.strictFlags, "strict-flags", false, "compare architecturally undefined flags too")
	fs.BoolVar(&h.imprecise, "compare-imprecise", false, "compare register bits the oracle does not model faithfully too")
	fs.IntVar(&h.history, "history", 16, "instructions of history in a report")
	fs.BoolVar(&h.asJSON, "json", false, "write the report as one JSON object")
	fs.BoolVar(&h.explain, "explain", false, "list every register not compared, with the reason")
	fs.DurationVar(&h.timeout, "timeout", 0, "compare for at most this long (0: no limit); reaching it with no divergence is agreement")
	fs.StringVar(&h.arbiter, "arbiter", session.ArbiterDivergences, "when the host CPU judges: `divergences` (each divergence) or every (every instruction)")
	fs.BoolVar(&h.noArbiter, "no-arbiter", false, "no host CPU: no verdicts, no oracle corrections, no native fallback")
	fs.StringVar(&h.mode, "mode", "step", "how QEMU runs: `step` (single-stepped over its gdbstub), block (freely, compared at every translation block) or insn (freely, one instruction per block)")
}

func (h *harnessFlags) config(prog string) (harness.Config, error) {
	cfg := harness.Config{MaxSteps: h.maxSteps, KeepGoing: h.keepGoing, MaxDivergences: h.maxDivergences,
		StrictFlags: h.strictFlags, CompareImprecise: h.imprecise, History: h.history, TimeLimit: h.timeout}
	if h.ignore != "" {
		for _, r := range strings.Split(h.ignore, ",") {
			if r = strings.TrimSpace(r); r != "" {
				cfg.Ignore = append(cfg.Ignore, r)
			}
		}
	}
	if h.start != "" {
		addr, err := resolveAddress(prog, h.start)
		if err != nil {
			return cfg, fmt.Errorf("--start %w", err)
		}
		cfg.StartAt = &addr
	}
	return cfg, nil
}

// resolveAddress parses a hex address or looks a symbol up in prog.
func resolveAddress(prog, s string) (uint64, error) {
	if v, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(s), "0x"), 16, 64); err == nil {
		return v, nil
	}
	f, err := elf.Open(prog)
	if err != nil {
		return 0, fmt.Errorf("%s: not a hex address, and no symbols: %w", s, err)
	}
	defer f.Close()
	syms, _ := f.Symbols()
	for _, sym := range syms {
		if sym.Name == s {
			return sym.Value, nil
		}
	}
	return 0, fmt.Errorf("%s: not a hex address nor a symbol of %s", s, prog)
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var q qemuFlags
	q.register(fs)
	var h harnessFlags
	h.register(fs, 100_000_000)
	var testSpec, testLayout, window string
	var jobs int
	fs.IntVar(&jobs, "j", 1, "with --mode block or insn: check the run in `N` parts cut at system calls, N at once")
	fs.StringVar(&window, "window", "", "with --mode block or insn: check only part `I/N` of the run (parts cut at system calls; for a CI matrix)")
	fs.StringVar(&testSpec, "test", "", "an emulator under test, stepped beside QEMU: valgrind, gdbserver (the host CPU), unix:PATH, HOST:PORT, pipe:CMD, or a command `template` with {sock} or {port}, {prog} and {args}")
	fs.StringVar(&testLayout, "test-layout", "", "register layout `file` for a --test stub without a target description (NAME BITS per line, in 'g' order)")
	prog, pargs, ok := parseProgram(fs, args, stderr)
	if !ok {
		return exitError
	}
	hcfg, err := h.config(prog)
	if err != nil {
		fmt.Fprintf(stderr, "lockstep run: %v\n", err)
		return exitError
	}
	qcfg, closeIn, err := q.config(prog, pargs)
	if err != nil {
		fmt.Fprintf(stderr, "lockstep run: %v\n", err)
		return exitError
	}
	defer closeIn()
	progress := isTerminal(stderr) && !h.asJSON
	if progress {
		hcfg.Progress = func(p harness.Progress) {
			fmt.Fprintf(stderr, "\r%d instructions  %.0f/s  %d syscalls ", p.Steps, float64(p.Steps)/p.Elapsed.Seconds(), p.Syscalls)
		}
	}
	mode, err := session.ParseMode(h.mode)
	if err != nil {
		fmt.Fprintf(stderr, "lockstep run: --mode: %v\n", err)
		return exitError
	}
	opts := session.Options{
		Program: prog, Args: pargs, Env: qcfg.Env, Dir: qcfg.Dir, Stdin: qcfg.Stdin,
		QEMU: q.qemu, CPU: q.cpu, Harness: hcfg, Arbiter: h.arbiterMode(), Mode: mode,
	}
	var rep *session.Report
	switch {
	case window != "" && jobs > 1:
		err = fmt.Errorf("-j and --window do not go together")
	case testSpec != "" && mode != session.StepMode:
		err = fmt.Errorf("--test steps both emulators over their gdbstubs: --mode %s applies only to QEMU against the oracle", mode)
	case window != "":
		var sp session.Split
		if sp, err = session.ParseWindow(window); err == nil {
			rep, err = session.RunWindows(ctx, opts, sp)
		} else {
			err = fmt.Errorf("--window %w", err)
		}
	case jobs > 1:
		rep, err = session.RunWindows(ctx, opts, session.Split{N: jobs, Only: -1, Jobs: jobs})
	case testSpec != "":
		rep, err = runTest(ctx, opts, testSpec, testLayout, q.stdin)
	default:
		rep, err = session.Run(ctx, opts)
	}
	if progress {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if err != nil {
		fmt.Fprintf(stderr, "lockstep run: %v\n", err)
		return exitError
	}
	return report(rep, h.asJSON, h.explain, stdout)
}

// report renders a run and returns the exit status it deserves.
func report(rep *session.Report, asJSON, explain bool, stdout io.Writer) int {
	if asJSON {
		rep.WriteJSON(stdout)
	} else {
		rep.WriteText(stdout, rep.Layout, harness.Style{Color: isTerminal(stdout), Explain: explain})
		fmt.Fprintf(stdout, "QEMU CPU model: %s\n", rep.CPU)
	}
	return exitStatus(rep.Result)
}

// exitStatus is the run's exit status: 1 whenever a divergence was
// recorded, whatever ended the run afterwards.
func exitStatus(res *harness.Result) int {
	if len(res.Divergences) > 0 {
		return exitDiverge
	}
	switch res.Outcome {
	case harness.Agree, harness.FaultOutcome:
		return exitAgree
	case harness.Diverge:
		return exitDiverge
	case harness.UnsupportedOutcome:
		return exitUnsupported
	}
	return exitError
}

func harnessStyle(w io.Writer) harness.Style { return harness.Style{Color: isTerminal(w)} }

// runTest runs the pairing of `run --test`: QEMU as the reference, the
// emulator under test beside it, each reading stdinPath (if any) itself.
func runTest(ctx context.Context, opts session.Options, spec, layoutFile, stdinPath string) (*session.Report, error) {
	sp, err := gdbtarget.ParseSpec(spec)
	if err != nil {
		return nil, fmt.Errorf("--test: %w", err)
	}
	topts := session.TestOptions{Options: opts, Test: sp, TestName: spec}
	if stdinPath != "" {
		f, err := os.Open(stdinPath)
		if err != nil {
			return nil, fmt.Errorf("stdin for the test: %w", err)
		}
		defer f.Close()
		topts.TestStdin = f
	}
	if layoutFile != "" {
		b, err := os.ReadFile(layoutFile)
		if err != nil {
			return nil, fmt.Errorf("--test-layout: %w", err)
		}
		if topts.Layout, err = gdbtarget.ParseLayout(string(b)); err != nil {
			return nil, fmt.Errorf("--test-layout %s: %w", layoutFile, err)
		}
	}
	return session.RunTest(ctx, topts)
}
