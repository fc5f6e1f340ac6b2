package corpus

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is one part of a corpus split across machines (a CI matrix): part
// I of N, counted from 1.
type Shard struct{ I, N int }

// ParseShard parses "I/N" with 1 <= I <= N.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, fmt.Errorf("corpus: shard %q: want I/N with 1 <= I <= N", s)
	}
	return Shard{I: i, N: n}, nil
}

// Select keeps this shard's entries: every N-th one of the entries in
// name order, starting at the I-th, so that the N shards of a list are
// disjoint, cover it, and differ in size by one at most.
func (s Shard) Select(entries []Entry) []Entry {
	if s.N <= 1 {
		return entries
	}
	var out []Entry
	for k, e := range entries {
		if k%s.N == s.I-1 {
			out = append(out, e)
		}
	}
	return out
}
