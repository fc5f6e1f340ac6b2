package qemutrace

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"lockstep/internal/launch"
)

// process is a qemu-x86_64 child (started by internal/launch: its own
// process group, Pdeathsig, bounded waits) with a private directory
// holding its gdbstub socket and page log.
type process struct {
	proc    *launch.Process
	dir     string
	sock    string
	logPath string
	fifo    *os.File // Blocks and Insns: our end of the log FIFO, until the tracer takes it

	closeOnce sync.Once
	closeErr  error
}

// startProcess launches QEMU and connects to its gdbstub.
func startProcess(ctx context.Context, cfg *Config) (*process, net.Conn, error) {
	qemu := cfg.QEMU
	if qemu == "" {
		qemu = "qemu-x86_64"
	}
	if _, err := exec.LookPath(qemu); err != nil {
		return nil, nil, fmt.Errorf("qemutrace: QEMU binary: %w", err)
	}
	if err := launch.CheckProgram(cfg.Program); err != nil {
		return nil, nil, fmt.Errorf("qemutrace: %w", err)
	}
	dir, err := launch.PrivateDir(cfg.TempDir, "lockstep-qemu-")
	if err != nil {
		return nil, nil, fmt.Errorf("qemutrace: %w", err)
	}
	p := &process{dir: dir, sock: filepath.Join(dir, "gdb.sock"), logPath: filepath.Join(dir, "qemu.log")}
	args := []string{"-g", p.sock, "-d", "page", "-D", p.logPath}
	if cfg.Mode != Stepped {
		// The CPU log streams through a FIFO, so that QEMU waits when
		// lockstep falls behind and no copy goes to disk. Our end is
		// opened read-write: that never blocks, and QEMU's open for
		// writing finds a reader at once.
		if err := syscall.Mkfifo(p.logPath, 0o600); err != nil {
			os.RemoveAll(dir)
			return nil, nil, fmt.Errorf("qemutrace: log FIFO: %w", err)
		}
		if p.fifo, err = os.OpenFile(p.logPath, os.O_RDWR, 0); err != nil {
			os.RemoveAll(dir)
			return nil, nil, fmt.Errorf("qemutrace: log FIFO: %w", err)
		}
		args = []string{"-g", p.sock, "-d", "page,cpu,fpu,nochain", "-D", p.logPath}
		if cfg.Mode == Insns {
			args = append(args, "-singlestep")
		}
	}
	if cfg.CPU != "" {
		args = append(args, "-cpu", cfg.CPU)
	}
	args = append(args, cfg.ExtraArgs...)
	args = append(args, cfg.Program)
	args = append(args, cfg.Args...)
	p.proc, err = launch.Start("QEMU", launch.Spec{Path: qemu, Args: args, Env: cfg.Env, Dir: cfg.Dir,
		Stdin: cfg.Stdin, Stdout: cfg.Stdout, Stderr: cfg.Stderr})
	if err != nil {
		if p.fifo != nil {
			p.fifo.Close()
		}
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("qemutrace: %w", err)
	}

	timeout := cfg.StartTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := p.waitSocket(wctx); err != nil {
		p.close()
		return nil, nil, err
	}
	nc, err := p.dial(wctx)
	if err != nil {
		p.close()
		return nil, nil, fmt.Errorf("qemutrace: connect to gdbstub: %w", err)
	}
	return p, nc, nil
}

// waitSocket polls until the gdbstub socket accepts connections, QEMU dies,
// or ctx ends.
func (p *process) waitSocket(ctx context.Context) error {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err := os.Stat(p.sock); err == nil {
			return nil
		}
		select {
		case <-p.proc.Done():
			return fmt.Errorf("qemutrace: QEMU exited before its gdbstub was ready (%v): %s", p.proc.WaitErr(), p.proc.StderrText())
		case <-ctx.Done():
			return fmt.Errorf("qemutrace: waiting for QEMU's gdbstub socket: %w; QEMU stderr: %s", ctx.Err(), p.proc.StderrText())
		case <-tick.C:
		}
	}
}

// dial connects to the stub's socket. QEMU creates the socket file a
// moment before it listens, and accepts one connection only, so a refused
// connection is retried until ctx ends or QEMU dies.
func (p *process) dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	for {
		c, err := d.DialContext(ctx, "unix", p.sock)
		if err == nil || !errors.Is(err, syscall.ECONNREFUSED) {
			return c, err
		}
		select {
		case <-p.proc.Done():
			return nil, fmt.Errorf("QEMU exited (%v): %s", p.proc.WaitErr(), p.proc.StderrText())
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (last: %v)", ctx.Err(), err)
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// exited reports whether QEMU has been reaped.
func (p *process) exited() bool { return p.proc.Exited() }

// close kills the process group, reaps QEMU and removes the private
// directory. Safe to call more than once.
func (p *process) close() error {
	p.closeOnce.Do(func() {
		p.closeErr = p.proc.Close()
		if p.fifo != nil {
			p.fifo.Close()
		}
		if err := os.RemoveAll(p.dir); err != nil && p.closeErr == nil {
			p.closeErr = fmt.Errorf("qemutrace: remove %s: %w", p.dir, err)
		}
	})
	return p.closeErr
}
