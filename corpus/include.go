package corpus

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// sharedDir holds the files that programs share through include lines
// ("common/NAME.inc"); it holds no entries of its own.
const sharedDir = "programs/common"

// sourceFile is one file that goes into a build: the entry's source or a
// file it includes, with its path inside the corpus file system.
type sourceFile struct {
	path string
	data []byte
}

// includes returns the files that data, the text of the source at src,
// includes, directly or through other included files, sorted by path. Include lines are found by
// a textual scan for `#include "NAME"` (the C preprocessor, which gcc runs
// on .S and .c sources) and `.include "NAME"` (the GNU assembler); NAME is
// a path below programs/common, written "common/x87.inc". The scan does not
// evaluate #if, so a file named in a disabled block still counts: that can
// only add to what a build depends on, never miss a dependency. A NAME that
// is not a shared file of the corpus is an error, so that a typo is
// reported before the compiler runs. Angle-bracket includes (<stdio.h>) are the
// system's and are not followed.
func includes(fsys fs.FS, src string, data []byte) ([]sourceFile, error) {
	seen := map[string]bool{src: true}
	var out []sourceFile
	queue := []sourceFile{{src, data}}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		for _, inc := range includeNames(f.data) {
			p, err := includePath(inc)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.path, err)
			}
			if seen[p] {
				continue
			}
			seen[p] = true
			b, err := fs.ReadFile(fsys, p)
			if err != nil {
				return nil, fmt.Errorf("%s includes %q, which is not a shared file of the corpus: %w", f.path, inc, err)
			}
			g := sourceFile{p, b}
			out = append(out, g)
			queue = append(queue, g)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

// includeNames returns the quoted names of the #include and .include lines
// of a source text, in order.
func includeNames(data []byte) []string {
	var names []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimLeft(line, " \t")
		var rest string
		if r, ok := strings.CutPrefix(line, "#"); ok {
			rest, ok = strings.CutPrefix(strings.TrimLeft(r, " \t"), "include")
			if !ok {
				continue
			}
		} else if r, ok := strings.CutPrefix(line, ".include"); ok {
			rest = r
		} else {
			continue
		}
		rest = strings.TrimLeft(rest, " \t")
		if !strings.HasPrefix(rest, `"`) {
			continue // <system header>, or a word such as #include_next
		}
		if name, _, ok := strings.Cut(rest[1:], `"`); ok {
			names = append(names, name)
		}
	}
	return names
}

// includePath maps an include name to its path in the corpus file system.
// Only files of the shared directory can be included: a name is
// "common/NAME", without "." or ".." elements.
func includePath(name string) (string, error) {
	p := path.Join("programs", name)
	if path.IsAbs(name) || path.Clean(name) != name || !strings.HasPrefix(p, sharedDir+"/") {
		return "", fmt.Errorf("include %q: shared files are included as \"common/NAME\"", name)
	}
	return p, nil
}
