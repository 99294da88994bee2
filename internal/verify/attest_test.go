package verify

import (
	"context"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/hardhull/hardhull/internal/signtest"
)

const slsa1Doc = `{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1",
"subject":[{"name":"x","digest":{"sha256":"aa"}}],
"predicate":{"buildDefinition":{"buildType":"https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md",
"externalParameters":{"configSource":{}},
"resolvedDependencies":[{"uri":"pkg:docker/cgr.dev/chainguard/python@latest?digest=sha256:1111111111111111111111111111111111111111111111111111111111111111&platform=linux%2Famd64","digest":{"sha256":"1111111111111111111111111111111111111111111111111111111111111111"}},
 {"uri":"https://github.com/acme/app.git#main","digest":{"sha1":"abc"}}]},
"runDetails":{"builder":{"id":"https://github.com/acme/app/actions/runs/7"},
"metadata":{"https://mobyproject.org/buildkit@v1#metadata":{"vcs":{"source":"https://github.com/acme/app","revision":"0123abc"}}}}}}`

func TestParseProvenance(t *testing.T) {
	d := v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("a", 64)}
	v02 := signtest.ProvenanceV02(d, "https://github.com/acme/app.git#refs/tags/v1.4", "0123456789abcdef0123456789abcdef01234567", []signtest.Base{
		{Ref: "python:3.12-slim", Digest: "sha256:" + strings.Repeat("2", 64)},
		{Ref: "ghcr.io/acme/base:1@sha256:" + strings.Repeat("3", 64), Digest: "sha256:" + strings.Repeat("3", 64)},
	})
	p, err := ParseProvenance(v02)
	if err != nil {
		t.Fatal(err)
	}
	if p.PredicateType != PredicateSLSA02 || p.Builder != "https://github.com/acme/app/actions/runs/42" || p.Commit != "0123456789abcdef0123456789abcdef01234567" || NormSource(p.Source) != "github.com/acme/app" {
		t.Errorf("v0.2: %+v", p)
	}
	if len(p.Bases) != 2 {
		t.Fatalf("bases %+v", p.Bases)
	}
	if b := p.Bases[1]; b.Image() != "docker.io/library/python:3.12-slim" || b.PinnedInSource() || b.Digest != "sha256:"+strings.Repeat("2", 64) {
		t.Errorf("tag base: %s pinned=%v %s", b.Image(), b.PinnedInSource(), b.Digest)
	}
	if b := p.Bases[0]; b.Image() != "ghcr.io/acme/base:1@sha256:"+strings.Repeat("3", 64) || !b.PinnedInSource() {
		t.Errorf("pinned base: %s pinned=%v", b.Image(), b.PinnedInSource())
	}

	p, err = ParseProvenance([]byte(slsa1Doc))
	if err != nil {
		t.Fatal(err)
	}
	if p.PredicateType != PredicateSLSA1 || p.Source != "https://github.com/acme/app" || p.Commit != "0123abc" || len(p.Bases) != 1 || !p.Bases[0].PinnedInSource() {
		t.Errorf("v1: %+v", p)
	}

	for _, bad := range []string{"", "{", `{"predicateType":"https://spdx.dev/Document"}`, `{"predicateType":"https://slsa.dev/provenance/v0.2","predicate":[]}`} {
		if _, err := ParseProvenance([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestNormSource(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/Acme/App.git#refs/tags/v1": "github.com/acme/app",
		"git@github.com:acme/app.git":                  "github.com/acme/app",
		"github.com/acme/app/":                         "github.com/acme/app",
	} {
		if got := NormSource(in); got != want {
			t.Errorf("NormSource(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIndexProvenance(t *testing.T) {
	reg := signtest.NewRegistry(true)
	defer reg.Server.Close()
	repo := reg.Repo("team/app")
	prov := func(d v1.Hash) []byte {
		return signtest.ProvenanceV02(d, "https://github.com/acme/app", "abc", []signtest.Base{{Ref: "python:3.12-slim", Digest: "sha256:" + strings.Repeat("2", 64)}})
	}
	idx, err := signtest.PushWithAttestations(repo, "1.4", prov, true)
	if err != nil {
		t.Fatal(err)
	}
	p, err := IndexProvenance(context.Background(), NewRemote(repo), idx, "")
	if err != nil {
		t.Fatal(err)
	}
	if p == nil || p.Source != "https://github.com/acme/app" || !p.SBOM || len(p.Bases) != 1 {
		t.Fatalf("provenance %+v", p)
	}
	if p, err := IndexProvenance(context.Background(), NewRemote(repo), idx, "linux/arm64"); err != nil || p != nil {
		t.Fatalf("arm64: %+v %v", p, err)
	}
}

func FuzzParseProvenance(f *testing.F) {
	f.Add([]byte(slsa1Doc))
	f.Add(signtest.ProvenanceV02(v1.Hash{Algorithm: "sha256", Hex: "ab"}, "https://x/y", "c", []signtest.Base{{Ref: "python:3", Digest: "sha256:11"}}))
	f.Add([]byte(`{"predicateType":"https://slsa.dev/provenance/v0.2","predicate":{"materials":[{"uri":"pkg:docker/%zz"}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseProvenance(b)
		if err != nil {
			return
		}
		for _, m := range p.Bases {
			_ = m.Image()
			_ = m.PinnedInSource()
		}
		_ = NormSource(p.Source)
	})
}

func TestParseProvenanceParams(t *testing.T) {
	d := v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("a", 64)}
	p, err := ParseProvenance(signtest.ProvenanceV02Args(d, "https://x/y", "c", nil, map[string]string{"build-arg:A": "1"}))
	if err != nil {
		t.Fatal(err)
	}
	if p.Frontend != "dockerfile.v0" || p.Args["build-arg:A"] != "1" {
		t.Fatalf("%+v", p)
	}
	v1doc := strings.Replace(slsa1Doc, `"externalParameters":{"configSource":{}}`, `"externalParameters":{"configSource":{},"request":{"frontend":"dockerfile.v0","args":{"build-arg:TOKEN":"x"}}}`, 1)
	if p, err = ParseProvenance([]byte(v1doc)); err != nil || p.Args["build-arg:TOKEN"] != "x" || p.Frontend != "dockerfile.v0" {
		t.Fatalf("v1: %+v %v", p, err)
	}
}
