package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/hardhull/hardhull/internal/buildctx"
	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
)

// Options selects what Scan reads.
type Options struct {
	// Paths are directories (discovered recursively) or files.
	Paths []string
	// ComposeFiles are explicit -f files, loaded as one project.
	ComposeFiles []string
	// Stdin, when set, is read as one file of StdinKind named "-".
	Stdin     io.Reader
	StdinKind Kind
	// Target selects the shipping stage of multi-stage Dockerfiles.
	Target    string
	BuildArgs map[string]string
	// Rules limits the catalogue (nil: all).
	Rules []*rules.Rule
	// TrustedRegistries, when set, are the only registries images may
	// come from (policy's trusted-registries).
	TrustedRegistries []string
	// Filter excludes paths from discovery and adds names per kind.
	Filter *Filter
	// ComposeSets name, relative to a scanned directory, the compose files
	// that form one project each (config `compose:`); discovery does not
	// group those files again.
	ComposeSets [][]string
}

// Scan runs the source audit.
func Scan(ctx context.Context, opts Options) (*finding.Result, error) {
	res := &finding.Result{Command: "scan", Kinds: map[finding.Kind]int{}}
	rs := opts.Rules
	if rs == nil {
		rs = rules.All()
	}
	s := &scanner{opts: opts, res: res, rules: rs, unitByAbs: map[string]*unit{}}
	if opts.Stdin != nil {
		return res, s.stdin()
	}
	paths := opts.Paths
	if len(paths) == 0 && len(opts.ComposeFiles) == 0 {
		paths = []string{"."}
	}
	if len(paths) == 1 {
		res.Target = paths[0]
	}
	s.single = len(paths) == 1
	if s.single {
		if st, err := os.Stat(paths[0]); err == nil && st.IsDir() {
			s.root, _ = filepath.Abs(paths[0])
		}
	}
	for _, p := range paths {
		if err := s.addPath(p); err != nil {
			s.inputError(p, 0, err)
		}
	}
	if len(opts.ComposeFiles) > 0 {
		s.composeSets = append(s.composeSets, composeSet{files: opts.ComposeFiles, display: opts.ComposeFiles})
	}
	s.loadCompose(ctx)
	s.runUnits()
	s.checkIgnores()
	s.runPython()
	s.runCI()
	sortFindings(res.Findings)
	return res, nil
}

type scanner struct {
	opts  Options
	res   *finding.Result
	rules []*rules.Rule
	mu    sync.Mutex

	units       []*unit
	unitByAbs   map[string]*unit
	composeSets []composeSet
	python      []fileRef
	ci          []fileRef
	ignores     []fileRef
	single      bool
	root        string // the one directory scanned, for relative paths
	contexts    map[string]*ctxEntry
	scanned     map[string]*secretEntry
}

type fileRef struct{ display, abs string }

type composeSet struct {
	files   []string // on disk
	display []string // as reported
	// baseFiles counts the leading files that are the base and its
	// default override; the rest are overlays merged onto it.
	baseFiles     int
	shadowed      []string // default-named copies compose does not read
	shadowDisplay []string
	overlayErrs   []overlayErr
}

type overlayErr struct {
	display string
	line    int
	err     error
}

func (s *scanner) inputError(path string, line int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var pe *dockerfile.ParseError
	if errors.As(err, &pe) {
		line = pe.Line
		err = pe.Err
	}
	s.res.Errors = append(s.res.Errors, finding.InputError{Path: path, Line: line, Message: err.Error()})
}

func (s *scanner) addFindings(fs []finding.Finding) {
	s.mu.Lock()
	s.res.Findings = append(s.res.Findings, fs...)
	s.mu.Unlock()
}

func (s *scanner) addEvidence(es []finding.Evidence) {
	s.mu.Lock()
	s.res.Evidence = append(s.res.Evidence, es...)
	s.mu.Unlock()
}

func (s *scanner) count(k finding.Kind, n int) {
	s.mu.Lock()
	s.res.Kinds[k] += n
	s.mu.Unlock()
}

// addPath discovers inputs under a directory, or takes one file as given.
func (s *scanner) addPath(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		abs, _ := filepath.Abs(p)
		switch Classify(p) {
		case ComposeKind:
			s.composeSets = append(s.composeSets, composeSet{files: []string{abs}, display: []string{p}})
		case PythonKind:
			s.python = append(s.python, fileRef{p, abs})
		case CIKind:
			s.ci = append(s.ci, fileRef{p, abs})
		case IgnoreKind:
			// Judged with the Dockerfiles whose context it governs; checked
			// on its own if none does.
			s.ignores = append(s.ignores, fileRef{p, abs})
		default:
			// A file named on the command line is a Dockerfile unless its
			// name says otherwise (Dockerfile.prod, app.df, ...).
			s.addUnit(p, abs, filepath.Dir(abs))
		}
		return nil
	}
	d, err := DiscoverFiltered(p, s.opts.Filter)
	if err != nil {
		return err
	}
	rel := func(r string) string {
		// One directory scanned: paths are relative to it.
		if p == "." || s.single {
			return r
		}
		return filepath.ToSlash(filepath.Join(p, r))
	}
	for _, f := range d.Dockerfiles {
		abs, _ := filepath.Abs(filepath.Join(p, f))
		s.addUnit(rel(f), abs, filepath.Dir(abs))
	}
	discovered := d.Compose
	if len(s.opts.ComposeSets) > 0 {
		inSet := map[string]bool{}
		for _, set := range s.opts.ComposeSets {
			cs := composeSet{}
			for _, f := range set {
				f = filepath.ToSlash(filepath.Clean(f))
				inSet[f] = true
				abs, _ := filepath.Abs(filepath.Join(p, f))
				cs.files = append(cs.files, abs)
				cs.display = append(cs.display, rel(f))
			}
			if len(cs.files) > 0 {
				s.composeSets = append(s.composeSets, cs)
			}
		}
		discovered = nil
		for _, f := range d.Compose {
			if !inSet[f] {
				discovered = append(discovered, f)
			}
		}
	}
	s.composeSets = append(s.composeSets, groupCompose(p, discovered, rel)...)
	for _, f := range d.Python {
		abs, _ := filepath.Abs(filepath.Join(p, f))
		s.python = append(s.python, fileRef{rel(f), abs})
	}
	for _, f := range d.Ignores {
		abs, _ := filepath.Abs(filepath.Join(p, f))
		s.ignores = append(s.ignores, fileRef{rel(f), abs})
	}
	for _, f := range d.CI {
		abs, _ := filepath.Abs(filepath.Join(p, f))
		s.ci = append(s.ci, fileRef{rel(f), abs})
	}
	return nil
}

// checkIgnores reads the ignore files that no scanned Dockerfile's build
// context used, so that a broken one is still reported with its line.
func (s *scanner) checkIgnores() {
	used := map[string]bool{}
	for _, e := range s.contexts {
		if e.bc != nil && e.bc.IgnoreFile != "" {
			if abs, err := filepath.Abs(e.bc.IgnoreFile); err == nil {
				used[abs] = true
			}
		}
	}
	for _, f := range s.ignores {
		if used[f.abs] {
			continue
		}
		b, err := readCapped(f.abs, buildctx.DefaultMaxIgnoreBytes)
		if err == nil {
			_, err = buildctx.ReadIgnore(f.display, b)
		}
		if err != nil {
			var le *buildctx.LineError
			if errors.As(err, &le) {
				s.inputError(f.display, le.Line, le.Err)
				continue
			}
			s.inputError(f.display, 0, err)
		}
	}
}

func (s *scanner) addUnit(display, abs, ctxDir string) *unit {
	if u, ok := s.unitByAbs[abs]; ok {
		return u
	}
	u := &unit{path: display, abs: abs, ctxDir: ctxDir}
	s.units = append(s.units, u)
	s.unitByAbs[abs] = u
	return u
}

func kindRules(rs []*rules.Rule, kinds ...finding.Kind) []*rules.Rule {
	var out []*rules.Rule
	for _, r := range rs {
		for _, k := range kinds {
			if r.Kind == k {
				out = append(out, r)
			}
		}
	}
	return out
}

func readCapped(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("file larger than %d bytes", max)
	}
	return b, nil
}

func sortFindings(fs []finding.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Location, fs[j].Location
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if fs[i].Rule.ID != fs[j].Rule.ID {
			return fs[i].Rule.ID < fs[j].Rule.ID
		}
		return fs[i].Message < fs[j].Message
	})
}

// displayPath reports a file relative to the scanned directory, or else
// to the working directory.
func displayPath(s *scanner, abs string) string {
	if s.root != "" {
		if rel, err := filepath.Rel(s.root, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return abs
}
