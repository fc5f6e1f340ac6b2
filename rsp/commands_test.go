package rsp_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"lockstep/rsp"
	"lockstep/rsp/rsptest"
)

func TestRegisters(t *testing.T) {
	var written string
	c, _ := connect(t, nil, withHandshake(func(cmd string) rsptest.Response {
		switch {
		case cmd == "g":
			return rsptest.Reply("0102xxxx0304")
		case cmd == "p10":
			return rsptest.Reply("efbe")
		case cmd == "p11":
			return rsptest.Reply("E45")
		case strings.HasPrefix(cmd, "G"), strings.HasPrefix(cmd, "P"):
			written = cmd
			return rsptest.Reply("OK")
		}
		return rsptest.Response{}
	}))
	ctx := testContext(t)
	regs := make([]byte, 6)
	if err := c.ReadRegisters(ctx, regs); err != nil {
		t.Fatal(err)
	}
	if want := []byte{1, 2, 0, 0, 3, 4}; !bytes.Equal(regs, want) {
		t.Errorf("registers % x, want % x (unavailable as zero)", regs, want)
	}
	if err := c.ReadRegisters(ctx, make([]byte, 8)); err == nil {
		t.Error("length mismatch accepted")
	}
	one := make([]byte, 2)
	if err := c.ReadRegister(ctx, 16, one); err != nil || !bytes.Equal(one, []byte{0xef, 0xbe}) {
		t.Errorf("ReadRegister(16) = % x, %v", one, err)
	}
	var e *rsp.Error
	if err := c.ReadRegister(ctx, 17, one); !errors.As(err, &e) || e.Code != 0x45 {
		t.Errorf("ReadRegister(17) error %v, want *Error 45", err)
	}
	if err := c.WriteRegisters(ctx, []byte{0xde, 0xad}); err != nil || written != "Gdead" {
		t.Errorf("WriteRegisters sent %q, %v", written, err)
	}
	if err := c.WriteRegister(ctx, 26, []byte{0x01, 0xff}); err != nil || written != "P1a=01ff" {
		t.Errorf("WriteRegister sent %q, %v", written, err)
	}
	if err := c.ReadRegister(ctx, -1, one); err == nil {
		t.Error("negative register number accepted")
	}
}

// memoryStub serves 'm' and 'M' from a byte slice based at base, refusing
// reads longer than maxRead like QEMU (E22) and answering short reads past
// the end.
func memoryStub(mem []byte, base uint64, maxRead int, log *[]string) rsptest.Handler {
	return withHandshake(func(cmd string) rsptest.Response {
		*log = append(*log, cmd)
		switch cmd[0] {
		case 'm':
			a, n, ok := parseAddrLen(cmd[1:])
			if !ok || n > uint64(maxRead) {
				return rsptest.Reply("E22")
			}
			if a < base || a-base >= uint64(len(mem)) {
				return rsptest.Reply("E0e")
			}
			end := min(a-base+n, uint64(len(mem)))
			return rsptest.Reply(hex.EncodeToString(mem[a-base : end]))
		case 'M':
			head, data, _ := strings.Cut(cmd[1:], ":")
			a, n, ok := parseAddrLen(head)
			b, err := hex.DecodeString(data)
			if !ok || err != nil || uint64(len(b)) != n || a < base || a-base+n > uint64(len(mem)) {
				return rsptest.Reply("E01")
			}
			copy(mem[a-base:], b)
			return rsptest.Reply("OK")
		}
		return rsptest.Response{}
	})
}

func parseAddrLen(s string) (addr, n uint64, ok bool) {
	as, ns, found := strings.Cut(s, ",")
	a, err1 := strconv.ParseUint(as, 16, 64)
	l, err2 := strconv.ParseUint(ns, 16, 64)
	return a, l, found && err1 == nil && err2 == nil
}

func TestReadMemory(t *testing.T) {
	const base = 0x400000
	mem := make([]byte, 0x3000)
	for i := range mem {
		mem[i] = byte(i * 7)
	}
	tests := []struct {
		name    string
		dialer  rsp.Dialer
		addr    uint64
		n       int
		packets int
	}{
		{"small", rsp.Dialer{}, base + 3, 10, 1},
		{"one page in two packets", rsp.Dialer{}, base, 0x1000, 2},
		{"odd size", rsp.Dialer{}, base + 1, 0x1001, 3},
		{"MaxMemoryRead", rsp.Dialer{MaxMemoryRead: 0x100}, base, 0x1000, 16},
		{"MaxPacket", rsp.Dialer{MaxPacket: 0x400}, base, 0x1000, 8},
		{"nothing", rsp.Dialer{}, base, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log []string
			c, _ := connect(t, &tt.dialer, memoryStub(mem, base, 0x800, &log))
			log = nil
			got := make([]byte, tt.n)
			if err := c.ReadMemory(testContext(t), tt.addr, got); err != nil {
				t.Fatal(err)
			}
			if want := mem[tt.addr-base : tt.addr-base+uint64(tt.n)]; !bytes.Equal(got, want) {
				t.Error("memory differs")
			}
			if len(log) != tt.packets {
				t.Errorf("%d packets %q, want %d", len(log), log, tt.packets)
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		var log []string
		c, _ := connect(t, nil, memoryStub(mem, base, 0x800, &log))
		ctx := testContext(t)
		err := c.ReadMemory(ctx, base+0x2ff0, make([]byte, 0x20))
		if err == nil || !strings.Contains(err.Error(), "returned 16 of 32 bytes") {
			t.Errorf("partial read: %v", err)
		}
		var e *rsp.Error
		if err := c.ReadMemory(ctx, 0x1000, make([]byte, 4)); !errors.As(err, &e) || e.Code != 0xe {
			t.Errorf("unmapped read: %v, want *Error 0e", err)
		}
	})
}

func TestWriteMemory(t *testing.T) {
	const base = 0x10000
	mem := make([]byte, 0x2000)
	var log []string
	stub := memoryStub(mem, base, 0x800, &log)
	small := func(cmd string) rsptest.Response {
		if strings.HasPrefix(cmd, "qSupported") {
			return rsptest.Reply("PacketSize=100")
		}
		return stub(cmd)
	}
	c, _ := connect(t, nil, small)
	log = nil
	src := make([]byte, 1000)
	for i := range src {
		src[i] = byte(i ^ 0x5a)
	}
	if err := c.WriteMemory(testContext(t), base+5, src); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mem[5:1005], src) {
		t.Error("memory not written")
	}
	for _, cmd := range log {
		if len(cmd) > 0x100 {
			t.Errorf("packet of %d bytes exceeds PacketSize 0x100", len(cmd))
		}
	}
	if len(log) < 1000/0x80 {
		t.Errorf("only %d packets", len(log))
	}
	var e *rsp.Error
	if err := c.WriteMemory(testContext(t), 0, []byte{1}); !errors.As(err, &e) {
		t.Errorf("write to unmapped memory: %v, want *Error", err)
	}
}

func TestBreakpoints(t *testing.T) {
	c, stub := connect(t, nil, script(map[string]rsptest.Response{
		"Z0,401000,1": rsptest.Reply("OK"),
		"z0,401000,1": rsptest.Reply("OK"),
	}))
	ctx := testContext(t)
	if err := c.InsertBreakpoint(ctx, 0x401000, 1); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveBreakpoint(ctx, 0x401000, 1); err != nil {
		t.Fatal(err)
	}
	if err := c.InsertBreakpoint(ctx, 0x2000, 1); !errors.Is(err, rsp.ErrUnsupported) {
		t.Errorf("unsupported breakpoint: %v, want ErrUnsupported", err)
	}
	if got := stub.Commands()[1:]; !reflect.DeepEqual(got, []string{"Z0,401000,1", "z0,401000,1", "Z0,2000,1"}) {
		t.Errorf("commands %q", got)
	}
}

func TestKill(t *testing.T) {
	tests := []struct {
		name string
		resp rsptest.Response
	}{
		{"exit reply (QEMU)", rsptest.Reply("W00")},
		{"hangup without reply", rsptest.Response{NoReply: true, Hangup: true}},
		{"hangup before the ack", rsptest.Response{NoAck: true, NoReply: true, Hangup: true}},
		{"silence", rsptest.Response{NoReply: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, stub := connect(t, nil, script(map[string]rsptest.Response{"k": tt.resp}))
			start := time.Now()
			if err := c.Kill(testContext(t)); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Kill took %v", d)
			}
			if tt.resp.Reply != "" {
				// The exit packet must be acknowledged at once.
				deadline := time.Now().Add(2 * time.Second)
				for !strings.HasSuffix(string(stub.Received()), "$k#6b+") {
					if time.Now().After(deadline) {
						t.Fatalf("stub received %q, want the exit reply acked", stub.Received())
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
			if _, err := c.Step(testContext(t)); err == nil || !strings.Contains(err.Error(), "killed") {
				t.Errorf("Step after Kill: %v", err)
			}
		})
	}
}

// features serves documents through qXfer:features:read, honouring offset
// and length like a real stub.
func featuresStub(docs map[string]string, packetSize int) rsptest.Handler {
	return func(cmd string) rsptest.Response {
		if strings.HasPrefix(cmd, "qSupported") {
			return rsptest.Reply(fmt.Sprintf("PacketSize=%x;qXfer:features:read+", packetSize))
		}
		rest, ok := strings.CutPrefix(cmd, "qXfer:features:read:")
		if !ok {
			return rsptest.Response{}
		}
		i := strings.LastIndexByte(rest, ':')
		off, n, ok := parseAddrLen(rest[i+1:])
		doc, found := docs[rest[:i]]
		switch {
		case !ok:
			return rsptest.Reply("E01")
		case !found:
			return rsptest.Reply("E00")
		case off >= uint64(len(doc)):
			return rsptest.Reply("l")
		case off+n >= uint64(len(doc)):
			return rsptest.Reply("l" + doc[off:])
		}
		return rsptest.Reply("m" + doc[off:off+n])
	}
}

const (
	targetXML = `<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target xmlns:xi="http://www.w3.org/2001/XInclude">
  <architecture>i386:x86-64</architecture>
  <!-- <reg name="commented" bitsize="64"/> -->
  <xi:include href="core.xml"/>
  <xi:include href="sse.xml"/>
</target>`
	coreXML = `<?xml version="1.0"?>
<!DOCTYPE feature SYSTEM "gdb-target.dtd">
<feature name="org.gnu.gdb.i386.core">
  <flags id="i386_eflags" size="4"><field name="CF" start="0" end="0"/></flags>
  <reg name="rax" bitsize="64" type="int64"/>
  <reg name="rbx" bitsize="64" type="int64"/>
  <!-- rip comes later in the file but earlier in number -->
  <reg name="eflags" bitsize="32" type="i386_eflags" regnum="3"/>
  <reg name="rip" bitsize="64" type="code_ptr" regnum="2"/>
  <reg name="st0" bitsize="80" type="i387_ext" group="float" regnum="4"/>
</feature>`
	sseXML = `<feature name="org.gnu.gdb.i386.sse">
  <vector id="v4f" type="ieee_single" count="4"/>
  <reg name="xmm0" bitsize="128" type="vec128"/>
  <reg name="mxcsr" bitsize="32" group="vector"/>
</feature>`
)

func TestTargetDescription(t *testing.T) {
	docs := map[string]string{"target.xml": targetXML, "core.xml": coreXML, "sse.xml": sseXML}
	c, stub := connect(t, nil, featuresStub(docs, 0x40))
	layout, err := c.TargetDescription(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	type reg struct {
		name         string
		bits, regnum int
		typ, group   string
		offset       int
	}
	want := []reg{
		{"rax", 64, 0, "int64", "org.gnu.gdb.i386.core", 0},
		{"rbx", 64, 1, "int64", "org.gnu.gdb.i386.core", 8},
		{"rip", 64, 2, "code_ptr", "org.gnu.gdb.i386.core", 16},
		{"eflags", 32, 3, "i386_eflags", "org.gnu.gdb.i386.core", 24},
		{"st0", 80, 4, "i387_ext", "float", 28},
		{"xmm0", 128, 5, "vec128", "org.gnu.gdb.i386.sse", 38},
		{"mxcsr", 32, 6, "int", "vector", 54},
	}
	var got []reg
	for _, r := range layout.Regs {
		got = append(got, reg{r.Name, r.Bits, r.Regnum, r.Type, r.Group, r.Offset})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("registers\n%v, want\n%v", got, want)
	}
	if layout.Arch != "i386:x86-64" || layout.Size() != 58 {
		t.Errorf("arch %q size %d", layout.Arch, layout.Size())
	}
	// PacketSize 0x40 forces several pieces per document.
	if n := len(stub.Commands()); n < 10 {
		t.Errorf("only %d commands: chunking not exercised", n)
	}
}

func TestReadObject(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 100) + "$#}*"
	c, _ := connect(t, &rsp.Dialer{MaxObject: 4000}, featuresStub(map[string]string{"big": big, "huge": strings.Repeat("x", 5000), "empty": ""}, 0x100))
	ctx := testContext(t)
	got, err := c.ReadObject(ctx, "features", "big")
	if err != nil || string(got) != big {
		t.Errorf("ReadObject(big) = %d bytes, %v", len(got), err)
	}
	got, err = c.ReadObject(ctx, "features", "empty")
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("ReadObject(empty) = %q, %v; want empty and non-nil", got, err)
	}
	if _, err := c.ReadObject(ctx, "features", "huge"); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("ReadObject(huge): %v, want a size error", err)
	}
	var e *rsp.Error
	if _, err := c.ReadObject(ctx, "features", "missing"); !errors.As(err, &e) {
		t.Errorf("ReadObject(missing): %v, want *Error", err)
	}
	if _, err := c.Auxv(ctx); !errors.Is(err, rsp.ErrUnsupported) {
		t.Errorf("Auxv from a stub without it: %v, want ErrUnsupported", err)
	}
}

func TestParseTargetDescription(t *testing.T) {
	docs := map[string]string{
		"core.xml": coreXML,
		"sse.xml":  sseXML,
		"self.xml": `<feature name="x"><xi:include href="self.xml"/></feature>`,
		"a.xml":    `<feature name="a"><reg name="a" bitsize="8"/><xi:include href="b.xml"/></feature>`,
		"b.xml":    `<feature name="b"><reg name="b" bitsize="8"/><xi:include href="a.xml"/></feature>`,
		"bad.xml":  `<feature name="bad"><reg name="a" bitsize="8"`,
	}
	include := func(name string) ([]byte, error) {
		if d, ok := docs[name]; ok {
			return []byte(d), nil
		}
		return nil, errors.New("no such document")
	}
	tests := []struct {
		name string
		xml  string
		want string // register names in order, or "error: substring"
	}{
		{"QEMU-like", targetXML, "rax rbx rip eflags st0 xmm0 mxcsr"},
		{"no includes", `<target><feature name="f"><reg name="r0" bitsize="32"/><reg name="r1" bitsize="32"/></feature></target>`, "r0 r1"},
		{"gaps in numbers", `<target><reg name="a" bitsize="8" regnum="10"/><reg name="b" bitsize="8"/><reg name="c" bitsize="8" regnum="3"/></target>`, "c a b"},
		{"include without xmlns", `<target><xi:include href="sse.xml"/></target>`, "xmm0 mxcsr"},
		{"names in comments", `<target><!-- <reg name="x" bitsize="8"/> --><reg name="y" bitsize="8"/></target>`, "y"},
		{"include cycle", `<target><xi:include href="self.xml"/></target>`, "error: cycle"},
		{"indirect cycle", `<target><xi:include href="a.xml"/></target>`, "error: cycle"},
		{"missing include", `<target><xi:include href="nope.xml"/></target>`, "error: no such document"},
		{"include without href", `<target><xi:include/></target>`, "error: without href"},
		{"broken include", `<target><xi:include href="bad.xml"/></target>`, "error: bad.xml"},
		{"duplicate number", `<target><reg name="a" bitsize="8" regnum="1"/><reg name="b" bitsize="8" regnum="1"/></target>`, "error: share number 1"},
		{"duplicate name", `<target><reg name="a" bitsize="8"/><reg name="a" bitsize="8"/></target>`, "error: twice"},
		{"no registers", `<target><architecture>x</architecture></target>`, "error: no registers"},
		{"no bitsize", `<target><reg name="a"/></target>`, "error: bitsize"},
		{"zero bitsize", `<target><reg name="a" bitsize="0"/></target>`, "error: bitsize"},
		{"huge bitsize", `<target><reg name="a" bitsize="99999999"/></target>`, "error: bitsize"},
		{"negative regnum", `<target><reg name="a" bitsize="8" regnum="-1"/></target>`, "error: regnum"},
		{"no name", `<target><reg bitsize="8"/></target>`, "error: without a name"},
		{"not XML", `<target><reg`, "error: target.xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := rsp.ParseTargetDescription([]byte(tt.xml), include)
			if want, ok := strings.CutPrefix(tt.want, "error: "); ok {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("error %v, want one mentioning %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range l.Regs {
				names = append(names, r.Name)
			}
			if got := strings.Join(names, " "); got != tt.want {
				t.Errorf("registers %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("include fan-out is bounded", func(t *testing.T) {
		// Every document includes two others, by ever longer names:
		// no cycle, but exponential growth without a bound.
		var fanout func(name string) ([]byte, error)
		fanout = func(name string) ([]byte, error) {
			return []byte(fmt.Sprintf(`<feature name="f"><xi:include href="%s0"/><xi:include href="%s1"/></feature>`, name, name)), nil
		}
		if _, err := rsp.ParseTargetDescription([]byte(`<target><xi:include href="x"/></target>`), fanout); err == nil {
			t.Error("unbounded includes accepted")
		}
	})
}
