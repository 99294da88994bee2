package buildctx

import (
	"path"
	"slices"
	"strings"
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
// context. Only files the context sends can be brought in.
func (c *Context) Sources(src string) []string {
	fixed, glob := splitWildcards(cleanRel(src))
	base, ok := c.resolve(fixed)
	if !ok {
		return nil
	}
	if glob == "" {
		return c.expand(base)
	}
	var out []string
	for _, f := range c.under(base) {
		r := f
		if base != "" {
			r = f[len(base)+1:]
		}
		if ancestorMatches(glob, r) {
			out = append(out, f)
			continue
		}
		if ok, _ := path.Match(glob, r); !ok {
			continue
		}
		if _, link := c.Symlinks[f]; link {
			// BuildKit resolves each match again with links followed.
			if t, ok := c.resolve(f); ok {
				out = append(out, c.expand(t)...)
			}
			continue
		}
		out = append(out, f)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ancestorMatches reports whether a directory above r (relative to the
// glob's base) matches glob: the copy then takes that whole directory.
func ancestorMatches(glob, r string) bool {
	for i := 0; i < len(r); i++ {
		if r[i] == '/' {
			if ok, _ := path.Match(glob, r[:i]); ok {
				return true
			}
		}
	}
	return false
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
