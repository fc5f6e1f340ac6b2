// Package launch starts the emulators lockstep drives as child processes
// with the guarantees every launcher needs: each in its own process group
// (so that it and anything it spawns die together), killed by the kernel
// if lockstep dies (Pdeathsig), a private 0700 directory for its sockets
// and logs, the end of its stderr kept for error messages, and every wait
// bounded. Close kills the group, reaps the process and removes the
// directory; nothing is left running or on disk.
package launch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// KillWait bounds the wait for a killed process to be reaped.
const KillWait = 5 * time.Second

// Spec is one process to start.
type Spec struct {
	Path   string    // the binary (looked up in PATH when it has no slash)
	Args   []string  // its arguments, after argv[0]
	Env    []string  // its environment; nil means empty
	Dir    string    // its working directory; empty means ours
	Stdin  io.Reader // nil means /dev/null
	Stdout io.Writer // nil discards
	Stderr io.Writer // also receives stderr; the end is kept in any case
	// Group joins the process group of an earlier Process instead of
	// making a new one, so that one kill ends both.
	Group *Process
	// ExtraFiles are passed on as fds 3, 4...
	ExtraFiles []*os.File
}

// Process is a started child process.
type Process struct {
	Name    string // for messages
	cmd     *exec.Cmd
	stderr  *TailBuffer
	done    chan struct{}
	waitErr error
	pgid    int

	closeOnce sync.Once
	closeErr  error
}

// Start starts the process described by s. name is used in messages.
func Start(name string, s Spec) (*Process, error) {
	path, err := exec.LookPath(s.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cmd := exec.Command(path, s.Args...)
	cmd.Env = s.Env
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	cmd.Dir = s.Dir
	cmd.Stdin = s.Stdin
	cmd.Stdout = s.Stdout
	if cmd.Stdout == nil {
		cmd.Stdout = io.Discard
	}
	p := &Process{Name: name, stderr: NewTailBuffer(4096), done: make(chan struct{})}
	var stderr io.Writer = p.stderr
	if s.Stderr != nil {
		stderr = io.MultiWriter(s.Stderr, p.stderr)
	}
	cmd.Stderr = stderr
	cmd.ExtraFiles = s.ExtraFiles
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if s.Group != nil {
		attr.Pgid = s.Group.pgid
	}
	cmd.SysProcAttr = attr
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: start %s: %w", name, s.Path, err)
	}
	p.cmd = cmd
	p.pgid = cmd.Process.Pid
	if s.Group != nil {
		p.pgid = s.Group.pgid
	}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Pid is the process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the process has been reaped.
func (p *Process) Done() <-chan struct{} { return p.done }

// WaitErr is the result of waiting for the process; valid after Done.
func (p *Process) WaitErr() error { return p.waitErr }

// Exited reports whether the process has been reaped.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// StderrText is the end of what the process wrote to stderr.
func (p *Process) StderrText() string {
	s := strings.TrimSpace(p.stderr.String())
	if s == "" {
		return "(" + p.Name + " wrote nothing to stderr)"
	}
	return s
}

// Stderr is the buffer holding the end of the process's stderr.
func (p *Process) Stderr() *TailBuffer { return p.stderr }

// Close kills the process group and reaps the process. Safe to call more
// than once.
func (p *Process) Close() error {
	p.closeOnce.Do(func() {
		if !p.Exited() {
			syscall.Kill(-p.pgid, syscall.SIGKILL)
		}
		select {
		case <-p.done:
		case <-time.After(KillWait):
			p.closeErr = fmt.Errorf("%s (pid %d) did not die", p.Name, p.Pid())
		}
	})
	return p.closeErr
}

// PrivateDir makes a directory only we can use (0700) under parent
// (default os.TempDir()).
func PrivateDir(parent, pattern string) (string, error) {
	dir, err := os.MkdirTemp(parent, pattern)
	if err != nil {
		return "", fmt.Errorf("private directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("private directory: %w", err)
	}
	return dir, nil
}

// TailBuffer keeps the last n bytes written to it. It is safe for
// concurrent use.
type TailBuffer struct {
	mu  sync.Mutex
	n   int
	buf []byte
}

// NewTailBuffer keeps the last n bytes.
func NewTailBuffer(n int) *TailBuffer { return &TailBuffer{n: n} }

// Write appends b, dropping what falls out of the window.
func (t *TailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.n {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.n:]...)
	}
	return len(b), nil
}

// String is the kept text.
func (t *TailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// CheckProgram gives a clear error for a missing, unreadable, non-x86-64
// or non-executable program before an emulator is asked to run it (some,
// like QEMU 7.2, fail on those without a word).
func CheckProgram(path string) error {
	if path == "" {
		return errors.New("no program given")
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("program: %w", err)
	}
	defer f.Close()
	var hdr [20]byte
	n, _ := io.ReadFull(f, hdr[:])
	if n < len(hdr) || string(hdr[:4]) != "\x7fELF" {
		return fmt.Errorf("program %s is not an ELF file", path)
	}
	if hdr[4] != 2 || hdr[5] != 1 {
		return fmt.Errorf("program %s is not a 64-bit little-endian ELF file", path)
	}
	if machine := uint16(hdr[18]) | uint16(hdr[19])<<8; machine != 62 { // EM_X86_64
		return fmt.Errorf("program %s is for ELF machine %d, not x86-64", path, machine)
	}
	// QEMU 7.2 refuses a program without execute permission and says
	// nothing at all: say it here.
	if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("program %s is not executable (mode %v)", path, st.Mode().Perm())
	}
	return nil
}
