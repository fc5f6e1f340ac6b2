package qemutrace

import "lockstep/machine"

// fetchable reports whether the instruction at pc can be read: its page is
// mapped with some permission (the map follows mprotect and munmap). An
// unmapped or PROT_NONE page is not a tool error: the step faults.
func (t *Tracer) fetchable(pc uint64) bool {
	r, ok := t.mem.Find(pc)
	return ok && r.Perm&(machine.PermRead|machine.PermExec) != 0
}
