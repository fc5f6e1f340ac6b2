package rsp

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestDecodePacket(t *testing.T) {
	tests := []struct {
		name  string
		frame string
		want  string // "" with err set means an error is expected
		err   bool
	}{
		{"empty payload", "$#00", "", false},
		{"OK", "$OK#9a", "OK", false},
		{"uppercase checksum", "$OK#9A", "OK", false},
		{"notification", "%Stop:T05#99", "Stop:T05", false},
		{"escaped specials", "$}\x03}\x04}]}\x0a#" + sumHex("}\x03}\x04}]}\x0a"), "#$}*", false},
		{"escaped arbitrary byte", "$}\x10#" + sumHex("}\x10"), "0", false},
		{"run length", "$0* #" + sumHex("0* "), "0000", false},
		{"run length max", "$a*~#" + sumHex("a*~"), strings.Repeat("a", 98), false},
		{"run length twice", "$a*!*!#" + sumHex("a*!*!"), strings.Repeat("a", 9), false},
		{"run length of escape's second byte", "$}]*!#" + sumHex("}]*!"), "}]]]]", false},
		{"bad checksum", "$OK#00", "", true},
		{"checksum not hex", "$OK#zz", "", true},
		{"no hash", "$OK", "", true},
		{"no start", "OK#9a", "", true},
		{"trailing bytes", "$OK#9a+", "", true},
		{"short checksum", "$OK#9", "", true},
		{"dollar inside", "$O$K#" + sumHex("O$K"), "", true},
		{"run length at start", "$*!#" + sumHex("*!"), "", true},
		{"run length without count", "$a*#" + sumHex("a*"), "", true},
		{"run length count not printable", "$a*\x1f#" + sumHex("a*\x1f"), "", true},
		{"escape at end", "$a}#" + sumHex("a}"), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodePacket(nil, []byte(tt.frame))
			if tt.err {
				if err == nil {
					t.Fatalf("DecodePacket(%q) = %q, want an error", tt.frame, got)
				}
				if !errors.Is(err, errMalformed) {
					t.Errorf("error %v does not wrap errMalformed", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodePacket(%q): %v", tt.frame, err)
			}
			if string(got) != tt.want {
				t.Errorf("DecodePacket(%q) = %q, want %q", tt.frame, got, tt.want)
			}
		})
	}
}

func sumHex(data string) string {
	s := checksum([]byte(data))
	return string([]byte{hexDigits[s>>4], hexDigits[s&15]})
}

func TestAppendPacket(t *testing.T) {
	tests := []struct{ payload, want string }{
		{"", "$#00"},
		{"g", "$g#67"},
		{"qSupported", "$qSupported#37"},
		{"a$b#c}d*e", "$a}\x04b}\x03c}]d}\x0ae#" + sumHex("a}\x04b}\x03c}]d}\x0ae")},
	}
	for _, tt := range tests {
		got := AppendPacket([]byte("+"), []byte(tt.payload))
		if string(got) != "+"+tt.want {
			t.Errorf("AppendPacket(%q) = %q, want %q", tt.payload, got, "+"+tt.want)
		}
		back, err := DecodePacket(nil, got[1:])
		if err != nil || string(back) != tt.payload {
			t.Errorf("round trip of %q gave %q, %v", tt.payload, back, err)
		}
	}
}

func TestDecodeDataLimit(t *testing.T) {
	for _, data := range []string{"0123456789", "0*~", "}]}]}]}]}]}]}]}]}]}]"} {
		if _, err := decodeData(nil, []byte(data), 9); err == nil {
			t.Errorf("decodeData(%q) with limit 9 succeeded", data)
		}
	}
	if got, err := decodeData(nil, []byte("0* "), 4); err != nil || string(got) != "0000" {
		t.Errorf("decodeData at the limit = %q, %v", got, err)
	}
}

func TestDecodeHex(t *testing.T) {
	tests := []struct {
		in   string
		want []byte
		err  bool
	}{
		{"00ff7A", []byte{0, 0xff, 0x7a}, false},
		{"xxxx01", []byte{0, 0, 1}, false},
		{"0", nil, true},
		{"0g", []byte{0}, true},
		{"", []byte{}, false},
	}
	for _, tt := range tests {
		dst := make([]byte, len(tt.want))
		if tt.want == nil {
			dst = make([]byte, len(tt.in)/2+1)
		}
		err := decodeHex(dst, []byte(tt.in))
		if (err != nil) != tt.err {
			t.Errorf("decodeHex(%q) error %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if !tt.err && !bytes.Equal(dst, tt.want) {
			t.Errorf("decodeHex(%q) = % x, want % x", tt.in, dst, tt.want)
		}
	}
}

func TestAppendHexUint(t *testing.T) {
	for v, want := range map[uint64]string{0: "0", 0xf: "f", 0x401000: "401000", ^uint64(0): "ffffffffffffffff"} {
		if got := string(appendHexUint(nil, v)); got != want {
			t.Errorf("appendHexUint(%#x) = %q, want %q", v, got, want)
		}
	}
}

func TestParseError(t *testing.T) {
	tests := []struct {
		reply string
		code  int
		text  string
		isErr bool
	}{
		{"E16", 0x16, "", true},
		{"E.no such file", -1, "no such file", true},
		{"E1", 0, "", false},
		{"E123", 0, "", false},
		{"Eg1", 0, "", false},
		{"OK", 0, "", false},
		{"", 0, "", false},
	}
	for _, tt := range tests {
		e := parseError([]byte(tt.reply), []byte("m1000,4"))
		if (e != nil) != tt.isErr {
			t.Errorf("parseError(%q) = %v, want error %v", tt.reply, e, tt.isErr)
			continue
		}
		if e != nil && (e.Code != tt.code || e.Text != tt.text || e.Command != "m1000,4") {
			t.Errorf("parseError(%q) = %+v", tt.reply, e)
		}
	}
}
