package gdbtarget

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
)

// Kind says how a target is reached.
type Kind int

// Target kinds.
const (
	// Template starts the emulator from a command template and connects
	// to the {sock} or {port} it was given.
	Template Kind = iota
	// Unix connects to a stub listening on a Unix socket.
	Unix
	// TCP connects to a stub listening on HOST:PORT.
	TCP
	// Pipe starts a relay command and speaks RSP over its stdin and stdout.
	Pipe
	// Valgrind starts the program under valgrind's gdbserver and connects
	// through vgdb.
	Valgrind
	// Gdbserver runs the program natively under GDB's gdbserver: the host
	// CPU as the emulator under test. It is a template (GdbserverTemplate)
	// with a name of its own.
	Gdbserver
)

// GdbserverTemplate is the command behind --test gdbserver: gdbserver 13
// listens on TCP (it has no Unix sockets), runs the program without a
// shell and exits when the connection closes. It disables address space
// randomization itself.
const GdbserverTemplate = "gdbserver --once --no-startup-with-shell 127.0.0.1:{port} {prog} {args}"

func (k Kind) String() string {
	return [...]string{"template", "unix", "tcp", "pipe", "valgrind", "gdbserver"}[k]
}

// Spec is a parsed --test argument.
type Spec struct {
	Kind Kind
	// Words is the command template (Template) or the relay command
	// (Pipe), split into words; placeholders are still in them.
	Words []string
	// Address is the socket path (Unix) or HOST:PORT (TCP).
	Address string
	// Sock and Port say which placeholders a template uses.
	Sock, Port bool
	// X87StackRelative says the stub numbers st0-st7 from the x87 stack
	// top, as GDB documents (gdbserver does); QEMU 7.2's stub and
	// valgrind's report the physical registers R0-R7 in st0-st7.
	X87StackRelative bool
}

// ErrSpec is wrapped by every error of ParseSpec.
var ErrSpec = errors.New("bad --test target")

// placeholders a template may use.
var placeholders = []string{"{sock}", "{port}", "{prog}", "{args}"}

// ParseSpec parses a target: "valgrind", "gdbserver", "unix:PATH", "pipe:CMD",
// "HOST:PORT", or a command template using {sock} or {port}, {prog} and
// optionally {args}.
func ParseSpec(s string) (Spec, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Spec{}, fmt.Errorf("%w: empty", ErrSpec)
	case s == "valgrind":
		return Spec{Kind: Valgrind}, nil
	case s == "gdbserver":
		sp, err := ParseSpec(GdbserverTemplate)
		sp.Kind = Gdbserver
		return sp, err
	case strings.HasPrefix(s, "unix:"):
		if s[5:] == "" {
			return Spec{}, fmt.Errorf("%w: unix: needs a socket path", ErrSpec)
		}
		return Spec{Kind: Unix, Address: s[5:]}, nil
	case strings.HasPrefix(s, "pipe:"):
		w, err := SplitWords(s[5:])
		if err != nil {
			return Spec{}, fmt.Errorf("%w: pipe: %w", ErrSpec, err)
		}
		if len(w) == 0 {
			return Spec{}, fmt.Errorf("%w: pipe: needs a relay command", ErrSpec)
		}
		return Spec{Kind: Pipe, Words: w}, nil
	}
	if !strings.ContainsAny(s, " \t{") {
		host, port, err := net.SplitHostPort(s)
		if err != nil {
			return Spec{}, fmt.Errorf("%w: %q is neither valgrind, gdbserver, unix:PATH, pipe:CMD, HOST:PORT nor a command template", ErrSpec, s)
		}
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
			return Spec{}, fmt.Errorf("%w: %q: port %q is not a TCP port", ErrSpec, s, port)
		}
		return Spec{Kind: TCP, Address: net.JoinHostPort(host, port)}, nil
	}
	w, err := SplitWords(s)
	if err != nil {
		return Spec{}, fmt.Errorf("%w: command template: %w", ErrSpec, err)
	}
	sp := Spec{Kind: Template, Words: w}
	prog := false
	for _, word := range w {
		rest := word
		for {
			i := strings.IndexByte(rest, '{')
			if i < 0 {
				break
			}
			j := strings.IndexByte(rest[i:], '}')
			if j < 0 {
				return Spec{}, fmt.Errorf("%w: command template: unclosed { in %q", ErrSpec, word)
			}
			ph := rest[i : i+j+1]
			switch ph {
			case "{sock}":
				sp.Sock = true
			case "{port}":
				sp.Port = true
			case "{prog}":
				prog = true
			case "{args}":
				if word != "{args}" {
					return Spec{}, fmt.Errorf("%w: command template: {args} must be a word of its own (in %q)", ErrSpec, word)
				}
			default:
				return Spec{}, fmt.Errorf("%w: command template: unknown placeholder %s (known: %s)", ErrSpec, ph, strings.Join(placeholders, " "))
			}
			rest = rest[i+j+1:]
		}
	}
	switch {
	case !sp.Sock && !sp.Port:
		return Spec{}, fmt.Errorf("%w: command template %q has neither {sock} nor {port}: lockstep would not know where the emulator's gdbstub listens", ErrSpec, s)
	case sp.Sock && sp.Port:
		return Spec{}, fmt.Errorf("%w: command template %q has both {sock} and {port}: use one", ErrSpec, s)
	case !prog:
		return Spec{}, fmt.Errorf("%w: command template %q has no {prog}: the emulator would not know what to run", ErrSpec, s)
	}
	sp.X87StackRelative = filepath.Base(w[0]) == "gdbserver"
	return sp, nil
}

// Expand fills a template's placeholders: {sock} and {port} with the
// given values, {prog} with the program, and a word {args} with its
// arguments (zero or more words).
func (sp Spec) Expand(sock string, port int, prog string, args []string) []string {
	var out []string
	r := strings.NewReplacer("{sock}", sock, "{port}", strconv.Itoa(port), "{prog}", prog)
	for _, w := range sp.Words {
		if w == "{args}" {
			out = append(out, args...)
			continue
		}
		out = append(out, r.Replace(w))
	}
	return out
}

// SplitWords splits a command line into words the way a POSIX shell
// would for plain words: blanks separate, single quotes keep everything,
// double quotes keep everything but \" and \\, a backslash outside
// quotes escapes the next character. Nothing is expanded.
func SplitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	in := false // inside a word
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unterminated single quote")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			in = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("unterminated double quote")
			}
			in = true
		case c == '\\':
			if i+1 >= len(s) {
				return nil, errors.New("trailing backslash")
			}
			i++
			cur.WriteByte(s[i])
			in = true
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}
