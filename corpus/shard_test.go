package corpus

import (
	"fmt"
	"testing"
)

func TestShard(t *testing.T) {
	for _, bad := range []string{"", "1", "0/3", "4/3", "a/b", "1/0", "-1/2"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
	var entries []Entry
	for i := range 11 {
		entries = append(entries, Entry{Name: fmt.Sprintf("c/e%02d", i)})
	}
	for n := 1; n <= 4; n++ {
		seen := map[string]int{}
		for i := 1; i <= n; i++ {
			s, err := ParseShard(fmt.Sprintf("%d/%d", i, n))
			if err != nil {
				t.Fatal(err)
			}
			part := s.Select(entries)
			if len(part) < len(entries)/n || len(part) > len(entries)/n+1 {
				t.Errorf("shard %d/%d has %d entries", i, n, len(part))
			}
			for _, e := range part {
				seen[e.Name]++
			}
		}
		if len(seen) != len(entries) {
			t.Errorf("%d shards cover %d of %d entries", n, len(seen), len(entries))
		}
		for name, c := range seen {
			if c != 1 {
				t.Errorf("%d shards: %s in %d shards", n, name, c)
			}
		}
	}
}
