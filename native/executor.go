package native

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/arch/x86/x86asm"
	"golang.org/x/sys/unix"

	"lockstep/machine"
)

// ErrUnavailable is wrapped by Start's error when the host cannot run
// instructions for the tool: not x86-64 Linux, or ptrace not permitted.
var ErrUnavailable = errors.New("the host CPU executor is unavailable")

// opTimeout bounds one operation on the child. A single step finishes in
// microseconds; the bound only matters if the host misbehaves (or an
// instruction waits, like UMWAIT), and then the child is killed.
const opTimeout = 5 * time.Second

// maxPages bounds the guest pages kept mapped in the child between runs;
// the oldest is unmapped first. Kept pages save the mmap of the next run;
// their content is refreshed every run.
const maxPages = 16

// maxFaults bounds the demand-paging retries of one run: one instruction
// touches at most a few pages (code, two operands, each possibly split).
const maxFaults = 12

// Executor runs instructions on the host CPU in a traced child process.
// Its methods are safe for one caller at a time.
type Executor struct {
	reqs    chan func()
	quit    chan struct{} // closed by Close
	stopped chan struct{} // closed when the tracer thread ends
	host    string

	// Owned by the tracer thread.
	t      tracee
	mem    *os.File // /proc/PID/mem: reads and writes ignore page protections
	pages  []mapped // mapped guest pages, oldest first
	maps   map[*machine.Layout]*regMap
	buf    []byte
	broken error

	closeOnce sync.Once
}

type mapped struct {
	addr    uint64
	perm    machine.Perm
	content []byte // what the child's page holds now
}

// Start starts the executor's child. The error wraps ErrUnavailable when
// the host cannot do it at all.
func Start(ctx context.Context) (*Executor, error) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return nil, fmt.Errorf("%w: the host is %s/%s, not linux/amd64", ErrUnavailable, runtime.GOOS, runtime.GOARCH)
	}
	e := &Executor{reqs: make(chan func()), quit: make(chan struct{}), stopped: make(chan struct{}), host: HostModel(), maps: map[*machine.Layout]*regMap{}}
	started := make(chan error, 1)
	go e.thread(started)
	select {
	case err := <-started:
		if err != nil {
			<-e.stopped
			return nil, err
		}
		return e, nil
	case <-ctx.Done():
		go func() {
			if err := <-started; err == nil {
				e.Close()
			}
		}()
		return nil, fmt.Errorf("native: starting the executor: %w", ctx.Err())
	}
}

// thread is the tracer: ptrace requests are only taken from the thread
// that started the child, so every operation runs here.
func (e *Executor) thread(started chan<- error) {
	// Unlocked only once the child is killed and reaped (the deferred
	// calls run in reverse). A locked thread that ends would fire the
	// Pdeathsig of every process ever started from it: the QEMUs of other
	// runs that the Go runtime happened to fork from this thread before.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer close(e.stopped)
	if err := e.spawn(); err != nil {
		e.kill()
		started <- err
		return
	}
	started <- nil
	for {
		select {
		case f := <-e.reqs:
			f()
		case <-e.quit:
			e.kill()
			return
		}
	}
}

func (e *Executor) spawn() error {
	fd, err := unix.MemfdCreate("lockstep-native", unix.MFD_CLOEXEC)
	if err != nil {
		return fmt.Errorf("native: memfd_create: %w", err)
	}
	img := os.NewFile(uintptr(fd), "lockstep-native")
	defer img.Close()
	if _, err := img.Write(stubELF()); err != nil {
		return fmt.Errorf("native: writing the stub: %w", err)
	}
	// fd 3 in the child is the image; exec'ing it leaves no file behind.
	proc, err := os.StartProcess("/proc/self/fd/3", []string{"lockstep-native"}, &os.ProcAttr{
		Env:   []string{},
		Files: []*os.File{nil, nil, nil, img},
		Sys:   &syscall.SysProcAttr{Ptrace: true, Pdeathsig: syscall.SIGKILL, Setpgid: true},
	})
	if err != nil {
		if errors.Is(err, syscall.EPERM) {
			return fmt.Errorf("%w: ptrace not permitted: %v", ErrUnavailable, err)
		}
		return fmt.Errorf("native: starting the child: %w", err)
	}
	e.t.pid = proc.Pid
	_ = proc.Release() // waited for with wait4 below
	sig, err := e.t.wait()
	if err != nil {
		return err
	}
	if sig != int(unix.SIGTRAP) {
		return fmt.Errorf("native: the child stopped with signal %d after exec", sig)
	}
	if err := unix.PtraceSetOptions(e.t.pid, unix.PTRACE_O_EXITKILL); err != nil {
		return fmt.Errorf("native: PTRACE_SETOPTIONS: %w", err)
	}
	if e.mem, err = os.OpenFile(fmt.Sprintf("/proc/%d/mem", e.t.pid), os.O_RDWR, 0); err != nil {
		return fmt.Errorf("native: %w", err)
	}
	if err := e.t.initXState(); err != nil {
		return err
	}
	return e.clearAddressSpace()
}

// clearAddressSpace unmaps everything the kernel gave the child (stack,
// vdso, vvar) but its code page, so that guest pages can go anywhere else.
func (e *Executor) clearAddressSpace() error {
	maps, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", e.t.pid))
	if err != nil {
		return fmt.Errorf("native: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(maps))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if !ok || err1 != nil || err2 != nil {
			return fmt.Errorf("native: bad maps line %q", sc.Text())
		}
		if start == StubBase || strings.HasSuffix(sc.Text(), "[vsyscall]") {
			continue
		}
		if _, err := e.t.syscall(unix.SYS_MUNMAP, start, end-start); err != nil {
			return fmt.Errorf("native: clearing the child's %s: %w", f[len(f)-1], err)
		}
	}
	return nil
}

// kill ends the child and reaps it; tracer thread only.
func (e *Executor) kill() {
	if e.mem != nil {
		e.mem.Close()
		e.mem = nil
	}
	if e.t.pid > 0 {
		_ = unix.Kill(e.t.pid, unix.SIGKILL)
		var ws unix.WaitStatus
		for {
			_, err := unix.Wait4(e.t.pid, &ws, unix.WALL, nil)
			if err != unix.EINTR {
				break
			}
		}
		e.t.pid = 0
	}
}

// Close kills the child. Closing twice is a no-op.
func (e *Executor) Close() error {
	e.closeOnce.Do(func() {
		close(e.quit)
		<-e.stopped
	})
	return nil
}

// Host names the host CPU model, as verdicts must.
func (e *Executor) Host() string { return e.host }

// HostModel reads the host CPU's model name from /proc/cpuinfo.
func HostModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown " + runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown " + runtime.GOARCH
}

// do runs f on the tracer thread, with the child killed if f outlives
// opTimeout (which makes the executor unusable, never hung).
func (e *Executor) do(ctx context.Context, f func() error) error {
	res := make(chan error, 1)
	op := func() {
		if e.broken != nil {
			res <- e.broken
			return
		}
		pid := e.t.pid
		timer := time.AfterFunc(opTimeout, func() { _ = unix.Kill(pid, unix.SIGKILL) })
		err := f()
		if !timer.Stop() {
			err = fmt.Errorf("native: the instruction did not finish within %v; the executor's child was killed", opTimeout)
		}
		if err != nil && !errors.Is(err, ErrRefused) && !errors.Is(err, errSource) {
			e.broken = err
		}
		res <- err
	}
	select {
	case e.reqs <- op:
	case <-e.stopped:
		return errors.New("native: the executor is closed")
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-res:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// errSource marks errors of the caller's PageSource, which leave the
// executor usable.
var errSource = errors.New("page source")

// Run executes the instruction at st's rip once, natively.
func (e *Executor) Run(ctx context.Context, st *State) (*Result, error) {
	var res *Result
	err := e.do(ctx, func() error {
		var err error
		res, err = e.run(st)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (e *Executor) run(st *State) (*Result, error) {
	rm := e.maps[st.Regs.Layout]
	if rm == nil {
		var err error
		if rm, err = newRegMap(st.Regs.Layout); err != nil {
			return nil, err
		}
		e.maps[st.Regs.Layout] = rm
	}
	pc := get(st.Regs, rm.rip)
	if err := e.refresh(st.Memory); err != nil {
		return nil, err
	}
	inst, err := e.check(st, pc)
	if err != nil {
		return nil, err
	}
	regs := toPtrace(st, rm)
	save := stateSaveOf(inst.Op)
	area, hasArea := effectiveAddress(inst, &regs, pc)
	rfbm := clampRFBM(&regs, save)
	// The XSAVE area still holds the last run's state (or the child's
	// first): toXState replaces all of x87, SSE and AVX in it.
	toXState(e.t.xstate, st, rm)
	var fault *Fault
	for attempt := 0; ; attempt++ {
		if attempt > maxFaults {
			return nil, fmt.Errorf("%w: the instruction at %#x kept faulting on new pages", ErrRefused, pc)
		}
		// No memory to restore before a retry: a faulting instruction
		// writes nothing (a rep string instruction single-steps one
		// iteration at a time).
		if err := e.t.setRegs(&regs); err != nil {
			// The kernel refuses some states (a base it does not accept):
			// the child is unchanged and stays usable.
			return nil, fmt.Errorf("%w: the host kernel refuses the registers: %v", ErrRefused, err)
		}
		if err := e.t.setXState(); err != nil {
			return nil, err
		}
		if err := unix.PtraceSingleStep(e.t.pid); err != nil {
			return nil, fmt.Errorf("native: PTRACE_SINGLESTEP: %w", err)
		}
		sig, err := e.t.wait()
		if err != nil {
			return nil, err
		}
		si, err := e.t.siginfo()
		if err != nil {
			return nil, err
		}
		if sig == int(unix.SIGTRAP) && si.code == trapTrace {
			break
		}
		if sig == int(unix.SIGSEGV) && si.code != siKernel {
			page := si.addr &^ (pageSize - 1)
			if page == StubBase {
				return nil, fmt.Errorf("%w: the instruction at %#x needs the page at %#x, where the executor's own code lives", ErrRefused, pc, page)
			}
			if !e.isMapped(page) {
				ok, err := e.mapPage(st.Memory, page)
				if err != nil {
					return nil, err
				}
				if ok {
					continue
				}
			}
		}
		fault = &Fault{Signal: sig, Code: si.code, Addr: si.addr}
		break
	}
	res := &Result{Regs: st.Regs.Clone(), Fault: fault}
	var out unix.PtraceRegs
	if err := e.t.getRegs(&out); err != nil {
		return nil, err
	}
	if err := e.t.getXState(); err != nil {
		return nil, err
	}
	fromPtrace(res.Regs, &out, rm)
	res.FTag, res.YMMH = fromXState(res.Regs, e.t.xstate, rm)
	if err := e.collectWrites(res); err != nil {
		return nil, err
	}
	fixPushf(res, inst, get(st.Regs, rm.eflags))
	if save != notStateSave {
		// The instruction leaves rax and rdx alone: undo the clamp.
		put(res.Regs, rm.gpr[0], get(st.Regs, rm.gpr[0]))
		put(res.Regs, rm.gpr[3], get(st.Regs, rm.gpr[3]))
		if hasArea {
			if err := fixStateSave(res, save, area, rfbm, func(a uint64, p []byte) error { return ReadSource(st.Memory, a, p) }); err != nil {
				return nil, fmt.Errorf("%w: %w", errSource, err)
			}
		}
	}
	return res, nil
}

// check decodes the instruction and refuses what must not run natively.
func (e *Executor) check(st *State, pc uint64) (x86asm.Inst, error) {
	code := make([]byte, 0, 15)
	for a := pc; len(code) < 15; {
		page := a &^ (pageSize - 1)
		if _, ok, err := st.Memory.Page(page, e.pageBuf()); err != nil {
			return x86asm.Inst{}, fmt.Errorf("%w: %w", errSource, err)
		} else if !ok {
			break
		}
		n := min(15-len(code), int(page+pageSize-a))
		code = append(code, e.buf[a-page:a-page+uint64(n)]...)
		a += uint64(n)
	}
	inst, err := x86asm.Decode(code, 64)
	if err != nil {
		return inst, nil // the host decides: most likely SIGILL
	}
	switch inst.Op {
	case x86asm.SYSCALL, x86asm.SYSENTER, x86asm.SYSEXIT, x86asm.SYSRET:
		return inst, fmt.Errorf("%w: %s would enter the kernel", ErrRefused, strings.ToLower(inst.Op.String()))
	case x86asm.XSAVEOPT, x86asm.XSAVEOPT64:
		return inst, fmt.Errorf("%w: %s skips components by the host's own tracking of what was modified", ErrRefused, strings.ToLower(inst.Op.String()))
	case x86asm.INT:
		if v, ok := inst.Args[0].(x86asm.Imm); ok && v != 3 && v != 4 {
			return inst, fmt.Errorf("%w: int %#x would enter the kernel", ErrRefused, int64(v))
		}
	}
	return inst, nil
}

func (e *Executor) pageBuf() []byte {
	if e.buf == nil {
		e.buf = make([]byte, pageSize)
	}
	return e.buf
}

func (e *Executor) isMapped(page uint64) bool {
	for _, p := range e.pages {
		if p.addr == page {
			return true
		}
	}
	return false
}

func prot(p machine.Perm) uint64 {
	return machine.PermBits[uint64](p, unix.PROT_READ, unix.PROT_WRITE, unix.PROT_EXEC)
}

// mapPage maps a guest page into the child with the guest's permissions
// and content. It reports false when the guest has no such page.
func (e *Executor) mapPage(src PageSource, page uint64) (bool, error) {
	content := make([]byte, pageSize)
	perm, ok, err := src.Page(page, content)
	if err != nil {
		return false, fmt.Errorf("%w: %w", errSource, err)
	}
	if !ok {
		return false, nil
	}
	if len(e.pages) >= maxPages {
		old := e.pages[0]
		if _, err := e.t.syscall(unix.SYS_MUNMAP, old.addr, pageSize); err != nil {
			return false, err
		}
		e.pages = e.pages[1:]
	}
	if _, err := e.t.syscall(unix.SYS_MMAP, page, pageSize, prot(perm), unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_FIXED_NOREPLACE, ^uint64(0), 0); err != nil {
		return false, fmt.Errorf("native: mapping the guest page %#x: %w", page, err)
	}
	e.pages = append(e.pages, mapped{addr: page, perm: perm, content: content})
	return true, e.writePage(page, content)
}

func (e *Executor) writePage(page uint64, content []byte) error {
	if _, err := e.mem.WriteAt(content, int64(page)); err != nil {
		return fmt.Errorf("native: writing the guest page %#x: %w", page, err)
	}
	return nil
}

// refresh brings the kept pages up to the guest's memory before this
// instruction: content (written only where it changed), permissions, or
// unmapped when gone.
func (e *Executor) refresh(src PageSource) error {
	kept := make([]mapped, 0, len(e.pages))
	fresh := e.pageBuf()
	for i, p := range e.pages {
		perm, ok, err := src.Page(p.addr, fresh)
		if err != nil {
			e.pages = append(kept, e.pages[i:]...)
			return fmt.Errorf("%w: %w", errSource, err)
		}
		if !ok {
			if _, err := e.t.syscall(unix.SYS_MUNMAP, p.addr, pageSize); err != nil {
				return err
			}
			continue
		}
		if perm != p.perm {
			if _, err := e.t.syscall(unix.SYS_MPROTECT, p.addr, pageSize, prot(perm)); err != nil {
				return err
			}
			p.perm = perm
		}
		if !bytes.Equal(fresh, p.content) {
			copy(p.content, fresh)
			if err := e.writePage(p.addr, p.content); err != nil {
				return err
			}
		}
		kept = append(kept, p)
	}
	e.pages = kept
	return nil
}

// collectWrites compares every kept page with what was written into it.
func (e *Executor) collectWrites(res *Result) error {
	buf := e.pageBuf()
	for _, p := range e.pages {
		res.Pages = append(res.Pages, p.addr)
		if p.perm&machine.PermWrite == 0 {
			continue
		}
		if _, err := e.mem.ReadAt(buf, int64(p.addr)); err != nil {
			return fmt.Errorf("native: reading the guest page %#x: %w", p.addr, err)
		}
		for i := 0; i < pageSize; {
			if buf[i] == p.content[i] {
				i++
				continue
			}
			j := i
			for j < pageSize && buf[j] != p.content[j] {
				j++
			}
			res.Writes = append(res.Writes, Write{Addr: p.addr + uint64(i),
				Old: bytes.Clone(p.content[i:j]), New: bytes.Clone(buf[i:j])})
			copy(p.content[i:j], buf[i:j])
			i = j
		}
	}
	sortWrites(res.Writes)
	return nil
}

// ReadSource reads [addr, addr+len(p)) from a page source.
func ReadSource(src PageSource, addr uint64, p []byte) error {
	var page [pageSize]byte
	for len(p) > 0 {
		base := addr &^ (pageSize - 1)
		if _, ok, err := src.Page(base, page[:]); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("no mapping at %#x", addr)
		}
		n := copy(p, page[addr-base:])
		p, addr = p[n:], addr+uint64(n)
	}
	return nil
}
