package cpulog

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"
	"time"
)

// BenchmarkReader prints the parse rate in records/s and MB/s over a real
// log of a loop (per block), next to its floor: splitting the same bytes
// into lines and nothing else.
func BenchmarkReader(b *testing.B) {
	loop := `
	.text
	.globl _start
_start:
	mov	$20000, %ecx
1:	add	%ecx, %eax
	dec	%ecx
	jnz	1b
	mov	$60, %eax
	xor	%edi, %edi
	syscall
`
	log := qemuLog(b, loop)
	var recs int
	var parse, floor time.Duration
	for range b.N {
		start := time.Now()
		r := NewReader(bytes.NewReader(log))
		var rec Record
		recs = 0
		for {
			err := r.Next(&rec)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			recs++
		}
		parse += time.Since(start)
		start = time.Now()
		sc := bufio.NewScanner(bytes.NewReader(log))
		for sc.Scan() {
		}
		floor += time.Since(start)
	}
	mb := float64(len(log)) * float64(b.N) / 1e6
	b.ReportMetric(float64(recs*b.N)/parse.Seconds(), "records/s")
	b.ReportMetric(mb/parse.Seconds(), "MB/s")
	b.ReportMetric(mb/floor.Seconds(), "floor-MB/s")
	b.Logf("%d records, %.1f MB: %.0f records/s, %.0f MB/s; floor (line splitting only) %.0f MB/s",
		recs, float64(len(log))/1e6, float64(recs*b.N)/parse.Seconds(), mb/parse.Seconds(), mb/floor.Seconds())
}
