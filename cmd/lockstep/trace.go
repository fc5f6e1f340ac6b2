package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"lockstep/machine"
	"lockstep/qemutrace"
)

func cmdTrace(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("trace", flag.ContinueOnError)
	fs.SetOutput(stderr)
	maxSteps := fs.Uint64("max-steps", 0, "stop after `N` instructions (0: until the program ends)")
	asJSON := fs.Bool("json", false, "JSON lines: step, pc and the registers that changed")
	var mems stringList
	fs.Var(&mems, "mem", "`ADDR:LEN` of memory to print after every instruction (ADDR hex or a symbol; repeatable)")
	var q qemuFlags
	q.register(fs)
	prog, pargs, ok := parseProgram(fs, args, stderr)
	if !ok {
		return exitError
	}
	ranges, err := parseRanges(prog, mems)
	if err != nil {
		fmt.Fprintf(stderr, "lockstep trace: %v\n", err)
		return exitError
	}
	cfg, closeIn, err := q.config(prog, pargs)
	if err != nil {
		fmt.Fprintf(stderr, "lockstep trace: %v\n", err)
		return exitError
	}
	defer closeIn()
	tr, err := qemutrace.Start(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "lockstep trace: %v\n", err)
		return exitError
	}
	defer tr.Close()

	out := newLineWriter(stdout)
	defer out.Flush()
	prev := tr.Registers().Clone()
	start := time.Now()
	var last machine.Stop
	for rec, err := range tr.Records(ctx, ranges...) {
		if err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "lockstep trace: %v\n", err)
			return exitError
		}
		last = rec.Stop
		writeTraceLine(out, rec, ranges, prev, *asJSON)
		prev.CopyFrom(rec.Registers)
		if *maxSteps > 0 && tr.Steps() >= *maxSteps {
			break
		}
	}
	elapsed := time.Since(start)
	summary := map[string]any{
		"instructions": tr.Steps(), "syscalls": tr.Syscalls(),
		"seconds": elapsed.Seconds(), "steps_per_second": float64(tr.Steps()) / elapsed.Seconds(),
	}
	switch last.Kind {
	case machine.Exited:
		summary["exit_status"] = last.ExitStatus
	case machine.Killed:
		summary["killed_by_signal"] = last.Signal
		summary["killed_by_signal_name"] = machine.SignalName(last.Signal)
	}
	if *asJSON {
		b, _ := json.Marshal(map[string]any{"summary": summary})
		out.Write(append(b, '\n'))
	} else {
		fmt.Fprintf(out, "summary: %d instructions, %d syscalls", tr.Steps(), tr.Syscalls())
		if st, ok := summary["exit_status"]; ok {
			fmt.Fprintf(out, ", exit status %d", st)
		}
		if sig, ok := summary["killed_by_signal"]; ok {
			fmt.Fprintf(out, ", killed by signal %d", sig)
		}
		fmt.Fprintf(out, ", %.2fs, %.0f steps/s\n", elapsed.Seconds(), summary["steps_per_second"])
	}
	return exitAgree
}

func writeTraceLine(w io.Writer, rec qemutrace.Record, ranges []qemutrace.Range, prev *machine.Snapshot, asJSON bool) {
	step, stop, cur := rec.Step, rec.Stop, rec.Registers
	mem := map[string]string{}
	var memKeys []string
	for i, r := range ranges {
		if rec.Memory[i] != nil {
			k := fmt.Sprintf("%#x", r.Addr)
			mem[k] = hex.EncodeToString(rec.Memory[i])
			memKeys = append(memKeys, k)
		}
	}
	changed := map[string]string{}
	var names []string
	for i, r := range cur.Layout.Regs {
		if r.Name == "rip" || bytes.Equal(prev.Reg(i), cur.Reg(i)) {
			continue
		}
		changed[r.Name] = hexLE(cur.Reg(i))
		names = append(names, r.Name)
	}
	if asJSON {
		line := map[string]any{"step": step, "pc": fmt.Sprintf("%#x", stop.PC), "changed": changed}
		if stop.Kind != machine.Stepped {
			line["event"] = stop.Kind.String()
		}
		if stop.Repeat {
			line["repeat"] = true
		}
		if len(mem) > 0 {
			line["memory"] = mem
		}
		if s := stop.Syscall; s != nil {
			line["syscall"] = map[string]any{"number": s.Number, "args": s.Args, "result": fmt.Sprintf("%#x", s.Result)}
		}
		switch stop.Kind {
		case machine.Signalled, machine.Killed:
			line["signal"] = stop.Signal
			line["signal_name"] = machine.SignalName(stop.Signal)
		case machine.Exited:
			line["exit_status"] = stop.ExitStatus
		}
		b, _ := json.Marshal(line)
		w.Write(append(b, '\n'))
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%8d %#014x", step, stop.PC)
	switch stop.Kind {
	case machine.Stepped:
		if stop.Repeat {
			b.WriteString(" (rep)")
		}
	default:
		fmt.Fprintf(&b, " [%v]", stop)
	}
	for _, n := range names {
		fmt.Fprintf(&b, " %s=%s", n, changed[n])
	}
	for _, k := range memKeys {
		fmt.Fprintf(&b, " [%s]=%s", k, mem[k])
	}
	b.WriteByte('\n')
	io.WriteString(w, b.String())
}

// parseRanges parses --mem ADDR:LEN values.
func parseRanges(prog string, specs []string) ([]qemutrace.Range, error) {
	var out []qemutrace.Range
	for _, s := range specs {
		a, l, ok := strings.Cut(s, ":")
		n, err := strconv.Atoi(l)
		if !ok || err != nil || n <= 0 || n > 1<<20 {
			return nil, fmt.Errorf("--mem %s: want ADDR:LEN with 0 < LEN <= 1 MiB", s)
		}
		addr, err := resolveAddress(prog, a)
		if err != nil {
			return nil, fmt.Errorf("--mem %s: %w", s, err)
		}
		out = append(out, qemutrace.Range{Addr: addr, Len: n})
	}
	return out, nil
}

func hexLE(v []byte) string {
	var b strings.Builder
	b.WriteString("0x")
	i := len(v) - 1
	for i > 0 && v[i] == 0 {
		i--
	}
	for ; i >= 0; i-- {
		fmt.Fprintf(&b, "%02x", v[i])
	}
	return b.String()
}

// qemuFlags are the flags of every command that starts QEMU.
type qemuFlags struct {
	qemu, cpu, stdin, dir string
	env                   stringList
}

func (q *qemuFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&q.qemu, "qemu", "qemu-x86_64", "QEMU user-mode `binary`")
	fs.StringVar(&q.cpu, "cpu", "", "QEMU -cpu `model` (default: the oracle's model for run, QEMU's default for trace)")
	fs.StringVar(&q.stdin, "stdin", "", "`file` for the program's stdin (default: empty)")
	fs.StringVar(&q.dir, "dir", "", "working `directory` of the program")
	fs.Var(&q.env, "env", "`NAME=VALUE` in the program's environment (repeatable; default: empty environment)")
}

func (q *qemuFlags) config(prog string, args []string) (qemutrace.Config, func(), error) {
	cfg := qemutrace.Config{QEMU: q.qemu, CPU: q.cpu, Program: prog, Args: args, Env: q.env, Dir: q.dir}
	closeIn := func() {}
	if q.stdin != "" {
		f, err := os.Open(q.stdin)
		if err != nil {
			return cfg, closeIn, fmt.Errorf("stdin: %w", err)
		}
		cfg.Stdin, closeIn = f, func() { f.Close() }
	}
	return cfg, closeIn, nil
}

// parseProgram parses flags and the program after them ("--" optional).
func parseProgram(fs *flag.FlagSet, args []string, stderr io.Writer) (string, []string, bool) {
	if err := fs.Parse(args); err != nil {
		return "", nil, false
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fmt.Fprintf(stderr, "lockstep %s: no program given (lockstep %s [flags] -- PROG [ARGS...])\n", fs.Name(), fs.Name())
		return "", nil, false
	}
	return rest[0], rest[1:], true
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// lineWriter buffers output; a trace writes a line per instruction.
type lineWriter struct {
	w   io.Writer
	buf []byte
}

func newLineWriter(w io.Writer) *lineWriter { return &lineWriter{w: w} }

func (l *lineWriter) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	if len(l.buf) > 64<<10 {
		l.Flush()
	}
	return len(p), nil
}

func (l *lineWriter) Flush() {
	l.w.Write(l.buf)
	l.buf = l.buf[:0]
}
