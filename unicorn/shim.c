#include <stdlib.h>
#include <string.h>

#include "shim.h"
#include "_cgo_export.h"

uc_err shim_hook_code(uc_engine *uc, uc_hook *hh, int type, uintptr_t handle,
                      uint64_t begin, uint64_t end) {
    return uc_hook_add(uc, hh, type, (void *)goHookCode, (void *)handle, begin,
                       end);
}

uc_err shim_hook_mem(uc_engine *uc, uc_hook *hh, int type, uintptr_t handle,
                     uint64_t begin, uint64_t end) {
    return uc_hook_add(uc, hh, type, (void *)goHookMem, (void *)handle, begin,
                       end);
}

uc_err shim_hook_mem_invalid(uc_engine *uc, uc_hook *hh, int type,
                             uintptr_t handle, uint64_t begin, uint64_t end) {
    return uc_hook_add(uc, hh, type, (void *)goHookMemInvalid, (void *)handle,
                       begin, end);
}

uc_err shim_hook_intr(uc_engine *uc, uc_hook *hh, uintptr_t handle,
                      uint64_t begin, uint64_t end) {
    return uc_hook_add(uc, hh, UC_HOOK_INTR, (void *)goHookIntr,
                       (void *)handle, begin, end);
}

uc_err shim_hook_insn_invalid(uc_engine *uc, uc_hook *hh, uintptr_t handle,
                              uint64_t begin, uint64_t end) {
    return uc_hook_add(uc, hh, UC_HOOK_INSN_INVALID, (void *)goHookInsnInvalid,
                       (void *)handle, begin, end);
}

uc_err shim_hook_x86_syscall(uc_engine *uc, uc_hook *hh, int insn,
                             uintptr_t handle, uint64_t begin, uint64_t end) {
    return uc_hook_add(uc, hh, UC_HOOK_INSN, (void *)goHookSyscall,
                       (void *)handle, begin, end, insn);
}

uc_err shim_hook_x86_cpuid(uc_engine *uc, uc_hook *hh, uintptr_t handle,
                           uint64_t begin, uint64_t end) {
    return uc_hook_add(uc, hh, UC_HOOK_INSN, (void *)goHookCPUID,
                       (void *)handle, begin, end, UC_X86_INS_CPUID);
}

uc_err shim_ctl_set_cpu_model(uc_engine *uc, int model) {
    return uc_ctl_set_cpu_model(uc, model);
}

uc_err shim_ctl_get_cpu_model(uc_engine *uc, int *model) {
    return uc_ctl_get_cpu_model(uc, model);
}

uc_err shim_ctl_get_mode(uc_engine *uc, int *mode) {
    return uc_ctl_get_mode(uc, mode);
}

uc_err shim_ctl_get_page_size(uc_engine *uc, uint32_t *size) {
    return uc_ctl_get_page_size(uc, size);
}

uc_err shim_ctl_remove_cache(uc_engine *uc, uint64_t begin, uint64_t end) {
    return uc_ctl_remove_cache(uc, begin, end);
}

uc_err shim_ctl_flush_tb(uc_engine *uc) { return uc_ctl_flush_tlb(uc); }

// Scratch slots are this large: the widest register value (a ZMM
// register, or the uc_x86_mmr/uc_x86_msr structures) fits.
#define SHIM_SLOT 64

shim_batch *shim_batch_new(int n) {
    // One allocation: the header, then ids, value pointers, offsets,
    // sizes and the scratch slots.
    size_t size = sizeof(shim_batch) + n * (sizeof(int) * 3 + sizeof(void *)) +
                  (size_t)n * SHIM_SLOT + 64;
    shim_batch *b = calloc(1, size);
    if (b == NULL) {
        return NULL;
    }
    uint8_t *p = (uint8_t *)(b + 1);
    b->n = n;
    b->vals = (void **)p;
    p += n * sizeof(void *);
    b->ids = (int *)p;
    p += n * sizeof(int);
    b->offs = (int *)p;
    p += n * sizeof(int);
    b->sizes = (int *)p;
    p += n * sizeof(int);
    // Align the scratch slots for any register type.
    p = (uint8_t *)(((uintptr_t)p + 63) & ~(uintptr_t)63);
    for (int i = 0; i < n; i++) {
        b->vals[i] = p + (size_t)i * SHIM_SLOT;
    }
    return b;
}

void shim_batch_free(shim_batch *b) { free(b); }

uc_err shim_batch_read(uc_engine *uc, shim_batch *b, uint8_t *dst) {
    // Clear first so registers narrower than their slot read back
    // zero-extended.
    for (int i = 0; i < b->n; i++) {
        memset(b->vals[i], 0, SHIM_SLOT);
    }
    uc_err err = uc_reg_read_batch(uc, b->ids, b->vals, b->n);
    if (err != UC_ERR_OK) {
        return err;
    }
    for (int i = 0; i < b->n; i++) {
        memcpy(dst + b->offs[i], b->vals[i], b->sizes[i]);
    }
    return UC_ERR_OK;
}

uc_err shim_batch_write(uc_engine *uc, shim_batch *b, const uint8_t *src) {
    for (int i = 0; i < b->n; i++) {
        memset(b->vals[i], 0, SHIM_SLOT);
        memcpy(b->vals[i], src + b->offs[i], b->sizes[i]);
    }
    return uc_reg_write_batch(uc, b->ids, (void *const *)b->vals, b->n);
}

uc_err shim_start_read(uc_engine *uc, uint64_t begin, uint64_t until,
                       uint64_t timeout, size_t count, shim_batch *b,
                       uint8_t *dst, uc_err *read_err) {
    uc_err err = uc_emu_start(uc, begin, until, timeout, count);
    *read_err = b != NULL ? shim_batch_read(uc, b, dst) : UC_ERR_OK;
    return err;
}

uc_err shim_hook_c(uc_engine *uc, uc_hook *hh, int type, void *fn, void *user,
                   uint64_t begin, uint64_t end) {
    return uc_hook_add(uc, hh, type, fn, user, begin, end);
}
