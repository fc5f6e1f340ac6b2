// Package native runs single x86-64 instructions on the host CPU: the
// judge that both emulators try to imitate.
//
// An Executor owns one child process, traced with ptrace(2), whose address
// space holds nothing but a page of its own code (at StubBase) and the guest
// pages an instruction needs, mapped at their guest addresses with the
// guest's permissions. Run sets every register the host lets a user process
// set (the general registers, rip, rflags, the fs and gs bases, the x87, SSE
// and AVX state), single-steps the child once and reads the state back. The
// instruction never touches the tool's own memory: it runs in another
// process, and a page it needs is fetched from the caller only when the
// child faults on it (demand paging through SIGSEGV), so an instruction runs
// from exactly the memory it reads.
//
// What is never run natively: instructions that would enter the kernel
// (syscall, sysenter, int n) and instructions whose pages collide with the
// executor's own page. Such a Run returns ErrRefused with the reason.
// Control transfers are safe: a single step stops at the target without
// fetching from it.
//
// Executor requires an x86-64 Linux host that permits ptrace; Start says
// why when it cannot run (Unavailable).
package native
