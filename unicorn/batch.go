package unicorn

/*
#include <stdlib.h>
#include <unicorn/unicorn.h>
#include "shim.h"
*/
import "C"

import (
	"fmt"
	"time"
	"unsafe"
)

// BatchReg places one register of a RegBatch in the caller's buffer: Size
// bytes at Offset. Unicorn's value is zero-extended or truncated to Size,
// so a 16-bit selector can fill a 32-bit slot.
type BatchReg struct {
	Reg    Reg
	Offset int
	Size   int
}

// RegBatch reads or writes a fixed list of registers in one cgo call
// without allocating: ids, value pointers and per-register scratch space
// live in C memory, and values are copied to or from a caller's buffer.
type RegBatch struct {
	e   *Engine
	b   *C.shim_batch
	end int // bytes the caller's buffer must hold
}

// NewRegBatch prepares a batch. Slots must lie in the non-negative range,
// be 1 to 64 bytes long, and not overlap.
func (e *Engine) NewRegBatch(regs []BatchReg) (*RegBatch, error) {
	if err := e.live("reg_batch"); err != nil {
		return nil, err
	}
	if len(regs) == 0 {
		return nil, fmt.Errorf("unicorn: reg_batch: no registers")
	}
	end := 0
	for i, r := range regs {
		if r.Offset < 0 || r.Size <= 0 || r.Size > maxRegBytes {
			return nil, fmt.Errorf("unicorn: reg_batch: register %d: bad slot at %d, %d bytes", r.Reg, r.Offset, r.Size)
		}
		for _, o := range regs[:i] {
			if r.Offset < o.Offset+o.Size && o.Offset < r.Offset+r.Size {
				return nil, fmt.Errorf("unicorn: reg_batch: slots of registers %d and %d overlap", o.Reg, r.Reg)
			}
		}
		end = max(end, r.Offset+r.Size)
	}
	cb := C.shim_batch_new(C.int(len(regs)))
	if cb == nil {
		return nil, &Error{Op: "reg_batch", Code: ErrNoMem, Text: ErrNoMem.Error()}
	}
	n := len(regs)
	ids, offs, sizes := unsafe.Slice(cb.ids, n), unsafe.Slice(cb.offs, n), unsafe.Slice(cb.sizes, n)
	for i, r := range regs {
		ids[i] = C.int(r.Reg)
		offs[i] = C.int(r.Offset)
		sizes[i] = C.int(r.Size)
	}
	b := &RegBatch{e: e, b: cb, end: end}
	e.batches[b] = struct{}{}
	return b, nil
}

// Len is the number of bytes a buffer for this batch must hold.
func (b *RegBatch) Len() int { return b.end }

func (b *RegBatch) usable(op string, buf []byte) error {
	if b.b == nil {
		return &Error{Op: op, Code: ErrArg, Text: "batch is closed"}
	}
	if err := b.e.live(op); err != nil {
		return err
	}
	if len(buf) < b.end {
		return fmt.Errorf("unicorn: %s: %d-byte buffer for a batch needing %d", op, len(buf), b.end)
	}
	return nil
}

// Read reads every register of the batch into its slot of dst. Bytes of
// dst outside the slots are left alone.
func (b *RegBatch) Read(dst []byte) error {
	if err := b.usable("reg_read_batch", dst); err != nil {
		return err
	}
	return check("reg_read_batch", C.shim_batch_read(b.e.uc, b.b, (*C.uint8_t)(unsafe.Pointer(&dst[0]))))
}

// Write writes every register of the batch from its slot of src, in the
// order given to NewRegBatch.
func (b *RegBatch) Write(src []byte) error {
	if err := b.usable("reg_write_batch", src); err != nil {
		return err
	}
	return check("reg_write_batch", C.shim_batch_write(b.e.uc, b.b, (*C.uint8_t)(unsafe.Pointer(&src[0]))))
}

// Close frees the batch. The engine's Close frees its batches too.
func (b *RegBatch) Close() {
	if b.b == nil {
		return
	}
	delete(b.e.batches, b)
	C.shim_batch_free(b.b)
	b.b = nil
}

// StartRead is Start followed by b.Read(dst), in a single cgo call: the
// per-instruction loop of a single-stepper pays one transition instead of
// two. The registers are read whatever the emulation's outcome; the error
// is the emulation's, else the read's.
func (e *Engine) StartRead(begin, until uint64, timeout time.Duration, count uint64, b *RegBatch, dst []byte) error {
	if err := b.usable("emu_start", dst); err != nil {
		return err
	}
	us, err := micros(timeout)
	if err != nil {
		return err
	}
	// The read status lives in the engine: a pointer to a local would
	// escape (C calls back into Go meanwhile) and allocate every call.
	rc := C.shim_start_read(e.uc, C.uint64_t(begin), C.uint64_t(until), C.uint64_t(us), C.size_t(count),
		b.b, (*C.uint8_t)(unsafe.Pointer(&dst[0])), &e.readErr)
	e.repanic()
	if err := check("emu_start", rc); err != nil {
		return err
	}
	return check("reg_read_batch", e.readErr)
}
