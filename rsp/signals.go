package rsp

// GDB's remote protocol numbers signals its own way (gdb/signals.def);
// stubs map Linux's numbers to GDB's in their stop replies and back in
// continue-with-signal packets. gdbToLinux is that mapping for x86-64
// Linux, by GDB number; 0 marks GDB signals Linux does not have (SIGEMT,
// SIGLOST, SIGPOLL's alias, SIGCANCEL, ...).
var gdbToLinux = func() [79]int {
	var t [79]int
	for gdb, linux := range map[int]int{
		1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, // HUP INT QUIT ILL TRAP ABRT
		8: 8, 9: 9, 10: 7, 11: 11, 12: 31, 13: 13, 14: 14, 15: 15, // FPE KILL BUS SEGV SYS PIPE ALRM TERM
		16: 23, 17: 19, 18: 20, 19: 18, 20: 17, 21: 21, 22: 22, 23: 29, // URG STOP TSTP CONT CHLD TTIN TTOU IO
		24: 24, 25: 25, 26: 26, 27: 27, 28: 28, // XCPU XFSZ VTALRM PROF WINCH
		30: 10, 31: 12, 32: 30, // USR1 USR2 PWR
		77: 32, 78: 64, // realtime 32 and 64 (33..63 are GDB's 45..75, below)
	} {
		t[gdb] = linux
	}
	for rt := 33; rt <= 63; rt++ {
		t[45+rt-33] = rt
	}
	return t
}()

// LinuxSignal converts a signal number of a stop reply to Linux's; a GDB
// number with no Linux counterpart stays as it is.
func LinuxSignal(gdb int) int {
	if gdb > 0 && gdb < len(gdbToLinux) && gdbToLinux[gdb] != 0 {
		return gdbToLinux[gdb]
	}
	return gdb
}

// GDBSignal converts a Linux signal number to GDB's, for
// continue-with-signal packets.
func GDBSignal(linux int) int {
	for gdb, l := range gdbToLinux {
		if l == linux {
			return gdb
		}
	}
	return linux
}
