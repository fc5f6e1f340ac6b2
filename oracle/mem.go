package oracle

/*
#cgo pkg-config: unicorn
#include <stdlib.h>
#include "mem.h"
*/
import "C"

import (
	"fmt"
	"math/bits"
	"runtime/cgo"
	"sort"
	"syscall"
	"unsafe"

	"lockstep/machine"
	"lockstep/unicorn"
)

// Guest memory layout of the oracle.
//
// Unicorn's memory map mirrors the program's map region by region (split at
// 1 GiB boundaries), with the program's permissions: Unicorn itself raises
// the unmapped and protection faults. Unicorn cannot hold one region per
// page (QEMU's physical map allows about 4000 sections), so laziness is
// per page inside the regions instead: every region is backed by host
// memory the oracle owns (a 1 GiB PROT_NONE reservation per area, opened
// read-write where the guest has mappings), a bitmap says which pages hold
// content fetched from the program, and a C hook on every data access
// fetches a missing page before the access proceeds. Instruction bytes are
// fetched by Step before it runs the instruction.

const (
	pageShift = C.LM_PAGE_SHIFT
	pageSize  = 1 << pageShift
	pageMask  = pageSize - 1
	areaShift = C.LM_AREA_SHIFT
	areaSize  = 1 << areaShift
	areaMask  = areaSize - 1

	// maxRegions bounds Unicorn's map: QEMU 5's physical map asserts at
	// 4096 sections.
	maxRegions = 3500
)

// area is 1 GiB of guest address space backed by host memory.
type area struct {
	c      *C.lm_area
	mem    []byte   // host reservation; pages are PROT_NONE unless mapped
	dirty  []uint64 // pages written since fetched, a bit per page
	hazard []uint64 // executable pages holding bytes that abort Unicorn's translator (hazards.go)
}

// ucRegion is a region of Unicorn's map.
type ucRegion struct {
	start, end uint64
	prot       unicorn.Prot
}

// memory is the oracle's lazily fetched copy of the program's memory.
type memory struct {
	s       *C.lm_state
	handle  cgo.Handle
	areas   map[uint64]*area // by guest base
	last    *area            // the area looked up last
	regions []ucRegion       // Unicorn's map, sorted
	nhazard int              // hazard bits set
}

func newMemory(owner any) (*memory, error) {
	s := C.lm_new()
	if s == nil {
		return nil, fmt.Errorf("oracle: out of memory for the page tables")
	}
	m := &memory{s: s, areas: make(map[uint64]*area)}
	m.handle = cgo.NewHandle(owner)
	s.handle = C.uintptr_t(m.handle)
	return m, nil
}

// close releases host memory and C state. Unicorn must be closed first,
// since its map points into the areas.
func (m *memory) close() {
	for _, a := range m.areas {
		syscall.Munmap(a.mem)
		C.free(unsafe.Pointer(a.c))
	}
	m.areas, m.last = nil, nil
	if m.s != nil {
		C.lm_free(m.s)
		m.s = nil
	}
	if m.handle != 0 {
		m.handle.Delete()
		m.handle = 0
	}
}

// area returns the area holding addr, reserving it if create is set.
func (m *memory) area(addr uint64, create bool) (*area, error) {
	base := addr &^ areaMask
	if a := m.areas[base]; a != nil || !create {
		return a, nil
	}
	k := base >> areaShift
	if k >= C.LM_TOP_AREAS && int(m.s.nhigh) >= C.LM_HIGH_AREAS {
		return nil, fmt.Errorf("oracle: more than %d mapped 1 GiB areas above the user half", C.LM_HIGH_AREAS)
	}
	mem, err := syscall.Mmap(-1, 0, areaSize, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return nil, fmt.Errorf("oracle: reserve host memory for %#x: %w", base, err)
	}
	c := (*C.lm_area)(C.calloc(1, C.size_t(unsafe.Sizeof(C.lm_area{}))))
	if c == nil {
		syscall.Munmap(mem)
		return nil, fmt.Errorf("oracle: out of memory for the page tables")
	}
	c.base = C.uint64_t(base)
	c.host = (*C.uint8_t)(unsafe.Pointer(&mem[0]))
	if k < C.LM_TOP_AREAS {
		unsafe.Slice(m.s.top, C.LM_TOP_AREAS)[k] = c
	} else {
		m.s.high[m.s.nhigh] = c
		m.s.nhigh++
	}
	a := &area{c: c, mem: mem, dirty: make([]uint64, C.LM_AREA_PAGES/64), hazard: make([]uint64, C.LM_AREA_PAGES/64)}
	m.areas[base] = a
	return a, nil
}

func (a *area) bit(addr uint64) (word *C.uint64_t, mask C.uint64_t) {
	p := (addr - uint64(a.c.base)) >> C.LM_PAGE_SHIFT
	return &a.c.present[p>>6], 1 << (p & 63)
}

// lookup returns the area holding addr, or nil.
func (m *memory) lookup(addr uint64) *area {
	base := addr &^ areaMask
	if m.last != nil && uint64(m.last.c.base) == base {
		return m.last
	}
	a := m.areas[base]
	if a != nil {
		m.last = a
	}
	return a
}

// present reports whether the page holding addr has fetched content.
func (m *memory) present(addr uint64) bool {
	a := m.lookup(addr)
	if a == nil {
		return false
	}
	w, bit := a.bit(addr)
	return *w&bit != 0
}

func (m *memory) setPresent(addr uint64) {
	if a := m.lookup(addr); a != nil {
		w, bit := a.bit(addr)
		*w |= bit
	}
}

// page returns the host memory of the page holding addr (whose area must
// exist).
func (m *memory) page(addr uint64) []byte {
	a := m.lookup(addr)
	off := (addr & areaMask) &^ pageMask
	return a.mem[off : off+pageSize : off+pageSize]
}

// forget drops the content of the pages in [start, end): they are absent
// (fetched again on access) and clean.
func (m *memory) forget(start, end uint64) {
	if end <= start {
		return
	}
	last := end - 1 // inclusive, so the top of the address space works
	for base, a := range m.areas {
		lo, hi := max(start, base), min(last, base+areaMask)
		if lo > hi {
			continue
		}
		i0, i1 := (lo-base)>>C.LM_PAGE_SHIFT, (hi-base)>>C.LM_PAGE_SHIFT
		clearBits(unsafe.Slice((*uint64)(unsafe.Pointer(&a.c.present[0])), len(a.c.present)), i0, i1)
		clearBits(a.dirty, i0, i1)
		m.nhazard -= clearBits(a.hazard, i0, i1)
	}
}

// setHazard records whether the page holding addr is a hazard.
func (m *memory) setHazard(addr uint64, on bool) {
	a := m.lookup(addr)
	if a == nil {
		return
	}
	p := (addr & areaMask) >> C.LM_PAGE_SHIFT
	w, bit := &a.hazard[p>>6], uint64(1)<<(p&63)
	switch {
	case on && *w&bit == 0:
		*w |= bit
		m.nhazard++
	case !on && *w&bit != 0:
		*w &^= bit
		m.nhazard--
	}
}

// hazardous reports whether the page holding addr is a hazard.
func (m *memory) hazardous(addr uint64) bool {
	a := m.lookup(addr)
	if a == nil {
		return false
	}
	p := (addr & areaMask) >> C.LM_PAGE_SHIFT
	return a.hazard[p>>6]>>(p&63)&1 != 0
}

// markDirty records a write to the page holding addr.
func (m *memory) markDirty(addr uint64) {
	if a := m.lookup(addr); a != nil {
		p := (addr & areaMask) >> C.LM_PAGE_SHIFT
		a.dirty[p>>6] |= 1 << (p & 63)
	}
}

// clean marks the page holding addr as not written since fetched.
func (m *memory) clean(addr uint64) {
	if a := m.lookup(addr); a != nil {
		p := (addr & areaMask) >> C.LM_PAGE_SHIFT
		a.dirty[p>>6] &^= 1 << (p & 63)
	}
}

// dirtyPages lists the written pages in address order.
func (m *memory) dirtyPages() []uint64 {
	return m.pagesOf(func(a *area) []uint64 { return a.dirty })
}

// presentPages lists the pages holding fetched content in address order.
func (m *memory) presentPages() []uint64 {
	return m.pagesOf(func(a *area) []uint64 {
		return unsafe.Slice((*uint64)(unsafe.Pointer(&a.c.present[0])), len(a.c.present))
	})
}

// pagesOf lists the pages whose bit is set in a per-area bitmap.
func (m *memory) pagesOf(bitmap func(*area) []uint64) []uint64 {
	var out []uint64
	for base, a := range m.areas {
		for w, word := range bitmap(a) {
			for ; word != 0; word &= word - 1 {
				out = append(out, base+uint64(w*64+bits.TrailingZeros64(word))*pageSize)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// clearBits clears bits i0..i1 (inclusive) and returns how many were set.
func clearBits(words []uint64, i0, i1 uint64) int {
	n := 0
	for i := i0; i <= i1; {
		if i&63 == 0 && i+63 <= i1 {
			n += bits.OnesCount64(words[i>>6])
			words[i>>6] = 0
			i += 64
			continue
		}
		if words[i>>6]&(1<<(i&63)) != 0 {
			n++
		}
		words[i>>6] &^= 1 << (i & 63)
		i++
	}
	return n
}

// hostProtect changes the host protection of [start, end) (within one
// area): read-write while the guest maps it, none otherwise, with the
// content discarded.
func (m *memory) hostProtect(start, end uint64, mapped bool) error {
	a := m.areas[start&^areaMask]
	if a == nil {
		return nil
	}
	b := a.mem[start&areaMask : (end-1)&areaMask+1]
	if mapped {
		return syscall.Mprotect(b, syscall.PROT_READ|syscall.PROT_WRITE)
	}
	if err := syscall.Madvise(b, syscall.MADV_DONTNEED); err != nil {
		return err
	}
	return syscall.Mprotect(b, syscall.PROT_NONE)
}

// ucProt converts the program's permissions to Unicorn's with x86 paging
// semantics: a writable or executable page is also readable.
func ucProt(p machine.Perm) unicorn.Prot {
	var u unicorn.Prot
	if p&(machine.PermRead|machine.PermWrite|machine.PermExec) != 0 {
		u |= unicorn.ProtRead
	}
	if p&machine.PermWrite != 0 {
		u |= unicorn.ProtWrite
	}
	if p&machine.PermExec != 0 {
		u |= unicorn.ProtExec
	}
	return u
}

// wanted is the Unicorn map for a program map: its accessible regions
// split at area boundaries. PROT_NONE regions are left out: they need
// neither host memory nor Unicorn regions (a reservation can be terabytes),
// and an access to them faults as unmapped in Unicorn, which the oracle
// reports as the protection fault it is.
func wanted(mp *machine.Map) ([]ucRegion, error) {
	var out []ucRegion
	for _, r := range mp.Regions() {
		if r.Start&pageMask != 0 || r.End&pageMask != 0 {
			return nil, fmt.Errorf("oracle: region %v is not page aligned", r)
		}
		if ucProt(r.Perm) == 0 {
			continue
		}
		for s := r.Start; s < r.End; {
			e := min(r.End, (s&^areaMask)+areaSize)
			if e == 0 { // the last area of the address space
				e = r.End
			}
			out = append(out, ucRegion{s, e, ucProt(r.Perm)})
			if e <= s {
				break
			}
			s = e
		}
	}
	if len(out) > maxRegions {
		return nil, fmt.Errorf("oracle: %d memory regions, Unicorn supports about %d", len(out), maxRegions)
	}
	return out, nil
}

// apply makes Unicorn's map mirror mp. Pages that stay accessible keep
// their content even when their permissions change; pages that are no
// longer mapped, or no longer accessible at all, are forgotten.
func (m *memory) apply(eng *unicorn.Engine, mp *machine.Map) error {
	want, err := wanted(mp)
	if err != nil {
		return err
	}
	keep := make(map[ucRegion]bool, len(want))
	for _, r := range want {
		keep[r] = true
	}
	var gone []ucRegion
	for _, r := range m.regions {
		if keep[r] {
			delete(keep, r) // already mapped as wanted
			continue
		}
		if err := eng.MemUnmap(r.start, r.end-r.start); err != nil {
			return fmt.Errorf("oracle: unmap %#x-%#x: %w", r.start, r.end, err)
		}
		gone = append(gone, r)
	}
	// Forget what is no longer mapped at all and give the host memory
	// back.
	for _, r := range gone {
		for _, hole := range subtract(r, want) {
			m.forget(hole.start, hole.end)
			if err := m.hostProtect(hole.start, hole.end, false); err != nil {
				return fmt.Errorf("oracle: release host memory: %w", err)
			}
		}
	}
	for _, r := range want {
		if !keep[r] {
			continue
		}
		a, err := m.area(r.start, true)
		if err != nil {
			return err
		}
		if err := m.hostProtect(r.start, r.end, true); err != nil {
			return fmt.Errorf("oracle: open host memory: %w", err)
		}
		ptr := unsafe.Pointer(&a.mem[r.start&areaMask])
		if err := eng.MemMapPtr(r.start, r.end-r.start, r.prot, ptr); err != nil {
			return fmt.Errorf("oracle: map %#x-%#x: %w", r.start, r.end, err)
		}
	}
	m.regions = want
	return nil
}

// subtract returns the parts of r not covered by the sorted regions rs.
func subtract(r ucRegion, rs []ucRegion) []ucRegion {
	var out []ucRegion
	cur := r.start
	i := sort.Search(len(rs), func(i int) bool { return rs[i].end > r.start })
	for ; i < len(rs) && rs[i].start < r.end && cur < r.end; i++ {
		if rs[i].start > cur {
			out = append(out, ucRegion{cur, rs[i].start, 0})
		}
		cur = max(cur, rs[i].end)
	}
	if cur < r.end {
		out = append(out, ucRegion{cur, r.end, 0})
	}
	return out
}

// writes returns the write log of the current step.
func (m *memory) writes() []C.lm_write {
	return unsafe.Slice(&m.s.writes[0], int(m.s.nwrites))
}

func (m *memory) oldBytes(w *C.lm_write) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(&m.s.oldbytes[w.old])), int(w.size))
}

func (m *memory) resetLog() {
	m.s.nwrites, m.s.oldlen, m.s.overflow = 0, 0, 0
}

// read copies fetched memory at addr into p; it fails on a page that has
// not been fetched.
func (m *memory) read(addr uint64, p []byte) error {
	for len(p) > 0 {
		if !m.present(addr) {
			return fmt.Errorf("oracle: page %#x is not cached", addr&^pageMask)
		}
		pg := m.page(addr)
		n := copy(p, pg[addr&pageMask:])
		p = p[n:]
		addr += uint64(n)
	}
	return nil
}

// write stores p into fetched memory at addr; it fails on a page that has
// not been fetched.
func (m *memory) write(addr uint64, p []byte) error {
	for len(p) > 0 {
		if !m.present(addr) {
			return fmt.Errorf("oracle: page %#x is not cached", addr&^pageMask)
		}
		n := copy(m.page(addr)[addr&pageMask:], p)
		p = p[n:]
		addr += uint64(n)
	}
	return nil
}

// setValue replaces the value a logged write stored (after a correction).
func setValue(w *C.lm_write, v uint64) { w.value = C.uint64_t(v) }

// restore puts back the bytes a logged write overwrote (those that were
// known: its page had been fetched).
func (m *memory) restore(w *C.lm_write) error {
	old := m.oldBytes(w)
	for j := range old {
		if w.known&(1<<j) == 0 {
			continue
		}
		addr := uint64(w.addr) + uint64(j)
		if !m.present(addr) {
			return fmt.Errorf("oracle: page %#x is not cached", addr&^pageMask)
		}
		m.page(addr)[addr&pageMask] = old[j]
	}
	return nil
}

//export oracleMiss
func oracleMiss(handle C.uintptr_t, page C.uint64_t) {
	o := cgo.Handle(handle).Value().(*Oracle)
	o.miss(uint64(page))
}
