package corpus

import (
	"bytes"
	"strings"
)

// SetKeys rewrites a manifest's text with the given keys set to the given
// values, in place: an existing "key: value" line is replaced, a missing
// key is appended, and comments, blank lines and the order of other lines
// are kept. An empty value removes the key. It is how `lockstep corpus
// record` writes what a run found into an entry's manifest.
func SetKeys(data []byte, kv [][2]string) []byte {
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	for _, p := range kv {
		key, value := p[0], p[1]
		found := false
		out := lines[:0:0]
		for _, l := range lines {
			k, _, ok := strings.Cut(l, ":")
			if ok && strings.TrimSpace(k) == key && !strings.HasPrefix(strings.TrimSpace(l), "#") {
				if !found && value != "" {
					out = append(out, key+": "+value)
				}
				found = true
				continue
			}
			out = append(out, l)
		}
		if !found && value != "" {
			out = append(out, key+": "+value)
		}
		lines = out
	}
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}
