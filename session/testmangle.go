package session

import "math/bits"

// glibc keeps code and stack addresses it saves (setjmp's jmp_buf, atexit
// handlers) mangled: xor'ed with a pointer guard and rotated left by 17
// (PTR_MANGLE). The guard comes from AT_RANDOM, which the entry block
// gives both sides, so it is the same on both; a mangled stack address
// differs by nature like the address itself. A value that, demangled, is
// an address of a correspondence whose counterpart demangles QEMU's value
// counts as equal ("mangled addresses"), after the xor alone or after the
// rotation too.

// guardOffset is where x86-64 glibc keeps the pointer guard in the thread
// control block (tcbhead_t.pointer_guard, at %fs:0x30).
const guardOffset = 0x30

// mangleRotations are PTR_MANGLE's steps: the xor (0) and the rotation.
var mangleRotations = []int{0, 17}

// guardRetry is how many steps pass before a pointer guard not found is
// looked for again: a program without one (its own TLS) then costs a read
// per guardRetry steps, not one per value checked.
const guardRetry = 256

// pointerGuard reads the test's pointer guard once glibc has set it.
func (f *testFollower) pointerGuard() (uint64, bool) {
	if f.guard != 0 {
		return f.guard, true
	}
	if f.t.Steps() < f.guardNext {
		return 0, false
	}
	f.guardNext = f.t.Steps() + guardRetry
	fs, ok := f.t.Registers().Uint64("fs_base")
	if !ok || fs == 0 {
		return 0, false
	}
	var b [8]byte
	if f.t.ReadMemory(f.ctx, fs+guardOffset, b[:]) != nil || le(b[:]) == 0 {
		return 0, false
	}
	f.guard = le(b[:])
	return f.guard, true
}

// mangledRef translates test, a mangled address of the test's, into the
// reference's mangled form; ok is false for any other value.
func (f *testFollower) mangledRef(test uint64) (uint64, bool) {
	g, ok := f.pointerGuard()
	if !ok {
		return 0, false
	}
	for _, k := range mangleRotations {
		a := bits.RotateLeft64(test, -k) ^ g
		if _, in := f.corrOf(a); in {
			return bits.RotateLeft64(f.toRef(a)^g, k), true
		}
	}
	return 0, false
}

// mangled reports whether test is the mangled form of the address whose
// counterpart's mangled form is ref.
func (f *testFollower) mangled(test, ref uint64) bool {
	r, ok := f.mangledRef(test)
	return ok && r == ref
}

// refValue is an 8-byte value of the test's in the reference's terms: a
// corresponding address translated, a mangled one too.
func (f *testFollower) refValue(v uint64) uint64 {
	if _, in := f.corrOf(v); in {
		return f.toRef(v)
	}
	if r, ok := f.mangledRef(v); ok {
		return r
	}
	return v
}
