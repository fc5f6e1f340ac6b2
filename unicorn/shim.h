// C helpers for the Go binding: cgo cannot call variadic functions
// (uc_hook_add, uc_ctl) and must not hand Go function values to C, so these
// wrappers register the exported Go trampolines and forward uc_ctl requests.
#ifndef LOCKSTEP_UNICORN_SHIM_H
#define LOCKSTEP_UNICORN_SHIM_H

#include <stdint.h>
#include <unicorn/unicorn.h>

// Hook registration. handle is a runtime/cgo.Handle carried as user_data.
uc_err shim_hook_code(uc_engine *uc, uc_hook *hh, int type, uintptr_t handle,
                      uint64_t begin, uint64_t end);
uc_err shim_hook_mem(uc_engine *uc, uc_hook *hh, int type, uintptr_t handle,
                     uint64_t begin, uint64_t end);
uc_err shim_hook_mem_invalid(uc_engine *uc, uc_hook *hh, int type,
                             uintptr_t handle, uint64_t begin, uint64_t end);
uc_err shim_hook_intr(uc_engine *uc, uc_hook *hh, uintptr_t handle,
                      uint64_t begin, uint64_t end);
uc_err shim_hook_insn_invalid(uc_engine *uc, uc_hook *hh, uintptr_t handle,
                              uint64_t begin, uint64_t end);
uc_err shim_hook_x86_syscall(uc_engine *uc, uc_hook *hh, int insn,
                             uintptr_t handle, uint64_t begin, uint64_t end);
uc_err shim_hook_x86_cpuid(uc_engine *uc, uc_hook *hh, uintptr_t handle,
                           uint64_t begin, uint64_t end);

// uc_ctl wrappers.
uc_err shim_ctl_set_cpu_model(uc_engine *uc, int model);
uc_err shim_ctl_get_cpu_model(uc_engine *uc, int *model);
uc_err shim_ctl_get_mode(uc_engine *uc, int *mode);
uc_err shim_ctl_get_page_size(uc_engine *uc, uint32_t *size);
uc_err shim_ctl_remove_cache(uc_engine *uc, uint64_t begin, uint64_t end);
uc_err shim_ctl_flush_tb(uc_engine *uc);



// A register batch lives in one C allocation: cgo forbids handing C an
// array of Go pointers, so ids, value pointers and a 64-byte scratch slot
// per register stay in C memory. Values are copied between the scratch
// slots and the caller's buffer at fixed offsets and sizes.
typedef struct shim_batch {
    int n;
    int *ids;
    void **vals;
    int *offs;
    int *sizes;
} shim_batch;

shim_batch *shim_batch_new(int n);
void shim_batch_free(shim_batch *b);
uc_err shim_batch_read(uc_engine *uc, shim_batch *b, uint8_t *dst);
uc_err shim_batch_write(uc_engine *uc, shim_batch *b, const uint8_t *src);

// uc_emu_start followed by a batch read (when b is not NULL), in one cgo
// call; the read happens whatever the emulation's outcome.
uc_err shim_start_read(uc_engine *uc, uint64_t begin, uint64_t until,
                       uint64_t timeout, size_t count, shim_batch *b,
                       uint8_t *dst, uc_err *read_err);

// Registers a C function as a hook of the given type.
uc_err shim_hook_c(uc_engine *uc, uc_hook *hh, int type, void *fn, void *user,
                   uint64_t begin, uint64_t end);
#endif
