// Package harness drives a reference target and a follower in lockstep,
// compares their state after every instruction and reports the first
// divergence: the step, the instruction, the register or memory byte, and
// both values.
//
// The harness knows its two sides only through the Reference and Follower
// interfaces; package targets wires QEMU (qemutrace) and the Unicorn oracle
// to them. Neither side imports the harness.
package harness

import (
	"context"

	"lockstep/machine"
)

// Reference runs the program for real and is taken as right: QEMU over
// its gdbstub, or any other gdbstub.
type Reference interface {
	// Layout is the register file of both sides.
	Layout() *machine.Layout
	// Registers is the state after the last step, updated in place.
	Registers() *machine.Snapshot
	// Step executes one instruction (one iteration of a rep string
	// instruction) and refreshes Registers.
	Step(ctx context.Context) (machine.Stop, error)
	// ReadMemory reads guest memory as it is now.
	ReadMemory(ctx context.Context, addr uint64, p []byte) error
	// Map is the guest's memory map now; callers do not modify it.
	Map() *machine.Map
}

// FollowKind says what a follower did with one instruction.
type FollowKind int

// Follower step outcomes.
const (
	// Executed: the follower executed the instruction.
	Executed FollowKind = iota
	// SyscallStop: a system call, not executed: the reference executes it
	// and the follower adopts the result.
	SyscallStop
	// Sync: an instruction whose result the follower takes from the
	// reference (cpuid, rdtsc, rdrand...), not executed and not compared.
	Sync
	// Fault: the instruction faulted on the follower.
	Fault
	// Unsupported: the follower cannot execute this instruction.
	Unsupported
)

func (k FollowKind) String() string {
	return [...]string{"executed", "syscall", "sync", "fault", "unsupported"}[k]
}

// Write is a memory write a follower made.
type Write struct {
	Addr     uint64
	Old, New []byte
}

// FollowStep is the outcome of one follower step.
type FollowStep struct {
	Kind   FollowKind
	PC     uint64 // the instruction's address
	Insn   string // the mnemonic, for Sync and Unsupported
	Reason string // why, for Unsupported and the follower's own faults
	Signal int    // for Fault: the signal Linux would deliver
	Addr   uint64 // for Fault: the faulting data address, if any
	Access string // for Fault: "read", "write", "fetch" or ""
	Repeat bool   // one iteration of a rep instruction; rip did not move
	Native bool   // for Executed: the follower had the host CPU run it
	// Suspect names an instruction the follower is known to get wrong:
	// block mode compares it stepped, where the judge can correct it.
	Suspect string
	Writes  []Write // memory written, valid until the next step
}

// Follower is the side checked against the reference: an emulator under
// test, or the in-process oracle. It is seeded from the reference and told
// the effects of what it does not execute.
type Follower interface {
	Step(ctx context.Context) (FollowStep, error)
	// Registers fills every register the follower models into dst.
	Registers(dst *machine.Snapshot) error
	// Adopt sets every register the follower models from s.
	Adopt(s *machine.Snapshot) error
	// SetMap tells the follower the guest's memory map changed.
	SetMap(m *machine.Map) error
	// Invalidate forgets memory in [start, end): it is fetched again
	// from the reference when next touched.
	Invalidate(start, end uint64)
	// DirtyPages lists the pages written since they were fetched.
	DirtyPages() []uint64
	// CachedPages lists every page the follower holds a copy of.
	CachedPages() []uint64
	// ReadMemory reads the follower's own copy of memory.
	ReadMemory(addr uint64, p []byte) error
	// NotModelled names the layout registers the follower cannot compare,
	// each with the reason.
	NotModelled() map[string]string
	// Imprecise lists register bits the follower does not model
	// faithfully; they are not compared, and when only they differ the
	// follower adopts the reference's value.
	Imprecise() []ImpreciseBits
	// Synced counts, by mnemonic, the instructions taken from the reference.
	Synced() map[string]int
	Close() error
}

// ImpreciseBits are bits of a register (within its low 64 bits) that a
// follower does not model faithfully, with the reason.
type ImpreciseBits struct {
	Register string
	Mask     uint64
	Reason   string
}

// NewFollower creates a follower seeded from the reference's current state.
type NewFollower func(ctx context.Context, ref Reference) (Follower, error)
