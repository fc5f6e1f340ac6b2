package rsp

import (
	"errors"
	"fmt"
)

// ErrUnsupported reports that the stub answered a command with the empty
// packet, its way of saying it does not implement the command.
var ErrUnsupported = errors.New("command not supported by the stub")

// errKilled is the state of a Conn after Kill.
var errKilled = errors.New("rsp: target was killed")

// Error is an error reply from the stub: "Exx" with a hex code, or "E.text"
// with a message (Code is then -1). The Conn stays usable after one.
type Error struct {
	Code    int    // the xx of "Exx", or -1 for "E.text"
	Text    string // the text of "E.text", "" for "Exx"
	Command string // the command the stub refused, shortened if long
}

func (e *Error) Error() string {
	if e.Code < 0 {
		return fmt.Sprintf("rsp: stub refused %q: %s", e.Command, e.Text)
	}
	return fmt.Sprintf("rsp: stub refused %q with error %02x", e.Command, e.Code)
}

// parseError returns the *Error for an error reply, or nil if p is not one.
// "Exx" is exactly three characters so that short hex replies, which never
// have three digits, cannot be mistaken for it.
func parseError(p, cmd []byte) *Error {
	if len(p) < 2 || p[0] != 'E' {
		return nil
	}
	if len(p) == 3 && isHex(p[1:]) {
		code, _ := parseHexUint(p[1:])
		return &Error{Code: int(code), Command: commandName(cmd)}
	}
	if p[1] == '.' {
		return &Error{Code: -1, Text: string(p[2:]), Command: commandName(cmd)}
	}
	return nil
}

// commandName shortens a command for error messages: binary and hex
// payloads ('G', 'M', 'X') can be kilobytes long.
func commandName(cmd []byte) string {
	const max = 40
	if len(cmd) > max {
		return string(cmd[:max]) + "..."
	}
	return string(cmd)
}
