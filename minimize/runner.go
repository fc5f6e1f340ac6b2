package minimize

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"lockstep/harness"
	"lockstep/repro"
	"lockstep/session"
)

// ErrBudget is wrapped by a Runner's error once it has made MaxRuns runs.
var ErrBudget = errors.New("minimize: run budget exhausted")

// Runner runs cases in lockstep, one at a time, and counts the runs.
// Create one with NewRunner and Close it.
type Runner struct {
	opts Options
	dir  string // holds the case's ELF
	runs int
	last time.Duration // the last run's wall time
}

// NewRunner creates a runner with its own temporary directory (under
// opts.TempDir, or the system's).
func NewRunner(opts Options) (*Runner, error) {
	opts = opts.withDefaults()
	dir, err := os.MkdirTemp(opts.TempDir, "lockstep-minimize-")
	if err != nil {
		return nil, fmt.Errorf("minimize: %w", err)
	}
	return &Runner{opts: opts, dir: dir}, nil
}

// Close removes the runner's temporary directory.
func (r *Runner) Close() error {
	if err := os.RemoveAll(r.dir); err != nil {
		return fmt.Errorf("minimize: %w", err)
	}
	return nil
}

// Runs is the number of lockstep runs made so far.
func (r *Runner) Runs() int { return r.runs }

// Run writes the case's ELF and runs it in lockstep, with follower-wrong
// and tolerance divergences reported rather than adopted. It returns the run's
// report and its first divergence (nil when the case ran without one).
// The error says why the case could not be run at all (it has no ELF, the
// budget is spent, nothing could be started).
func (r *Runner) Run(ctx context.Context, c *repro.Case) (*session.Report, *harness.Divergence, error) {
	if r.runs >= r.opts.MaxRuns {
		return nil, nil, fmt.Errorf("%w (%d runs)", ErrBudget, r.opts.MaxRuns)
	}
	exe, err := c.ELF()
	if err != nil {
		return nil, nil, err
	}
	prog := filepath.Join(r.dir, "case")
	if err := exe.WriteFile(prog); err != nil {
		return nil, nil, err
	}
	r.runs++
	ctx, cancel := context.WithTimeout(ctx, r.opts.RunTimeout)
	defer cancel()
	start := time.Now()
	rep, err := session.Run(ctx, session.Options{
		Program: prog, TempDir: r.opts.TempDir, // short: QEMU's socket path has a length limit
		QEMU: r.opts.QEMU, CPU: r.opts.CPU, Arbiter: r.opts.Arbiter,
		Harness: harness.Config{MaxSteps: caseMaxSteps, StrictFlags: r.opts.StrictFlags, ReportCorrections: true, ReportTolerance: true},
	})
	r.last = time.Since(start)
	if err != nil {
		return nil, nil, fmt.Errorf("minimize: run the case: %w", err)
	}
	if len(rep.Divergences) == 0 {
		return rep, nil, nil
	}
	return rep, &rep.Divergences[0], nil
}

// caseMaxSteps bounds a case's run: the prologue is a few dozen
// instructions, a case's window a few more.
const caseMaxSteps = 10_000

// Reproduces reports whether the case shows the divergence sig, and the
// divergence it showed instead when it does not (nil: none).
func (r *Runner) Reproduces(ctx context.Context, c *repro.Case, sig Signature) (bool, *harness.Divergence, error) {
	rep, d, err := r.Run(ctx, c)
	if err != nil {
		return false, nil, err
	}
	if d == nil {
		if rep.Outcome == harness.ErrorOutcome && rep.Err != nil {
			return false, nil, fmt.Errorf("minimize: the case's run failed: %w", rep.Err)
		}
		return false, nil, nil
	}
	return sig.Matches(SignatureOf(d)), d, nil
}

// CaseOptions returns base set up to check case c: a case whose verdict
// is tolerance is run with StrictFlags, since the difference it records
// only in undefined flags is masked otherwise; a case whose reference and
// oracle values are equal (a difference only the host shows) is run with
// every instruction judged (session.ArbiterEvery).
func CaseOptions(c *repro.Case, base Options) Options {
	if c.Verdict.Name == repro.Tolerance {
		base.StrictFlags = true
	}
	if d := c.Divergence; d != nil && bytes.Equal(d.Reference, d.Oracle) {
		base.Arbiter = session.ArbiterEvery
	}
	return base
}
