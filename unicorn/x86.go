package unicorn

/*
#include <unicorn/unicorn.h>
*/
import "C"

import "unsafe"

// X86Insn is an instruction id accepted by the UC_HOOK_INSN hooks.
type X86Insn int

// Instructions Unicorn 2.0.1 can hook with UC_HOOK_INSN on x86.
const (
	X86InsSyscall  X86Insn = C.UC_X86_INS_SYSCALL
	X86InsSysenter X86Insn = C.UC_X86_INS_SYSENTER
	X86InsCPUID    X86Insn = C.UC_X86_INS_CPUID
	X86InsIn       X86Insn = C.UC_X86_INS_IN
	X86InsOut      X86Insn = C.UC_X86_INS_OUT
)

// CPUModel is a value for uc_ctl's UC_CTL_CPU_MODEL (a uc_cpu_x86 for x86).
type CPUModel int

// x86 CPU models (uc_cpu_x86).
const (
	X86CPUQEMU64            CPUModel = C.UC_CPU_X86_QEMU64
	X86CPUPhenom            CPUModel = C.UC_CPU_X86_PHENOM
	X86CPUCore2Duo          CPUModel = C.UC_CPU_X86_CORE2DUO
	X86CPUKVM64             CPUModel = C.UC_CPU_X86_KVM64
	X86CPUQEMU32            CPUModel = C.UC_CPU_X86_QEMU32
	X86CPUKVM32             CPUModel = C.UC_CPU_X86_KVM32
	X86CPUCoreDuo           CPUModel = C.UC_CPU_X86_COREDUO
	X86CPU486               CPUModel = C.UC_CPU_X86_486
	X86CPUPentium           CPUModel = C.UC_CPU_X86_PENTIUM
	X86CPUPentium2          CPUModel = C.UC_CPU_X86_PENTIUM2
	X86CPUPentium3          CPUModel = C.UC_CPU_X86_PENTIUM3
	X86CPUAthlon            CPUModel = C.UC_CPU_X86_ATHLON
	X86CPUN270              CPUModel = C.UC_CPU_X86_N270
	X86CPUConroe            CPUModel = C.UC_CPU_X86_CONROE
	X86CPUPenryn            CPUModel = C.UC_CPU_X86_PENRYN
	X86CPUNehalem           CPUModel = C.UC_CPU_X86_NEHALEM
	X86CPUWestmere          CPUModel = C.UC_CPU_X86_WESTMERE
	X86CPUSandyBridge       CPUModel = C.UC_CPU_X86_SANDYBRIDGE
	X86CPUIvyBridge         CPUModel = C.UC_CPU_X86_IVYBRIDGE
	X86CPUHaswell           CPUModel = C.UC_CPU_X86_HASWELL
	X86CPUBroadwell         CPUModel = C.UC_CPU_X86_BROADWELL
	X86CPUSkylakeClient     CPUModel = C.UC_CPU_X86_SKYLAKE_CLIENT
	X86CPUSkylakeServer     CPUModel = C.UC_CPU_X86_SKYLAKE_SERVER
	X86CPUCascadelakeServer CPUModel = C.UC_CPU_X86_CASCADELAKE_SERVER
	X86CPUCooperlake        CPUModel = C.UC_CPU_X86_COOPERLAKE
	X86CPUIcelakeClient     CPUModel = C.UC_CPU_X86_ICELAKE_CLIENT
	X86CPUIcelakeServer     CPUModel = C.UC_CPU_X86_ICELAKE_SERVER
	X86CPUDenverton         CPUModel = C.UC_CPU_X86_DENVERTON
	X86CPUSnowridge         CPUModel = C.UC_CPU_X86_SNOWRIDGE
	X86CPUKnightsMill       CPUModel = C.UC_CPU_X86_KNIGHTSMILL
	X86CPUOpteronG1         CPUModel = C.UC_CPU_X86_OPTERON_G1
	X86CPUOpteronG2         CPUModel = C.UC_CPU_X86_OPTERON_G2
	X86CPUOpteronG3         CPUModel = C.UC_CPU_X86_OPTERON_G3
	X86CPUOpteronG4         CPUModel = C.UC_CPU_X86_OPTERON_G4
	X86CPUOpteronG5         CPUModel = C.UC_CPU_X86_OPTERON_G5
	X86CPUEPYC              CPUModel = C.UC_CPU_X86_EPYC
	X86CPUDhyana            CPUModel = C.UC_CPU_X86_DHYANA
	X86CPUEPYCRome          CPUModel = C.UC_CPU_X86_EPYC_ROME
)

// X86MMR is a descriptor-table or system-segment register (GDTR, IDTR,
// LDTR, TR) as uc_x86_mmr holds it.
type X86MMR struct {
	Selector uint16 // not used by GDTR and IDTR
	Base     uint64
	Limit    uint32
	Flags    uint32 // not used by GDTR and IDTR
}

// RegReadMMR reads GDTR, IDTR, LDTR or TR.
func (e *Engine) RegReadMMR(reg Reg) (X86MMR, error) {
	if err := e.live("reg_read"); err != nil {
		return X86MMR{}, err
	}
	var m C.uc_x86_mmr
	if err := check("reg_read", C.uc_reg_read(e.uc, C.int(reg), unsafe.Pointer(&m))); err != nil {
		return X86MMR{}, err
	}
	return X86MMR{Selector: uint16(m.selector), Base: uint64(m.base), Limit: uint32(m.limit), Flags: uint32(m.flags)}, nil
}

// RegWriteMMR writes GDTR, IDTR, LDTR or TR.
func (e *Engine) RegWriteMMR(reg Reg, v X86MMR) error {
	if err := e.live("reg_write"); err != nil {
		return err
	}
	m := C.uc_x86_mmr{selector: C.uint16_t(v.Selector), base: C.uint64_t(v.Base), limit: C.uint32_t(v.Limit), flags: C.uint32_t(v.Flags)}
	return check("reg_write", C.uc_reg_write(e.uc, C.int(reg), unsafe.Pointer(&m)))
}

// ReadMSR reads model-specific register id through UC_X86_REG_MSR.
func (e *Engine) ReadMSR(id uint32) (uint64, error) {
	if err := e.live("reg_read"); err != nil {
		return 0, err
	}
	m := C.uc_x86_msr{rid: C.uint32_t(id)}
	if err := check("reg_read", C.uc_reg_read(e.uc, C.UC_X86_REG_MSR, unsafe.Pointer(&m))); err != nil {
		return 0, err
	}
	return uint64(m.value), nil
}

// WriteMSR writes model-specific register id through UC_X86_REG_MSR.
func (e *Engine) WriteMSR(id uint32, v uint64) error {
	if err := e.live("reg_write"); err != nil {
		return err
	}
	m := C.uc_x86_msr{rid: C.uint32_t(id), value: C.uint64_t(v)}
	return check("reg_write", C.uc_reg_write(e.uc, C.UC_X86_REG_MSR, unsafe.Pointer(&m)))
}
