package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"lockstep/harness"
	"lockstep/minimize"
	"lockstep/repro"
	"lockstep/session"
)

// exitNoRepro is minimize's status for a divergence that gave no
// reproducer (it could not be extracted, or did not reproduce).
const exitNoRepro = 4

// minimizeJSON is `lockstep minimize --json`: one object.
type minimizeJSON struct {
	Outcome    string          `json:"outcome"` // agree, minimized, no-reproducer, or the run's outcome (unsupported, fault, ...)
	Program    string          `json:"program"`
	Divergence *signatureJSON  `json:"divergence,omitempty"`
	Verdict    string          `json:"verdict,omitempty"`
	Reason     string          `json:"reason,omitempty"`
	Case       string          `json:"case,omitempty"`     // the minimal case, in the text format
	Assembly   string          `json:"assembly,omitempty"` // the GNU assembler listing
	Build      string          `json:"build,omitempty"`    // the gcc line for the listing
	File       string          `json:"file,omitempty"`     // where --out wrote the case
	Before     *minimize.Size  `json:"before,omitempty"`
	After      *minimize.Size  `json:"after,omitempty"`
	Window     int             `json:"window"`
	Runs       int             `json:"runs"`
	Budget     bool            `json:"budget_exhausted"`
	Seconds    float64         `json:"seconds"`
	CaseRunMS  float64         `json:"case_run_ms"`
	GaveUp     string          `json:"gave_up,omitempty"`
	Notes      []string        `json:"notes,omitempty"`
	Run        json.RawMessage `json:"run,omitempty"` // the program's run, as `lockstep run --json`
}

type signatureJSON struct {
	PC        string `json:"pc"`
	Bytes     string `json:"bytes"`
	Text      string `json:"text"`
	Kind      string `json:"kind"`
	Register  string `json:"register,omitempty"`
	Address   string `json:"address,omitempty"`
	Reference string `json:"reference"`
	Oracle    string `json:"oracle"`
	Host      string `json:"host,omitempty"`
}

func cmdMinimize(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("minimize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var q qemuFlags
	q.register(fs)
	out := fs.String("out", "", "write the minimal case to `DIR`/NAME.repro")
	name := fs.String("name", "", "the case's file `NAME` (default: the mnemonic and the register)")
	asJSON := fs.Bool("json", false, "write the result as one JSON object")
	maxSteps := fs.Uint64("max-steps", 100_000_000, "run the program for at most `N` instructions")
	maxRuns := fs.Int("max-runs", 400, "at most `N` lockstep runs of reduced cases")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long, the program's run included")
	runTimeout := fs.Duration("run-timeout", 30*time.Second, "deadline of each run of a case")
	window := fs.Int("max-window", 8, "grow the window back at most `N` instructions when one does not reproduce")
	strict := fs.Bool("strict-flags", false, "compare architecturally undefined flags too")
	arbiter := fs.String("arbiter", session.ArbiterDivergences, "when the host CPU judges: `divergences` or every")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	startAt := fs.String("start", "", "run QEMU alone to `ADDR|SYMBOL` (main, say), then compare")
	prog, pargs, ok := parseProgram(fs, args, stderr)
	if !ok {
		return exitError
	}
	if *arbiter != session.ArbiterDivergences && *arbiter != session.ArbiterEvery {
		fmt.Fprintf(stderr, "lockstep minimize: --arbiter %q: want divergences or every (minimize needs the host CPU)\n", *arbiter)
		return exitError
	}
	if *name != "" && !validName(*name) {
		fmt.Fprintf(stderr, "lockstep minimize: --name %q: want letters, digits, '.', '_' and '-'\n", *name)
		return exitError
	}
	if *out != "" {
		if st, err := os.Stat(*out); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "lockstep minimize: --out %s: not a directory\n", *out)
			return exitError
		}
	}
	qcfg, closeIn, err := q.config(prog, pargs)
	if err != nil {
		fmt.Fprintf(stderr, "lockstep minimize: %v\n", err)
		return exitError
	}
	defer closeIn()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	opts := minimize.Options{Program: prog, Args: pargs, Env: qcfg.Env, Dir: qcfg.Dir, MaxSteps: *maxSteps,
		QEMU: q.qemu, CPU: q.cpu, Arbiter: *arbiter, StrictFlags: *strict,
		MaxRuns: *maxRuns, RunTimeout: *runTimeout, MaxWindow: *window}
	if *startAt != "" {
		addr, err := resolveAddress(prog, *startAt)
		if err != nil {
			fmt.Fprintf(stderr, "lockstep minimize: --start %v\n", err)
			return exitError
		}
		opts.StartAt = &addr
	}
	if !*quiet && !*asJSON {
		opts.Log = func(s string) { fmt.Fprintf(stderr, "minimize: %s\n", s) }
	}
	res, err := minimize.Minimize(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "lockstep minimize: %v\n", err)
		return exitError
	}
	j := minimizeJSON{Program: prog, Window: res.Window, Runs: res.Runs, Budget: res.Budget,
		Seconds: res.Duration.Seconds(), CaseRunMS: float64(res.CaseRun.Microseconds()) / 1000, GaveUp: res.GaveUp, Notes: res.Notes}
	var runJSON strings.Builder
	res.Report.WriteJSON(&runJSON)
	j.Run = json.RawMessage(runJSON.String())
	code := exitDiverge
	switch {
	case res.Divergence == nil:
		j.Outcome = string(res.Report.Outcome)
		code = exitStatus(res.Report.Result)
	case res.Case == nil:
		j.Outcome, code = "no-reproducer", exitNoRepro
	default:
		j.Outcome = "minimized"
	}
	if d := res.Divergence; d != nil {
		sig := res.Signature
		j.Divergence = &signatureJSON{PC: fmt.Sprintf("%#x", sig.PC), Bytes: fmt.Sprintf("% x", sig.Insn), Text: sig.Text,
			Kind: string(sig.Kind), Register: sig.Register, Reference: valueText(sig.Reference), Oracle: valueText(sig.Oracle), Host: valueText(sig.Host)}
		if sig.Kind == harness.KindMemory {
			j.Divergence.Address = fmt.Sprintf("%#x", sig.Address)
		}
		j.Verdict, j.Reason = string(d.Verdict), d.VerdictReason
	}
	if c := res.Case; c != nil {
		j.Verdict, j.Reason = c.Verdict.Name, c.Verdict.Reason
		j.Case = c.String()
		j.Before, j.After = &res.Before, &res.After
		file := caseName(*name, res.Signature) + ".repro"
		j.Build = minimize.BuildCommand(c, strings.TrimSuffix(file, ".repro")+".S", strings.TrimSuffix(file, ".repro"))
		if j.Assembly, err = minimize.Assembly(c); err != nil {
			fmt.Fprintf(stderr, "lockstep minimize: listing: %v\n", err)
			return exitError
		}
		if *out != "" {
			j.File = filepath.Join(*out, file)
			if err := writeCase(j.File, c); err != nil {
				fmt.Fprintf(stderr, "lockstep minimize: %v\n", err)
				return exitError
			}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(j); err != nil {
			fmt.Fprintf(stderr, "lockstep minimize: %v\n", err)
			return exitError
		}
		return code
	}
	writeMinimizeText(stdout, res, &j)
	return code
}

func writeMinimizeText(w io.Writer, res *minimize.Result, j *minimizeJSON) {
	if res.Divergence == nil {
		rep := res.Report
		switch rep.Outcome {
		case harness.Agree:
			fmt.Fprintf(w, "%s agrees: no divergence in %d instructions (%s), nothing to minimize.\n", j.Program, rep.Steps, limitText(rep.Result))
		default:
			fmt.Fprintf(w, "%s: no divergence to minimize; the run ended with outcome %s.\n", j.Program, rep.Outcome)
		}
		return
	}
	fmt.Fprintf(w, "divergence: %s\n", res.Signature)
	if res.Case == nil {
		fmt.Fprintf(w, "no reproducer: %s\n", res.GaveUp)
		for _, n := range res.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
		return
	}
	fmt.Fprintf(w, "reduction: %s\n", res.Summary())
	fmt.Fprintf(w, "one run of the minimal case: %.0f ms\n", res.CaseRun.Seconds()*1000)
	if res.Window > 0 {
		fmt.Fprintf(w, "window: the divergent instruction and %d before it\n", res.Window)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintf(w, "verdict: %s — %s\n", j.Verdict, j.Reason)
	if j.File != "" {
		fmt.Fprintf(w, "wrote %s\n", j.File)
	}
	fmt.Fprintf(w, "\n== case\n%s\n== GNU assembler listing (%s)\n%s", j.Case, j.Build, j.Assembly)
}

func limitText(res *harness.Result) string {
	switch {
	case res.LimitReached != "":
		return "stopped at the " + res.LimitReached + " limit"
	case res.ExitStatus != nil:
		return fmt.Sprintf("exit status %d", *res.ExitStatus)
	}
	return string(res.Outcome)
}

func valueText(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > 16 {
		return fmt.Sprintf("% x", b)
	}
	r := make([]byte, len(b))
	for i := range b {
		r[i] = b[len(b)-1-i]
	}
	return fmt.Sprintf("%#x", r)
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

func validName(s string) bool { return nameRE.MatchString(s) && s != "." && s != ".." }

// caseName is the case's default file name: mnemonic and what differs.
func caseName(name string, sig minimize.Signature) string {
	if name != "" {
		return name
	}
	where := sig.Register
	if sig.Kind == harness.KindMemory {
		where = "mem"
	}
	n := strings.Trim(strings.Map(func(r rune) rune {
		if nameRE.MatchString(string(r)) {
			return r
		}
		return -1
	}, sig.Mnemonic()+"-"+where), ".")
	if !validName(n) {
		return "case"
	}
	return n
}

// writeCase writes a case file, refusing to overwrite one (the error
// then wraps os.ErrExist).
func writeCase(path string, c *repro.Case) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s exists: choose another --name: %w", path, os.ErrExist)
		}
		return fmt.Errorf("write case: %w", err)
	}
	if err := c.Write(f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write case: %w", err)
	}
	return nil
}
