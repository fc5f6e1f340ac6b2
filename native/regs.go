package native

import (
	"encoding/binary"
	"slices"

	"golang.org/x/arch/x86/x86asm"
	"golang.org/x/sys/unix"

	"lockstep/machine"
)

// User segment selectors of x86-64 Linux: the only values ptrace accepts
// for cs and ss (and 0 or these for the data segments).
const (
	userCS   = 0x33
	userCS32 = 0x23
	userDS   = 0x2b
)

// rflags bits the executor owns: TF is set by ptrace to single-step and RF
// by the CPU around debug traps; neither is visible to the program.
const (
	flagTF = 1 << 8
	flagRF = 1 << 16
)

func validSelector(v uint64, allowed ...uint64) bool { return slices.Contains(allowed, v) }

func toPtrace(st *State, rm *regMap) unix.PtraceRegs {
	s := st.Regs
	g := func(i int) uint64 { return get(s, rm.gpr[i]) }
	r := unix.PtraceRegs{
		Rax: g(0), Rbx: g(1), Rcx: g(2), Rdx: g(3), Rsi: g(4), Rdi: g(5), Rbp: g(6), Rsp: g(7),
		R8: g(8), R9: g(9), R10: g(10), R11: g(11), R12: g(12), R13: g(13), R14: g(14), R15: g(15),
		Rip: get(s, rm.rip), Eflags: get(s, rm.eflags) &^ (flagTF | flagRF), Orig_rax: ^uint64(0),
		Cs: userCS, Ss: userDS, Fs_base: get(s, rm.fsBase), Gs_base: get(s, rm.gsBase),
	}
	if v := get(s, rm.cs); validSelector(v, userCS, userCS32) {
		r.Cs = v
	}
	for _, p := range []struct {
		dst *uint64
		ix  int
	}{{&r.Ds, rm.ds}, {&r.Es, rm.es}, {&r.Fs, rm.fs}, {&r.Gs, rm.gs}} {
		if v := get(s, p.ix); validSelector(v, 0, userDS, userCS, userCS32) {
			*p.dst = v
		}
	}
	return r
}

func fromPtrace(s *machine.Snapshot, r *unix.PtraceRegs, rm *regMap) {
	for i, v := range []uint64{r.Rax, r.Rbx, r.Rcx, r.Rdx, r.Rsi, r.Rdi, r.Rbp, r.Rsp,
		r.R8, r.R9, r.R10, r.R11, r.R12, r.R13, r.R14, r.R15} {
		put(s, rm.gpr[i], v)
	}
	put(s, rm.rip, r.Rip)
	put(s, rm.eflags, r.Eflags&^(flagTF|flagRF))
	put(s, rm.cs, r.Cs)
	put(s, rm.ss, r.Ss)
	put(s, rm.ds, r.Ds)
	put(s, rm.es, r.Es)
	put(s, rm.fs, r.Fs)
	put(s, rm.gs, r.Gs)
	put(s, rm.fsBase, r.Fs_base)
	put(s, rm.gsBase, r.Gs_base)
}

// toXState fills the XSAVE area: x87 (QEMU's physical st registers go to
// FXSAVE's stack order), SSE and the AVX upper halves, all marked present.
func toXState(x []byte, st *State, rm *regMap) {
	s, le := st.Regs, binary.LittleEndian
	fsw := uint16(get(s, rm.fstat))
	le.PutUint16(x[fxFCW:], uint16(get(s, rm.fctrl)))
	le.PutUint16(x[fxFSW:], fsw)
	x[fxFTW] = abridgedTag(st.FTag)
	x[fxFTW+1] = 0
	le.PutUint16(x[fxFOP:], uint16(get(s, rm.fop))&0x7ff)
	le.PutUint64(x[fxFIP:], get(s, rm.fioff))
	le.PutUint64(x[fxFDP:], get(s, rm.foo))
	le.PutUint32(x[fxMXCSR:], uint32(get(s, rm.mxcsr)))
	top := int(fsw>>11) & 7
	for i := range 8 {
		d := x[fxST+16*i : fxST+16*i+16]
		clear(d)
		if ix := rm.st[(top+i)&7]; ix >= 0 {
			copy(d, s.Reg(ix))
		}
	}
	for i := range 16 {
		d := x[fxXMM+16*i : fxXMM+16*i+16]
		clear(d)
		if rm.xmm[i] >= 0 {
			copy(d, s.Reg(rm.xmm[i]))
		}
		copy(x[xsYMMH+16*i:], st.YMMH[i][:])
	}
	le.PutUint64(x[xsHeader:], le.Uint64(x[xsHeader:])|xstateMask)
}

// fromXState reads the x87, SSE and AVX state back into s, and returns
// the full tag word and the YMM upper halves.
func fromXState(s *machine.Snapshot, x []byte, rm *regMap) (uint16, [16][16]byte) {
	le := binary.LittleEndian
	fsw := le.Uint16(x[fxFSW:])
	put(s, rm.fctrl, uint64(le.Uint16(x[fxFCW:])))
	put(s, rm.fstat, uint64(fsw))
	put(s, rm.fop, uint64(le.Uint16(x[fxFOP:])&0x7ff))
	put(s, rm.mxcsr, uint64(le.Uint32(x[fxMXCSR:])))
	top := int(fsw>>11) & 7
	var phys [8][10]byte
	for i := range 8 {
		copy(phys[(top+i)&7][:], x[fxST+16*i:])
	}
	for j := range 8 {
		putBytes(s, rm.st[j], phys[j][:])
	}
	var ymmh [16][16]byte
	avx := le.Uint64(x[xsHeader:])&xstateAVX != 0
	for i := range 16 {
		putBytes(s, rm.xmm[i], x[fxXMM+16*i:fxXMM+16*i+16])
		if avx {
			copy(ymmh[i][:], x[xsYMMH+16*i:])
		}
	}
	tag := fullTag(x[fxFTW], &phys)
	put(s, rm.ftag, uint64(tag))
	return tag, ymmh
}

// fixPushf undoes the one trace of single-stepping a program can see:
// PUSHF stores rflags with the TF that ptrace set to step it.
func fixPushf(res *Result, inst x86asm.Inst, flagsBefore uint64) {
	if inst.Op != x86asm.PUSHF && inst.Op != x86asm.PUSHFQ && inst.Op != x86asm.PUSHFD {
		return
	}
	if res.Fault != nil || flagsBefore&flagTF != 0 {
		return
	}
	sp := res.Regs.Reg(res.Regs.Layout.Index("rsp"))
	at := binary.LittleEndian.Uint64(sp) + 1 // TF is bit 0 of the second byte
	for _, w := range res.Writes {
		if at >= w.Addr && at < w.Addr+uint64(len(w.New)) {
			w.New[at-w.Addr] &^= 1
		}
	}
	// A write that only set TF is no write.
	res.Writes = slices.DeleteFunc(res.Writes, func(w Write) bool { return string(w.Old) == string(w.New) })
}

func sortWrites(ws []Write) {
	slices.SortFunc(ws, func(a, b Write) int {
		switch {
		case a.Addr < b.Addr:
			return -1
		case a.Addr > b.Addr:
			return 1
		}
		return 0
	})
}
