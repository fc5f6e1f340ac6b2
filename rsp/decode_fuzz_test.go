package rsp

import (
	"bytes"
	"testing"
)

// decodeDataByByte is the plain definition decodeData optimizes: run-length
// expansion of the raw characters, each fed through the unescaper.
func decodeDataByByte(data []byte, limit int) ([]byte, bool) {
	var dst []byte
	prev, esc := -1, false
	for i := 0; i < len(data); i++ {
		b, n := data[i], 1
		if b == '*' {
			if prev < 0 || i+1 >= len(data) || data[i+1] < ' ' || data[i+1] > '~' {
				return nil, false
			}
			i++
			b, n = byte(prev), int(data[i])-29
		}
		prev = int(b)
		if len(dst)+n > limit { // raw characters count against the limit
			return nil, false
		}
		for ; n > 0; n-- {
			switch {
			case esc:
				dst, esc = append(dst, b^0x20), false
			case b == '}':
				esc = true
			default:
				dst = append(dst, b)
			}
		}
	}
	return dst, !esc
}

// FuzzDecodeData checks decodeData against its plain definition.
func FuzzDecodeData(f *testing.F) {
	for _, s := range []string{"", "abc", "0*!", "}]", "a}*!", "0* 1*\"}]x", "}", "*a", "ab*", "a*\x01", "}*}"} {
		f.Add([]byte(s), 64)
	}
	f.Fuzz(func(t *testing.T, data []byte, limit int) {
		if limit < 0 || limit > 1<<16 {
			return
		}
		want, ok := decodeDataByByte(data, limit)
		got, err := decodeData(nil, data, limit)
		if (err == nil) != ok || (ok && !bytes.Equal(got, want)) {
			t.Fatalf("decodeData(%q, %d) = %q, %v; want %q, ok %v", data, limit, got, err, want, ok)
		}
	})
}
