package oracle

import (
	"bytes"
	"fmt"
	"testing"

	"lockstep/machine"
	"lockstep/unicorn"
)

// plainCPU is Unicorn as it is, as the reference for the oracle's
// machinery: no hooks, every page of the program written before the run,
// CPL 0. Where the oracle's lazy paging, write log, undo, re-runs and
// corrections work, it computes what plain Unicorn computes (except for
// the instructions it corrects, and the privileged ones).
type plainCPU struct {
	t      testing.TB
	eng    *unicorn.Engine
	rf     *regFile
	layout *machine.Layout
}

// newPlainCPU loads the registers of init and the memory of src (all of
// it: the oracle has not written to it) into a fresh engine.
func newPlainCPU(t testing.TB, layout *machine.Layout, init *machine.Snapshot, src *fakeSource) *plainCPU {
	t.Helper()
	eng, err := unicorn.Open(unicorn.ArchX86, unicorn.Mode64)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	for _, r := range src.m.Regions() {
		if r.Perm == 0 {
			continue
		}
		if err := eng.MemMap(r.Start, r.End-r.Start, unicorn.ProtAll); err != nil {
			t.Fatal(err)
		}
	}
	for addr, pg := range src.data {
		if r, ok := src.m.Find(addr); ok && r.Perm != 0 {
			if err := eng.MemWrite(addr, pg); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, w := range []struct {
		reg unicorn.Reg
		v   uint64
	}{
		{unicorn.X86RegCR0, cr0Value}, {unicorn.X86RegCR4, cr4Value}, {unicorn.X86RegFPTag, 0xffff},
		// Selectors only (64-bit mode), for instructions that store them.
		{unicorn.X86RegCS, userCS}, {unicorn.X86RegSS, userDS},
	} {
		if err := eng.RegWrite(w.reg, w.v); err != nil {
			t.Fatal(err)
		}
	}
	rf, err := newRegFile(eng, layout)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range rf.write {
		if b != nil {
			if err := b.Write(init.Regs); err != nil {
				t.Fatal(err)
			}
		}
	}
	return &plainCPU{t: t, eng: eng, rf: rf, layout: layout}
}

// step runs one instruction and reports Unicorn's error.
func (p *plainCPU) step() error {
	rip, err := p.eng.RegRead(unicorn.X86RegRIP)
	if err != nil {
		p.t.Fatal(err)
	}
	return p.eng.Start(rip, noExit, 0, 1)
}

func (p *plainCPU) regs() *machine.Snapshot {
	p.t.Helper()
	s := p.layout.NewSnapshot()
	for _, b := range p.rf.read {
		if b != nil {
			if err := b.Read(s.Regs); err != nil {
				p.t.Fatal(err)
			}
		}
	}
	return s
}

func (p *plainCPU) mem(addr uint64, n int) []byte {
	p.t.Helper()
	b := make([]byte, n)
	if err := p.eng.MemRead(addr, b); err != nil {
		p.t.Fatal(err)
	}
	return b
}

// compareRegs lists the registers (the oracle models, but for segment
// selectors, which differ at CPL 0) where two snapshots differ.
func compareRegs(o *Oracle, a, b *machine.Snapshot) []string {
	var diff []string
	for i, r := range a.Layout.Regs {
		if o.NotModelledReason(r.Name) != "" {
			continue
		}
		switch r.Name {
		case "cs", "ss", "ds", "es", "fs", "gs":
			continue
		}
		if !bytes.Equal(a.Reg(i), b.Reg(i)) {
			diff = append(diff, fmt.Sprintf("%s %x/%x", r.Name, a.Reg(i), b.Reg(i)))
		}
	}
	return diff
}

// cachedMemory copies the pages the oracle holds, the memory before a
// step (pages it fetches during the step are still as in the source).
func cachedMemory(o *testOracle) map[uint64][]byte {
	out := make(map[uint64][]byte)
	for _, p := range o.CachedPages() {
		out[p] = o.mem(p, pageSize)
	}
	return out
}

// checkWrites verifies the write log of a step against memory: every byte
// that differs from before the step (before, from cachedMemory, or else
// the source) is covered by a write, and each write's new bytes are in
// memory unless a later write of the step covers them.
func checkWrites(t testing.TB, o *testOracle, r Result, before map[uint64][]byte) {
	t.Helper()
	covered := func(addr uint64) bool {
		for _, w := range r.Writes {
			if addr >= w.Addr && addr < w.Addr+uint64(len(w.New)) {
				return true
			}
		}
		return false
	}
	for _, page := range o.CachedPages() {
		old := before[page]
		if old == nil {
			old = o.src.page(page)
		}
		now := o.mem(page, pageSize)
		for i := range now {
			if now[i] != old[i] && !covered(page+uint64(i)) {
				t.Errorf("byte %#x changed (%#x to %#x) but is in no logged write", page+uint64(i), old[i], now[i])
				return
			}
		}
	}
	for i, w := range r.Writes {
		for j := range w.New {
			a := w.Addr + uint64(j)
			later := false
			for _, v := range r.Writes[i+1:] {
				later = later || a >= v.Addr && a < v.Addr+uint64(len(v.New))
			}
			if !later && o.Cached(a) && o.mem(a, 1)[0] != w.New[j] {
				t.Errorf("write %d at %#x logs %#x, memory holds %#x", i, a, w.New[j], o.mem(a, 1)[0])
				return
			}
		}
	}
}

// runBoth runs steps instructions of code on the oracle and on plain
// Unicorn from the same state (edit sets it up, as for newTestOracle),
// checks the oracle's write log after each step, and compares registers
// and every page the oracle holds at the end. Every step must execute.
func runBoth(t *testing.T, code string, edit func(s *machine.Snapshot, src *fakeSource), steps int) *testOracle {
	t.Helper()
	o := newTestOracle(t, code, edit)
	init := o.layout.NewSnapshot()
	if err := o.Registers(init); err != nil {
		t.Fatal(err)
	}
	p := newPlainCPU(t, o.layout, init, o.src)
	for i := 0; i < steps; i++ {
		before := cachedMemory(o)
		r := o.step()
		if r.Kind != Executed {
			t.Fatalf("step %d: %+v", i, r)
		}
		checkWrites(t, o, r, before)
		if err := p.step(); err != nil {
			t.Fatalf("plain Unicorn, step %d: %v", i, err)
		}
		// Plain Unicorn needs one more step after a rep instruction's
		// last iteration, which the oracle folds into it.
		if rip, _ := p.eng.RegRead(unicorn.X86RegRIP); rip == r.PC && !r.Repeat && o.reg("rip") != r.PC {
			if err := p.step(); err != nil {
				t.Fatalf("plain Unicorn, step %d: %v", i, err)
			}
		}
	}
	if d := compareRegs(o.Oracle, o.regs(), p.regs()); len(d) > 0 {
		t.Errorf("registers differ (oracle/plain): %v", d)
	}
	for _, page := range o.CachedPages() {
		if got, want := o.mem(page, pageSize), p.mem(page, pageSize); !bytes.Equal(got, want) {
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("memory at %#x: oracle %x, plain %x", page+uint64(i), got[i:min(i+16, len(got))], want[i:min(i+16, len(want))])
					break
				}
			}
		}
	}
	return o
}
