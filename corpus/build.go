package corpus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// DefaultBuildTimeout bounds one compiler run when the caller's context has
// no deadline of its own.
const DefaultBuildTimeout = 2 * time.Minute

// Builder compiles corpus entries into a cache directory. Binaries are keyed
// by a hash of everything that goes into them (source, the shared files it
// includes, build kind, flags and the compiler's version), so a build is
// done once and reused until one of those changes. Several processes may
// build into one cache at once: each compiles into a private temporary
// directory and renames the result into place, so a reader never sees a
// partial binary.
//
// The zero Builder uses DefaultCacheDir() and "gcc".
type Builder struct {
	CacheDir string // where binaries are kept; "" means DefaultCacheDir()
	CC       string // C compiler driver; "" means "gcc"

	mu       sync.Mutex
	versions map[string]string // CC -> `CC --version` output
	sources  fs.FS             // where Entry.Source is read; nil: the embedded corpus
}

// DefaultCacheDir returns $LOCKSTEP_CACHE if set, else the "lockstep/corpus"
// directory under the user's cache directory (os.TempDir if there is none).
func DefaultCacheDir() string {
	if d := os.Getenv("LOCKSTEP_CACHE"); d != "" {
		return d
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "lockstep", "corpus")
}

func (b *Builder) cacheDir() string {
	if b.CacheDir != "" {
		return b.CacheDir
	}
	return DefaultCacheDir()
}

func (b *Builder) cc() string {
	if b.CC != "" {
		return b.CC
	}
	return "gcc"
}

// ccVersion returns `CC --version`, run once per Builder and compiler.
func (b *Builder) ccVersion(ctx context.Context) (string, error) {
	cc := b.cc()
	b.mu.Lock()
	v, ok := b.versions[cc]
	b.mu.Unlock()
	if ok {
		return v, nil
	}
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, cc, "--version")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = time.Second
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("corpus: %s --version: %w: %s", cc, err, strings.TrimSpace(stderr.String()))
	}
	v = string(out)
	b.mu.Lock()
	if b.versions == nil {
		b.versions = map[string]string{}
	}
	b.versions[cc] = v
	b.mu.Unlock()
	return v, nil
}

// buildArgs returns the compiler arguments that build src into out, with
// incDir (where the included files are written) on the include path.
func buildArgs(e Entry, src, out, incDir string) ([]string, error) {
	var args []string
	switch e.Build {
	case BuildAsm:
		args = []string{"-nostdlib", "-static"}
	case BuildCStatic:
		args = []string{"-O2", "-static"}
	case BuildCDynamic:
		args = []string{"-O2"}
	default:
		return nil, fmt.Errorf("corpus: %s: unresolved build kind %s", e.Name, e.Build)
	}
	args = append(args, "-I", incDir)
	args = append(args, e.CFlags...)
	return append(args, "-o", out, src), nil
}

// key returns the cache key of e: a hash of its build inputs, the files it
// includes among them (by path and content).
func key(e Entry, src []byte, incs []sourceFile, version string) string {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s\n", len(s), s) }
	field("lockstep-corpus-v1")
	field(e.Build.String())
	field(path.Base(e.Source))
	field(strings.Join(e.CFlags, "\x00"))
	field(version)
	field(string(src))
	// An entry that includes nothing keeps the key it had before shared
	// files existed.
	for _, f := range incs {
		field(f.path)
		field(string(f.data))
	}
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// Build returns the path of e's binary, compiling it unless the cache
// already holds one built from the same inputs. A failed build leaves
// nothing in the cache, and its error carries the compiler's messages.
func (b *Builder) Build(ctx context.Context, e Entry) (string, error) {
	if e.Source == "" {
		return "", fmt.Errorf("corpus: %s: entry has no source", e.Name)
	}
	if err := checkBuild(&e); err != nil {
		return "", err
	}
	sources := b.sources
	if sources == nil {
		sources = programs
	}
	src, err := fs.ReadFile(sources, e.Source)
	if err != nil {
		return "", fmt.Errorf("corpus: source of %s: %w", e.Name, err)
	}
	incs, err := includes(sources, e.Source, src)
	if err != nil {
		return "", fmt.Errorf("corpus: %s: %w", e.Name, err)
	}
	version, err := b.ccVersion(ctx)
	if err != nil {
		return "", err
	}
	dir := b.cacheDir()
	final := filepath.Join(dir, strings.ReplaceAll(e.Name, "/", "__")+"-"+key(e, src, incs, version))
	if fi, err := os.Stat(final); err == nil && fi.Mode().IsRegular() {
		return final, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("corpus: creating cache dir: %w", err)
	}
	// The temporary directory is inside the cache directory so that the
	// final rename stays within one file system and is atomic.
	tmp, err := os.MkdirTemp(dir, ".build-")
	if err != nil {
		return "", fmt.Errorf("corpus: %w", err)
	}
	defer os.RemoveAll(tmp)
	// The source goes to the top of the directory and each included file
	// to its path below programs/ (common/x87.inc), so that the include
	// path tmp resolves "common/x87.inc" from the source and from other
	// included files alike. Only the files the key covers are there: a
	// build cannot depend on anything the key does not.
	srcPath := filepath.Join(tmp, path.Base(e.Source))
	if err := os.WriteFile(srcPath, src, 0o644); err != nil {
		return "", fmt.Errorf("corpus: %w", err)
	}
	for _, f := range incs {
		p := filepath.Join(tmp, filepath.FromSlash(strings.TrimPrefix(f.path, "programs/")))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", fmt.Errorf("corpus: %w", err)
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			return "", fmt.Errorf("corpus: %w", err)
		}
	}
	out := filepath.Join(tmp, "out")
	args, err := buildArgs(e, srcPath, out, tmp)
	if err != nil {
		return "", err
	}
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.cc(), args...)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.WaitDelay = time.Second
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	if err := cmd.Run(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = fmt.Errorf("%w (%w)", err, ctxErr)
		}
		msg := strings.ReplaceAll(strings.TrimSpace(output.String()), tmp+"/", "")
		return "", fmt.Errorf("corpus: building %s (%s %s): %w\n%s",
			e.Name, b.cc(), strings.Join(args, " "), err, msg)
	}
	if err := os.Rename(out, final); err != nil {
		return "", fmt.Errorf("corpus: %w", err)
	}
	return final, nil
}

// BuildAll builds entries, a few at a time, and returns their binaries by
// entry name. It builds as many as it can: on failure the map holds the
// binaries that were built and the error joins every failure.
func (b *Builder) BuildAll(ctx context.Context, entries []Entry) (map[string]string, error) {
	// Compilers are CPU-bound; more workers than processors only adds
	// contention with whatever else runs on the machine.
	workers := min(runtime.GOMAXPROCS(0), 4, max(len(entries), 1))
	if _, err := b.ccVersion(ctx); err != nil {
		return nil, err
	}
	var (
		mu    sync.Mutex
		bins  = make(map[string]string, len(entries))
		errs  []error
		wg    sync.WaitGroup
		queue = make(chan Entry)
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range queue {
				p, err := b.Build(ctx, e)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					bins[e.Name] = p
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, e := range entries {
		select {
		case queue <- e:
		case <-ctx.Done():
			mu.Lock()
			errs = append(errs, fmt.Errorf("corpus: build all: %w", ctx.Err()))
			mu.Unlock()
			break feed
		}
	}
	close(queue)
	wg.Wait()
	return bins, errors.Join(errs...)
}

// withDefaultTimeout gives ctx a DefaultBuildTimeout deadline if it has none.
func withDefaultTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, DefaultBuildTimeout)
}
