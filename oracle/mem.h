// Lazy guest memory for the oracle: which pages hold content fetched from
// the program under test, and a log of the bytes each step writes. The
// memory hook runs on every data access, so it lives in C and only calls
// into Go when a page has not been fetched yet.
#ifndef LOCKSTEP_ORACLE_MEM_H
#define LOCKSTEP_ORACLE_MEM_H

#include <stdint.h>
#include <unicorn/unicorn.h>

#define LM_PAGE_SHIFT 12
#define LM_PAGE_SIZE (1ull << LM_PAGE_SHIFT)
// Host memory is reserved in 1 GiB areas; guest regions never span two.
#define LM_AREA_SHIFT 30
#define LM_AREA_PAGES (1u << (LM_AREA_SHIFT - LM_PAGE_SHIFT))
// Areas below 2^47 (the user half) are found by direct index.
#define LM_TOP_AREAS (1u << (47 - LM_AREA_SHIFT))
#define LM_HIGH_AREAS 16

#define LM_MAX_WRITES 4096
#define LM_OLD_BYTES 65536

typedef struct lm_area {
    uint64_t base;  // guest address, 1 GiB aligned
    uint8_t *host;  // host memory backing [base, base+1GiB)
    uint64_t present[LM_AREA_PAGES / 64];
} lm_area;

typedef struct lm_write {
    uint64_t addr;
    uint64_t value;
    uint32_t size;
    uint32_t old;    // offset of the old bytes in lm_state.oldbytes
    uint32_t known;  // bit i: old byte i was read from fetched memory
} lm_write;

typedef struct lm_state {
    lm_area **top;  // LM_TOP_AREAS entries
    lm_area *high[LM_HIGH_AREAS];
    int nhigh;
    uintptr_t handle;  // runtime/cgo.Handle of the Go oracle
    uint32_t nwrites;
    uint32_t oldlen;
    uint32_t overflow;
    lm_write writes[LM_MAX_WRITES];
    uint8_t oldbytes[LM_OLD_BYTES];
} lm_state;

lm_state *lm_new(void);
void lm_free(lm_state *s);

// The UC_HOOK_MEM_READ|UC_HOOK_MEM_WRITE callback; user is the lm_state.
void lm_hook(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
             int64_t value, void *user);

#endif
