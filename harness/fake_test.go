package harness

import (
	"context"
	"fmt"

	"lockstep/machine"
)

// The fakes below script both sides of a run, so that the harness's own
// logic (realignment, masking, keep-going, reports) is tested exactly; the
// integration tests in package session run the real QEMU and oracle.

var testLayout = func() *machine.Layout {
	l, err := machine.NewLayout("i386:x86-64", []machine.Register{
		{Name: "rax", Bits: 64}, {Name: "rcx", Bits: 64}, {Name: "rip", Bits: 64}, {Name: "eflags", Bits: 32},
		{Name: "xmm0", Bits: 128}, {Name: "cr0", Bits: 64},
	})
	if err != nil {
		panic(err)
	}
	return l
}()

// fakeStep is one scripted instruction: what each side does.
type fakeStep struct {
	code   []byte            // instruction bytes at pc
	ref    map[string]uint64 // registers the reference sets
	fol    map[string]uint64 // registers the follower sets (default: same as ref)
	kind   FollowKind
	stop   machine.StopKind
	signal int
	writes map[uint64]byte // bytes both sides write
	fwrite map[uint64]byte // bytes only the follower writes differently
	refRep int             // extra reference iterations with rip unchanged
	exit   int
}

type fakeMem map[uint64]byte

func (m fakeMem) read(addr uint64, p []byte) {
	for i := range p {
		p[i] = m[addr+uint64(i)]
	}
}

type fakeRef struct {
	steps []fakeStep
	i     int
	rep   int
	regs  *machine.Snapshot
	mem   fakeMem
}

func newFakeRef(steps []fakeStep) *fakeRef {
	r := &fakeRef{steps: steps, regs: testLayout.NewSnapshot(), mem: fakeMem{}}
	r.regs.SetUint64("rip", 0x1000)
	for i, s := range steps {
		for j, b := range s.code {
			r.mem[0x1000+uint64(16*i+j)] = b
		}
	}
	return r
}

func (r *fakeRef) Layout() *machine.Layout      { return testLayout }
func (r *fakeRef) Registers() *machine.Snapshot { return r.regs }
func (r *fakeRef) Map() *machine.Map {
	return machine.NewMap(machine.Region{Start: 0, End: 1 << 20, Perm: machine.PermRead | machine.PermWrite | machine.PermExec})
}
func (r *fakeRef) ReadMemory(_ context.Context, addr uint64, p []byte) error {
	r.mem.read(addr, p)
	return nil
}

func (r *fakeRef) Step(context.Context) (machine.Stop, error) {
	if r.i >= len(r.steps) {
		return machine.Stop{}, fmt.Errorf("fake reference: no more steps")
	}
	s := r.steps[r.i]
	pc := 0x1000 + uint64(16*r.i)
	if r.rep < s.refRep {
		r.rep++
		return machine.Stop{Kind: machine.Stepped, PC: pc, Repeat: true}, nil
	}
	r.rep = 0
	r.i++
	switch s.stop {
	case machine.Exited:
		return machine.Stop{Kind: machine.Exited, PC: pc, ExitStatus: s.exit}, nil
	case machine.Signalled:
		return machine.Stop{Kind: machine.Signalled, PC: pc, Signal: s.signal}, nil
	}
	for k, v := range s.ref {
		r.regs.SetUint64(k, v)
	}
	for a, b := range s.writes {
		r.mem[a] = b
	}
	r.regs.SetUint64("rip", pc+16)
	return machine.Stop{Kind: s.stop, PC: pc, Syscall: &machine.SyscallInfo{Number: 1}}, nil
}

type fakeFol struct {
	ref     *fakeRef
	i       int
	regs    *machine.Snapshot
	mem     fakeMem
	adopted int
	closed  bool
}

func (f *fakeFol) Step(context.Context) (FollowStep, error) {
	s := f.ref.steps[f.i]
	pc := 0x1000 + uint64(16*f.i)
	f.i++
	out := FollowStep{Kind: s.kind, PC: pc, Signal: s.signal}
	if s.kind != Executed {
		return out, nil
	}
	set := s.fol
	if set == nil {
		set = s.ref
	}
	for k, v := range set {
		f.regs.SetUint64(k, v)
	}
	f.regs.SetUint64("rip", pc+16)
	for a, b := range s.writes {
		if fb, ok := s.fwrite[a]; ok {
			b = fb
		}
		f.mem[a] = b
		out.Writes = append(out.Writes, Write{Addr: a, New: []byte{b}})
	}
	return out, nil
}

func (f *fakeFol) Registers(dst *machine.Snapshot) error {
	for i, r := range testLayout.Regs {
		if r.Name != "cr0" {
			copy(dst.Reg(i), f.regs.Reg(i))
		}
	}
	return nil
}
func (f *fakeFol) Adopt(s *machine.Snapshot) error { f.adopted++; f.regs.CopyFrom(s); return nil }
func (f *fakeFol) SetMap(*machine.Map) error       { return nil }
func (f *fakeFol) Invalidate(start, end uint64) {
	for a := range f.mem {
		if a >= start && a < end {
			delete(f.mem, a)
		}
	}
}
func (f *fakeFol) DirtyPages() []uint64  { return nil }
func (f *fakeFol) CachedPages() []uint64 { return nil }
func (f *fakeFol) ReadMemory(addr uint64, p []byte) error {
	for i := range p {
		a := addr + uint64(i)
		b, ok := f.mem[a]
		if !ok {
			b = f.ref.mem[a]
		}
		p[i] = b
	}
	return nil
}
func (f *fakeFol) NotModelled() map[string]string {
	return map[string]string{"cr0": "kernel state"}
}
func (f *fakeFol) Synced() map[string]int { return map[string]int{} }
func (f *fakeFol) Imprecise() []ImpreciseBits {
	return []ImpreciseBits{{Register: "eflags", Mask: 1 << 21, Reason: "ID flag not modelled"}}
}
func (f *fakeFol) Close() error { f.closed = true; return nil }

func runFake(steps []fakeStep, cfg Config) (*Result, *fakeFol) {
	ref := newFakeRef(steps)
	var fol *fakeFol
	cfg.Reference = ref
	cfg.NewFollower = func(ctx context.Context, r Reference) (Follower, error) {
		fol = &fakeFol{ref: ref, regs: r.Registers().Clone(), mem: fakeMem{}}
		return fol, nil
	}
	return Run(context.Background(), cfg), fol
}
