package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/hardhull/hardhull/internal/signtest"
	"github.com/hardhull/hardhull/internal/verify"
)

var readmePolicy = regexp.MustCompile("(?s)<!-- policy: ([a-z-]+) -->\n```yaml\n(.*?)```")

// readmePolicies returns the README's example policies by name.
func readmePolicies(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range readmePolicy.FindAllStringSubmatch(string(b), -1) {
		out[m[1]] = m[2]
	}
	for _, n := range []string{"own-registry", "chainguard", "docker-official-images"} {
		if out[n] == "" {
			t.Fatalf("README lacks the %s policy", n)
		}
	}
	return out
}

// TestReadmePolicies runs each README policy as written, with only the
// registry host swapped for the in-process registry, against images signed
// (or not) the way the README says they are.
func TestReadmePolicies(t *testing.T) {
	policies := readmePolicies(t)
	reg := signtest.NewRegistry(false)
	defer reg.Server.Close()
	kl, err := signtest.NewKeyless()
	if err != nil {
		t.Fatal(err)
	}
	rootJSON, err := kl.TrustedRootJSON()
	if err != nil {
		t.Fatal(err)
	}
	project := func(name, realHost string) (cfg, root string) {
		dir := t.TempDir()
		root = write(t, dir, "trusted_root.json", string(rootJSON))
		cfg = write(t, dir, ".hardhull.yaml", strings.ReplaceAll(policies[name], realHost, reg.Host))
		return cfg, root
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	const pinned = "@sha256:1111111111111111111111111111111111111111111111111111111111111111"
	attested := func(path, tag, source string) v1.Hash {
		prov := func(d v1.Hash) []byte {
			return signtest.ProvenanceV02(d, source, "0123456789abcdef0123456789abcdef01234567", []signtest.Base{{Ref: "python:3.12-slim" + pinned, Digest: strings.TrimPrefix(pinned, "@")}})
		}
		d, err := signtest.PushWithAttestations(reg.Repo(path), tag, prov, true)
		must(err)
		return d
	}
	keyless := func(path string, d v1.Hash, subject string) {
		b, err := kl.Bundle(subject, "https://token.actions.githubusercontent.com", signtest.Statement(d, verify.PredicateCosignSign, nil))
		must(err)
		must(signtest.AttachBundle(reg.Repo(path), d, b, verify.PredicateCosignSign))
	}
	ref := func(path, tag string) string { return reg.Repo(path).Tag(tag).String() }

	// Own registry: release workflow of an acme repository, at a tag.
	release := "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4"
	good := attested("acme/app", "1.4", "https://github.com/acme/app.git")
	keyless("acme/app", good, release)
	fork := attested("acme/app", "fork", "https://github.com/acme/app.git")
	keyless("acme/app", fork, "https://github.com/mallory/app/.github/workflows/release.yml@refs/tags/v1.4")
	branch := attested("acme/app", "branch", "https://github.com/acme/app.git")
	keyless("acme/app", branch, "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main")
	other := attested("acme/app", "other-source", "https://github.com/acme/other.git")
	keyless("acme/app", other, release)

	// Chainguard.
	cg := "https://github.com/chainguard-images/images/.github/workflows/release.yaml@refs/heads/main"
	cgd, err := signtest.PushRandom(reg.Repo("chainguard/python"), "latest")
	must(err)
	keyless("chainguard/python", cgd, cg)
	_, err = signtest.PushRandom(reg.Repo("chainguard/unsigned"), "latest")
	must(err)

	// Docker Official Images: provenance, no signature.
	attested("library/python", "3.12-slim", "https://github.com/docker-library/python.git")
	_, err = signtest.PushRandom(reg.Repo("library/redis"), "7")
	must(err)

	own, _ := project("own-registry", "registry.example.com") // its trusted-root: is relative to the config
	cgCfg, cgRoot := project("chainguard", "cgr.dev")
	doi, _ := project("docker-official-images", "docker.io")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"own: release tag", []string{"image", ref("acme/app", "1.4"), "--config", own}, 0, "covered by the verified signature"},
		{"own: a fork's workflow", []string{"image", ref("acme/app", "fork"), "--config", own}, 1, "SG004"},
		{"own: a branch build", []string{"image", ref("acme/app", "branch"), "--config", own}, 1, "SG004"},
		{"own: another source", []string{"image", ref("acme/app", "other-source"), "--config", own}, 1, "SG006"},
		{"chainguard: signed", []string{"image", ref("chainguard/python", "latest"), "--config", cgCfg, "--trusted-root", cgRoot}, 0, "signature: verified"},
		{"chainguard: unsigned", []string{"image", ref("chainguard/unsigned", "latest"), "--config", cgCfg, "--trusted-root", cgRoot}, 1, "SG001"},
		{"doi: provenance", []string{"image", ref("library/python", "3.12-slim"), "--config", doi}, 0, "provenance_source: https://github.com/docker-library/python.git"},
		{"doi: none", []string{"image", ref("library/redis", "7"), "--config", doi}, 1, "SG005"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := hh(t, "", tc.args...)
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Fatalf("exit %d (want %d), output lacks %q:\n%s\n%s", code, tc.code, tc.want, out, errs)
			}
		})
	}
}
