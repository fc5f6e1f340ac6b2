// Package repro holds lockstep's standalone reproducers ("cases"): a few
// instructions, the registers and memory that matter, and the divergence
// they show with its verdict. It reads and writes the case text format and
// turns a case into a static x86-64 ELF executable with no assembler.
// Cases live in corpus/cases/NAME.repro.
//
// # The text format
//
// Line-oriented UTF-8. The first line is the version header
// "lockstep-case 1". Blank lines and lines whose first non-blank
// character is '#' are ignored; register, mem and data lines may also end
// in a "# comment". Every other line starts with a keyword:
//
//	arch x86-64                      required, once
//	labels bmi2 pdep                 words of letters, digits and ._/-; repeatable
//	description free text            repeatable: one line of the description each
//	NAME = 0xHEX                     a register (below); at most once each
//	mem 0xADDR 0xSIZE PERM           a memory region, PERM like r-x
//	  0xADDR  hh hh ... hh           its bytes: 1 to 16 per line, increasing addresses
//	insn 0xADDR  hh hh ...  ; text   one instruction: bytes, then its disassembly
//	divergence FIELD VALUE           the recorded divergence (below)
//	verdict NAME                     who is right (below)
//	reason free text                 why, one line
//
// Registers use the names of QEMU's x86-64 target description: rax..r15,
// rip, eflags, fs_base, gs_base, st0..st7 (80 bits), fctrl, fstat, ftag,
// xmm0..xmm15, mxcsr, and ymm0h..ymm15h (the upper halves of the ymm
// registers, which QEMU's description lacks). Values are hex numbers of at
// most the register's width; Write writes all digits. A register not
// listed takes its default: GPRs 0 except rsp = DefaultRSP, rip the first
// instruction's address (a listed rip must equal it), eflags 0x202,
// fs_base and gs_base 0, st0..st7 0, fctrl 0x37f, fstat 0, ftag 0xffff
// (all empty), xmm 0, mxcsr 0x1f80, ymm upper halves 0.
//
// st0..st7 are the physical x87 registers R0..R7, as QEMU's gdbstub
// reports them, not the stack-relative ST(i): ST(i) is R((TOP+i) mod 8)
// with TOP in fstat bits 11-13. ftag is the full tag word, two bits per
// physical register, 11 meaning empty. QEMU 7.2's stub always reports
// ftag as 0 ("all valid"), so a case extracted from QEMU must take the
// tag word from elsewhere (the oracle) rather than copy it.
//
// A mem region has a page-aligned address and size and permissions; its
// data lines give the non-zero bytes, bytes not given are zero. Write
// gives whole 16-byte lines at region-relative 16-byte boundaries and
// leaves out lines of zeros. Regions must not overlap and must lie at or
// above MinAddr in the user address space.
//
// An insn line holds one instruction: its address, its bytes (1 to 15),
// and after ';' its disassembly (Intel syntax). The bytes are what runs;
// the disassembly is a comment for the reader and is kept verbatim, not
// checked against the bytes (x86asm, the decoder at hand, knows no VEX
// instructions). What is checked: when x86asm decodes the bytes, it must
// decode exactly that many, so that an insn line holds one instruction.
// Instructions execute in file order; each must lie inside a region with
// x permission whose own bytes under the instruction are zero (the bytes
// of code live on insn lines only, and are laid over the region when the
// case is loaded).
//
// The divergence fields, each at most once:
//
//	divergence kind register         register, flags, memory or fault
//	divergence insn 0                index of the instruction (from 0)...
//	divergence pc 0x401000           ...and its address; both required
//	divergence register rax          register and flags kinds
//	divergence address 0x402000      memory kind: the first differing byte
//	divergence reference VALUE       QEMU's value, required
//	divergence oracle VALUE          the Unicorn oracle's value, required
//	divergence host VALUE            the host CPU's value, optional
//	divergence detail free text      optional
//
// Values are, for register and flags, 0x and the register's full width in
// hex (an even number of digits: the width is the number of digits); for
// memory, bytes "de ad be ef" from the address on; for a fault, words
// such as "signal 11" or "none".
//
// The verdict is one of reference-wrong (QEMU is wrong), follower-wrong
// (the oracle is wrong), both-wrong, tolerance (the difference is allowed,
// such as architecturally undefined flags) and unjudged.
//
// Parse reports a malformed file as a *ParseError with the line and the
// reason. Write writes the canonical form: Parse(Write(c)) equals c.
//
// # The ELF executable
//
// (*Case).ELF builds a static x86-64 executable: one PT_LOAD segment per
// region, at its address with its permissions and the instructions laid
// over it; a prologue segment (r-x) at PrologueAddr that sets every
// register; and, when the case does not list rsp, a default stack region
// (rw-) at StackAddr. A region colliding with the prologue's or the
// stack's addresses is an error. See ELF for the prologue and the exit.
package repro
