package buildctx

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/moby/patternmatcher"
)

// maxLinkHops matches the kernel's and continuity's symlink budget.
const maxLinkHops = 255

// Sources returns the sent files that `COPY src dest` / `ADD src dest`
// would bring into the image, as context paths after symlink resolution.
// It follows BuildKit's copy: the source is relative to the context root
// ("/" and ".." cannot leave it); "." is everything; a directory brings
// everything below it; wildcards are split at the first wildcard segment
// and the rest is matched with filepath.Match against paths below the
// fixed prefix, a matching directory bringing its whole subtree; symlinks
// on the source path (and a matched symlink) are followed inside the
// context. Only files the context sends can be brought in; nil when the
// build would fail on this source (see SourcesExcluding for the error).
func (c *Context) Sources(src string) []string {
	out, _ := c.SourcesExcluding(src, nil)
	return out
}

// SourcesExcluding is Sources for `COPY --exclude=PATTERN... src dest`:
// as in BuildKit, each pattern is matched relative to every copied root
// (the source directory, or each wildcard match), so a source that is a
// single file is never excluded by it. The error is the one that fails the
// build: an invalid pattern, or a source (or a matched symlink) that does
// not resolve to anything sent — an excluded file, a dangling link, a
// loop. A wildcard matching nothing is no error, as in BuildKit.
func (c *Context) SourcesExcluding(src string, excludes []string) ([]string, error) {
	var pm *patternmatcher.PatternMatcher
	if len(excludes) > 0 {
		var err error
		if pm, err = patternmatcher.New(excludes); err != nil {
			return nil, fmt.Errorf("copy --exclude %q: %w", excludes, err)
		}
	}
	roots, err := c.copyRoots(src)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, root := range roots {
		for _, f := range c.expand(root) {
			if pm != nil && f != root {
				rel := f
				if root != "" {
					rel = f[len(root)+1:]
				}
				ex, err := chainExcluded(pm, rel)
				if err != nil {
					return nil, fmt.Errorf("copy --exclude %q: %w", excludes, err)
				}
				if ex {
					continue
				}
			}
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// ErrNoSource is wrapped when a COPY/ADD source is not in the sent context.
var ErrNoSource = errors.New("source not in the build context")

// chainExcluded decides rel ancestor by ancestor, as fsutil's copier does
// while it recurses (it always descends when exceptions exist).
func chainExcluded(pm *patternmatcher.PatternMatcher, rel string) (bool, error) {
	var info patternmatcher.MatchInfo
	for i := 0; ; {
		j := strings.IndexByte(rel[i:], '/')
		p := rel
		if j >= 0 {
			p = rel[:i+j]
		}
		ex, next, err := pm.MatchesUsingParentResults(p, info)
		if err != nil || j < 0 {
			return ex, err
		}
		if ex && !pm.Exclusions() {
			return true, nil
		}
		info = next
		i += j + 1
	}
}

// copyRoots resolves src to the resolved paths BuildKit copies one by one:
// the source itself, or each wildcard match ("" is the context root).
func (c *Context) copyRoots(src string) ([]string, error) {
	fixed, glob := splitWildcards(cleanRel(src))
	base, ok := c.resolve(fixed)
	if !ok {
		return nil, fmt.Errorf("copy %s: %w: too many levels of symbolic links", src, ErrNoSource)
	}
	if !c.exists(base) {
		// Also for wildcards: BuildKit walks the fixed prefix first.
		return nil, fmt.Errorf("copy %s: %w", src, ErrNoSource)
	}
	if glob == "" {
		return []string{base}, nil
	}
	var roots []string
	seen := map[string]bool{}
	add := func(r string) {
		if !seen[r] {
			seen[r] = true
			roots = append(roots, r)
		}
	}
	for _, f := range c.under(base) {
		r := f
		if base != "" {
			r = f[len(base)+1:]
		}
		if q, ok := matchingAncestor(glob, r); ok {
			if base != "" {
				q = base + "/" + q
			}
			add(q)
			continue
		}
		if ok, _ := path.Match(glob, r); !ok {
			continue
		}
		if _, link := c.Symlinks[f]; link {
			// BuildKit resolves each match again with links followed.
			t, ok := c.resolve(f)
			if !ok || !c.exists(t) {
				return nil, fmt.Errorf("copy %s: match %s: %w", src, f, ErrNoSource)
			}
			add(t)
			continue
		}
		add(f)
	}
	return roots, nil
}

// exists reports whether the resolved path p is in the sent tree: a file,
// a sent directory, or a directory holding sent files.
func (c *Context) exists(p string) bool {
	if p == "" || c.dirs[p] {
		return true
	}
	if _, ok := slices.BinarySearch(c.Files, p); ok {
		return true
	}
	return len(c.under(p)) > 0
}

// matchingAncestor returns the first directory above r (relative to the
// glob's base) that matches glob: the copy then takes that directory.
func matchingAncestor(glob, r string) (string, bool) {
	for i := 0; i < len(r); i++ {
		if r[i] == '/' {
			if ok, _ := path.Match(glob, r[:i]); ok {
				return r[:i], true
			}
		}
	}
	return "", false
}

// expand lists what copying the resolved path p brings: the file itself
// or everything sent below the directory.
func (c *Context) expand(p string) []string {
	if p == "" {
		return slices.Clone(c.Files)
	}
	if _, ok := slices.BinarySearch(c.Files, p); ok {
		if _, link := c.Symlinks[p]; link {
			return nil // unresolvable (loop) link
		}
		return []string{p}
	}
	return slices.Clone(c.under(p))
}

// resolve follows symlinks along p the way continuity's RootPath does:
// absolute targets restart at the context root and ".." stops at it, so
// nothing outside the context is ever reached. ok is false for a loop.
func (c *Context) resolve(p string) (string, bool) {
	comps := strings.Split(p, "/")
	cur := ""
	hops := 0
	for len(comps) > 0 {
		comp := comps[0]
		comps = comps[1:]
		switch comp {
		case "", ".":
			continue
		case "..":
			if cur = path.Dir(cur); cur == "." {
				cur = ""
			}
			continue
		}
		next := comp
		if cur != "" {
			next = cur + "/" + comp
		}
		t, link := c.Symlinks[next]
		if !link {
			cur = next
			continue
		}
		if hops++; hops > maxLinkHops {
			return "", false
		}
		if strings.HasPrefix(t, "/") {
			cur = ""
		}
		comps = append(strings.Split(t, "/"), comps...)
	}
	return cur, true
}

// splitWildcards splits p at its first segment holding a wildcard, as
// fsutil's copy does; a backslash escapes the next character.
func splitWildcards(p string) (fixed, glob string) {
	if p == "" {
		return "", ""
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if containsWildcards(s) {
			return strings.Join(parts[:i], "/"), strings.Join(parts[i:], "/")
		}
	}
	return p, ""
}

func containsWildcards(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '*', '?', '[':
			return true
		}
	}
	return false
}

// CopiesDir reports whether `COPY src dest` copies a directory of the
// context (or the context itself): decided from the sent tree, not from
// a trailing slash or a wildcard in the spelling. known is false when the
// source is not in the context at all (the build would fail on it, or the
// tree is incomplete), and nothing can be decided.
func (c *Context) CopiesDir(src string) (dir, known bool) {
	roots, err := c.copyRoots(src)
	if err != nil {
		return false, false
	}
	for _, r := range roots {
		if r == "" || c.dirs[r] {
			return true, true
		}
		if _, file := slices.BinarySearch(c.Files, r); !file && len(c.under(r)) > 0 {
			return true, true
		}
	}
	return false, true
}

// Rooted is a file a COPY source brings in, with its path relative to
// what the copy places at the destination: below a copied directory, the
// path inside it; for a copied file, "" (the file itself lands there).
type Rooted struct {
	File string
	Rel  string
}

// SourcesRooted is Sources with each file's place under the destination,
// so that callers can tell where it lands in the image.
func (c *Context) SourcesRooted(src string) []Rooted {
	roots, err := c.copyRoots(src)
	if err != nil {
		return nil
	}
	var out []Rooted
	for _, r := range roots {
		for _, f := range c.expand(r) {
			switch {
			case f == r:
				out = append(out, Rooted{File: f})
			case r == "":
				out = append(out, Rooted{File: f, Rel: f})
			default:
				out = append(out, Rooted{File: f, Rel: f[len(r)+1:]})
			}
		}
	}
	return out
}
