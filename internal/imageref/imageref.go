// Package imageref reads image references with distribution/reference, the
// grammar docker itself uses, so tags, digests and registry ports are told
// apart the same way everywhere.
package imageref

import (
	"strings"

	"github.com/distribution/reference"
)

// Repository returns ref's repository name as written (registry and path,
// no tag or digest, not normalized): "localhost:5000/app:1@sha256:…" is
// "localhost:5000/app". Names are matched lower-cased, as docker refuses
// upper case in them. A reference docker would reject (an unresolved
// variable, a stray character) keeps what precedes its digest and tag, so
// callers still get a best guess.
func Repository(ref string) string {
	ref = strings.ToLower(strings.TrimSpace(ref))
	if r, err := reference.Parse(ref); err == nil {
		if n, ok := r.(reference.Named); ok {
			return n.Name()
		}
		return ""
	}
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.IndexByte(ref[strings.LastIndexByte(ref, '/')+1:], ':'); i >= 0 {
		ref = ref[:strings.LastIndexByte(ref, '/')+1+i]
	}
	return ref
}

// Name returns the last path element of ref's repository: "nginx" for
// "docker.io/library/nginx:1.27".
func Name(ref string) string {
	repo := Repository(ref)
	return repo[strings.LastIndexByte(repo, '/')+1:]
}
