// Package faultinject wraps a follower so that it goes wrong on purpose at
// a chosen step: one register bit flipped, or one written memory byte
// changed. Tests use it to check that the harness reports exactly the
// injected difference, at exactly that step, with both values.
package faultinject

import (
	"context"

	"lockstep/harness"
	"lockstep/machine"
)

// Injection says what to break and when.
type Injection struct {
	// Step is the 1-based follower step after which to inject. For a
	// memory injection, the first step at or after it that writes memory.
	Step uint64
	// Register, if set, has Bit flipped in the follower's state.
	Register string
	Bit      uint
	// Memory, if set, changes the first byte written at that step.
	Memory bool
}

// Follower is a harness.Follower with one injected fault.
type Follower struct {
	harness.Follower
	inj    Injection
	layout *machine.Layout
	steps  uint64
	// Injected is true once the fault is in; InjectedStep and Address say
	// where (Address for memory injections).
	Injected     bool
	InjectedStep uint64
	Address      uint64
	memValue     byte
}

// Wrap returns f, whose registers have the given layout, with the
// injection armed.
func Wrap(f harness.Follower, layout *machine.Layout, inj Injection) *Follower {
	return &Follower{Follower: f, layout: layout, inj: inj}
}

// Step steps the follower and injects the fault when its step has come.
func (f *Follower) Step(ctx context.Context) (harness.FollowStep, error) {
	s, err := f.Follower.Step(ctx)
	if err != nil || f.Injected {
		return s, err
	}
	f.steps++ // every follower step is one harness step
	if f.steps < f.inj.Step || s.Kind != harness.Executed {
		return s, nil
	}
	switch {
	case f.inj.Register != "":
		// Flip the bit in the follower's real state, so that it persists.
		return s, f.flipRegister()
	case f.inj.Memory && len(s.Writes) > 0:
		w := s.Writes[0]
		f.Injected, f.InjectedStep, f.Address = true, f.steps, w.Addr
		f.memValue = w.New[0] ^ 0xff
	}
	return s, nil
}

func (f *Follower) flipRegister() error {
	snap, err := f.snapshot()
	if err != nil {
		return err
	}
	b := snap.Bytes(f.inj.Register)
	if b == nil || int(f.inj.Bit/8) >= len(b) {
		return nil
	}
	b[f.inj.Bit/8] ^= 1 << (f.inj.Bit % 8)
	f.Injected, f.InjectedStep = true, f.steps
	return f.Follower.Adopt(snap)
}

func (f *Follower) snapshot() (*machine.Snapshot, error) {
	s := f.layout.NewSnapshot()
	return s, f.Follower.Registers(s)
}

// ReadMemory returns the follower's memory with the injected byte.
func (f *Follower) ReadMemory(addr uint64, p []byte) error {
	if err := f.Follower.ReadMemory(addr, p); err != nil {
		return err
	}
	if f.Injected && f.inj.Memory && f.Address >= addr && f.Address < addr+uint64(len(p)) {
		p[f.Address-addr] = f.memValue
	}
	return nil
}
