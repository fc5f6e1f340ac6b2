package minimize

// ddmin is Zeller's delta debugging over items: it returns a subset of
// items, 1-minimal as far as test could tell, for which test holds,
// assuming it holds for all of items. test(keep) runs the case with only
// the items in keep; it must return false once the runs are spent, which
// ends the search with what held last. The empty set is tried first, as
// it is the common answer for pages and bytes.
func ddmin(items []int, test func(keep []int) bool) []int {
	if len(items) == 0 {
		return items
	}
	if test(nil) {
		return nil
	}
	cur := append([]int(nil), items...)
	n := 2
	for len(cur) >= 2 {
		chunks := split(cur, n)
		reduced := false
		for _, ch := range chunks {
			if len(ch) < len(cur) && test(ch) {
				cur, n, reduced = ch, 2, true
				break
			}
		}
		if !reduced && n > 2 {
			for i := range chunks {
				comp := complement(chunks, i)
				if test(comp) {
					cur, n, reduced = comp, max(n-1, 2), true
					break
				}
			}
		}
		if !reduced {
			if n >= len(cur) {
				break
			}
			n = min(2*n, len(cur))
		}
	}
	return cur
}

// split cuts s into n parts of near-equal length, none empty.
func split(s []int, n int) [][]int {
	n = min(n, len(s))
	out := make([][]int, 0, n)
	start := 0
	for i := range n {
		end := start + (len(s)-start)/(n-i)
		out = append(out, s[start:end])
		start = end
	}
	return out
}

// complement joins every chunk but the i-th.
func complement(chunks [][]int, i int) []int {
	var out []int
	for j, ch := range chunks {
		if j != i {
			out = append(out, ch...)
		}
	}
	return out
}
