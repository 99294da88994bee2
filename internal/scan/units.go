package scan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/hardhull/hardhull/internal/buildctx"
	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/secrets"
)

// unit is one Dockerfile with everything that judges it.
type unit struct {
	path   string // as reported
	abs    string // on disk ("" for stdin)
	src    []byte
	links  []rules.Link
	ctxDir string
	target string
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
	if s.excluded(abs) {
		return nil, 0, nil // excluded files are not read at all
	}
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

// excluded reports whether a file on disk lies in the scanned directory
// and is excluded by the user's filter.
func (s *scanner) excluded(abs string) bool {
	if s.opts.Filter == nil || s.root == "" {
		return false
	}
	rel, err := filepath.Rel(s.root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return false
	}
	return s.opts.Filter.Skip(filepath.ToSlash(rel))
}
