// Package pathglob matches slash paths against the globs policy files and
// exclusion flags use.
package pathglob

import (
	"path"
	"path/filepath"
	"strings"
)

// Match matches slash paths against a glob where `**` spans
// directories and a pattern without a slash matches any base name.
func Match(pattern, p string) bool {
	p = strings.TrimPrefix(filepath.ToSlash(p), "./")
	pattern = strings.TrimPrefix(pattern, "./")
	if !strings.Contains(pattern, "/") {
		ok, _ := path.Match(pattern, path.Base(p))
		if ok {
			return true
		}
	}
	return globSegs(strings.Split(pattern, "/"), strings.Split(p, "/"))
}

func globSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			if len(pat) == 1 {
				return true
			}
			for i := 0; i <= len(segs); i++ {
				if globSegs(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	// A directory pattern covers everything below it.
	return true
}
