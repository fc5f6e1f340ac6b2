package unicorn

/*
#include <unicorn/unicorn.h>
*/
import "C"

import "fmt"

// Code is a uc_err value. It implements error, so callers can test an
// error chain with errors.Is(err, unicorn.ErrInsnInvalid).
type Code int

// The uc_err codes of Unicorn 2.
const (
	ErrOK             Code = C.UC_ERR_OK
	ErrNoMem          Code = C.UC_ERR_NOMEM
	ErrArch           Code = C.UC_ERR_ARCH
	ErrHandle         Code = C.UC_ERR_HANDLE
	ErrMode           Code = C.UC_ERR_MODE
	ErrVersion        Code = C.UC_ERR_VERSION
	ErrReadUnmapped   Code = C.UC_ERR_READ_UNMAPPED
	ErrWriteUnmapped  Code = C.UC_ERR_WRITE_UNMAPPED
	ErrFetchUnmapped  Code = C.UC_ERR_FETCH_UNMAPPED
	ErrHook           Code = C.UC_ERR_HOOK
	ErrInsnInvalid    Code = C.UC_ERR_INSN_INVALID
	ErrMap            Code = C.UC_ERR_MAP
	ErrWriteProt      Code = C.UC_ERR_WRITE_PROT
	ErrReadProt       Code = C.UC_ERR_READ_PROT
	ErrFetchProt      Code = C.UC_ERR_FETCH_PROT
	ErrArg            Code = C.UC_ERR_ARG
	ErrReadUnaligned  Code = C.UC_ERR_READ_UNALIGNED
	ErrWriteUnaligned Code = C.UC_ERR_WRITE_UNALIGNED
	ErrFetchUnaligned Code = C.UC_ERR_FETCH_UNALIGNED
	ErrHookExist      Code = C.UC_ERR_HOOK_EXIST
	ErrResource       Code = C.UC_ERR_RESOURCE
	ErrException      Code = C.UC_ERR_EXCEPTION
)

// Error returns uc_strerror's description of the code.
func (c Code) Error() string { return C.GoString(C.uc_strerror(C.uc_err(c))) }

// Error is a failed Unicorn call: the operation, the uc_err code and the
// library's description of it.
type Error struct {
	Op   string // the binding method, e.g. "mem_map"
	Code Code
	Text string // uc_strerror(Code)
}

func (e *Error) Error() string {
	return fmt.Sprintf("unicorn: %s: %s (uc_err %d)", e.Op, e.Text, int(e.Code))
}

// Unwrap exposes the code to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Code }

// check turns a uc_err into nil or an *Error for op.
func check(op string, rc C.uc_err) error {
	if rc == C.UC_ERR_OK {
		return nil
	}
	c := Code(rc)
	return &Error{Op: op, Code: c, Text: c.Error()}
}
