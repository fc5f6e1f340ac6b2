/* A store to a read-only page raises SIGSEGV; the handler checks that the
 * EFLAGS saved in the signal frame hold the flags from before the faulting
 * instruction (set deliberately just before it), records si_code and the
 * fault address, and leaves with siglongjmp. Done for several flag
 * patterns; the program exits 0 only if every check held. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

static sigjmp_buf env;
static volatile uint64_t saved_flags, fault_addr;
static volatile int code;

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	saved_flags = uc->uc_mcontext.gregs[REG_EFL];
	fault_addr = (uint64_t)si->si_addr;
	code = si->si_code;
	siglongjmp(env, sig);
}

/* store sets the arithmetic flags from want (through popf) right before
 * a store to p, which faults. */
static void store(volatile uint64_t *p, uint64_t want)
{
	__asm__ volatile("pushq %1\n\tpopfq\n\tmovq $1, (%0)" : : "r"(p), "r"(want) : "memory", "cc");
}

int main(void)
{
	static const uint64_t patterns[] = {0x202, 0x2d7, 0xa93, 0x246, 0x8d7};
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	uint64_t *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED)
		return 2;
	int bad = 0;
	for (unsigned i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
		int sig = sigsetjmp(env, 1);
		if (sig == 0) {
			store(ro + i, patterns[i]);
			bad++; /* not reached */
			continue;
		}
		uint64_t got = saved_flags & 0x8d5;
		printf("%d: signal %d code %d addr ok %d flags %#llx want %#llx\n", i, sig, code,
		       fault_addr == (uint64_t)(ro + i), (unsigned long long)got,
		       (unsigned long long)(patterns[i] & 0x8d5));
		if (sig != SIGSEGV || code != SEGV_ACCERR || fault_addr != (uint64_t)(ro + i) ||
		    got != (patterns[i] & 0x8d5))
			bad++;
	}
	return bad;
}
