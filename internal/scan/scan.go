package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/hardhull/hardhull/internal/buildctx"
	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/secrets"
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
}

// unit is one Dockerfile with everything that judges it.
type unit struct {
	path    string // as reported
	abs     string // on disk ("" for stdin)
	src     []byte
	links   []rules.Link
	ctxDir  string
	target  string
	ctxOpen bool
}

// Scan runs the source audit.
func Scan(ctx context.Context, opts Options) (*finding.Result, error) {
	res := &finding.Result{Command: "scan", Kinds: map[finding.Kind]int{}}
	rs := opts.Rules
	if rs == nil {
		rs = rules.All()
	}
	s := &scanner{opts: opts, res: res, rules: rs}
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
	if s.unitByAbs == nil {
		s.unitByAbs = map[string]*unit{}
	}
	if !st.IsDir() {
		abs, _ := filepath.Abs(p)
		switch Classify(p) {
		case ComposeKind:
			s.composeSets = append(s.composeSets, composeSet{files: []string{abs}, display: []string{p}})
		case PythonKind:
			s.python = append(s.python, fileRef{p, abs})
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
	d, err := Discover(p)
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
	s.composeSets = append(s.composeSets, groupCompose(p, d.Compose, rel)...)
	for _, f := range d.Python {
		abs, _ := filepath.Abs(filepath.Join(p, f))
		s.python = append(s.python, fileRef{rel(f), abs})
	}
	for _, f := range d.Ignores {
		abs, _ := filepath.Abs(filepath.Join(p, f))
		s.ignores = append(s.ignores, fileRef{rel(f), abs})
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

// groupCompose loads each directory's default files (base + override) as
// one project, and every other compose variant on its own.
func groupCompose(root string, files []string, rel func(string) string) []composeSet {
	byDir := map[string][]string{}
	var dirs []string
	for _, f := range files {
		d := filepath.Dir(f)
		if _, ok := byDir[d]; !ok {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], f)
	}
	sort.Strings(dirs)
	var out []composeSet
	for _, d := range dirs {
		var base, over, rest []string
		for _, f := range byDir[d] {
			low := strings.ToLower(filepath.Base(f))
			switch {
			case low == "compose.yaml" || low == "compose.yml" || low == "docker-compose.yaml" || low == "docker-compose.yml":
				base = append(base, f)
			case strings.Contains(low, ".override."):
				over = append(over, f)
			default:
				rest = append(rest, f)
			}
		}
		mk := func(fs ...string) composeSet {
			cs := composeSet{}
			for _, f := range fs {
				abs, _ := filepath.Abs(filepath.Join(root, f))
				cs.files = append(cs.files, abs)
				cs.display = append(cs.display, rel(f))
			}
			return cs
		}
		if len(base) > 0 {
			// docker compose picks the first of its default names; the
			// others in the same directory are audited on their own.
			set := []string{base[0]}
			for _, o := range over {
				if overrideOf(o, base[0]) {
					set = append(set, o)
				} else {
					rest = append(rest, o)
				}
			}
			out = append(out, mk(set...))
			for _, b := range base[1:] {
				out = append(out, mk(b))
			}
		} else {
			rest = append(rest, over...)
		}
		for _, r := range rest {
			out = append(out, mk(r))
		}
	}
	return out
}

func overrideOf(over, base string) bool {
	b := strings.ToLower(filepath.Base(base))
	ext := filepath.Ext(b)
	return strings.EqualFold(filepath.Base(over), strings.TrimSuffix(b, ext)+".override"+ext) ||
		strings.EqualFold(filepath.Base(over), strings.TrimSuffix(b, ext)+".override"+map[string]string{".yml": ".yaml", ".yaml": ".yml"}[ext])
}

func (s *scanner) stdin() error {
	src, err := io.ReadAll(io.LimitReader(s.opts.Stdin, dockerfile.MaxSize+1))
	if err != nil {
		s.inputError("-", 0, err)
		return nil
	}
	if len(src) > dockerfile.MaxSize {
		// A cut input would be judged as if complete: refuse it, as the
		// same file on disk is refused.
		s.inputError("-", 0, fmt.Errorf("input larger than %d bytes", dockerfile.MaxSize))
		return nil
	}
	switch s.opts.StdinKind {
	case DockerfileKind, Unknown:
		u := &unit{path: "-", src: src}
		s.units = append(s.units, u)
		s.runUnits()
	case ComposeKind:
		dir, err := os.MkdirTemp("", "hardhull-stdin-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		f := filepath.Join(dir, "compose.yaml")
		if err := os.WriteFile(f, src, 0o600); err != nil {
			return err
		}
		s.composeSets = append(s.composeSets, composeSet{files: []string{f}, display: []string{"-"}})
		s.loadCompose(context.Background())
	case PythonKind:
		s.python = append(s.python, fileRef{display: "-"})
		s.runPythonSource("-", src)
	default:
		return fmt.Errorf("--stdin-kind: unsupported kind")
	}
	sortFindings(s.res.Findings)
	return nil
}

// runUnits parses every Dockerfile and runs the Dockerfile and context
// rules over it, in parallel: files are independent.
func (s *scanner) runUnits() {
	dfRules := kindRules(s.rules, finding.KindDockerfile, finding.KindContext)
	work := make(chan *unit)
	var wg sync.WaitGroup
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				s.runUnit(u, dfRules)
			}
		}()
	}
	for _, u := range s.units {
		work <- u
	}
	close(work)
	wg.Wait()
}

func (s *scanner) runUnit(u *unit, rs []*rules.Rule) {
	src := u.src
	if src == nil {
		b, err := readCapped(u.abs, dockerfile.MaxSize)
		if err != nil {
			s.inputError(u.path, 0, err)
			return
		}
		src = b
	}
	f, err := dockerfile.ParseBytes(u.path, src, dockerfile.Options{BuildArgs: s.opts.BuildArgs})
	if err != nil {
		s.inputError(u.path, 0, err)
		return
	}
	s.count(finding.KindDockerfile, 1)
	target := s.opts.Target
	if u.target != "" {
		target = u.target
	}
	p := &rules.Pass{Dockerfile: f, Final: f.Final(target), Links: u.links}
	p.Ext.TrustedRegistries = s.opts.TrustedRegistries
	if u.ctxDir != "" && u.abs != "" {
		bc, err := s.context(u.ctxDir, u.abs)
		if err != nil && !errors.Is(err, buildctx.ErrLimit) {
			s.inputError(u.path, 0, fmt.Errorf("build context %s: %w", u.ctxDir, err))
		} else {
			p.Ext.Context = bc
			p.Ext.DisplayCtx = func(abs string) string { return displayPath(s, abs) }
			p.Ext.FileSecrets = func(rel string, max int) ([]secrets.Match, int, error) {
				return s.fileSecrets(filepath.Join(bc.Dir, filepath.FromSlash(rel)), max)
			}
			s.count(finding.KindContext, 1)
		}
	}
	s.addFindings(rules.Run(p, rs))
	s.addEvidence(p.Evidences())
}

// secretEntry is one file's content scan, done once per run.
type secretEntry struct {
	once sync.Once
	ms   []secrets.Match
	size int
	err  error
}

func (s *scanner) fileSecrets(abs string, max int) ([]secrets.Match, int, error) {
	s.mu.Lock()
	if s.scanned == nil {
		s.scanned = map[string]*secretEntry{}
	}
	e, ok := s.scanned[abs]
	if !ok {
		e = &secretEntry{}
		s.scanned[abs] = e
	}
	s.mu.Unlock()
	e.once.Do(func() {
		b, err := readCapped(abs, int64(max))
		if err != nil {
			e.err = err
			return
		}
		e.size = len(b)
		e.ms, e.err = secrets.ScanContent(displayPath(s, abs), b)
	})
	return e.ms, e.size, e.err
}

// ctxEntry is one build context, opened once however many Dockerfiles
// share it (monorepos build many services from the repository root).
type ctxEntry struct {
	once sync.Once
	bc   *buildctx.Context
	err  error
}

// context opens a build context for a Dockerfile, reusing the walk when
// another Dockerfile already opened the same directory with the same
// ignore file. The Dockerfile-specific ignore file decides the key, as it
// decides what the builder sends.
func (s *scanner) context(dir, dockerfilePath string) (*buildctx.Context, error) {
	key := dir + "\x00"
	if _, err := os.Stat(dockerfilePath + ".dockerignore"); err == nil {
		key += dockerfilePath
	}
	s.mu.Lock()
	if s.contexts == nil {
		s.contexts = map[string]*ctxEntry{}
	}
	e, ok := s.contexts[key]
	if !ok {
		e = &ctxEntry{}
		s.contexts[key] = e
	}
	s.mu.Unlock()
	e.once.Do(func() { e.bc, e.err = buildctx.Open(dir, dockerfilePath, buildctx.Options{}) })
	return e.bc, e.err
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
