// Package unicorn is a small cgo binding of the Unicorn CPU emulator engine
// (libunicorn 2.0.1, found with pkg-config "unicorn"), exposing what
// lockstep needs: engines, memory, registers (singly and in allocation-free
// batches), emulation, hooks with Go callbacks, CPU contexts and the uc_ctl
// controls for the CPU model and the translation cache.
//
// An Engine is not safe for concurrent use. Hook callbacks run on the
// goroutine that called Start and may call the Engine's methods (map
// memory, read registers, Stop), but must not Close it. A panic in a
// callback stops the emulation and is re-raised by Start.
//
// Every resource an Engine hands out (hooks, register batches, contexts)
// is released by Engine.Close, so closing the engine is enough to leave
// nothing behind.
package unicorn

/*
#cgo pkg-config: unicorn
#cgo noescape uc_mem_read
#cgo nocallback uc_mem_read
#cgo noescape uc_mem_write
#cgo nocallback uc_mem_write
#cgo noescape shim_batch_read
#cgo nocallback shim_batch_read
#include <stdlib.h>
#include <unicorn/unicorn.h>
#include "shim.h"
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"time"
	"unsafe"
)

// Arch is a Unicorn architecture (uc_arch).
type Arch int

// Architectures.
const (
	ArchARM     Arch = C.UC_ARCH_ARM
	ArchARM64   Arch = C.UC_ARCH_ARM64
	ArchMIPS    Arch = C.UC_ARCH_MIPS
	ArchX86     Arch = C.UC_ARCH_X86
	ArchPPC     Arch = C.UC_ARCH_PPC
	ArchSPARC   Arch = C.UC_ARCH_SPARC
	ArchM68K    Arch = C.UC_ARCH_M68K
	ArchRISCV   Arch = C.UC_ARCH_RISCV
	ArchS390X   Arch = C.UC_ARCH_S390X
	ArchTriCore Arch = C.UC_ARCH_TRICORE
)

// Mode is a Unicorn hardware mode (uc_mode), a combination of flags.
type Mode int

// Modes used with ArchX86.
const (
	Mode16 Mode = C.UC_MODE_16
	Mode32 Mode = C.UC_MODE_32
	Mode64 Mode = C.UC_MODE_64
)

// Prot is a set of page permissions (uc_prot).
type Prot uint32

// Page permissions.
const (
	ProtNone  Prot = C.UC_PROT_NONE
	ProtRead  Prot = C.UC_PROT_READ
	ProtWrite Prot = C.UC_PROT_WRITE
	ProtExec  Prot = C.UC_PROT_EXEC
	ProtAll   Prot = C.UC_PROT_ALL
)

// PageSize is the granularity of Unicorn's x86 memory map.
const PageSize = 4096

// maxRegBytes bounds any single register value (a ZMM register, or the
// uc_x86_mmr and uc_x86_msr structures), so fixed scratch buffers of this
// size are always large enough for uc_reg_read.
const maxRegBytes = 64

// Version returns the library's major and minor version.
func Version() (major, minor int) {
	var ma, mi C.uint
	C.uc_version(&ma, &mi)
	return int(ma), int(mi)
}

// ArchSupported reports whether the library was built with arch.
func ArchSupported(arch Arch) bool { return bool(C.uc_arch_supported(C.uc_arch(arch))) }

// Engine is one Unicorn instance.
type Engine struct {
	uc       *C.uc_engine
	arch     Arch
	mode     Mode
	hooks    map[Hook]*hook
	batches  map[*RegBatch]struct{}
	contexts map[*Context]struct{}
	// panicked holds a panic raised by a callback until Start re-raises it.
	panicked any
	// readErr receives StartRead's register-read status.
	readErr C.uc_err
	// scratch is C memory for single register values. Writing a segment
	// register can run memory hooks (the descriptor load), which call into
	// Go, so register values must not live on a Go stack during the call.
	scratch unsafe.Pointer
}

// Open creates an engine for arch and mode.
func Open(arch Arch, mode Mode) (*Engine, error) {
	var uc *C.uc_engine
	if err := check("open", C.uc_open(C.uc_arch(arch), C.uc_mode(mode), &uc)); err != nil {
		return nil, err
	}
	scratch := C.calloc(1, maxRegBytes)
	if scratch == nil {
		C.uc_close(uc)
		return nil, &Error{Op: "open", Code: ErrNoMem, Text: ErrNoMem.Error()}
	}
	return &Engine{
		uc:       uc,
		scratch:  scratch,
		arch:     arch,
		mode:     mode,
		hooks:    make(map[Hook]*hook),
		batches:  make(map[*RegBatch]struct{}),
		contexts: make(map[*Context]struct{}),
	}, nil
}

// Close releases the engine and everything obtained from it: hooks (and
// their callback handles), register batches and contexts. Closing twice is
// a no-op.
func (e *Engine) Close() error {
	if e.uc == nil {
		return nil
	}
	var first error
	for h := range e.hooks {
		if err := e.HookDel(h); err != nil && first == nil {
			first = err
		}
	}
	for b := range e.batches {
		b.Close()
	}
	for c := range e.contexts {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	if err := check("close", C.uc_close(e.uc)); err != nil && first == nil {
		first = err
	}
	C.free(e.scratch)
	e.uc, e.scratch = nil, nil
	return first
}

// live reports an error when the engine has been closed.
func (e *Engine) live(op string) error {
	if e.uc == nil {
		return &Error{Op: op, Code: ErrHandle, Text: "engine is closed"}
	}
	return nil
}

// Arch returns the architecture the engine was opened with.
func (e *Engine) Arch() Arch { return e.arch }

// Mode returns the current hardware mode (uc_ctl UC_CTL_UC_MODE).
func (e *Engine) Mode() (Mode, error) {
	if err := e.live("ctl_get_mode"); err != nil {
		return 0, err
	}
	var m C.int
	if err := check("ctl_get_mode", C.shim_ctl_get_mode(e.uc, &m)); err != nil {
		return 0, err
	}
	return Mode(m), nil
}

// SetCPUModel selects the emulated CPU model. Unicorn accepts this only
// before any other call on a fresh engine.
func (e *Engine) SetCPUModel(m CPUModel) error {
	if err := e.live("ctl_set_cpu_model"); err != nil {
		return err
	}
	return check("ctl_set_cpu_model", C.shim_ctl_set_cpu_model(e.uc, C.int(m)))
}

// CPUModel returns the emulated CPU model.
func (e *Engine) CPUModel() (CPUModel, error) {
	if err := e.live("ctl_get_cpu_model"); err != nil {
		return 0, err
	}
	var m C.int
	if err := check("ctl_get_cpu_model", C.shim_ctl_get_cpu_model(e.uc, &m)); err != nil {
		return 0, err
	}
	return CPUModel(m), nil
}

// PageSize returns the engine's page size.
func (e *Engine) PageSize() (int, error) {
	if err := e.live("ctl_get_page_size"); err != nil {
		return 0, err
	}
	var s C.uint32_t
	if err := check("ctl_get_page_size", C.shim_ctl_get_page_size(e.uc, &s)); err != nil {
		return 0, err
	}
	return int(s), nil
}

// RemoveCache drops cached translations of code in [begin, end), so the
// next execution there is translated again from memory.
func (e *Engine) RemoveCache(begin, end uint64) error {
	if err := e.live("ctl_remove_cache"); err != nil {
		return err
	}
	return check("ctl_remove_cache", C.shim_ctl_remove_cache(e.uc, C.uint64_t(begin), C.uint64_t(end)))
}

// FlushTranslations drops every cached translation block.
func (e *Engine) FlushTranslations() error {
	if err := e.live("ctl_flush_tb"); err != nil {
		return err
	}
	return check("ctl_flush_tb", C.shim_ctl_flush_tb(e.uc))
}

// MemMap maps [addr, addr+size) with prot; addr and size must be multiples
// of PageSize. The memory starts zeroed.
func (e *Engine) MemMap(addr, size uint64, prot Prot) error {
	if err := e.live("mem_map"); err != nil {
		return err
	}
	return check("mem_map", C.uc_mem_map(e.uc, C.uint64_t(addr), C.size_t(size), C.uint32_t(prot)))
}

// MemMapPtr maps [addr, addr+size) with prot, backed by host memory at ptr,
// which must stay valid and unmoved until it is unmapped or the engine is
// closed: use C memory, never Go memory. Unicorn keeps no copy, so the
// caller sees the guest's writes directly; code the caller modifies behind
// Unicorn's back needs RemoveCache.
func (e *Engine) MemMapPtr(addr, size uint64, prot Prot, ptr unsafe.Pointer) error {
	if err := e.live("mem_map_ptr"); err != nil {
		return err
	}
	return check("mem_map_ptr", C.uc_mem_map_ptr(e.uc, C.uint64_t(addr), C.size_t(size), C.uint32_t(prot), ptr))
}

// MemUnmap unmaps [addr, addr+size), which may split mapped regions.
func (e *Engine) MemUnmap(addr, size uint64) error {
	if err := e.live("mem_unmap"); err != nil {
		return err
	}
	return check("mem_unmap", C.uc_mem_unmap(e.uc, C.uint64_t(addr), C.size_t(size)))
}

// MemProtect changes the permissions of [addr, addr+size).
func (e *Engine) MemProtect(addr, size uint64, prot Prot) error {
	if err := e.live("mem_protect"); err != nil {
		return err
	}
	return check("mem_protect", C.uc_mem_protect(e.uc, C.uint64_t(addr), C.size_t(size), C.uint32_t(prot)))
}

// MemRead copies guest memory at addr into p. Permissions do not apply.
func (e *Engine) MemRead(addr uint64, p []byte) error {
	if err := e.live("mem_read"); err != nil {
		return err
	}
	if len(p) == 0 {
		return nil
	}
	return check("mem_read", C.uc_mem_read(e.uc, C.uint64_t(addr), unsafe.Pointer(&p[0]), C.size_t(len(p))))
}

// MemWrite copies p into guest memory at addr. Permissions do not apply.
func (e *Engine) MemWrite(addr uint64, p []byte) error {
	if err := e.live("mem_write"); err != nil {
		return err
	}
	if len(p) == 0 {
		return nil
	}
	return check("mem_write", C.uc_mem_write(e.uc, C.uint64_t(addr), unsafe.Pointer(&p[0]), C.size_t(len(p))))
}

// Region is a mapped range of guest memory.
type Region struct {
	Addr, Size uint64
	Prot       Prot
}

// MemRegions lists the mapped regions in address order.
func (e *Engine) MemRegions() ([]Region, error) {
	if err := e.live("mem_regions"); err != nil {
		return nil, err
	}
	var regs *C.uc_mem_region
	var n C.uint32_t
	if err := check("mem_regions", C.uc_mem_regions(e.uc, &regs, &n)); err != nil {
		return nil, err
	}
	if regs == nil {
		return nil, nil
	}
	defer C.uc_free(unsafe.Pointer(regs))
	out := make([]Region, 0, int(n))
	for _, r := range unsafe.Slice(regs, int(n)) {
		out = append(out, Region{Addr: uint64(r.begin), Size: uint64(r.end) - uint64(r.begin) + 1, Prot: Prot(r.perms)})
	}
	return out, nil
}

// RegRead reads a register of at most 8 bytes, zero-extended. Wider
// registers yield their low 8 bytes; use RegReadBytes for all of them.
func (e *Engine) RegRead(reg Reg) (uint64, error) {
	b, err := e.regRead(reg)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b[:8]), nil
}

// RegReadBytes reads a register's value into p (little-endian, as Unicorn
// stores it), copying at most len(p) bytes. It returns the bytes copied.
func (e *Engine) RegReadBytes(reg Reg, p []byte) (int, error) {
	b, err := e.regRead(reg)
	if err != nil {
		return 0, err
	}
	return copy(p, b), nil
}

// regRead reads reg into the C scratch buffer and returns it (valid until
// the next register call).
func (e *Engine) regRead(reg Reg) ([]byte, error) {
	if err := e.live("reg_read"); err != nil {
		return nil, err
	}
	b := unsafe.Slice((*byte)(e.scratch), maxRegBytes)
	clear(b)
	if err := check("reg_read", C.uc_reg_read(e.uc, C.int(reg), e.scratch)); err != nil {
		return nil, err
	}
	return b, nil
}

// RegWrite writes v to a register (narrower registers take the low bytes;
// wider ones get v zero-extended).
func (e *Engine) RegWrite(reg Reg, v uint64) error {
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], v)
	return e.RegWriteBytes(reg, buf[:])
}

// RegWriteBytes writes a register from p (little-endian), zero-extended to
// the register's width. p may hold at most 64 bytes.
func (e *Engine) RegWriteBytes(reg Reg, p []byte) error {
	if err := e.live("reg_write"); err != nil {
		return err
	}
	if len(p) > maxRegBytes {
		return fmt.Errorf("unicorn: reg_write: %d bytes for register %d, at most %d", len(p), reg, maxRegBytes)
	}
	b := unsafe.Slice((*byte)(e.scratch), maxRegBytes)
	clear(b)
	copy(b, p)
	return check("reg_write", C.uc_reg_write(e.uc, C.int(reg), e.scratch))
}

// Start emulates from begin until the instruction at until would execute,
// timeout elapses (0: no limit; Unicorn runs a timer thread per call when
// set) or count instructions have executed (0: no limit), or a hook calls
// Stop. The error is Unicorn's reason for stopping early, e.g. a fault
// (ErrReadUnmapped, ErrWriteProt...) or ErrInsnInvalid.
func (e *Engine) Start(begin, until uint64, timeout time.Duration, count uint64) error {
	if err := e.live("emu_start"); err != nil {
		return err
	}
	us, err := micros(timeout)
	if err != nil {
		return err
	}
	rc := C.uc_emu_start(e.uc, C.uint64_t(begin), C.uint64_t(until), C.uint64_t(us), C.size_t(count))
	e.repanic()
	return check("emu_start", rc)
}

// micros converts a Start timeout to Unicorn's microseconds.
func micros(timeout time.Duration) (uint64, error) {
	if timeout < 0 {
		return 0, fmt.Errorf("unicorn: emu_start: negative timeout %v", timeout)
	}
	us := uint64(timeout / time.Microsecond)
	if timeout > 0 && us == 0 {
		us = 1 // a sub-microsecond timeout must not mean "no limit"
	}
	return us, nil
}

// repanic re-raises a panic a callback recovered from during Start.
func (e *Engine) repanic() {
	if p := e.panicked; p != nil {
		e.panicked = nil
		panic(p)
	}
}

// Stop asks a running emulation to stop; hooks call it.
func (e *Engine) Stop() error {
	if err := e.live("emu_stop"); err != nil {
		return err
	}
	return check("emu_stop", C.uc_emu_stop(e.uc))
}
