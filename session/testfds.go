package session

import (
	"context"
	"fmt"
)

// File descriptors. The two sides are different processes: QEMU's has its
// own descriptors open (its log, its stub's socket), so the program's
// first open returns 6 there and a lower number on the test. A new descriptor is
// a result that differs by nature: QEMU's number is written into the test
// (synced "fd"), and the pair is remembered; a later system call that
// takes a descriptor is made on the test with the test's number, and the
// register is given back QEMU's number after it, like a pid.

// fdResults are the system calls that return a new file descriptor.
var fdResults = map[uint64]string{
	2: "open", 85: "creat", 257: "openat", 437: "openat2", 32: "dup", 33: "dup2", 292: "dup3",
	41: "socket", 43: "accept", 288: "accept4", 213: "epoll_create", 291: "epoll_create1",
	284: "eventfd", 290: "eventfd2", 282: "signalfd", 289: "signalfd4", 283: "timerfd_create",
	253: "inotify_init", 294: "inotify_init1", 319: "memfd_create", 72: "fcntl", // F_DUPFD
}

// fdArgs are the argument registers of system calls that hold a file
// descriptor (a directory's for the *at calls; AT_FDCWD is never a
// remembered number, so it passes unchanged).
var fdArgs = map[uint64][]string{
	0: {"rdi"}, 1: {"rdi"}, 3: {"rdi"}, 5: {"rdi"}, 8: {"rdi"}, 9: {"r8"}, 16: {"rdi"}, 17: {"rdi"},
	18: {"rdi"}, 19: {"rdi"}, 20: {"rdi"}, 32: {"rdi"}, 33: {"rdi", "rsi"}, 292: {"rdi", "rsi"},
	40: {"rdi", "rsi"}, 42: {"rdi"}, 43: {"rdi"}, 288: {"rdi"}, 44: {"rdi"}, 45: {"rdi"}, 46: {"rdi"},
	47: {"rdi"}, 48: {"rdi"}, 49: {"rdi"}, 50: {"rdi"}, 51: {"rdi"}, 52: {"rdi"}, 54: {"rdi"}, 55: {"rdi"},
	72: {"rdi"}, 74: {"rdi"}, 75: {"rdi"}, 77: {"rdi"}, 78: {"rdi"}, 217: {"rdi"}, 81: {"rdi"},
	91: {"rdi"}, 93: {"rdi"}, 187: {"rdi"}, 221: {"rdi"}, 285: {"rdi"}, 306: {"rdi"}, 295: {"rdi"},
	296: {"rdi"}, 232: {"rdi"}, 281: {"rdi"}, 233: {"rdi", "rdx"}, 257: {"rdi"}, 437: {"rdi"},
	262: {"rdi"}, 267: {"rdi"}, 269: {"rdi"}, 439: {"rdi"}, 332: {"rdi"}, 258: {"rdi"}, 259: {"rdi"},
	260: {"rdi"}, 263: {"rdi"}, 264: {"rdi", "rdx"}, 316: {"rdi", "rdx"}, 265: {"rdi", "rdx"},
	266: {"rsi"}, 268: {"rdi"}, 280: {"rdi"}, 286: {"rdi"}, 287: {"rdi"},
}

// sysClose is close's number: its descriptor is forgotten.
const sysClose = 3

// rememberFD pairs the new descriptor QEMU's call nr returned (rax) with
// the test's (trax) and reports whether the test's rax must be given
// QEMU's number.
func (f *testFollower) rememberFD(nr, rax, trax uint64) bool {
	if _, ok := fdResults[nr]; !ok || !pairNumbers(f.fds, rax, trax) {
		return false
	}
	f.synced["fd"]++
	return true
}

// pairNumbers remembers in m that the reference's number ref (a pid, a
// descriptor) is the test's test, and reports whether it did: they differ
// and both are numbers, not errors.
func pairNumbers(m map[uint64]uint64, ref, test uint64) bool {
	if ref == test || ref >= 1<<31 || test >= 1<<31 {
		return false
	}
	m[ref] = test
	return true
}

// forgetFD drops the pair of a descriptor closed on both sides.
func (f *testFollower) forgetFD(nr, fd, rax uint64) {
	if nr == sysClose && rax == 0 {
		delete(f.fds, fd)
	}
}

// ownArgs makes the test's system call nr name the test's own process
// (signalling calls naming the pid getpid or gettid gave) and its own
// descriptors, and returns what gives the registers the reference's
// values back after the call.
func (f *testFollower) ownArgs(ctx context.Context, nr uint64) (func() error, error) {
	none := func() error { return nil }
	regs := f.t.Registers()
	orig := map[string]uint64{}
	f.scratch.CopyFrom(regs)
	swap := func(args []string, m map[uint64]uint64, what string) {
		n := len(orig)
		for _, a := range args {
			v, _ := regs.Uint64(a)
			if own, ok := m[v]; ok {
				orig[a] = v
				f.scratch.SetUint64(a, own)
			}
		}
		if len(orig) > n {
			f.synced[what]++ // once a call
		}
	}
	swap(signalling[nr], f.pids, "own pid in a signalling call")
	swap(fdArgs[nr], f.fds, "own fd in a call")
	if len(orig) == 0 {
		return none, nil
	}
	if err := f.t.WriteRegisters(ctx, f.scratch); err != nil {
		return none, fmt.Errorf("giving the test's own pid or descriptor to a system call: %w", err)
	}
	return func() error {
		f.scratch.CopyFrom(f.t.Registers())
		for a, v := range orig {
			f.scratch.SetUint64(a, v)
		}
		return f.t.WriteRegisters(ctx, f.scratch)
	}, nil
}
