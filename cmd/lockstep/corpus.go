package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"lockstep/corpus"
	"lockstep/harness"
	"lockstep/session"
)

func cmdCorpus(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, "usage: lockstep corpus list|build|run|record|minimize [flags] [NAME|CLASS...]\n")
		return exitError
	}
	fs := flag.NewFlagSet("corpus "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	var labels stringList
	fs.Var(&labels, "label", "only entries with this `label` (repeatable: any of them)")
	all := fs.Bool("all", false, "include entries labelled long and entries the oracle cannot run")
	jobs := fs.Int("j", 2, "entries to run at once")
	verbose := fs.Bool("v", false, "print the report of every failing entry")
	shard := fs.String("shard", "", "run only part `I/N` of the selected entries (a CI matrix splits a corpus with it)")
	dir := fs.String("corpus-dir", "corpus/programs", "with record: the corpus `directory` whose manifests to rewrite")
	cases := fs.String("cases", "", "with minimize: the cases `directory` (default: corpus/cases of the repository holding the working directory)")
	strict := fs.Bool("strict-flags", false, "with minimize: compare architecturally undefined flags too (such differences become tolerance cases)")
	maxRuns := fs.Int("max-runs", 400, "with minimize: at most `N` lockstep runs of reduced cases per divergence")
	runTimeout := fs.Duration("run-timeout", 30*time.Second, "with minimize: deadline of each run of a case")
	modeFlag := fs.String("mode", "step", "with run: how QEMU runs, `step`, block or insn (entries recording a block-only bug expect it in block mode)")
	var q qemuFlags
	q.register(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return exitError
	}
	entries, err := corpus.All()
	if err != nil {
		fmt.Fprintf(stderr, "lockstep corpus: %v\n", err)
		return exitError
	}
	if names := fs.Args(); len(names) > 0 {
		// Entries named on the command line (a class name selects the class).
		var sel []corpus.Entry
		for _, e := range entries {
			for _, n := range names {
				if e.Name == n || strings.HasPrefix(e.Name, strings.TrimSuffix(n, "/")+"/") {
					sel = append(sel, e)
					break
				}
			}
		}
		if len(sel) == 0 {
			fmt.Fprintf(stderr, "lockstep corpus: no entry named %s\n", strings.Join(names, " "))
			return exitError
		}
		entries = sel
	} else if len(labels) > 0 {
		entries = corpus.Filter(entries, labels...)
	} else if !*all && args[0] != "list" {
		var def []corpus.Entry
		for _, e := range entries {
			if e.Default() {
				def = append(def, e)
			}
		}
		entries = def
	}
	if *shard != "" {
		sh, err := corpus.ParseShard(*shard)
		if err != nil {
			fmt.Fprintf(stderr, "lockstep corpus: %v\n", err)
			return exitError
		}
		entries = sh.Select(entries)
	}
	b := &corpus.Builder{}
	switch args[0] {
	case "list":
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tLABELS\tEXPECT\tCORRECTIONS\tNOTE")
		for _, e := range entries {
			note := e.Skip
			if note == "" {
				note = e.Expect.Reason
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Name, strings.Join(e.Labels, " "), outcomeOf(e), strings.Join(e.Corrections, " "), note)
		}
		tw.Flush()
		return exitAgree
	case "build":
		paths, err := b.BuildAll(ctx, entries)
		if err != nil {
			fmt.Fprintf(stderr, "lockstep corpus build: %v\n", err)
			return exitError
		}
		fmt.Fprintf(stdout, "%d entries built\n", len(paths))
		return exitAgree
	case "run":
		mode, err := session.ParseMode(*modeFlag)
		if err != nil {
			fmt.Fprintf(stderr, "lockstep corpus run: --mode: %v\n", err)
			return exitError
		}
		return corpusRun(ctx, entries, b, q, mode, *jobs, *verbose, stdout)
	case "record":
		return corpusRecord(ctx, entries, b, q, *dir, stdout, stderr)
	case "minimize":
		o := corpusMinOptions{cases: *cases, strictFlags: *strict, maxRuns: *maxRuns, runTimeout: *runTimeout, q: q}
		if o.cases == "" {
			if o.cases, err = repoCasesDir(); err != nil {
				fmt.Fprintf(stderr, "lockstep corpus minimize: %v\n", err)
				return exitError
			}
		}
		return corpusMinimize(ctx, entries, b, o, stdout, stderr)
	}
	fmt.Fprintf(stderr, "lockstep corpus: unknown command %q\n", args[0])
	return exitError
}

func outcomeOf(e corpus.Entry) string {
	if e.Expect.Outcome == "" {
		return "agree"
	}
	return e.Expect.Outcome
}

func corpusRun(ctx context.Context, entries []corpus.Entry, b *corpus.Builder, q qemuFlags, mode session.Mode, jobs int, verbose bool, stdout io.Writer) int {
	type result struct {
		line, report string
		pass, skip   bool
	}
	results := make([]result, len(entries))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, jobs))
	var mu sync.Mutex
	for i, e := range entries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var r result
			switch {
			case e.Skip != "":
				r = result{line: fmt.Sprintf("SKIP  %s: %s", e.Name, e.Skip), skip: true}
			default:
				start := time.Now()
				rep, err := session.RunEntry(ctx, e, b, session.Options{QEMU: q.qemu, CPU: q.cpu, Mode: mode})
				switch {
				case err != nil:
					r.line = fmt.Sprintf("FAIL  %s: %v", e.Name, err)
				default:
					if cerr := session.CheckEntry(e, rep.Result); cerr != nil {
						r.line = fmt.Sprintf("FAIL  %s: %v", e.Name, cerr)
						var sb strings.Builder
						rep.WriteText(&sb, rep.Layout, harnessStyle(stdout))
						r.report = sb.String()
					} else {
						r = result{pass: true, line: fmt.Sprintf("ok    %s (%s, %d instructions, %.1fs)", e.Name, rep.Outcome, rep.Steps, time.Since(start).Seconds())}
					}
				}
			}
			mu.Lock()
			results[i] = r
			fmt.Fprintln(stdout, r.line)
			if verbose && r.report != "" {
				fmt.Fprintln(stdout, r.report)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	var pass, fail, skip int
	for _, r := range results {
		switch {
		case r.skip:
			skip++
		case r.pass:
			pass++
		default:
			fail++
		}
	}
	fmt.Fprintf(stdout, "corpus: %d passed, %d failed, %d skipped\n", pass, fail, skip)
	if fail > 0 {
		return exitDiverge
	}
	return exitAgree
}

// corpusRecord runs the entries that expect a divergence and writes the
// divergence each run found into its manifest (instruction, register or
// address, both values), keeping the manifest's reason and comments; an
// entry whose run now agrees is rewritten to expect agreement.
func corpusRecord(ctx context.Context, entries []corpus.Entry, b *corpus.Builder, q qemuFlags, dir string, stdout, stderr io.Writer) int {
	status := exitAgree
	for _, e := range entries {
		if e.Expect.Outcome != corpus.Diverge || e.Skip != "" {
			continue
		}
		rep, err := session.RunEntry(ctx, e, b, session.Options{QEMU: q.qemu, CPU: q.cpu})
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", e.Name, err)
			status = exitError
			continue
		}
		var kv [][2]string
		switch {
		case rep.Outcome == harness.Diverge:
			kv = session.Record(rep.Divergences[0])
		case rep.Outcome == harness.Agree && rep.ExitStatus != nil && *rep.ExitStatus == e.Expect.ExitStatus:
			// The divergence is gone (an oracle fix, or masked imprecise
			// bits): the entry now agrees.
			kv = [][2]string{{"expect", "agree"}, {"reason", ""}}
			for _, k := range session.Record(harness.Divergence{}) {
				kv = append(kv, [2]string{k[0], ""})
			}
		default:
			fmt.Fprintf(stdout, "%s: not recorded: the run ended %s (%v)\n", e.Name, rep.Outcome, rep.Err)
			status = exitDiverge
			continue
		}
		path := filepath.Join(dir, e.Name+".case")
		old, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(stderr, "lockstep corpus record: %v\n", err)
			return exitError
		}
		updated := corpus.SetKeys(old, kv)
		if bytes.Equal(old, updated) {
			fmt.Fprintf(stdout, "%s: unchanged\n", e.Name)
			continue
		}
		if _, err := corpus.Parse(e.Name, updated); err != nil {
			fmt.Fprintf(stderr, "%s: the recorded manifest does not parse: %v\n", e.Name, err)
			return exitError
		}
		if err := os.WriteFile(path, updated, 0o644); err != nil {
			fmt.Fprintf(stderr, "lockstep corpus record: %v\n", err)
			return exitError
		}
		if rep.Outcome == harness.Agree {
			fmt.Fprintf(stdout, "%s: recorded: now agrees\n", e.Name)
			continue
		}
		d := rep.Divergences[0]
		fmt.Fprintf(stdout, "%s: recorded %s %s%s at step %d (%s)\n", e.Name, d.Kind, d.Register, addrText(d), d.Step, d.Instruction.Text)
	}
	return status
}

func addrText(d harness.Divergence) string {
	if d.Kind == harness.KindMemory {
		return fmt.Sprintf("%#x", d.Address)
	}
	return ""
}
