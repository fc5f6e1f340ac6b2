package rsp

import (
	"bytes"
	"errors"
	"fmt"
)

// StopKind says what a stop reply reports.
type StopKind int

// Stop kinds, after the stop reply's first letter.
const (
	StopSignal       StopKind = iota // 'T' or 'S': stopped by Signal
	StopExited                       // 'W': the process exited with ExitStatus
	StopTerminated                   // 'X': the process was terminated by Signal
	StopThreadExited                 // 'w': Thread exited with ExitStatus
	StopNoResumed                    // 'N': no thread left to resume
)

func (k StopKind) String() string {
	switch k {
	case StopSignal:
		return "signal"
	case StopExited:
		return "exited"
	case StopTerminated:
		return "terminated"
	case StopThreadExited:
		return "thread exited"
	case StopNoResumed:
		return "no resumed threads"
	}
	return fmt.Sprintf("StopKind(%d)", int(k))
}

// Stop is a decoded stop reply.
type Stop struct {
	Kind       StopKind
	Signal     int    // for StopSignal and StopTerminated
	ExitStatus int    // for StopExited and StopThreadExited
	Thread     string // thread id exactly as the stub wrote it ("p1.3816"), "" if none
	Process    string // pid of a 'W' or 'X' reply's ";process:pid", "" if none
	// Registers are the expedited registers of a 'T' reply, in the order
	// sent.
	Registers []ExpeditedRegister
	// Reason is why a 'T' stop happened, when the stub says: "watch",
	// "rwatch", "awatch", "swbreak", "hwbreak", "syscall_entry",
	// "syscall_return", "library", "replaylog", "fork", "vfork",
	// "vforkdone", "exec", "clone" or "create"; ReasonArg is its value
	// (an address, a syscall number, a thread id...), raw.
	Reason    string
	ReasonArg string
}

// ExpeditedRegister is a register value sent along with a stop reply.
type ExpeditedRegister struct {
	Regnum int
	Value  []byte // little-endian bytes as the stub sent them
}

func (s Stop) String() string {
	switch s.Kind {
	case StopSignal:
		str := fmt.Sprintf("signal %d", s.Signal)
		if s.Reason != "" {
			str += " (" + s.Reason + ")"
		}
		if s.Thread != "" {
			str += " in thread " + s.Thread
		}
		return str
	case StopExited:
		return fmt.Sprintf("exited with status %d", s.ExitStatus)
	case StopTerminated:
		return fmt.Sprintf("terminated by signal %d", s.Signal)
	case StopThreadExited:
		return fmt.Sprintf("thread %s exited with status %d", s.Thread, s.ExitStatus)
	}
	return s.Kind.String()
}

// stopReasons are the reasons a 'T' reply can name; the list also lets the
// parser reuse these strings instead of allocating.
var stopReasons = [...]string{
	"watch", "rwatch", "awatch", "swbreak", "hwbreak", "syscall_entry",
	"syscall_return", "library", "replaylog", "fork", "vfork", "vforkdone",
	"exec", "clone", "create",
}

var errStop = errors.New("bad stop reply")

// ParseStop decodes a stop reply payload ('T', 'S', 'W', 'X', 'w' or 'N').
// Unknown "name:value" pairs of a 'T' reply are ignored, as GDB does.
func ParseStop(payload []byte) (Stop, error) {
	return parseStop(payload, "")
}

// parseStop is ParseStop reusing thread, the previous thread id, when the
// reply names the same one, so that steady-state stepping does not
// allocate.
func parseStop(p []byte, thread string) (Stop, error) {
	if len(p) == 0 {
		return Stop{}, fmt.Errorf("%w: empty", errStop)
	}
	var s Stop
	switch p[0] {
	case 'S', 'T':
		if len(p) < 3 {
			return Stop{}, fmt.Errorf("%w %q: no signal number", errStop, shorten(p))
		}
		sig, ok := parseHexUint(p[1:3])
		if !ok {
			return Stop{}, fmt.Errorf("%w %q: bad signal number", errStop, shorten(p))
		}
		s.Kind, s.Signal = StopSignal, int(sig)
		if p[0] == 'S' {
			if len(p) != 3 {
				return Stop{}, fmt.Errorf("%w %q: trailing data", errStop, shorten(p))
			}
			return s, nil
		}
		if err := s.parsePairs(p[3:], thread); err != nil {
			return Stop{}, fmt.Errorf("%w %q: %v", errStop, shorten(p), err)
		}
		return s, nil
	case 'W', 'X':
		num, rest, _ := bytes.Cut(p[1:], []byte(";"))
		v, ok := parseHexUint(num)
		if !ok || v > 0xffffffff {
			return Stop{}, fmt.Errorf("%w %q: bad status", errStop, shorten(p))
		}
		if p[0] == 'W' {
			s.Kind, s.ExitStatus = StopExited, int(v)
		} else {
			s.Kind, s.Signal = StopTerminated, int(v)
		}
		if len(rest) > 0 {
			pid, ok := bytes.CutPrefix(rest, []byte("process:"))
			if !ok || !isHex(pid) {
				return Stop{}, fmt.Errorf("%w %q: bad process id", errStop, shorten(p))
			}
			s.Process = string(pid)
		}
		return s, nil
	case 'w':
		num, tid, ok := bytes.Cut(p[1:], []byte(";"))
		v, vok := parseHexUint(num)
		if !ok || !vok || v > 0xffffffff || len(tid) == 0 {
			return Stop{}, fmt.Errorf("%w %q: want wAA;tid", errStop, shorten(p))
		}
		s.Kind, s.ExitStatus, s.Thread = StopThreadExited, int(v), internThread(tid, thread)
		return s, nil
	case 'N':
		if len(p) != 1 {
			return Stop{}, fmt.Errorf("%w %q: trailing data", errStop, shorten(p))
		}
		s.Kind = StopNoResumed
		return s, nil
	case 'O':
		return Stop{}, fmt.Errorf("%w: console output packet %q", errStop, shorten(p))
	}
	return Stop{}, fmt.Errorf("%w %q: unknown kind %q", errStop, shorten(p), p[0])
}

// parsePairs decodes the "n:r;" pairs of a 'T' reply.
func (s *Stop) parsePairs(b []byte, thread string) error {
	for len(b) > 0 {
		var pair []byte
		pair, b, _ = bytes.Cut(b, []byte(";"))
		if len(pair) == 0 {
			continue
		}
		name, value, _ := bytes.Cut(pair, []byte(":"))
		switch {
		case len(name) == 0:
			return fmt.Errorf("pair %q has no name", pair)
		case isHex(name):
			n, ok := parseHexUint(name)
			if !ok || n > 1<<16 || len(value)%2 != 0 {
				return fmt.Errorf("bad register pair %q", pair)
			}
			v := make([]byte, len(value)/2)
			if err := decodeHex(v, value); err != nil {
				return fmt.Errorf("register %d: %v", n, err)
			}
			s.Registers = append(s.Registers, ExpeditedRegister{Regnum: int(n), Value: v})
		case string(name) == "thread":
			if len(value) == 0 {
				return errors.New("empty thread id")
			}
			s.Thread = internThread(value, thread)
		default:
			if s.Reason != "" {
				continue
			}
			for _, r := range stopReasons {
				if string(name) == r {
					s.Reason = r
					if len(value) > 0 {
						s.ReasonArg = string(value)
					}
					break
				}
			}
		}
	}
	return nil
}

// internThread returns known if b spells it, else a new string.
func internThread(b []byte, known string) string {
	if string(b) == known {
		return known
	}
	return string(b)
}
