package rsp

import (
	"bytes"
	"errors"
	"fmt"
)

const hexDigits = "0123456789abcdef"

// hexVal maps an ASCII hex digit to its value and anything else to 0xff.
// It is computed once and never written afterwards.
var hexVal = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := byte(0); i < 10; i++ {
		t['0'+i] = i
	}
	for i := byte(0); i < 6; i++ {
		t['a'+i] = 10 + i
		t['A'+i] = 10 + i
	}
	return t
}()

// hexValX is hexVal with 'x', GDB's digit for an unavailable value, as 0.
var hexValX = func() [256]byte {
	t := hexVal
	t['x'] = 0
	return t
}()

// errMalformed marks a packet whose framing, checksum or encoding is broken.
var errMalformed = errors.New("malformed packet")

// checksum is the RSP checksum: the sum of the bytes modulo 256.
func checksum(b []byte) byte {
	var s byte
	for _, c := range b {
		s += c
	}
	return s
}

// needsEscape reports whether b must be escaped inside a packet's data.
func needsEscape(b byte) bool {
	return b == '$' || b == '#' || b == '}' || b == '*'
}

// AppendPacket appends payload framed as a packet, "$data#cs", to dst.
// Bytes that would break the framing ('$', '#', '}' and '*') are escaped as
// '}' followed by the byte xor 0x20, so payload may be binary.
func AppendPacket(dst, payload []byte) []byte {
	dst = append(dst, '$')
	start := len(dst)
	for _, b := range payload {
		if needsEscape(b) {
			dst = append(dst, '}', b^0x20)
		} else {
			dst = append(dst, b)
		}
	}
	sum := checksum(dst[start:])
	return append(dst, '#', hexDigits[sum>>4], hexDigits[sum&15])
}

// DecodePacket decodes one whole packet, "$data#cs" or a notification
// "%data#cs", verifying its checksum and resolving run-length encoding and
// escapes. The payload is appended to dst. Trailing bytes after the checksum
// are an error, as is anything before the '$' or '%'.
func DecodePacket(dst, frame []byte) (payload []byte, err error) {
	if len(frame) < 4 || (frame[0] != '$' && frame[0] != '%') {
		return dst, fmt.Errorf("rsp: %w: no '$' or '%%' at start", errMalformed)
	}
	end := bytes.IndexByte(frame, '#')
	if end < 0 {
		return dst, fmt.Errorf("rsp: %w: no '#' after the data", errMalformed)
	}
	if len(frame) != end+3 {
		return dst, fmt.Errorf("rsp: %w: want two checksum digits and nothing more after '#'", errMalformed)
	}
	data := frame[1:end]
	if bytes.IndexByte(data, '$') >= 0 {
		return dst, fmt.Errorf("rsp: %w: '$' inside the data", errMalformed)
	}
	want, ok := parseChecksum(frame[end+1], frame[end+2])
	if !ok {
		return dst, fmt.Errorf("rsp: %w: checksum %q is not hex", errMalformed, frame[end+1:])
	}
	if got := checksum(data); got != want {
		return dst, fmt.Errorf("rsp: %w: checksum %02x, computed %02x", errMalformed, want, got)
	}
	// Unescaped data can grow at most 97-fold through run-length encoding,
	// so the frame itself bounds the output here.
	return decodeData(dst, data, len(data)*97)
}

// parseChecksum parses the two hex digits after '#'.
func parseChecksum(hi, lo byte) (byte, bool) {
	h, l := hexVal[hi], hexVal[lo]
	if h > 15 || l > 15 {
		return 0, false
	}
	return h<<4 | l, true
}

// decodeData appends the decoded form of a packet's raw data (between '$'
// and '#') to dst, failing if the result would exceed limit bytes.
//
// GDB applies run-length expansion to the raw characters first and removes
// escapes afterwards, so a run repeats the previous raw character; one pass
// that feeds repeated raw characters through the unescaper does the same.
func decodeData(dst, data []byte, limit int) ([]byte, error) {
	// Fast path: most replies (hex registers, memory) need no decoding.
	if bytes.IndexByte(data, '}') < 0 && bytes.IndexByte(data, '*') < 0 {
		if len(dst)+len(data) > limit {
			return dst, fmt.Errorf("rsp: %w: decoded data exceeds %d bytes", errMalformed, limit)
		}
		return append(dst, data...), nil
	}
	prev := -1 // previous raw character, -1 at the start
	esc := false
	for i := 0; i < len(data); i++ {
		if !esc {
			// Copy the plain characters up to the next marker at once:
			// a run-length encoded register file is mostly plain hex.
			k := 0
			for i+k < len(data) && data[i+k] != '*' && data[i+k] != '}' {
				k++
			}
			if k > 0 {
				if len(dst)+k > limit {
					return dst, fmt.Errorf("rsp: %w: decoded data exceeds %d bytes", errMalformed, limit)
				}
				dst = append(dst, data[i:i+k]...)
				prev = int(data[i+k-1])
				i += k - 1
				continue
			}
		}
		b := data[i]
		n := 1
		if b == '*' {
			if prev < 0 {
				return dst, fmt.Errorf("rsp: %w: run-length marker at the start of the data", errMalformed)
			}
			if i+1 >= len(data) {
				return dst, fmt.Errorf("rsp: %w: run-length marker without a count", errMalformed)
			}
			i++
			c := data[i]
			if c < ' ' || c > '~' {
				return dst, fmt.Errorf("rsp: %w: run-length count %#x is not printable", errMalformed, c)
			}
			b, n = byte(prev), int(c)-29
		}
		prev = int(b)
		if len(dst)+n > limit {
			return dst, fmt.Errorf("rsp: %w: decoded data exceeds %d bytes", errMalformed, limit)
		}
		if !esc && b != '}' {
			for ; n > 0; n-- {
				dst = append(dst, b)
			}
			continue
		}
		for ; n > 0; n-- {
			switch {
			case esc:
				dst = append(dst, b^0x20)
				esc = false
			case b == '}':
				esc = true
			default:
				dst = append(dst, b)
			}
		}
	}
	if esc {
		return dst, fmt.Errorf("rsp: %w: escape character at the end of the data", errMalformed)
	}
	return dst, nil
}

// appendHex appends the lowercase hex encoding of src to dst.
func appendHex(dst, src []byte) []byte {
	for _, b := range src {
		dst = append(dst, hexDigits[b>>4], hexDigits[b&15])
	}
	return dst
}

// appendHexUint appends v in lowercase hex without leading zeros.
func appendHexUint(dst []byte, v uint64) []byte {
	var buf [16]byte
	i := len(buf)
	for {
		i--
		buf[i] = hexDigits[v&15]
		v >>= 4
		if v == 0 {
			break
		}
	}
	return append(dst, buf[i:]...)
}

// decodeHex decodes src, which must hold exactly 2*len(dst) hex digits,
// into dst. An 'x' digit (GDB's "value unavailable") decodes as zero.
func decodeHex(dst, src []byte) error {
	if len(src) != 2*len(dst) {
		return fmt.Errorf("%d hex digits, want %d", len(src), 2*len(dst))
	}
	for i := range dst {
		h, l := hexValX[src[2*i]], hexValX[src[2*i+1]]
		if h > 15 || l > 15 {
			return fmt.Errorf("bad hex digit in %q", src[2*i:2*i+2])
		}
		dst[i] = h<<4 | l
	}
	return nil
}

// parseHexUint parses a non-empty hex number of at most 16 digits.
func parseHexUint(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 16 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		d := hexVal[c]
		if d > 15 {
			return 0, false
		}
		v = v<<4 | uint64(d)
	}
	return v, true
}

// isHex reports whether b is a non-empty string of hex digits.
func isHex(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if hexVal[c] > 15 {
			return false
		}
	}
	return true
}
