package harness

import "lockstep/machine"

// syscallWrites says which user memory a Linux x86-64 system call may have
// written, so that the follower fetches just that again from the
// reference: a range [start, end), or all when the call is not known (a
// conservative answer costs only refetches). Calls that write nothing
// return an empty range.
func syscallWrites(s *machine.SyscallInfo) (start, end uint64, all bool) {
	if s == nil {
		return 0, 0, true
	}
	a := s.Args
	res := s.Result
	failed := res > ^uint64(4095)
	span := func(addr, n uint64) (uint64, uint64, bool) {
		if failed || addr == 0 {
			return 0, 0, false
		}
		return addr, addr + n, false
	}
	switch s.Number {
	case 0, 17: // read, pread64
		return span(a[1], res)
	case 89, 79, 318: // readlink, getcwd, getrandom: buffer, result bytes
		if s.Number == 318 {
			return span(a[0], res)
		}
		if s.Number == 79 {
			return span(a[0], a[1])
		}
		return span(a[1], res)
	case 5: // fstat
		return span(a[1], 144)
	case 4, 6: // stat, lstat
		return span(a[1], 144)
	case 262: // newfstatat
		return span(a[2], 144)
	case 13: // rt_sigaction: old action
		return span(a[2], 32)
	case 14: // rt_sigprocmask: old set
		return span(a[2], a[3])
	case 63: // uname
		return span(a[0], 390)
	case 97: // getrlimit
		return span(a[1], 16)
	case 302: // prlimit64: old limit
		return span(a[3], 16)
	case 228: // clock_gettime
		return span(a[1], 16)
	case 99: // sysinfo
		return span(a[0], 112)
	case 204: // sched_getaffinity
		return span(a[2], res)
	case 158: // arch_prctl: ARCH_GET_FS/GS write a word
		if a[0] == 0x1003 || a[0] == 0x1004 {
			return span(a[1], 8)
		}
		return 0, 0, false
	case 1, 2, 3, 8, 10, 11, 12, 20, 21, 24, 32, 33, 39, 60, 62, 102, 104, 107, 108, 110, 186,
		218, 231, 234, 257, 273, 334:
		// write, open, close, lseek, mprotect, munmap, brk, writev, access,
		// sched_yield, dup, dup2, getpid, exit, kill, getuid, getgid,
		// geteuid, getegid, getppid, gettid, set_tid_address, exit_group,
		// tgkill, openat, set_robust_list, rseq.
		return 0, 0, false
	}
	return 0, 0, true
}
