// Package machine describes what every lockstep target shares: the layout of
// an architecture's register file, snapshots of it, the guest's memory map,
// and the events that end a step. Targets (qemutrace, oracle, any gdbstub)
// and the harness all speak these types, so none of them imports another.
package machine
