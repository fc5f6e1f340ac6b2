package gdbtarget

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"lockstep/rsp/rsptest"
)

// goodStub answers like a minimal x86-64 stub; bad replaces some answers.
func goodStub(bad func(cmd string) (rsptest.Response, bool)) rsptest.Handler {
	return func(cmd string) rsptest.Response {
		if r, ok := bad(cmd); ok {
			return r
		}
		switch {
		case strings.HasPrefix(cmd, "qSupported"):
			return rsptest.Reply("PacketSize=1000;qXfer:features:read+")
		case strings.HasPrefix(cmd, "qXfer:features:read:target.xml"):
			return rsptest.Reply(`l<target><architecture>i386:x86-64</architecture><feature name="org.gnu.gdb.i386.core"><reg name="rax" bitsize="64"/><reg name="rip" bitsize="64"/></feature></target>`)
		case cmd == "?":
			return rsptest.Reply("S05")
		case cmd == "g":
			return rsptest.Reply(strings.Repeat("00", 16))
		}
		return rsptest.Response{}
	}
}

func TestBadPeers(t *testing.T) {
	tests := []struct {
		name string
		bad  func(cmd string) (rsptest.Response, bool)
		want string
	}{
		{"disconnects", func(cmd string) (rsptest.Response, bool) {
			return rsptest.Response{Hangup: true, NoReply: true}, strings.HasPrefix(cmd, "qSupported")
		}, "handshake"},
		{"garbage", func(cmd string) (rsptest.Response, bool) {
			return rsptest.Response{Raw: []byte("$%%%%garbage#zz not a packet")}, strings.HasPrefix(cmd, "qXfer")
		}, "gdbtarget"},
		{"silent", func(cmd string) (rsptest.Response, bool) {
			return rsptest.Response{NoReply: true}, cmd == "?"
		}, "initial stop"},
		{"no g", func(cmd string) (rsptest.Response, bool) {
			return rsptest.Response{}, cmd == "g"
		}, "does not report registers"},
		{"no target description", func(cmd string) (rsptest.Response, bool) {
			return rsptest.Response{}, strings.HasPrefix(cmd, "qXfer")
		}, "no layout file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub, err := rsptest.NewUnix(goodStub(tt.bad))
			if err != nil {
				t.Fatal(err)
			}
			defer stub.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := time.Now()
			tg, err := Start(ctx, Config{Spec: Spec{Kind: Unix, Address: stub.Address()}, StartTimeout: 2 * time.Second})
			if err == nil {
				tg.Close()
				t.Fatal("Start accepted a bad peer")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v to give up", d)
			}
		})
	}
}

// TestGoodFakeStub checks the fake is good when nothing is replaced, so
// that the bad-peer cases fail for their own reason.
func TestGoodFakeStub(t *testing.T) {
	stub, err := rsptest.NewUnix(goodStub(func(string) (rsptest.Response, bool) { return rsptest.Response{}, false }))
	if err != nil {
		t.Fatal(err)
	}
	defer stub.Close()
	tg, err := Start(context.Background(), Config{Spec: Spec{Kind: Unix, Address: stub.Address()}, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if tg.Layout().Index("rip") != 1 {
		t.Errorf("layout %+v", tg.Layout().Regs)
	}
}

// TestStepSyscall: a syscall is run to a breakpoint after it (QEMU's single
// step would run the next instruction too), and stepped plainly by a stub
// without breakpoints.
func TestStepSyscall(t *testing.T) {
	tests := []struct {
		name     string
		z0       bool
		wantCmds []string // in order, among the resumes and breakpoints
	}{
		{"breakpoints", true, []string{"Z0,2,1", "c", "z0,2,1"}},
		{"no breakpoints", false, []string{"Z0,2,1", "s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var cmds []string
			stub, err := rsptest.NewUnix(goodStub(func(cmd string) (rsptest.Response, bool) {
				mu.Lock()
				defer mu.Unlock()
				switch {
				case strings.HasPrefix(cmd, "Z0") || strings.HasPrefix(cmd, "z0"):
					cmds = append(cmds, cmd)
					if tt.z0 {
						return rsptest.Reply("OK"), true
					}
					return rsptest.Response{}, true
				case cmd == "c" || cmd == "s":
					cmds = append(cmds, cmd)
					return rsptest.Reply("S05"), true
				}
				return rsptest.Response{}, false
			}))
			if err != nil {
				t.Fatal(err)
			}
			defer stub.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			tg, err := Start(ctx, Config{Spec: Spec{Kind: Unix, Address: stub.Address()}, Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer tg.Close()
			if _, err := tg.StepSyscall(ctx, tg.PC()+2); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if strings.Join(cmds, " ") != strings.Join(tt.wantCmds, " ") {
				t.Errorf("commands %q, want %q", cmds, tt.wantCmds)
			}
		})
	}
}
