package unicorn

/*
#include <unicorn/unicorn.h>
*/
import "C"

// Reg is a Unicorn register id (a uc_x86_reg value for x86).
type Reg int

// The x86 register ids lockstep uses, from <unicorn/x86.h>.
//
// Widths as Unicorn 2.0.1 reads and writes them in 64-bit mode: GPRs, RIP,
// RFLAGS, FS_BASE, GS_BASE, CRn, FIP and FDP 8 bytes; EFLAGS and MXCSR 4;
// segment selectors, FPSW, FPCW, FPTAG, FCS, FDS and FOP 2; FPn and STn 10
// (64-bit mantissa, then 16-bit sign and exponent); XMMn 16; YMMn 32;
// GDTR/IDTR/LDTR/TR a uc_x86_mmr; MSR a uc_x86_msr.
//
// FP0..FP7 are the physical x87 registers (R0..R7), ST0..ST7 the stack
// registers relative to TOP (FPSW bits 11-13). FPTAG is the full 16-bit tag
// word on read; on write only "empty" (11b) is distinguished from valid.
// Writing CS, SS, DS or ES in 64-bit mode sets only the selector (the
// hidden descriptor and the CPL stay); writing FS or GS loads the segment,
// which resets its base, so write FS_BASE/GS_BASE after FS/GS.
const (
	X86RegRAX    Reg = C.UC_X86_REG_RAX
	X86RegRBX    Reg = C.UC_X86_REG_RBX
	X86RegRCX    Reg = C.UC_X86_REG_RCX
	X86RegRDX    Reg = C.UC_X86_REG_RDX
	X86RegRSI    Reg = C.UC_X86_REG_RSI
	X86RegRDI    Reg = C.UC_X86_REG_RDI
	X86RegRBP    Reg = C.UC_X86_REG_RBP
	X86RegRSP    Reg = C.UC_X86_REG_RSP
	X86RegR8     Reg = C.UC_X86_REG_R8
	X86RegR9     Reg = C.UC_X86_REG_R9
	X86RegR10    Reg = C.UC_X86_REG_R10
	X86RegR11    Reg = C.UC_X86_REG_R11
	X86RegR12    Reg = C.UC_X86_REG_R12
	X86RegR13    Reg = C.UC_X86_REG_R13
	X86RegR14    Reg = C.UC_X86_REG_R14
	X86RegR15    Reg = C.UC_X86_REG_R15
	X86RegRIP    Reg = C.UC_X86_REG_RIP
	X86RegEFLAGS Reg = C.UC_X86_REG_EFLAGS
	X86RegRFLAGS Reg = C.UC_X86_REG_RFLAGS
	X86RegCS     Reg = C.UC_X86_REG_CS
	X86RegSS     Reg = C.UC_X86_REG_SS
	X86RegDS     Reg = C.UC_X86_REG_DS
	X86RegES     Reg = C.UC_X86_REG_ES
	X86RegFS     Reg = C.UC_X86_REG_FS
	X86RegGS     Reg = C.UC_X86_REG_GS
	X86RegFSBase Reg = C.UC_X86_REG_FS_BASE
	X86RegGSBase Reg = C.UC_X86_REG_GS_BASE
	X86RegCR0    Reg = C.UC_X86_REG_CR0
	X86RegCR2    Reg = C.UC_X86_REG_CR2
	X86RegCR3    Reg = C.UC_X86_REG_CR3
	X86RegCR4    Reg = C.UC_X86_REG_CR4
	X86RegCR8    Reg = C.UC_X86_REG_CR8
	X86RegFP0    Reg = C.UC_X86_REG_FP0
	X86RegFP1    Reg = C.UC_X86_REG_FP1
	X86RegFP2    Reg = C.UC_X86_REG_FP2
	X86RegFP3    Reg = C.UC_X86_REG_FP3
	X86RegFP4    Reg = C.UC_X86_REG_FP4
	X86RegFP5    Reg = C.UC_X86_REG_FP5
	X86RegFP6    Reg = C.UC_X86_REG_FP6
	X86RegFP7    Reg = C.UC_X86_REG_FP7
	X86RegST0    Reg = C.UC_X86_REG_ST0
	X86RegST1    Reg = C.UC_X86_REG_ST1
	X86RegST2    Reg = C.UC_X86_REG_ST2
	X86RegST3    Reg = C.UC_X86_REG_ST3
	X86RegST4    Reg = C.UC_X86_REG_ST4
	X86RegST5    Reg = C.UC_X86_REG_ST5
	X86RegST6    Reg = C.UC_X86_REG_ST6
	X86RegST7    Reg = C.UC_X86_REG_ST7
	X86RegFPSW   Reg = C.UC_X86_REG_FPSW
	X86RegFPCW   Reg = C.UC_X86_REG_FPCW
	X86RegFPTag  Reg = C.UC_X86_REG_FPTAG
	X86RegFIP    Reg = C.UC_X86_REG_FIP
	X86RegFCS    Reg = C.UC_X86_REG_FCS
	X86RegFDP    Reg = C.UC_X86_REG_FDP
	X86RegFDS    Reg = C.UC_X86_REG_FDS
	X86RegFOP    Reg = C.UC_X86_REG_FOP
	X86RegXMM0   Reg = C.UC_X86_REG_XMM0
	X86RegXMM1   Reg = C.UC_X86_REG_XMM1
	X86RegXMM2   Reg = C.UC_X86_REG_XMM2
	X86RegXMM3   Reg = C.UC_X86_REG_XMM3
	X86RegXMM4   Reg = C.UC_X86_REG_XMM4
	X86RegXMM5   Reg = C.UC_X86_REG_XMM5
	X86RegXMM6   Reg = C.UC_X86_REG_XMM6
	X86RegXMM7   Reg = C.UC_X86_REG_XMM7
	X86RegXMM8   Reg = C.UC_X86_REG_XMM8
	X86RegXMM9   Reg = C.UC_X86_REG_XMM9
	X86RegXMM10  Reg = C.UC_X86_REG_XMM10
	X86RegXMM11  Reg = C.UC_X86_REG_XMM11
	X86RegXMM12  Reg = C.UC_X86_REG_XMM12
	X86RegXMM13  Reg = C.UC_X86_REG_XMM13
	X86RegXMM14  Reg = C.UC_X86_REG_XMM14
	X86RegXMM15  Reg = C.UC_X86_REG_XMM15
	X86RegYMM0   Reg = C.UC_X86_REG_YMM0
	X86RegYMM1   Reg = C.UC_X86_REG_YMM1
	X86RegYMM2   Reg = C.UC_X86_REG_YMM2
	X86RegYMM3   Reg = C.UC_X86_REG_YMM3
	X86RegYMM4   Reg = C.UC_X86_REG_YMM4
	X86RegYMM5   Reg = C.UC_X86_REG_YMM5
	X86RegYMM6   Reg = C.UC_X86_REG_YMM6
	X86RegYMM7   Reg = C.UC_X86_REG_YMM7
	X86RegYMM8   Reg = C.UC_X86_REG_YMM8
	X86RegYMM9   Reg = C.UC_X86_REG_YMM9
	X86RegYMM10  Reg = C.UC_X86_REG_YMM10
	X86RegYMM11  Reg = C.UC_X86_REG_YMM11
	X86RegYMM12  Reg = C.UC_X86_REG_YMM12
	X86RegYMM13  Reg = C.UC_X86_REG_YMM13
	X86RegYMM14  Reg = C.UC_X86_REG_YMM14
	X86RegYMM15  Reg = C.UC_X86_REG_YMM15
	X86RegMXCSR  Reg = C.UC_X86_REG_MXCSR
	X86RegGDTR   Reg = C.UC_X86_REG_GDTR
	X86RegIDTR   Reg = C.UC_X86_REG_IDTR
	X86RegLDTR   Reg = C.UC_X86_REG_LDTR
	X86RegTR     Reg = C.UC_X86_REG_TR
	X86RegMSR    Reg = C.UC_X86_REG_MSR
)

// x86RegNames lists the registers X86RegByName knows.
var x86RegNames = [...]struct {
	name string
	reg  Reg
}{
	{"rax", X86RegRAX},
	{"rbx", X86RegRBX},
	{"rcx", X86RegRCX},
	{"rdx", X86RegRDX},
	{"rsi", X86RegRSI},
	{"rdi", X86RegRDI},
	{"rbp", X86RegRBP},
	{"rsp", X86RegRSP},
	{"r8", X86RegR8},
	{"r9", X86RegR9},
	{"r10", X86RegR10},
	{"r11", X86RegR11},
	{"r12", X86RegR12},
	{"r13", X86RegR13},
	{"r14", X86RegR14},
	{"r15", X86RegR15},
	{"rip", X86RegRIP},
	{"eflags", X86RegEFLAGS},
	{"rflags", X86RegRFLAGS},
	{"cs", X86RegCS},
	{"ss", X86RegSS},
	{"ds", X86RegDS},
	{"es", X86RegES},
	{"fs", X86RegFS},
	{"gs", X86RegGS},
	{"fs_base", X86RegFSBase},
	{"gs_base", X86RegGSBase},
	{"cr0", X86RegCR0},
	{"cr2", X86RegCR2},
	{"cr3", X86RegCR3},
	{"cr4", X86RegCR4},
	{"cr8", X86RegCR8},
	{"fp0", X86RegFP0},
	{"fp1", X86RegFP1},
	{"fp2", X86RegFP2},
	{"fp3", X86RegFP3},
	{"fp4", X86RegFP4},
	{"fp5", X86RegFP5},
	{"fp6", X86RegFP6},
	{"fp7", X86RegFP7},
	{"st0", X86RegST0},
	{"st1", X86RegST1},
	{"st2", X86RegST2},
	{"st3", X86RegST3},
	{"st4", X86RegST4},
	{"st5", X86RegST5},
	{"st6", X86RegST6},
	{"st7", X86RegST7},
	{"fpsw", X86RegFPSW},
	{"fpcw", X86RegFPCW},
	{"fptag", X86RegFPTag},
	{"fip", X86RegFIP},
	{"fcs", X86RegFCS},
	{"fdp", X86RegFDP},
	{"fds", X86RegFDS},
	{"fop", X86RegFOP},
	{"xmm0", X86RegXMM0},
	{"xmm1", X86RegXMM1},
	{"xmm2", X86RegXMM2},
	{"xmm3", X86RegXMM3},
	{"xmm4", X86RegXMM4},
	{"xmm5", X86RegXMM5},
	{"xmm6", X86RegXMM6},
	{"xmm7", X86RegXMM7},
	{"xmm8", X86RegXMM8},
	{"xmm9", X86RegXMM9},
	{"xmm10", X86RegXMM10},
	{"xmm11", X86RegXMM11},
	{"xmm12", X86RegXMM12},
	{"xmm13", X86RegXMM13},
	{"xmm14", X86RegXMM14},
	{"xmm15", X86RegXMM15},
	{"ymm0", X86RegYMM0},
	{"ymm1", X86RegYMM1},
	{"ymm2", X86RegYMM2},
	{"ymm3", X86RegYMM3},
	{"ymm4", X86RegYMM4},
	{"ymm5", X86RegYMM5},
	{"ymm6", X86RegYMM6},
	{"ymm7", X86RegYMM7},
	{"ymm8", X86RegYMM8},
	{"ymm9", X86RegYMM9},
	{"ymm10", X86RegYMM10},
	{"ymm11", X86RegYMM11},
	{"ymm12", X86RegYMM12},
	{"ymm13", X86RegYMM13},
	{"ymm14", X86RegYMM14},
	{"ymm15", X86RegYMM15},
	{"mxcsr", X86RegMXCSR},
	{"gdtr", X86RegGDTR},
	{"idtr", X86RegIDTR},
	{"ldtr", X86RegLDTR},
	{"tr", X86RegTR},
	{"msr", X86RegMSR},
}

// X86RegByName returns the id of the register Unicorn calls name: the
// UC_X86_REG_ suffix in lower case ("rax", "fp3", "fpsw", "fs_base",
// "xmm15"). Only the registers declared in this package are known.
func X86RegByName(name string) (Reg, bool) {
	for _, e := range x86RegNames {
		if e.name == name {
			return e.reg, true
		}
	}
	return 0, false
}
