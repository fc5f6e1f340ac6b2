package harness

import (
	"fmt"
	"slices"
)

func hex64(v uint64) string { return fmt.Sprintf("%#x", v) }

func le(b []byte) uint64 {
	var v uint64
	for i := min(len(b), 8) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// putLE stores the low bytes of v into b, little-endian.
func putLE(b []byte, v uint64) {
	for i := 0; i < len(b) && i < 8; i++ {
		b[i] = byte(v >> (8 * i))
	}
}
