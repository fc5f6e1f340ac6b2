// Package oracle is the reference CPU of lockstep: an x86-64 CPU on the
// Unicorn engine (libunicorn 2.0.1), seeded from the program under test at
// its entry point and stepped one instruction at a time next to it.
//
// # Use
//
// New takes the reference's register layout (QEMU's x86-64 target
// description), a snapshot of its registers and a MemorySource for its
// memory and map. Each Step executes one instruction and returns a Result:
//
//   - Executed: it ran; Writes lists every byte it wrote (old and new).
//   - Syscall (syscall, int 0x80) and Sync (cpuid, rdtsc, rdtscp, rdrand,
//     rdseed, rdpid, xgetbv): the oracle did not execute it. Step the
//     reference over it, call SetMap and Invalidate for whatever the kernel
//     changed, then Adopt the reference's registers. SyncCounts counts the
//     Sync instructions for the run summary.
//   - Fault: the exception hardware raises, with the signal Linux sends.
//   - Unsupported: an instruction Unicorn cannot execute faithfully; a
//     limit of the oracle, not a divergence. Result.Reason says why.
//
// Registers reads the oracle's registers in the layout; NotModelled lists
// the layout registers it does not model (control registers, EFER, the
// kernel GS base, and the x87 tag, pointer and opcode registers that QEMU's
// gdbstub reports as 0), and Imprecise the bits of modelled registers it
// gets wrong (see below). Step the oracle before the reference: pages are
// fetched from the reference when the oracle first touches them, so they
// must still hold the memory from before the instruction.
//
// # Registers
//
// Registers are mapped by name. QEMU's gdbstub reports st0..st7 as the
// physical x87 registers R0..R7 (env->fpregs[i]); so are Unicorn's FP0..FP7
// (Unicorn's ST0..ST7 are relative to TOP, which is fstat bits 11-13), and
// the oracle uses those. fctrl and fstat are Unicorn's 16-bit FPCW and FPSW
// in 32-bit slots. The x87 tags start empty, as after FNINIT at program
// entry, since QEMU does not report them.
//
// Segments: in 64-bit mode Unicorn's register API changes only the
// selector of CS, SS, DS and ES (not the hidden descriptor or the CPL), and
// writing FS or GS loads the segment, which resets its base: the oracle
// writes selectors that changed first (FS/GS through a copy of Linux's GDT)
// and the bases after them. User-mode QEMU shows cs=0x33, ss=0x2b and null
// data selectors.
//
// # Privilege
//
// Unicorn starts x86-64 at CPL 0, where hlt, cli, mov to cr0 or wrmsr would
// execute. New enters CPL 3 the way the kernel does: it executes iretq,
// with a GDT laid out like Linux's, in scratch pages of the kernel half that
// it unmaps afterwards. Privileged instructions then raise #GP (SIGSEGV).
// Unicorn gets a few wrong even at CPL 3, so the oracle faults them itself:
// in/out/ins/outs (Unicorn executes them), rdpmc, sysret and sysexit. int3
// and int1 trap with SIGTRAP, int 4 with SIGSEGV (rip past them, as the
// kernel reports), other int n raise #GP (SIGSEGV), following Linux's IDT.
// CR0.NE is set so unmasked x87 errors raise #MF (SIGFPE) at the next x87
// instruction, and CR4.OSFXSR and OSXMMEXCPT as Linux sets them: without
// OSFXSR, fxsave and fxrstor skip MXCSR and the XMM registers (Unicorn
// starts with CR4 clear, yet runs SSE).
//
// # Memory
//
// Unicorn's map mirrors the program's map region by region with its
// permissions (x86 paging has no write-only or execute-only pages, so
// writable or executable means readable too); SetMap keeps it in step. A
// page's content is fetched from the source on first access: a C hook on
// every data access (a Go callback would cost more than the step) fetches
// missing pages, and Step fetches the instruction's bytes before running
// it. Pages the program cannot read (PROT_NONE) are never fetched. Any
// access to an address the program has not mapped, or against its
// permissions, is a Fault with the address and kind (read, write, fetch),
// as a page fault would be. Invalidate forgets pages, DirtyPages lists the
// pages written since they were fetched, ReadMemory and Cached show the
// oracle's own view.
//
// Unicorn cannot map one region per page (QEMU 5's physical map allows
// about 4000 sections), so the laziness is per page inside regions backed
// by host memory the oracle reserves (1 GiB PROT_NONE reservations, opened
// where the guest maps memory).
//
// # Rep string instructions
//
// Unicorn executes one iteration of a rep-prefixed string instruction per
// step, with rip staying on the instruction (Result.Repeat). After the
// iteration that brings rcx to zero it would need one more step, which only
// moves rip past the instruction; QEMU's gdbstub single-step folds that
// into the last iteration, and so does the oracle. So rcx = n takes n steps
// (the first n-1 with Repeat set) and rcx = 0 takes one step; repe/repne
// cmps and scas also stop, in the same step, on their flag condition. This
// matches QEMU 7.2 stepped over its gdbstub.
//
// # Imprecise bits
//
// Imprecise lists register bits Unicorn 2.0.1 does not compute: the SIMD
// exception flags of MXCSR (bits 0-5: it sets none), and in the x87 status
// word the exception flags IE DE ZE OE UE PE, the summary ES and busy B
// (bits 0-5, 7, 15: it sets only ZE, for any zero divisor, 0/0 included,
// where hardware sets IE). So it never raises #MF after an unmasked x87
// exception, nor #XM. TOP, C0-C3 and SF are right, and compared; C1 is not
// set on rounding up, as in QEMU 7.2. TestImprecise shows each bit wrong
// and the others right against hardware. The harness compares the rest of
// these registers and adopts the reference's value when only these bits
// differ.
//
// # Unicorn quirks the oracle works around
//
//   - Look-ahead: Unicorn translates the next instruction before it stops,
//     so an instruction just before a page the program cannot execute
//     would fault without running; the oracle runs it again with an end
//     address right after it. After a jump to such a page the fault is
//     reported by the next step, as on hardware.
//   - Split stores: Unicorn writes the first part of an access that
//     faults on its second page; the oracle undoes every write of a
//     faulting step, so faults leave memory as it was.
//   - Self-modifying code: a store into the translation being run makes
//     QEMU restart the instruction, which Unicorn counts as a second
//     instruction and so stops before it; the oracle detects it (writes
//     logged, registers unchanged) and lets the restart run.
//   - Translations of code the oracle rewrites (refetched pages, undone
//     writes) are dropped explicitly: Unicorn's memory writes do not.
//   - VEX: Unicorn runs VEX-encoded SSE instructions as their legacy forms
//     (vpxor xmm0, xmm1, xmm2 computes xmm0 ^= xmm2); only the BMI1/BMI2
//     general-purpose instructions are executed, AVX is Unsupported.
//   - PDEP and PEXT: Unicorn swaps their source operands. They run anyway,
//     so that the harness reports the known divergence (the corpus records it).
//   - The write hook: to sync EIP for it, Unicorn stores the instruction's
//     address in a TCG temporary before every store, and a few
//     instructions keep a live value there across a store: ENTER with a
//     nesting level of 2 or more copies that address instead of the outer
//     frame pointers, and shl/shr/sal/sar m, cl and shld/shrd m compute CF
//     and OF from it. The oracle replays ENTER's stores itself, and
//     recomputes those flags on a second, hookless engine (calc.go).
//   - Helper functions (fxsave, fxrstor, fnsave, frstor, fnstenv, fldenv,
//     fbstp, fbld, cmpxchg8b/16b, maskmovdqu...) access memory through the
//     same path as inline code: their stores are logged and their pages
//     fetched first; TestHelperMemoryAccesses and TestMatchesPlainUnicorn
//     (random instructions against plain Unicorn) check it.
//   - Corrected results (fixes.go, pcmpstr.go), each checked against
//     hardware: BLSI's CF (computed as for BLSR, as QEMU up to 7.2 does);
//     32-bit CMPXCHG (always writes EAX and the destination, zero-extending
//     RAX on success and a register destination on failure); LAHF/SAHF
//     with a REX prefix (SPL instead of AH); BEXTR with a length covering
//     the operand and BZHI with an index of width-1 or more (the top bit,
//     CF); fldl2t, fldl2e, fldpi, fldlg2, fldln2 (rounded to nearest
//     whatever the rounding mode); PCMPxSTRx (equal-ordered matches
//     running off the register, negative explicit lengths); and the x87
//     special cases QEMU fixed after 5.0 (x87fix.go): FBSTP out of range or
//     of a NaN (the BCD indefinite) or of a negative value rounding to zero
//     (the sign byte), FISTTP m32/m64 out of range (the integer indefinite,
//     not the largest integer), FLD m32/m64 of a signalling NaN (quieted),
//     FXTRACT of infinities, NaNs, denormals and unsupported encodings.
//   - Not corrected, known divergences of the oracle: PDEP/PEXT; FPATAN,
//     F2XM1, FYL2X, FYL2XP1 (computed in double precision), FPREM and
//     FPREM1 (through doubles: wrong remainders and quotient bits when many
//     reduction steps are needed).
//   - Misplaced lock prefixes: hardware raises #UD for a lock on anything
//     but a read-modify-write instruction with a memory destination.
//     Unicorn executes some (lock movs, lock nop), and translating others
//     (lock cmp, lock cmps, lock bt on a register) aborts the process with
//     "tcg fatal error". The pre-decoder faults them all; and since Unicorn
//     translates ahead (the rest of the block, a branch target), an
//     executable page holding such bytes makes the oracle end translation
//     before them (hazards.go). Code the program writes is scanned again
//     only when refetched.
//   - Unsupported: SSE instructions with both 66 and F2/F3 prefixes
//     (Unicorn takes 66 as the mandatory prefix: 66 F2 0F 58 runs addpd),
//     and SSSE3 instructions on MMX registers with REX.R (Unicorn indexes
//     mm8-mm15, past the x87 registers, and corrupts its own state).
//   - Legacy SSE alignment: Unicorn does not fault misaligned 16-byte
//     operands of movaps, addps, pxor and the like; the oracle checks them
//     (#GP, SIGSEGV), as hardware and QEMU 7.2 do.
//
// Features lists what the oracle executes faithfully, QEMUCPU the -cpu
// argument that keeps QEMU from advertising the rest.
//
// # Performance
//
// A step costs about one microsecond: Unicorn's uc_emu_start with a count
// of one is about half of it and Unicorn reads registers at about 11ns
// each, so after a step the oracle reads only the general registers, rip and
// eflags, and the segment, x87 or SSE groups only after instructions that
// may change them (the latter two lazily, in Registers). BenchmarkStep
// measures it with a full register read per step and the write hook busy.
// Corrections cost only on the instructions they concern; the hazard
// look-ahead costs one comparison per step while no executable page holds
// a hazard.
package oracle
