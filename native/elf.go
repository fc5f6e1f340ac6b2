package native

import (
	"debug/elf"
	"encoding/binary"
)

// StubBase is where the child's own code page lives. It is far from where
// Linux and QEMU's user mode put programs, heaps, mmaps and stacks
// (0x400000, 0x4000000000 upwards, 0x7ff...), so guest pages rarely collide
// with it; Run refuses instructions whose pages do.
const StubBase = 0x6c6f636b0000 // "lock"

// The stub's code, at StubBase+stubCode: a syscall gadget used to inject
// mmap, mprotect and munmap into the child, and the entry point, which
// never runs (the child stops at its exec).
const (
	stubCode    = 0x80
	gadget      = StubBase + stubCode // syscall; int3
	gadgetTrap  = gadget + 3          // rip after the gadget's int3
	stubEntry   = gadget + 3          // int3; jmp .
	stubPageEnd = StubBase + pageSize
)

var stubText = []byte{
	0x0f, 0x05, // syscall
	0xcc,       // int3
	0xcc,       // entry: int3
	0xeb, 0xfe, // jmp .
}

// stubELF returns a static ELF executable of one read-execute page at
// StubBase holding the stub's code.
func stubELF() []byte {
	const ehsize, phsize = 64, 56
	img := make([]byte, stubCode+len(stubText))
	copy(img[0:], []byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT), byte(elf.ELFOSABI_NONE)})
	le := binary.LittleEndian
	le.PutUint16(img[16:], uint16(elf.ET_EXEC))
	le.PutUint16(img[18:], uint16(elf.EM_X86_64))
	le.PutUint32(img[20:], uint32(elf.EV_CURRENT))
	le.PutUint64(img[24:], stubEntry)
	le.PutUint64(img[32:], ehsize) // program headers follow the header
	le.PutUint16(img[52:], ehsize)
	le.PutUint16(img[54:], phsize)
	le.PutUint16(img[56:], 1)
	ph := img[ehsize:]
	le.PutUint32(ph[0:], uint32(elf.PT_LOAD))
	le.PutUint32(ph[4:], uint32(elf.PF_R|elf.PF_X))
	le.PutUint64(ph[8:], 0)         // offset
	le.PutUint64(ph[16:], StubBase) // vaddr
	le.PutUint64(ph[24:], StubBase) // paddr
	le.PutUint64(ph[32:], uint64(len(img)))
	le.PutUint64(ph[40:], pageSize)
	le.PutUint64(ph[48:], pageSize)
	copy(img[stubCode:], stubText)
	return img
}
