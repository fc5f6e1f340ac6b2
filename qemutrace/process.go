package qemutrace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is a qemu-x86_64 child in its own process group with a private
// directory holding its gdbstub socket and page log.
type process struct {
	cmd     *exec.Cmd
	dir     string
	sock    string
	logPath string
	stderr  *tailBuffer
	done    chan struct{} // closed when the process has been reaped
	waitErr error
	stdin   io.Closer // our end of the stdin file, if we opened one

	closeOnce sync.Once
}

// startProcess launches QEMU and connects to its gdbstub.
func startProcess(ctx context.Context, cfg *Config) (*process, net.Conn, error) {
	qemu := cfg.QEMU
	if qemu == "" {
		qemu = "qemu-x86_64"
	}
	qemuPath, err := exec.LookPath(qemu)
	if err != nil {
		return nil, nil, fmt.Errorf("qemutrace: QEMU binary: %w", err)
	}
	if err := checkProgram(cfg.Program); err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp(cfg.TempDir, "lockstep-qemu-")
	if err != nil {
		return nil, nil, fmt.Errorf("qemutrace: private directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("qemutrace: private directory: %w", err)
	}
	p := &process{
		dir:     dir,
		sock:    filepath.Join(dir, "gdb.sock"),
		logPath: filepath.Join(dir, "qemu.log"),
		stderr:  newTailBuffer(4096),
		done:    make(chan struct{}),
	}
	args := []string{"-g", p.sock, "-d", "page", "-D", p.logPath}
	if cfg.CPU != "" {
		args = append(args, "-cpu", cfg.CPU)
	}
	args = append(args, cfg.ExtraArgs...)
	args = append(args, cfg.Program)
	args = append(args, cfg.Args...)

	cmd := exec.Command(qemuPath, args...)
	cmd.Env = cfg.Env
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	cmd.Dir = cfg.Dir
	cmd.Stdin = cfg.Stdin
	cmd.Stdout = cfg.Stdout
	if cmd.Stdout == nil {
		cmd.Stdout = io.Discard
	}
	var stderr io.Writer = p.stderr
	if cfg.Stderr != nil {
		stderr = io.MultiWriter(cfg.Stderr, p.stderr)
	}
	cmd.Stderr = stderr
	// Own process group so that QEMU and anything it spawns die together;
	// Pdeathsig so that QEMU dies with us even if we are killed hard.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("qemutrace: start %s: %w", qemu, err)
	}
	p.cmd = cmd
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()

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

// checkProgram gives a clear error for a missing, unreadable or non-ELF
// program before QEMU is asked to run it.
func checkProgram(path string) error {
	if path == "" {
		return errors.New("qemutrace: no program given")
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("qemutrace: program: %w", err)
	}
	defer f.Close()
	var hdr [20]byte
	n, _ := io.ReadFull(f, hdr[:])
	if n < len(hdr) || string(hdr[:4]) != "\x7fELF" {
		return fmt.Errorf("qemutrace: program %s is not an ELF file", path)
	}
	if hdr[4] != 2 || hdr[5] != 1 {
		return fmt.Errorf("qemutrace: program %s is not a 64-bit little-endian ELF file", path)
	}
	if machine := uint16(hdr[18]) | uint16(hdr[19])<<8; machine != 62 { // EM_X86_64
		return fmt.Errorf("qemutrace: program %s is for ELF machine %d, not x86-64", path, machine)
	}
	// QEMU 7.2 refuses a program without execute permission and says
	// nothing at all: say it here.
	if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("qemutrace: program %s is not executable (mode %v)", path, st.Mode().Perm())
	}
	return nil
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
		case <-p.done:
			return fmt.Errorf("qemutrace: QEMU exited before its gdbstub was ready (%v): %s", p.waitErr, p.stderrText())
		case <-ctx.Done():
			return fmt.Errorf("qemutrace: waiting for QEMU's gdbstub socket: %w; QEMU stderr: %s", ctx.Err(), p.stderrText())
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
		case <-p.done:
			return nil, fmt.Errorf("QEMU exited (%v): %s", p.waitErr, p.stderrText())
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (last: %v)", ctx.Err(), err)
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// stderrText is the end of what QEMU wrote to stderr, for error messages.
func (p *process) stderrText() string {
	s := strings.TrimSpace(p.stderr.String())
	if s == "" {
		return "(QEMU wrote nothing to stderr)"
	}
	return s
}

// exited reports whether QEMU has been reaped.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// close kills the process group, reaps QEMU and removes the private
// directory. Safe to call more than once.
func (p *process) close() error {
	var err error
	p.closeOnce.Do(func() {
		if p.cmd != nil && p.cmd.Process != nil {
			if !p.exited() {
				syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			}
			select {
			case <-p.done:
			case <-time.After(5 * time.Second):
				err = fmt.Errorf("qemutrace: QEMU (pid %d) did not die", p.cmd.Process.Pid)
			}
		}
		if rerr := os.RemoveAll(p.dir); rerr != nil && err == nil {
			err = fmt.Errorf("qemutrace: remove %s: %w", p.dir, rerr)
		}
	})
	return err
}

// tailBuffer keeps the last n bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	n   int
	buf []byte
}

func newTailBuffer(n int) *tailBuffer { return &tailBuffer{n: n} }

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.n {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.n:]...)
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
