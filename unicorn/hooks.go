package unicorn

/*
#include <stdint.h>
#include <stdbool.h>
#include <unicorn/unicorn.h>
#include "shim.h"
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// HookType selects the events of a hook (uc_hook_type); memory hook types
// may be or-ed together.
type HookType int

// Hook types.
const (
	HookIntr             HookType = C.UC_HOOK_INTR
	HookInsn             HookType = C.UC_HOOK_INSN
	HookCode             HookType = C.UC_HOOK_CODE
	HookBlock            HookType = C.UC_HOOK_BLOCK
	HookMemReadUnmapped  HookType = C.UC_HOOK_MEM_READ_UNMAPPED
	HookMemWriteUnmapped HookType = C.UC_HOOK_MEM_WRITE_UNMAPPED
	HookMemFetchUnmapped HookType = C.UC_HOOK_MEM_FETCH_UNMAPPED
	HookMemReadProt      HookType = C.UC_HOOK_MEM_READ_PROT
	HookMemWriteProt     HookType = C.UC_HOOK_MEM_WRITE_PROT
	HookMemFetchProt     HookType = C.UC_HOOK_MEM_FETCH_PROT
	HookMemRead          HookType = C.UC_HOOK_MEM_READ
	HookMemWrite         HookType = C.UC_HOOK_MEM_WRITE
	HookMemFetch         HookType = C.UC_HOOK_MEM_FETCH
	HookMemReadAfter     HookType = C.UC_HOOK_MEM_READ_AFTER
	HookInsnInvalid      HookType = C.UC_HOOK_INSN_INVALID

	// HookMemUnmapped is every access to unmapped memory.
	HookMemUnmapped = HookMemReadUnmapped | HookMemWriteUnmapped | HookMemFetchUnmapped
	// HookMemProt is every access against a page's permissions.
	HookMemProt = HookMemReadProt | HookMemWriteProt | HookMemFetchProt
	// HookMemInvalid is every faulting access.
	HookMemInvalid = HookMemUnmapped | HookMemProt
	// HookMemValid is every access (hooked before permissions are checked).
	HookMemValid = HookMemRead | HookMemWrite | HookMemFetch
)

// MemAccess is the kind of memory event a memory hook reports
// (uc_mem_type).
type MemAccess int

// Memory events.
const (
	MemRead          MemAccess = C.UC_MEM_READ
	MemWrite         MemAccess = C.UC_MEM_WRITE
	MemFetch         MemAccess = C.UC_MEM_FETCH
	MemReadUnmapped  MemAccess = C.UC_MEM_READ_UNMAPPED
	MemWriteUnmapped MemAccess = C.UC_MEM_WRITE_UNMAPPED
	MemFetchUnmapped MemAccess = C.UC_MEM_FETCH_UNMAPPED
	MemWriteProt     MemAccess = C.UC_MEM_WRITE_PROT
	MemReadProt      MemAccess = C.UC_MEM_READ_PROT
	MemFetchProt     MemAccess = C.UC_MEM_FETCH_PROT
	MemReadAfter     MemAccess = C.UC_MEM_READ_AFTER
)

func (a MemAccess) String() string {
	switch a {
	case MemRead:
		return "read"
	case MemWrite:
		return "write"
	case MemFetch:
		return "fetch"
	case MemReadUnmapped:
		return "read unmapped"
	case MemWriteUnmapped:
		return "write unmapped"
	case MemFetchUnmapped:
		return "fetch unmapped"
	case MemWriteProt:
		return "write protected"
	case MemReadProt:
		return "read protected"
	case MemFetchProt:
		return "fetch protected"
	case MemReadAfter:
		return "read after"
	}
	return "MemAccess(" + itoa(int(a)) + ")"
}

func itoa(v int) string {
	if v == 0 {
		return "0"
	}
	neg := v < 0
	if neg {
		v = -v
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// Hook identifies a registered hook.
type Hook uintptr

// Callback signatures.
type (
	// CodeFunc is called for each instruction (HookCode) or basic block
	// (HookBlock) at addr of size bytes.
	CodeFunc func(addr uint64, size uint32)
	// MemFunc is called for a memory access; value is the data being
	// written (writes only).
	MemFunc func(access MemAccess, addr uint64, size int, value int64)
	// MemInvalidFunc is called for a faulting access; returning true
	// retries the access (after the callback mapped or unprotected the
	// memory), false stops the emulation with the matching error.
	MemInvalidFunc func(access MemAccess, addr uint64, size int, value int64) bool
	// IntrFunc is called for an interrupt or CPU exception number.
	IntrFunc func(intno uint32)
	// InsnInvalidFunc is called for an invalid instruction; returning
	// true continues, false stops with ErrInsnInvalid.
	InsnInvalidFunc func() bool
	// SyscallFunc is called for a hooked syscall or sysenter.
	SyscallFunc func()
	// CPUIDFunc is called for cpuid; returning true skips the
	// instruction (the callback set the results), false executes it.
	CPUIDFunc func() bool
)

// hook is what a callback's cgo.Handle refers to.
type hook struct {
	e      *Engine
	uh     C.uc_hook
	handle cgo.Handle

	code        CodeFunc
	mem         MemFunc
	memInvalid  MemInvalidFunc
	intr        IntrFunc
	insnInvalid InsnInvalidFunc
	syscall     SyscallFunc
	cpuid       CPUIDFunc
}

// add registers h through reg, which calls one of the shim functions.
func (e *Engine) add(op string, h *hook, reg func(hh *C.uc_hook, handle C.uintptr_t) C.uc_err) (Hook, error) {
	if err := e.live(op); err != nil {
		return 0, err
	}
	h.e = e
	h.handle = cgo.NewHandle(h)
	if err := check(op, reg(&h.uh, C.uintptr_t(h.handle))); err != nil {
		h.handle.Delete()
		return 0, err
	}
	id := Hook(h.uh)
	e.hooks[id] = h
	return id, nil
}

// HookCode calls fn before every instruction in [begin, end] (begin > end:
// everywhere).
func (e *Engine) HookCode(begin, end uint64, fn CodeFunc) (Hook, error) {
	return e.add("hook_add code", &hook{code: fn}, func(hh *C.uc_hook, handle C.uintptr_t) C.uc_err {
		return C.shim_hook_code(e.uc, hh, C.UC_HOOK_CODE, handle, C.uint64_t(begin), C.uint64_t(end))
	})
}

// HookBlock calls fn at the start of every basic block in [begin, end].
func (e *Engine) HookBlock(begin, end uint64, fn CodeFunc) (Hook, error) {
	return e.add("hook_add block", &hook{code: fn}, func(hh *C.uc_hook, handle C.uintptr_t) C.uc_err {
		return C.shim_hook_code(e.uc, hh, C.UC_HOOK_BLOCK, handle, C.uint64_t(begin), C.uint64_t(end))
	})
}

// HookMem calls fn for accesses of the given types (HookMemRead,
// HookMemWrite, HookMemFetch, HookMemReadAfter, combined) to [begin, end].
// Write hooks run before the write, so the old content is still readable.
func (e *Engine) HookMem(types HookType, begin, end uint64, fn MemFunc) (Hook, error) {
	return e.add("hook_add mem", &hook{mem: fn}, func(hh *C.uc_hook, handle C.uintptr_t) C.uc_err {
		return C.shim_hook_mem(e.uc, hh, C.int(types), handle, C.uint64_t(begin), C.uint64_t(end))
	})
}

// HookMemInvalid calls fn for faulting accesses of the given types
// (HookMemUnmapped, HookMemProt or their parts) to [begin, end].
func (e *Engine) HookMemInvalid(types HookType, begin, end uint64, fn MemInvalidFunc) (Hook, error) {
	return e.add("hook_add mem invalid", &hook{memInvalid: fn}, func(hh *C.uc_hook, handle C.uintptr_t) C.uc_err {
		return C.shim_hook_mem_invalid(e.uc, hh, C.int(types), handle, C.uint64_t(begin), C.uint64_t(end))
	})
}

// HookInterrupt calls fn for interrupts and CPU exceptions (int n, #DE,
// #GP, ...). Unicorn does not deliver them through the IDT: after fn
// returns, execution resumes at the next instruction for int n and at the
// faulting instruction otherwise, so fn usually calls Stop.
func (e *Engine) HookInterrupt(fn IntrFunc) (Hook, error) {
	return e.add("hook_add intr", &hook{intr: fn}, func(hh *C.uc_hook, handle C.uintptr_t) C.uc_err {
		return C.shim_hook_intr(e.uc, hh, handle, 1, 0)
	})
}

// HookInsnInvalid calls fn when an instruction is invalid (#UD).
func (e *Engine) HookInsnInvalid(fn InsnInvalidFunc) (Hook, error) {
	return e.add("hook_add insn invalid", &hook{insnInvalid: fn}, func(hh *C.uc_hook, handle C.uintptr_t) C.uc_err {
		return C.shim_hook_insn_invalid(e.uc, hh, handle, 1, 0)
	})
}

// HookSyscall calls fn when insn (X86InsSyscall or X86InsSysenter)
// executes; rip is at the instruction during the call. Without such a hook
// Unicorn treats syscall as a no-op.
func (e *Engine) HookSyscall(insn X86Insn, fn SyscallFunc) (Hook, error) {
	return e.add("hook_add syscall", &hook{syscall: fn}, func(hh *C.uc_hook, handle C.uintptr_t) C.uc_err {
		return C.shim_hook_x86_syscall(e.uc, hh, C.int(insn), handle, 1, 0)
	})
}

// HookCPUID calls fn when cpuid executes.
func (e *Engine) HookCPUID(fn CPUIDFunc) (Hook, error) {
	return e.add("hook_add cpuid", &hook{cpuid: fn}, func(hh *C.uc_hook, handle C.uintptr_t) C.uc_err {
		return C.shim_hook_x86_cpuid(e.uc, hh, handle, 1, 0)
	})
}

// HookMemC registers fn, a C function of type uc_cb_hookmem_t (for
// HookMemRead, HookMemWrite, HookMemFetch) or uc_cb_eventmem_t (for the
// invalid-access types), with user as its user_data, on [begin, end]. It is
// for hot hooks that cannot afford a C-to-Go transition per access; fn may
// still call exported Go functions on rare paths. fn and user must be C
// pointers that stay valid until the hook is deleted or the engine closed.
func (e *Engine) HookMemC(types HookType, begin, end uint64, fn, user unsafe.Pointer) (Hook, error) {
	if err := e.live("hook_add c"); err != nil {
		return 0, err
	}
	if fn == nil {
		return 0, &Error{Op: "hook_add c", Code: ErrArg, Text: "nil C function"}
	}
	h := &hook{e: e}
	if err := check("hook_add c", C.shim_hook_c(e.uc, &h.uh, C.int(types), fn, user, C.uint64_t(begin), C.uint64_t(end))); err != nil {
		return 0, err
	}
	id := Hook(h.uh)
	e.hooks[id] = h
	return id, nil
}

// HookDel removes a hook and releases its callback.
func (e *Engine) HookDel(id Hook) error {
	if err := e.live("hook_del"); err != nil {
		return err
	}
	h, ok := e.hooks[id]
	if !ok {
		return &Error{Op: "hook_del", Code: ErrArg, Text: "unknown hook"}
	}
	delete(e.hooks, id)
	err := check("hook_del", C.uc_hook_del(e.uc, h.uh))
	// Unicorn frees a deleted hook lazily but never calls it again, so
	// the handle can go now. C hooks have none.
	if h.handle != 0 {
		h.handle.Delete()
	}
	return err
}

// Hooks returns how many hooks are registered.
func (e *Engine) Hooks() int { return len(e.hooks) }

func hookOf(user unsafe.Pointer) *hook {
	return cgo.Handle(uintptr(user)).Value().(*hook)
}

// recoverCallback turns a panic in a callback into a stop; Start re-raises
// it on the caller's side, since unwinding through C frames is fatal.
func (h *hook) recoverCallback() {
	if r := recover(); r != nil {
		if h.e.panicked == nil {
			h.e.panicked = r
		}
		C.uc_emu_stop(h.e.uc)
	}
}

//export goHookCode
func goHookCode(uc *C.uc_engine, addr C.uint64_t, size C.uint32_t, user unsafe.Pointer) {
	h := hookOf(user)
	defer h.recoverCallback()
	h.code(uint64(addr), uint32(size))
}

//export goHookMem
func goHookMem(uc *C.uc_engine, typ C.uc_mem_type, addr C.uint64_t, size C.int, value C.int64_t, user unsafe.Pointer) {
	h := hookOf(user)
	defer h.recoverCallback()
	h.mem(MemAccess(typ), uint64(addr), int(size), int64(value))
}

//export goHookMemInvalid
func goHookMemInvalid(uc *C.uc_engine, typ C.uc_mem_type, addr C.uint64_t, size C.int, value C.int64_t, user unsafe.Pointer) (ok C.bool) {
	h := hookOf(user)
	defer h.recoverCallback()
	return C.bool(h.memInvalid(MemAccess(typ), uint64(addr), int(size), int64(value)))
}

//export goHookIntr
func goHookIntr(uc *C.uc_engine, intno C.uint32_t, user unsafe.Pointer) {
	h := hookOf(user)
	defer h.recoverCallback()
	h.intr(uint32(intno))
}

//export goHookInsnInvalid
func goHookInsnInvalid(uc *C.uc_engine, user unsafe.Pointer) (ok C.bool) {
	h := hookOf(user)
	defer h.recoverCallback()
	return C.bool(h.insnInvalid())
}

//export goHookSyscall
func goHookSyscall(uc *C.uc_engine, user unsafe.Pointer) {
	h := hookOf(user)
	defer h.recoverCallback()
	h.syscall()
}

//export goHookCPUID
func goHookCPUID(uc *C.uc_engine, user unsafe.Pointer) (skip C.int) {
	h := hookOf(user)
	defer h.recoverCallback()
	if h.cpuid() {
		return 1
	}
	return 0
}
