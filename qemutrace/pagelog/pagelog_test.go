package pagelog

import (
	"os"
	"testing"

	"lockstep/machine"
)

func TestParseQEMULog(t *testing.T) {
	data, err := os.ReadFile("testdata/static.log")
	if err != nil {
		t.Fatal(err)
	}
	// Feed in every chunk size so line splitting across writes is covered.
	for _, chunk := range []int{1, 7, 64, len(data)} {
		var p Parser
		for i := 0; i < len(data); i += chunk {
			p.Write(data[i:min(i+chunk, len(data))])
		}
		if p.Tables() != 7 || p.Reason() != "mmap" {
			t.Fatalf("chunk %d: tables %d reason %q", chunk, p.Tables(), p.Reason())
		}
		want := machine.NewMap(
			machine.Region{Start: 0x400000, End: 0x401000, Perm: machine.PermRead},
			machine.Region{Start: 0x401000, End: 0x402000, Perm: machine.PermRead | machine.PermExec},
			machine.Region{Start: 0x4000000000, End: 0x4000001000},
			machine.Region{Start: 0x4000001000, End: 0x4000803000, Perm: machine.PermRead | machine.PermWrite},
			machine.Region{Start: 0xffffffffff600000, End: 0xffffffffff601000, Perm: machine.PermExec},
		)
		if got := p.Map(); !got.Equal(want) {
			t.Fatalf("chunk %d: map\n%vwant\n%v", chunk, got, want)
		}
		load, ok := p.Load()
		if !ok || load.Entry != 0x401000 || load.StartStack != 0x4000800850 || load.EndCode != 0x401012 || load.AuxvStart != 0x4000800988 {
			t.Fatalf("chunk %d: load %+v", chunk, load)
		}
	}
}

func TestParseRows(t *testing.T) {
	tests := []struct {
		name string
		log  string
		want []machine.Region
	}{
		{"one row", "page layout changed following mmap\nstart end size prot\n0000000000001000-0000000000003000 0000000000002000 rw-\n",
			[]machine.Region{{Start: 0x1000, End: 0x3000, Perm: machine.PermRead | machine.PermWrite}}},
		{"size mismatch row ignored", "page layout changed following mmap\n0000000000001000-0000000000003000 0000000000001000 rw-\n", nil},
		{"bad perm ignored", "page layout changed following brk\n0000000000001000-0000000000002000 0000000000001000 rqx\n", nil},
		{"rows end at other text", "page layout changed following mmap\n0000000000001000-0000000000002000 0000000000001000 r--\nsomething else\n0000000000005000-0000000000006000 0000000000001000 r--\n",
			[]machine.Region{{Start: 0x1000, End: 0x2000, Perm: machine.PermRead}}},
		{"newer table replaces", "page layout changed following mmap\n0000000000001000-0000000000002000 0000000000001000 r--\npage layout changed following mmap\n0000000000008000-0000000000009000 0000000000001000 --x\n",
			[]machine.Region{{Start: 0x8000, End: 0x9000, Perm: machine.PermExec}}},
		{"crlf", "page layout changed following mmap\r\n0000000000001000-0000000000002000 0000000000001000 r--\r\n",
			[]machine.Region{{Start: 0x1000, End: 0x2000, Perm: machine.PermRead}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Parser
			p.Write([]byte(tt.log))
			got := p.Map()
			if got == nil {
				t.Fatal("no map")
			}
			if !got.Equal(machine.NewMap(tt.want...)) {
				t.Fatalf("got\n%vwant %v", got, tt.want)
			}
		})
	}
}

func TestNoTableNoMap(t *testing.T) {
	var p Parser
	p.Write([]byte("host mmap_min_addr=0x1000\n"))
	if p.Map() != nil || p.Tables() != 0 {
		t.Fatal("map without a table")
	}
	if _, ok := p.Load(); ok {
		t.Fatal("load without summary")
	}
}

func TestOverlongLineDropped(t *testing.T) {
	var p Parser
	long := make([]byte, 3*maxLine)
	for i := range long {
		long[i] = 'a'
	}
	p.Write(long)
	p.Write([]byte("\npage layout changed following mmap\n0000000000001000-0000000000002000 0000000000001000 r--\n"))
	if m := p.Map(); m == nil || m.Len() != 1 {
		t.Fatalf("map %v", m)
	}
	if len(p.partial) != 0 {
		t.Fatal("partial line kept")
	}
}

func FuzzParser(f *testing.F) {
	if data, err := os.ReadFile("testdata/static.log"); err == nil {
		f.Add(data, 13)
	}
	f.Add([]byte("page layout changed following mmap\n0-1 1 r--\n"), 3)
	f.Add([]byte("start_code 0x1\nentry 0xzz\n"), 1)
	f.Fuzz(func(t *testing.T, data []byte, chunk int) {
		if chunk <= 0 {
			chunk = 1
		}
		var whole, split Parser
		whole.Write(data)
		for i := 0; i < len(data); i += chunk {
			split.Write(data[i:min(i+chunk, len(data))])
		}
		// Chunking must not change the result unless a line was too long
		// to keep (then the two may legitimately differ in that line).
		a, b := whole.Map(), split.Map()
		if (a == nil) != (b == nil) || (a != nil && !a.Equal(b)) {
			if len(data) < maxLine {
				t.Fatalf("chunking changed the map:\n%v\nvs\n%v", a, b)
			}
		}
		if m := whole.Map(); m != nil {
			prev := uint64(0)
			for i, r := range m.Regions() {
				if r.End <= r.Start || (i > 0 && r.Start < prev) {
					t.Fatalf("bad region %v", r)
				}
				prev = r.End
			}
		}
	})
}
