package buildctx

import (
	"path"
	"strings"
)

// RootOnly is an exclude pattern that only applies at the context root
// (".env", "*.pem") while same-named files deeper in the tree are sent:
// the author most likely meant "**/" + pattern.
type RootOnly struct {
	Pattern Pattern
	// Files are the sent files below the root that the pattern's name
	// matches (in their base name or a directory on their path).
	Files []string
	// Suggestion is the pattern that would cover them.
	Suggestion string
}

// RootOnlyPatterns lists the single-segment exclude patterns that miss
// nested copies of what they name.
func (c *Context) RootOnlyPatterns() []RootOnly {
	var out []RootOnly
	for _, p := range c.Patterns {
		g := p.Glob()
		if p.Exclusion || strings.Contains(g, "/") || strings.Trim(g, "*?") == "" {
			// Paths are deliberate; "*"-only patterns name nothing.
			continue
		}
		var hits []string
		for _, f := range c.Files {
			segs := strings.Split(f, "/")
			for _, s := range segs[1:] {
				if ok, _ := path.Match(g, s); ok {
					hits = append(hits, f)
					break
				}
			}
		}
		if len(hits) > 0 {
			out = append(out, RootOnly{Pattern: p, Files: hits, Suggestion: "**/" + g})
		}
	}
	return out
}
