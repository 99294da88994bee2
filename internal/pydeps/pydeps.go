// Package pydeps reads the Python dependency files of a build context:
// requirements*.txt, uv.lock, poetry.lock, Pipfile.lock and pylock.toml.
// Each declared package carries the file and line that declares it.
package pydeps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/inventory"
	toml "github.com/pelletier/go-toml/v2"
)

// MaxFileSize bounds a dependency file read into memory.
const MaxFileSize = 16 << 20

// Unpinned is a requirement whose version nothing fixes from below: it
// installs whatever is newest at build time.
type Unpinned struct {
	Name string
	Spec string // the requirement as written, "" when bare
	Line int
}

// File is one parsed dependency file.
type File struct {
	Path     string
	Kind     string // requirements, uv.lock, poetry.lock, Pipfile.lock, pylock.toml
	Packages []inventory.Package
	Unpinned []Unpinned
	// InstalledBy are the Dockerfile instructions ("Dockerfile:12") that
	// install from this file, when the scan found any.
	InstalledBy []string
}

// IsDepsFile reports whether a base name is a Python dependency file.
func IsDepsFile(base string) bool { return kindOf(base) != "" }

func kindOf(base string) string {
	low := strings.ToLower(base)
	switch {
	case strings.HasPrefix(low, "requirements") && strings.HasSuffix(low, ".txt"):
		return "requirements"
	case low == "uv.lock", low == "poetry.lock", low == "pipfile.lock":
		return map[string]string{"uv.lock": "uv.lock", "poetry.lock": "poetry.lock", "pipfile.lock": "Pipfile.lock"}[low]
	case low == "pylock.toml", strings.HasPrefix(low, "pylock.") && strings.HasSuffix(low, ".toml"):
		return "pylock.toml"
	}
	return ""
}

// Parse reads one dependency file; name is the path reported.
func Parse(name string, b []byte) (*File, error) {
	f := &File{Path: name, Kind: kindOf(path.Base(strings.ReplaceAll(name, "\\", "/")))}
	var err error
	switch f.Kind {
	case "requirements":
		parseRequirements(f, b)
	case "uv.lock", "poetry.lock":
		err = parseTOMLPackages(f, b, "package")
	case "pylock.toml":
		err = parseTOMLPackages(f, b, "packages")
	case "Pipfile.lock":
		err = parsePipfileLock(f, b)
	default:
		return nil, fmt.Errorf("%s: not a Python dependency file", name)
	}
	if err != nil {
		return f, fmt.Errorf("%s: %w", name, err)
	}
	return f, nil
}

func pkg(f *File, name, version string, line int, conf string) inventory.Package {
	return inventory.Package{Type: inventory.TypePython, Ecosystem: "PyPI", Name: name, Version: version, Path: f.Path, Line: line, Layer: -1, Confidence: conf}
}

var reqName = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$`)

// parseRequirements reads pip requirement lines. "name==1.2" is exact,
// "name>=1.2" and "name~=1.2" are a lower bound; a bare name, or only an
// upper bound or exclusions, is unpinned. Options (-r, -c, --hash, -e),
// URLs and paths are skipped.
func parseRequirements(f *File, b []byte) {
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		line := i + 1
		l := lines[i]
		// Backslash continuations join physical lines.
		for strings.HasSuffix(strings.TrimRight(l, " \t\r"), "\\") && i+1 < len(lines) {
			l = strings.TrimSuffix(strings.TrimRight(l, " \t\r"), "\\") + " " + lines[i+1]
			i++
		}
		if j := strings.Index(l, " #"); j >= 0 {
			l = l[:j]
		}
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "-") || strings.Contains(l, "://") || strings.HasPrefix(l, ".") || strings.HasPrefix(l, "/") {
			continue
		}
		if j := strings.Index(l, ";"); j >= 0 {
			l = strings.TrimSpace(l[:j]) // environment markers
		}
		if j := strings.Index(l, " --"); j >= 0 {
			l = strings.TrimSpace(l[:j]) // per-requirement options (--hash)
		}
		m := reqName.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		name, spec := m[1], strings.TrimSpace(m[3])
		if strings.HasPrefix(spec, "@") {
			continue // a direct URL reference
		}
		exact, lower := "", ""
		for _, c := range strings.Split(spec, ",") {
			c = strings.TrimSpace(c)
			switch {
			case strings.HasPrefix(c, "==="):
				exact = strings.TrimSpace(c[3:])
			case strings.HasPrefix(c, "=="):
				if v := strings.TrimSpace(c[2:]); !strings.Contains(v, "*") {
					exact = v
				} else if lower == "" {
					lower = strings.TrimSuffix(strings.TrimSuffix(v, "*"), ".")
				}
			case strings.HasPrefix(c, ">="), strings.HasPrefix(c, "~="):
				lower = strings.TrimSpace(c[2:])
			}
		}
		switch {
		case exact != "":
			f.Packages = append(f.Packages, pkg(f, name, exact, line, inventory.Exact))
		case lower != "":
			f.Packages = append(f.Packages, pkg(f, name, lower, line, inventory.LowerBound))
		default:
			f.Unpinned = append(f.Unpinned, Unpinned{Name: name, Spec: spec, Line: line})
		}
	}
}

// parseTOMLPackages reads [[package]] (uv.lock, poetry.lock) or
// [[packages]] (pylock.toml) tables with name and version.
func parseTOMLPackages(f *File, b []byte, table string) error {
	var doc map[string]any
	if err := toml.Unmarshal(b, &doc); err != nil {
		var de *toml.DecodeError
		if ok := asDecodeError(err, &de); ok {
			row, _ := de.Position()
			return fmt.Errorf("line %d: %v", row, de)
		}
		return err
	}
	list, _ := doc[table].([]any)
	lines := nameLines(b)
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		name, _ := m["name"].(string)
		ver, _ := m["version"].(string)
		name, ver = strings.TrimSpace(name), strings.TrimSpace(ver)
		if name == "" {
			continue
		}
		line := lines.next(name)
		if ver == "" {
			// A workspace member or a source-tree package: nothing to match.
			continue
		}
		f.Packages = append(f.Packages, pkg(f, name, ver, line, inventory.Exact))
	}
	return nil
}

func asDecodeError(err error, de **toml.DecodeError) bool {
	d, ok := err.(*toml.DecodeError)
	if ok {
		*de = d
	}
	return ok
}

// lineIndex finds the line of each `name = "X"` in order, so that
// repeated names (several versions of one package) get their own lines.
type lineIndex struct {
	at   map[string][]int
	used map[string]int
}

var nameLine = regexp.MustCompile(`(?m)^\s*name\s*=\s*"([^"]+)"`)

func nameLines(b []byte) *lineIndex {
	li := &lineIndex{at: map[string][]int{}, used: map[string]int{}}
	for _, m := range nameLine.FindAllSubmatchIndex(b, -1) {
		n := string(b[m[2]:m[3]])
		li.at[n] = append(li.at[n], 1+bytes.Count(b[:m[0]], []byte("\n"))+leadingNewlines(b[m[0]:m[1]]))
	}
	return li
}

func leadingNewlines(b []byte) int {
	n := 0
	for _, c := range b {
		if c != '\n' && c != '\r' && c != ' ' && c != '\t' {
			break
		}
		if c == '\n' {
			n++
		}
	}
	return n
}

func (li *lineIndex) next(name string) int {
	ls := li.at[name]
	i := li.used[name]
	li.used[name]++
	if i < len(ls) {
		return ls[i]
	}
	return 0
}

// parsePipfileLock reads the default and develop sections:
// {"name": {"version": "==1.2.3"}}.
func parsePipfileLock(f *File, b []byte) error {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		if se, ok := err.(*json.SyntaxError); ok {
			return fmt.Errorf("line %d: %v", 1+bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n")), err)
		}
		return err
	}
	for _, sec := range []string{"default", "develop"} {
		var pk map[string]struct {
			Version string `json:"version"`
		}
		if raw, ok := doc[sec]; ok {
			if err := json.Unmarshal(raw, &pk); err != nil {
				return fmt.Errorf("%s: %v", sec, err)
			}
		}
		names := make([]string, 0, len(pk))
		for n := range pk {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			v := strings.TrimSpace(strings.TrimPrefix(pk[n].Version, "=="))
			if v == "" || strings.TrimSpace(n) == "" {
				continue
			}
			f.Packages = append(f.Packages, pkg(f, n, v, keyLine(b, n), inventory.Exact))
		}
	}
	return nil
}

func keyLine(b []byte, key string) int {
	i := bytes.Index(b, []byte(`"`+key+`": {`))
	if i < 0 {
		i = bytes.Index(b, []byte(`"`+key+`":`))
	}
	if i < 0 {
		return 0
	}
	return 1 + bytes.Count(b[:i], []byte("\n"))
}
