package qemutrace

import (
	"testing"

	"lockstep/machine"
)

func TestSignalMapping(t *testing.T) {
	tests := []struct {
		gdb, linux int
		name       string
	}{
		{30, 10, "SIGUSR1"}, {31, 12, "SIGUSR2"}, {11, 11, "SIGSEGV"}, {8, 8, "SIGFPE"}, {4, 4, "SIGILL"},
		{10, 7, "SIGBUS"}, {14, 14, "SIGALRM"}, {20, 17, "SIGCHLD"}, {6, 6, "SIGABRT"}, {12, 31, "SIGSYS"},
		{26, 26, "SIGVTALRM"}, {27, 27, "SIGPROF"}, {77, 32, "SIGRTMIN"}, {45, 33, "SIGRTMIN+1"}, {78, 64, "SIGRTMIN+32"},
	}
	for _, tt := range tests {
		if got := linuxSignal(tt.gdb); got != tt.linux {
			t.Errorf("GDB %d: Linux %d, want %d", tt.gdb, got, tt.linux)
		}
		if got := gdbSignal(tt.linux); got != tt.gdb {
			t.Errorf("Linux %d: GDB %d, want %d", tt.linux, got, tt.gdb)
		}
		if got := machine.SignalName(tt.linux); got != tt.name {
			t.Errorf("Linux %d: name %q, want %q", tt.linux, got, tt.name)
		}
	}
}
