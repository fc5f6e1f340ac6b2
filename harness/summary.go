package harness

import (
	"fmt"
	"strings"
)

// limitWord names a limit in a report: "step" or "time".
func limitWord(limit string) string {
	if limit == LimitSteps {
		return "step"
	}
	return limit
}

// notComparedCategory sorts a not-compared reason into a short category.
func notComparedCategory(reason string) string {
	switch {
	case reason == "ignored":
		return "ignored"
	case strings.HasPrefix(reason, "bits "):
		return "imprecise bits"
	case strings.Contains(reason, "kernel state"):
		return "kernel state"
	case strings.Contains(reason, "gdbstub"):
		return "not reported by QEMU's stub"
	}
	return "not modelled"
}

// notComparedSummary is one short line: the count and the categories, with
// the registers of each ("16 registers: kernel state 7 (k_gs_base cr0 ...)").
func notComparedSummary(nc []NotCompared) string {
	var order []string
	regs := map[string][]string{}
	for _, n := range nc {
		c := notComparedCategory(n.Reason)
		if _, ok := regs[c]; !ok {
			order = append(order, c)
		}
		regs[c] = append(regs[c], n.Register)
	}
	parts := make([]string, len(order))
	for i, c := range order {
		parts[i] = fmt.Sprintf("%s (%s)", c, strings.Join(regs[c], " "))
	}
	word := "registers"
	if len(nc) == 1 {
		word = "register"
	}
	return fmt.Sprintf("%d %s: %s", len(nc), word, strings.Join(parts, "; "))
}
