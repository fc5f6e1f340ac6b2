package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"lockstep/corpus"
	"lockstep/harness"
	"lockstep/minimize"
	"lockstep/repro"
	"lockstep/session"
)

// corpusMinimizeDivergences bounds the divergences one entry's run
// records (the run goes on after each, adopting the reference's state,
// so that an entry with several mistakes gives a case for each).
const corpusMinimizeDivergences = 100

// corpusMinOptions are the flags of `lockstep corpus minimize`.
type corpusMinOptions struct {
	cases       string // the cases directory
	strictFlags bool
	maxRuns     int
	runTimeout  time.Duration
	q           qemuFlags
}

// minimizable reports whether an entry has divergences to minimize: it
// expects one, or it lists oracle corrections (follower-wrong
// divergences, which a run with ReportCorrections reports).
func minimizable(e corpus.Entry) bool {
	return e.Skip == "" && (e.Expect.Outcome == corpus.Diverge || len(e.Corrections) > 0)
}

// corpusMinimize runs every entry that diverges, with follower-wrong
// divergences reported, and minimizes each divergence whose key
// (mnemonic, operand form, register or flags) no case in o.cases has and
// no earlier divergence of this command had. New cases go to o.cases,
// named after the key, never overwriting a file; each line of the output
// says what became of one key.
func corpusMinimize(ctx context.Context, entries []corpus.Entry, b *corpus.Builder, o corpusMinOptions, stdout, stderr io.Writer) int {
	if st, err := os.Stat(o.cases); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "lockstep corpus minimize: --cases %s: not a directory\n", o.cases)
		return exitError
	}
	existing, err := caseKeys(o.cases)
	if err != nil {
		fmt.Fprintf(stderr, "lockstep corpus minimize: %v\n", err)
		return exitError
	}
	var sel []corpus.Entry
	for _, e := range entries {
		if minimizable(e) {
			sel = append(sel, e)
		}
	}
	if len(sel) == 0 {
		fmt.Fprintln(stdout, "corpus minimize: none of the selected entries diverges or records oracle corrections")
		return exitAgree
	}
	seen := map[minimize.Key]string{} // key → the entry that gave it first
	var written, matched, none, failed int
	status := exitAgree
	for _, e := range sel {
		arb := ""
		if e.ArbiterEvery {
			arb = session.ArbiterEvery
		}
		rep, err := session.RunEntry(ctx, e, b, session.Options{QEMU: o.q.qemu, CPU: o.q.cpu, Arbiter: arb,
			Harness: harness.Config{StrictFlags: o.strictFlags, ReportCorrections: true, ReportTolerance: o.strictFlags,
				KeepGoing: true, MaxDivergences: corpusMinimizeDivergences}})
		if err != nil {
			fmt.Fprintf(stdout, "%s: error: %v\n", e.Name, err)
			failed++
			status = exitError
			continue
		}
		if len(rep.Divergences) == 0 {
			fmt.Fprintf(stdout, "%s: no divergence (the run ended %s)\n", e.Name, rep.Outcome)
			continue
		}
		for i := range rep.Divergences {
			d := &rep.Divergences[i]
			sig := minimize.SignatureOf(d)
			key := minimize.KeyOf(sig)
			where := fmt.Sprintf("%s: %s (%s, step %d)", e.Name, key, verdictText(d.Verdict), d.Step)
			if first, ok := seen[key]; ok {
				if first != e.Name {
					fmt.Fprintf(stdout, "%s: same signature as %s\n", where, first)
				}
				continue
			}
			seen[key] = e.Name
			if files := existing[key]; len(files) > 0 {
				fmt.Fprintf(stdout, "%s: matches existing case %s\n", where, strings.Join(files, " "))
				matched++
				continue
			}
			res, err := minimize.FromDivergence(ctx, minimize.Options{QEMU: o.q.qemu, CPU: o.q.cpu, Arbiter: arb,
				StrictFlags: o.strictFlags, MaxRuns: o.maxRuns, RunTimeout: o.runTimeout}, rep, d)
			if err != nil {
				fmt.Fprintf(stdout, "%s: error: %v\n", where, err)
				failed++
				status = exitError
				continue
			}
			if res.Case == nil {
				fmt.Fprintf(stdout, "%s: no reproducer: %s\n", where, res.GaveUp)
				none++
				if status == exitAgree {
					status = exitNoRepro
				}
				continue
			}
			c := res.Case
			c.Labels = mergeLabels(e.Labels, c.Labels)
			c.Description = strings.TrimSpace(c.Description + "\nfrom corpus entry " + e.Name + " by lockstep corpus minimize")
			path, err := writeNewCase(o.cases, key.Name(), c)
			if err != nil {
				fmt.Fprintf(stderr, "lockstep corpus minimize: %v\n", err)
				return exitError
			}
			existing[key] = append(existing[key], filepath.Base(path))
			written++
			fmt.Fprintf(stdout, "%s: new case %s (%s)\n", where, path, res.Summary())
		}
	}
	fmt.Fprintf(stdout, "corpus minimize: %d entries, %d signatures: %d new cases, %d matched existing cases, %d without reproducer, %d errors\n",
		len(sel), len(seen), written, matched, none, failed)
	return status
}

func verdictText(v harness.Verdict) string {
	if v == "" {
		return "no verdict"
	}
	return string(v)
}

// caseKeys reads every *.repro in dir and maps each case's key to its
// file names.
func caseKeys(dir string) (map[minimize.Key][]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.repro"))
	if err != nil {
		return nil, fmt.Errorf("cases: %w", err)
	}
	keys := map[minimize.Key][]string{}
	for _, p := range paths {
		c, err := repro.ParseFile(p)
		if err != nil {
			return nil, fmt.Errorf("cases: %w", err)
		}
		if sig, ok := minimize.CaseSignature(c); ok {
			k := minimize.KeyOf(sig)
			keys[k] = append(keys[k], filepath.Base(p))
		}
	}
	return keys, nil
}

// mergeLabels is the entry's labels followed by the case's own ones not
// among them.
func mergeLabels(entry, own []string) []string {
	out := slices.Clone(entry)
	for _, l := range own {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// writeNewCase writes c as dir/NAME.repro, or NAME-2.repro, NAME-3.repro
// ... when the name is taken: never over an existing file.
func writeNewCase(dir, name string, c *repro.Case) (string, error) {
	for i := 1; i < 1000; i++ {
		file := name
		if i > 1 {
			file = fmt.Sprintf("%s-%d", name, i)
		}
		path := filepath.Join(dir, file+".repro")
		err := writeCase(path, c)
		if err == nil {
			return path, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("no free name for %s in %s", name, dir)
}

// repoCasesDir finds corpus/cases of the lockstep repository that holds
// the working directory: the nearest directory upwards whose go.mod
// declares module lockstep. It fails outside the repository.
func repoCasesDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("locate the repository: %w", err)
	}
	for {
		if isLockstepModule(filepath.Join(dir, "go.mod")) {
			return filepath.Join(dir, "corpus", "cases"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the lockstep repository (no go.mod of module lockstep above the working directory): give --cases DIR")
		}
		dir = parent
	}
}

func isLockstepModule(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); strings.HasPrefix(l, "module ") {
			return strings.TrimSpace(strings.TrimPrefix(l, "module ")) == "lockstep"
		}
	}
	return false
}
