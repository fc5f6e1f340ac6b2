package rsp

import "testing"

func TestSignalMappingIsOneToOne(t *testing.T) {
	seen := map[int]int{}
	for gdb, l := range gdbToLinux {
		if l == 0 {
			continue
		}
		if prev, ok := seen[l]; ok {
			t.Errorf("Linux %d from GDB %d and %d", l, prev, gdb)
		}
		seen[l] = gdb
		if back := GDBSignal(l); back != gdb {
			t.Errorf("Linux %d maps back to GDB %d, want %d", l, back, gdb)
		}
	}
	if LinuxSignal(30) != 10 || LinuxSignal(10) != 7 || LinuxSignal(500) != 500 {
		t.Errorf("LinuxSignal(30, 10, 500) = %d %d %d", LinuxSignal(30), LinuxSignal(10), LinuxSignal(500))
	}
}
