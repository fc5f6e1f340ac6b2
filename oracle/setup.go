package oracle

import (
	"encoding/binary"
	"errors"
	"fmt"

	"lockstep/unicorn"
)

// Privilege. Unicorn starts an x86-64 CPU at CPL 0 with null segment
// descriptors, where hlt, cli, mov to cr0, wrmsr and friends would simply
// execute. Writing CS or SS through Unicorn's register API changes only the
// selector, not the hidden descriptor or the CPL. So New enters user mode
// the way the kernel does: it builds a GDT laid out like Linux's in a
// scratch area of the kernel half (which no user program can map), pushes
// an iretq frame (rip, cs=0x33, rflags, rsp, ss=0x2b) and executes iretq
// there. Afterwards CPL is 3 and privileged instructions raise #GP as on
// Linux. The scratch pages are unmapped again; the GDT page is mapped back
// only for the duration of an instruction that loads a segment register or
// reads a descriptor (mov sreg, pop fs/gs, lfs/lgs/lss, far call/jmp/ret,
// iretq, lar, lsl, verr, verw), so an ordinary access to it still faults.

const (
	scratchBase = 0xffff_fe00_0000_0000 // kernel half: never a user address
	gdtBase     = scratchBase
	frameBase   = scratchBase + pageSize
	iretBase    = scratchBase + 2*pageSize

	userCS   = 0x33
	userDS   = 0x2b
	cr0Value = 0x33 // PE, MP, ET, NE: NE makes x87 errors raise #MF as on Linux
	// OSFXSR and OSXMMEXCPT, as Linux sets them. Unicorn starts with CR4
	// clear yet runs SSE instructions, but its fxsave and fxrstor (like
	// QEMU's) save and restore MXCSR and the XMM registers only under
	// OSFXSR: without it, ld.so's lazy-binding trampoline loses xmm0-7.
	cr4Value = 0x600

	// Flags an iretq frame may not set: TF would trap after the first
	// user instruction, VM, RF and NT make no sense here.
	iretForbidden = 0x100 | 0x20000 | 0x10000 | 0x4000
)

// linuxGDT is Linux's x86-64 GDT as far as user mode can see it: kernel
// code and data (DPL 0), 32-bit and 64-bit user code and user data (DPL
// 3), with the accessed bits set so loading them never writes the table.
func linuxGDT() []byte {
	gdt := make([]byte, 16*8) // GDT_ENTRIES
	for i, d := range map[int]uint64{
		1: 0x00cf9b000000ffff, // __KERNEL32_CS 0x08
		2: 0x00af9b000000ffff, // __KERNEL_CS   0x10
		3: 0x00cf93000000ffff, // __KERNEL_DS   0x18
		4: 0x00cffb000000ffff, // __USER32_CS   0x23
		5: 0x00cff3000000ffff, // __USER_DS     0x2b
		6: 0x00affb000000ffff, // __USER_CS     0x33
	} {
		binary.LittleEndian.PutUint64(gdt[i*8:], d)
	}
	return gdt
}

// enterUserMode runs iretq at CPL 0 to land at rip with rsp and rflags in
// 64-bit user mode (CPL 3).
func enterUserMode(eng *unicorn.Engine, rip, rsp, rflags uint64) error {
	if err := eng.MemMap(scratchBase, 3*pageSize, unicorn.ProtRead|unicorn.ProtWrite|unicorn.ProtExec); err != nil {
		return fmt.Errorf("oracle: map the privilege scratch pages: %w", err)
	}
	gdt := linuxGDT()
	frame := make([]byte, 5*8)
	for i, v := range []uint64{rip, userCS, rflags&^iretForbidden | 2, rsp, userDS} {
		binary.LittleEndian.PutUint64(frame[i*8:], v)
	}
	steps := []func() error{
		func() error { return eng.MemWrite(gdtBase, gdt) },
		func() error { return eng.MemWrite(frameBase, frame) },
		func() error { return eng.MemWrite(iretBase, []byte{0x48, 0xcf}) }, // iretq
		func() error {
			return eng.RegWriteMMR(unicorn.X86RegGDTR, unicorn.X86MMR{Base: gdtBase, Limit: uint32(len(gdt) - 1)})
		},
		func() error { return eng.RegWrite(unicorn.X86RegRSP, frameBase) },
		func() error {
			// Unicorn translates the target before it stops, and the
			// program is not mapped yet: a fetch fault there is expected.
			err := eng.Start(iretBase, noExit, 0, 1)
			if errors.Is(err, unicorn.ErrFetchUnmapped) {
				return nil
			}
			return err
		},
		func() error { return eng.MemUnmap(scratchBase, 3*pageSize) },
		func() error { return eng.RegWrite(unicorn.X86RegCR0, cr0Value) },
		func() error { return eng.RegWrite(unicorn.X86RegCR4, cr4Value) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("oracle: enter user mode: %w", err)
		}
	}
	got, err := eng.RegRead(unicorn.X86RegRIP)
	if err != nil {
		return err
	}
	cs, err := eng.RegRead(unicorn.X86RegCS)
	if err != nil {
		return err
	}
	if got != rip || cs != userCS {
		return fmt.Errorf("oracle: enter user mode: iretq landed at %#x with cs %#x", got, cs)
	}
	return nil
}

// mapGDT maps the GDT page for an instruction that reads descriptors.
func mapGDT(eng *unicorn.Engine) error {
	if err := eng.MemMap(gdtBase, pageSize, unicorn.ProtRead); err != nil {
		return fmt.Errorf("oracle: map the GDT: %w", err)
	}
	if err := eng.MemWrite(gdtBase, linuxGDT()); err != nil {
		eng.MemUnmap(gdtBase, pageSize)
		return fmt.Errorf("oracle: write the GDT: %w", err)
	}
	return nil
}

func unmapGDT(eng *unicorn.Engine) error {
	if err := eng.MemUnmap(gdtBase, pageSize); err != nil {
		return fmt.Errorf("oracle: unmap the GDT: %w", err)
	}
	return nil
}
