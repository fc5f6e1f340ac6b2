package harness

import (
	"bytes"
	"slices"

	"lockstep/machine"
)

// history is a fixed ring of the last n steps: the pc and the reference's
// registers after each. Nothing grows with the run.
type history struct {
	pcs   []uint64
	steps []uint64
	snaps []*machine.Snapshot
	next  int
	full  bool
	base  *machine.Snapshot // the state before the oldest entry, when not full
}

func newHistory(n int, initial *machine.Snapshot) *history {
	h := &history{pcs: make([]uint64, n+2), steps: make([]uint64, n+2), snaps: make([]*machine.Snapshot, n+2), base: initial.Clone()}
	for i := range h.snaps {
		h.snaps[i] = initial.Layout.NewSnapshot()
	}
	return h
}

func (h *history) push(step, pc uint64, after *machine.Snapshot) {
	h.pcs[h.next], h.steps[h.next] = pc, step
	h.snaps[h.next].CopyFrom(after)
	h.next++
	if h.next == len(h.pcs) {
		h.next, h.full = 0, true
	}
}

// entries returns the history before the current instruction (at pc),
// oldest first, with the registers each instruction changed. The newest
// pushed entry is the current instruction when its pc matches.
func (h *history) entries(decode func(pc uint64) Instruction, pc uint64) []HistoryEntry {
	n := len(h.pcs)
	var order []int
	if h.full {
		for i := 0; i < n; i++ {
			order = append(order, (h.next+i)%n)
		}
	} else {
		for i := 0; i < h.next; i++ {
			order = append(order, i)
		}
	}
	// Drop the current instruction itself, if it was pushed.
	if len(order) > 0 && h.pcs[order[len(order)-1]] == pc {
		order = order[:len(order)-1]
	}
	var out []HistoryEntry
	for k, i := range order {
		var prev *machine.Snapshot
		switch {
		case k > 0:
			prev = h.snaps[order[k-1]]
		case !h.full:
			prev = h.base
		default:
			continue // the oldest entry of a full ring only serves as a base
		}
		e := HistoryEntry{Step: h.steps[i], Instruction: decode(h.pcs[i])}
		cur := h.snaps[i]
		for j, reg := range cur.Layout.Regs {
			if !bytes.Equal(prev.Reg(j), cur.Reg(j)) {
				e.Changed = append(e.Changed, RegChange{Name: reg.Name, Value: slices.Clone(cur.Reg(j))})
			}
		}
		out = append(out, e)
	}
	return out
}
