package machine

import (
	"encoding/binary"
	"fmt"
)

// Register describes one register of a target's register file.
type Register struct {
	Name   string // as the target description names it, e.g. "rax", "xmm3"
	Bits   int    // width in bits
	Offset int    // byte offset in a Snapshot's Regs (the RSP 'g' packet order)
	Regnum int    // the register number used by RSP 'p'/'P'
	Type   string // the target description's type, e.g. "int64", "i387_ext", "vec128"
	Group  string // the feature or group it came from, e.g. "general", "float", "vector"
}

// Size is the register's width in bytes.
func (r Register) Size() int { return (r.Bits + 7) / 8 }

// Layout is an ordered register file. Offsets are packed in order, so the
// raw bytes of a Snapshot are exactly an RSP 'g' packet decoded from hex.
type Layout struct {
	Arch   string
	Regs   []Register
	size   int
	byName map[string]int
}

// NewLayout builds a layout from registers in 'g' packet order. Offsets are
// recomputed from the widths; duplicate names are an error.
func NewLayout(arch string, regs []Register) (*Layout, error) {
	l := &Layout{Arch: arch, Regs: make([]Register, len(regs)), byName: make(map[string]int, len(regs))}
	off := 0
	for i, r := range regs {
		if r.Bits <= 0 {
			return nil, fmt.Errorf("machine: register %q has width %d", r.Name, r.Bits)
		}
		if _, dup := l.byName[r.Name]; dup {
			return nil, fmt.Errorf("machine: register %q appears twice", r.Name)
		}
		r.Offset = off
		off += r.Size()
		l.Regs[i] = r
		l.byName[r.Name] = i
	}
	l.size = off
	return l, nil
}

// Size is the number of bytes of a whole register file.
func (l *Layout) Size() int { return l.size }

// Index returns the position of the named register, or -1.
func (l *Layout) Index(name string) int {
	if i, ok := l.byName[name]; ok {
		return i
	}
	return -1
}

// Lookup returns the named register.
func (l *Layout) Lookup(name string) (Register, bool) {
	i, ok := l.byName[name]
	if !ok {
		return Register{}, false
	}
	return l.Regs[i], true
}

// NewSnapshot returns a zeroed snapshot of this layout.
func (l *Layout) NewSnapshot() *Snapshot {
	return &Snapshot{Layout: l, Regs: make([]byte, l.size)}
}

// Snapshot is the content of a register file, little-endian, in layout order.
type Snapshot struct {
	Layout *Layout
	Regs   []byte
}

// Bytes returns the named register's bytes (aliasing the snapshot), or nil.
func (s *Snapshot) Bytes(name string) []byte {
	i := s.Layout.Index(name)
	if i < 0 {
		return nil
	}
	return s.Reg(i)
}

// Reg returns register i's bytes, aliasing the snapshot.
func (s *Snapshot) Reg(i int) []byte {
	r := s.Layout.Regs[i]
	return s.Regs[r.Offset : r.Offset+r.Size()]
}

// Uint64 returns the low 64 bits of the named register (zero-extended),
// and false when the layout has no such register.
func (s *Snapshot) Uint64(name string) (uint64, bool) {
	b := s.Bytes(name)
	if b == nil {
		return 0, false
	}
	var buf [8]byte
	copy(buf[:], b)
	return binary.LittleEndian.Uint64(buf[:]), true
}

// SetUint64 stores v into the named register, truncated to its width (and
// zero-extended past 64 bits). It reports whether the register exists.
func (s *Snapshot) SetUint64(name string, v uint64) bool {
	b := s.Bytes(name)
	if b == nil {
		return false
	}
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], v)
	clear(b)
	copy(b, buf[:])
	return true
}

// Clone returns a deep copy sharing only the layout.
func (s *Snapshot) Clone() *Snapshot {
	return &Snapshot{Layout: s.Layout, Regs: append([]byte(nil), s.Regs...)}
}

// CopyFrom overwrites s with o's content; both must share a layout.
func (s *Snapshot) CopyFrom(o *Snapshot) { copy(s.Regs, o.Regs) }
