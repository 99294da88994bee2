package buildctx

import (
	"path"
	"strings"

	"github.com/moby/patternmatcher"
)

// single matches one glob on its own, without parent-directory logic.
type single struct {
	pm *patternmatcher.PatternMatcher
}

func newSingle(glob string) (single, error) {
	pm, err := patternmatcher.New([]string{glob})
	if err != nil {
		return single{}, err
	}
	s := single{pm}
	// Compile now: patternmatcher builds its regexp on first use.
	if _, err := s.match("x"); err != nil {
		return single{}, err
	}
	return s, nil
}

func (s single) match(p string) (bool, error) {
	// With a single non-exception pattern and no parent result this is
	// exactly the pattern's own match of p, which is what the per-pattern
	// bookkeeping below needs.
	//lint:ignore SA1019 its known fault is in carrying a parent's result; with one pattern and none it is that pattern's exact match
	return s.pm.MatchesUsingParentResult(p, false)
}

// matcher decides paths the way the builder's context walk does.
type matcher struct {
	pats   []Pattern
	pm     *patternmatcher.PatternMatcher // nil when there are no patterns
	single []single
	// prefixOnly mirrors fsutil: when every exception is a literal path,
	// an excluded directory that no exception points into is not walked.
	prefixOnly bool
}

func newMatcher(pats []Pattern) (*matcher, error) {
	m := &matcher{pats: pats, prefixOnly: true}
	if len(pats) == 0 {
		return m, nil
	}
	texts := make([]string, len(pats))
	for i, p := range pats {
		texts[i] = p.Text
		s, err := newSingle(p.Glob())
		if err != nil {
			return nil, err
		}
		m.single = append(m.single, s)
		if p.Exclusion && strings.ContainsAny(trimTrailingGlob(p.Glob()), `*[]?^\`) {
			m.prefixOnly = false
		}
	}
	pm, err := patternmatcher.New(texts)
	if err != nil {
		return nil, err
	}
	m.pm = pm
	return m, nil
}

func trimTrailingGlob(s string) string {
	s = strings.TrimSuffix(s, "/**")
	return strings.TrimSuffix(s, "/*")
}

// mayReenter reports whether an exception could re-include something
// below the excluded directory dir (fsutil's skip rule).
func (m *matcher) mayReenter(dir string) bool {
	if !m.pm.Exclusions() {
		return false
	}
	if !m.prefixOnly {
		return true
	}
	dirSlash := dir + "/"
	for _, p := range m.pats {
		if p.Exclusion && strings.HasPrefix(trimTrailingGlob(p.Glob())+"/", dirSlash) {
			return true
		}
	}
	return false
}

// excluded decides rel by feeding every ancestor through
// MatchesUsingParentResults, as the builder's walk does.
func (m *matcher) excluded(rel string) bool {
	if m.pm == nil || rel == "" {
		return false
	}
	var info patternmatcher.MatchInfo
	ex := false
	for i := 0; ; {
		j := strings.IndexByte(rel[i:], '/')
		p := rel
		if j >= 0 {
			p = rel[:i+j]
		}
		var err error
		ex, info, err = m.pm.MatchesUsingParentResults(p, info)
		if err != nil {
			// Patterns are validated when loaded; treat the impossible
			// error as "sent" rather than hide a file from the checks.
			return false
		}
		if j < 0 {
			return ex
		}
		if ex && !m.mayReenter(p) {
			// The builder never looks inside this directory.
			return true
		}
		i += j + 1
	}
}

// decide is the same decision as excluded, tracked pattern by pattern so
// it can name the line that settled it (-1 when no pattern matched).
func (m *matcher) decide(rel string) (last int, ex bool) {
	last = -1
	if m.pm == nil || rel == "" {
		return last, false
	}
	var info []bool
	for i := 0; ; {
		j := strings.IndexByte(rel[i:], '/')
		p := rel
		if j >= 0 {
			p = rel[:i+j]
		}
		next := make([]bool, len(m.pats))
		ex, last = false, -1
		for k, pat := range m.pats {
			hit := info != nil && info[k]
			if !hit {
				if pat.Exclusion != ex {
					continue
				}
				hit, _ = m.single[k].match(p)
			}
			next[k] = hit
			if hit {
				ex = !pat.Exclusion
				last = k
			}
		}
		info = next
		if j < 0 {
			return last, ex
		}
		if ex && !m.mayReenter(p) {
			return last, true
		}
		i += j + 1
	}
}

// cleanRel turns a user-supplied path into the context-relative,
// slash-separated form used throughout ("" is the context root).
func cleanRel(rel string) string {
	rel = path.Clean("/" + rel)
	return strings.TrimPrefix(rel, "/")
}
