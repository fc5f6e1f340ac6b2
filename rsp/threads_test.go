package rsp_test

import (
	"errors"
	"reflect"
	"testing"

	"lockstep/rsp"
	"lockstep/rsp/rsptest"
)

// TestThreadList checks the framing of qfThreadInfo/qsThreadInfo and its
// error paths on a fake stub; QEMU's own answer is measured in qemutrace.
func TestThreadList(t *testing.T) {
	tests := []struct {
		name    string
		replies []string // to qfThreadInfo, then each qsThreadInfo
		want    []string
		wantErr error // nil: no error; errAny: some error
	}{
		{"one packet", []string{"mp01.3816", "l"}, []string{"p01.3816"}, nil},
		{"several", []string{"mp01.a,p01.b", "mp01.c", "l"}, []string{"p01.a", "p01.b", "p01.c"}, nil},
		{"empty list", []string{"l"}, nil, nil},
		{"unsupported", []string{""}, nil, rsp.ErrUnsupported},
		{"garbage", []string{"xyz"}, nil, errAny},
		{"error reply", []string{"E01"}, nil, errAny},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			c, _ := connect(t, nil, withHandshake(func(cmd string) rsptest.Response {
				if cmd != "qfThreadInfo" && cmd != "qsThreadInfo" || (cmd == "qfThreadInfo") != (n == 0) {
					return rsptest.Response{}
				}
				r := tc.replies[min(n, len(tc.replies)-1)]
				n++
				return rsptest.Reply(r)
			}))
			got, err := c.ThreadList(testContext(t))
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("error %v", err)
			case tc.wantErr == errAny && err == nil, tc.wantErr != nil && tc.wantErr != errAny && !errors.Is(err, tc.wantErr):
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("threads %q, want %q", got, tc.want)
			}
		})
	}
}

// errAny stands for "some error" in tables.
var errAny = errors.New("any error")
