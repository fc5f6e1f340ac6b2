#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "_cgo_export.h"

lm_state *lm_new(void) {
    lm_state *s = calloc(1, sizeof(lm_state));
    if (s == NULL) {
        return NULL;
    }
    s->top = calloc(LM_TOP_AREAS, sizeof(lm_area *));
    if (s->top == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

void lm_free(lm_state *s) {
    if (s != NULL) {
        free(s->top);
        free(s);
    }
}

static lm_area *lm_find(lm_state *s, uint64_t addr) {
    uint64_t k = addr >> LM_AREA_SHIFT;
    if (k < LM_TOP_AREAS) {
        return s->top[k];
    }
    uint64_t base = addr & ~((1ull << LM_AREA_SHIFT) - 1);
    for (int i = 0; i < s->nhigh; i++) {
        if (s->high[i]->base == base) {
            return s->high[i];
        }
    }
    return NULL;
}

static int lm_present(lm_area *a, uint64_t addr) {
    uint64_t page = (addr - a->base) >> LM_PAGE_SHIFT;
    return (a->present[page >> 6] >> (page & 63)) & 1;
}

static void lm_record(uc_engine *uc, lm_state *s, uint64_t addr, int size,
                      int64_t value) {
    if (size <= 0 || size > 8) {
        return;
    }
    if (s->nwrites >= LM_MAX_WRITES || s->oldlen + (uint32_t)size > LM_OLD_BYTES) {
        s->overflow = 1;
        uc_emu_stop(uc);
        return;
    }
    lm_write *w = &s->writes[s->nwrites++];
    w->addr = addr;
    w->value = (uint64_t)value;
    w->size = (uint32_t)size;
    w->old = s->oldlen;
    w->known = 0;
    uint8_t *old = &s->oldbytes[s->oldlen];
    s->oldlen += (uint32_t)size;
    for (int i = 0; i < size; i++) {
        uint64_t a = addr + (uint64_t)i;
        lm_area *area = lm_find(s, a);
        if (area != NULL && lm_present(area, a)) {
            old[i] = area->host[a - area->base];
            w->known |= 1u << i;
        } else {
            old[i] = 0;
        }
    }
}

void lm_hook(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
             int64_t value, void *user) {
    lm_state *s = user;
    if (size <= 0) {
        return;
    }
    uint64_t first = addr & ~(LM_PAGE_SIZE - 1);
    uint64_t last = (addr + (uint64_t)(size - 1)) & ~(LM_PAGE_SIZE - 1);
    for (uint64_t p = first;; p += LM_PAGE_SIZE) {
        lm_area *a = lm_find(s, p);
        if (a == NULL || !lm_present(a, p)) {
            // Go fetches the page if the program has it mapped readable;
            // otherwise Unicorn's own checks fault the access.
            oracleMiss(s->handle, p);
        }
        if (p == last) {
            break;
        }
    }
    if (type == UC_MEM_WRITE) {
        lm_record(uc, s, addr, size, value);
    }
}
