package machine

import (
	"fmt"
	"sort"
	"strings"
)

// Perm is a set of page permissions.
type Perm uint8

// Page permission bits.
const (
	PermRead Perm = 1 << iota
	PermWrite
	PermExec
)

// String renders the permissions as "rwx" with '-' for missing bits.
func (p Perm) String() string {
	b := []byte("---")
	if p&PermRead != 0 {
		b[0] = 'r'
	}
	if p&PermWrite != 0 {
		b[1] = 'w'
	}
	if p&PermExec != 0 {
		b[2] = 'x'
	}
	return string(b)
}

// PermBits converts permissions to another API's flags (mmap's PROT_*, an
// ELF segment's PF_*), given that API's read, write and execute bits.
func PermBits[T ~uint32 | ~uint64 | ~int](p Perm, read, write, exec T) T {
	var v T
	if p&PermRead != 0 {
		v |= read
	}
	if p&PermWrite != 0 {
		v |= write
	}
	if p&PermExec != 0 {
		v |= exec
	}
	return v
}

// ParsePerm parses "rwx"-style permissions ('-' for a missing bit).
func ParsePerm(s string) (Perm, error) {
	if len(s) != 3 {
		return 0, fmt.Errorf("machine: bad permissions %q", s)
	}
	var p Perm
	for i, want := range []byte("rwx") {
		switch s[i] {
		case want:
			p |= 1 << i
		case '-':
		default:
			return 0, fmt.Errorf("machine: bad permissions %q", s)
		}
	}
	return p, nil
}

// Region is a half-open range [Start, End) of guest memory with one set of
// permissions.
type Region struct {
	Start, End uint64
	Perm       Perm
}

// Contains reports whether addr lies in the region.
func (r Region) Contains(addr uint64) bool { return addr >= r.Start && addr < r.End }

func (r Region) String() string {
	return fmt.Sprintf("%016x-%016x %s", r.Start, r.End, r.Perm)
}

// Map is a guest memory map: sorted, non-overlapping regions. Adjacent
// regions with equal permissions are merged. The zero value is an empty map.
type Map struct {
	regions []Region
}

// NewMap returns a map holding the given regions (later ones win where they
// overlap).
func NewMap(regions ...Region) *Map {
	m := &Map{}
	for _, r := range regions {
		m.Set(r.Start, r.End, r.Perm)
	}
	return m
}

// Regions returns a copy of the regions in address order.
func (m *Map) Regions() []Region { return append([]Region(nil), m.regions...) }

// Len is the number of regions.
func (m *Map) Len() int { return len(m.regions) }

// Clone returns an independent copy.
func (m *Map) Clone() *Map { return &Map{regions: m.Regions()} }

// Find returns the region holding addr.
func (m *Map) Find(addr uint64) (Region, bool) {
	i := sort.Search(len(m.regions), func(i int) bool { return m.regions[i].End > addr })
	if i < len(m.regions) && m.regions[i].Start <= addr {
		return m.regions[i], true
	}
	return Region{}, false
}

// Set maps [start, end) with perm, replacing whatever was there.
func (m *Map) Set(start, end uint64, perm Perm) {
	if end <= start {
		return
	}
	m.Remove(start, end)
	i := sort.Search(len(m.regions), func(i int) bool { return m.regions[i].Start >= end })
	m.regions = append(m.regions, Region{})
	copy(m.regions[i+1:], m.regions[i:])
	m.regions[i] = Region{Start: start, End: end, Perm: perm}
	m.merge()
}

// Remove unmaps [start, end), splitting regions that straddle its edges.
func (m *Map) Remove(start, end uint64) {
	if end <= start {
		return
	}
	out := m.regions[:0:0]
	for _, r := range m.regions {
		if r.End <= start || r.Start >= end {
			out = append(out, r)
			continue
		}
		if r.Start < start {
			out = append(out, Region{Start: r.Start, End: start, Perm: r.Perm})
		}
		if r.End > end {
			out = append(out, Region{Start: end, End: r.End, Perm: r.Perm})
		}
	}
	m.regions = out
}

// Protect changes the permissions of the mapped parts of [start, end).
// Unmapped holes stay unmapped, as with mprotect.
func (m *Map) Protect(start, end uint64, perm Perm) {
	if end <= start {
		return
	}
	var mapped []Region
	for _, r := range m.regions {
		if r.End > start && r.Start < end {
			mapped = append(mapped, Region{Start: max(r.Start, start), End: min(r.End, end), Perm: perm})
		}
	}
	for _, r := range mapped {
		m.Set(r.Start, r.End, r.Perm)
	}
}

// Equal reports whether both maps hold the same regions.
func (m *Map) Equal(o *Map) bool {
	if len(m.regions) != len(o.regions) {
		return false
	}
	for i := range m.regions {
		if m.regions[i] != o.regions[i] {
			return false
		}
	}
	return true
}

func (m *Map) merge() {
	if len(m.regions) < 2 {
		return
	}
	out := m.regions[:1]
	for _, r := range m.regions[1:] {
		last := &out[len(out)-1]
		if last.End == r.Start && last.Perm == r.Perm {
			last.End = r.End
			continue
		}
		out = append(out, r)
	}
	m.regions = out
}

// String renders the map one region per line.
func (m *Map) String() string {
	var b strings.Builder
	for _, r := range m.regions {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	return b.String()
}
