package e2e

import (
	"archive/tar"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/hardhull/hardhull/internal/report"
	"github.com/hardhull/hardhull/internal/signtest"
	"github.com/hardhull/hardhull/internal/verify"
)

const (
	ghIssuer  = "https://token.actions.githubusercontent.com"
	releaseWF = "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4"
)

// signedRegistry serves four images: signed with a key, signed keylessly
// by the release workflow, unsigned, and carrying a copied signature.
type signedRegistry struct {
	reg                               *signtest.Registry
	key                               *signtest.Key
	pub, root                         string
	keySigned, keyless, unsigned, cpy string
}

func newSignedRegistry(t *testing.T) *signedRegistry {
	t.Helper()
	s := &signedRegistry{reg: signtest.NewRegistry(false)}
	t.Cleanup(s.reg.Server.Close)
	repo := s.reg.Repo("team/app")
	var err error
	if s.key, err = signtest.NewKey(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s.pub = write(t, dir, "cosign.pub", string(s.key.PublicPEM))
	kl, err := signtest.NewKeyless()
	if err != nil {
		t.Fatal(err)
	}
	rootJSON, err := kl.TrustedRootJSON()
	if err != nil {
		t.Fatal(err)
	}
	s.root = write(t, dir, "trusted_root.json", string(rootJSON))
	push := func(tag string) string {
		d, err := signtest.PushRandom(repo, tag)
		if err != nil {
			t.Fatal(err)
		}
		return d.String()
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	s.keySigned, s.keyless, s.unsigned, s.cpy = push("key"), push("keyless"), push("unsigned"), push("copied")
	kd, kld, cd := hash(t, s.keySigned), hash(t, s.keyless), hash(t, s.cpy)
	must(signtest.SignTag(repo, kd, kd, s.key))
	must(signtest.CopySignatures(repo, kd, cd))
	b, err := kl.Bundle(releaseWF, ghIssuer, signtest.Statement(kld, verify.PredicateCosignSign, nil))
	must(err)
	must(signtest.AttachBundle(repo, kld, b, verify.PredicateCosignSign))
	for _, p := range []*string{&s.keySigned, &s.keyless, &s.unsigned, &s.cpy} {
		*p = repo.Name() + "@" + *p
	}
	return s
}

func TestImageVerify(t *testing.T) {
	s := newSignedRegistry(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in the text output
	}{
		{"key verified", []string{"image", s.keySigned, "--verify-key", s.pub}, 0, "signed_by: " + s.pub},
		{"unsigned", []string{"image", s.unsigned, "--verify-key", s.pub}, 1, "SG001"},
		{"copied signature", []string{"image", s.cpy, "--verify-key", s.pub}, 1, "SG003"},
		{"keyless verified", []string{"image", s.keyless, "--certificate-identity", releaseWF, "--certificate-oidc-issuer", ghIssuer, "--trusted-root", s.root}, 0, "signature: verified"},
		{"keyless wrong identity", []string{"image", s.keyless, "--certificate-identity-regexp", "^https://github.com/other/", "--certificate-oidc-issuer", ghIssuer, "--trusted-root", s.root}, 1, "SG004"},
		{"identity without issuer", []string{"image", s.keyless, "--certificate-identity", releaseWF}, 2, "go together"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := hh(t, "", tc.args...)
			if code != tc.code || !strings.Contains(out+errs, tc.want) {
				t.Fatalf("exit %d (want %d), output lacks %q:\n%s\n%s", code, tc.code, tc.want, out, errs)
			}
		})
	}
	// An unreachable registry is exit 2 with the reference, not a pass.
	s.reg.Server.Close()
	code, _, errs := hh(t, "", "image", s.keySigned, "--verify-key", s.pub)
	if code != 2 || !strings.Contains(errs, s.keySigned) {
		t.Fatalf("unreachable: exit %d, stderr %q", code, errs)
	}
}

// TestImageVerifyPolicy: the policy in .hardhull.yaml decides, per
// repository, what is required; --config points at it.
func TestImageVerifyPolicy(t *testing.T) {
	s := newSignedRegistry(t)
	dir := t.TempDir()
	cfg := write(t, dir, ".hardhull.yaml", "signatures:\n  images:\n    - match: "+s.reg.Host+"/team/*\n      keys: ["+s.pub+"]\n")
	if code, out, _ := hh(t, "", "image", s.keySigned, "--config", cfg); code != 0 || !strings.Contains(out, "signature: verified") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if code, out, _ := hh(t, "", "image", s.unsigned, "--config", cfg, "--format", "checklist"); code != 1 || !strings.Contains(checklistLine(out, "Images signed"), "FAIL") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// TestVerifyNoSecrets: the signing key and the registry password never
// reach any output format, whatever the verdict.
func TestVerifyNoSecrets(t *testing.T) {
	s := newSignedRegistry(t)
	priv, err := s.key.PrivatePEM()
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Join(strings.Split(string(priv), "\n")[1:3], "")
	const regPassword = "Qe7Rt2Yu9Io4Pa1Sd6Fg3Hj8"
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	cfgJSON := `{"auths":{"` + s.reg.Host + `":{"username":"ci","password":"` + regPassword + `"}}}`
	if err := os.WriteFile(filepath.Join(os.Getenv("DOCKER_CONFIG"), "config.json"), []byte(cfgJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	keyFile := write(t, t.TempDir(), "cosign.key", string(priv))
	// A token passed as a build argument and recorded by max-mode
	// provenance: reported (SG009), never printed.
	const buildToken = "npm_Wk5Hq2Zr8Lp3Xv6Ct9Nb4Md7Fy1Gs0Ja"
	repo := s.reg.Repo("team/app")
	prov := func(d v1.Hash) []byte {
		return signtest.ProvenanceV02Args(d, "https://github.com/acme/app", "abc", nil, map[string]string{"build-arg:NPM_TOKEN": buildToken, "build-arg:APP_VERSION": "1.4"})
	}
	leakyDigest, err := signtest.PushWithAttestations(repo, "leaky", prov, false)
	if err != nil {
		t.Fatal(err)
	}
	leaky := repo.Name() + "@" + leakyDigest.String()
	if _, out, _ := hh(t, "", "image", leaky, "--verify-key", s.pub); !strings.Contains(out, "SG009") || !strings.Contains(out, "build-arg:APP_VERSION=1.4") {
		t.Errorf("SG009 or provenance params missing:\n%s", out)
	}
	for _, format := range report.Formats {
		for _, ref := range []string{s.keySigned, s.unsigned, s.cpy, leaky} {
			_, out, errs := hh(t, "", "image", ref, "--verify-key", s.pub, "--format", format)
			if w := leaks(out+errs, []string{body, regPassword, buildToken}); w != "" {
				t.Errorf("%s output for %s contains %q", format, ref, w)
			}
		}
	}
	// A private key given by mistake is refused without being echoed.
	code, out, errs := hh(t, "", "image", s.keySigned, "--verify-key", keyFile)
	if code != 2 || !strings.Contains(errs, "private key") {
		t.Errorf("private key as --verify-key: exit %d, %q", code, errs)
	}
	if w := leaks(out+errs, []string{body}); w != "" {
		t.Errorf("refusal echoes the key: %q", w)
	}
}

func TestTrustImport(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	s := newSignedRegistry(t)
	code, out, errs := hh(t, "", "trust", "import", s.root)
	if code != 0 || !strings.Contains(out, "trusted_root.json") {
		t.Fatalf("import: exit %d %q %q", code, out, errs)
	}
	// Keyless verification now needs no --trusted-root.
	code, out, errs = hh(t, "", "image", s.keyless, "--certificate-identity", releaseWF, "--certificate-oidc-issuer", ghIssuer)
	if code != 0 || !strings.Contains(out, "signature: verified") {
		t.Fatalf("after import: exit %d\n%s\n%s", code, out, errs)
	}
	bad := write(t, t.TempDir(), "root.json", "{\"mediaType\": 1}")
	if code, _, errs := hh(t, "", "trust", "import", bad); code != 2 || !strings.Contains(errs, bad) {
		t.Fatalf("bad root: exit %d %q", code, errs)
	}
}

func hash(t *testing.T, s string) v1.Hash {
	t.Helper()
	h, err := v1.NewHash(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestImageProvenance(t *testing.T) {
	s := newSignedRegistry(t)
	repo := s.reg.Repo("team/app")
	prov := func(d v1.Hash) []byte {
		return signtest.ProvenanceV02(d, "https://github.com/acme/app.git", "0123456789abcdef0123456789abcdef01234567",
			[]signtest.Base{{Ref: "python:3.12-slim", Digest: "sha256:" + strings.Repeat("2", 64)}})
	}
	signed, err := signtest.PushWithAttestations(repo, "1.4", prov, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := signtest.SignTag(repo, signed, signed, s.key); err != nil {
		t.Fatal(err)
	}
	ref := repo.Name() + "@" + signed.String()
	code, out, errs := hh(t, "", "image", ref, "--verify-key", s.pub, "--require-provenance")
	for _, want := range []string{"signature: verified", "provenance: https://slsa.dev/provenance/v0.2, covered by the verified signature, SBOM attached",
		"provenance_source: https://github.com/acme/app.git", "provenance_commit: 0123456789abcdef", "SG007"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if code != 0 { // SG007 is low: below the default fail-on
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
	// Without provenance, --require-provenance fails the image (SG005).
	code, out, _ = hh(t, "", "image", s.keySigned, "--verify-key", s.pub, "--require-provenance")
	if code != 1 || !strings.Contains(out, "SG005") || !strings.Contains(out, "provenance: none") {
		t.Errorf("no provenance: exit %d\n%s", code, out)
	}
}

// TestScanVerifyBases: each FROM and compose image the policy covers is
// verified, and findings point at the line that names it; an image the
// registry cannot serve is an input error there (exit 2).
func TestScanVerifyBases(t *testing.T) {
	s := newSignedRegistry(t)
	dir := t.TempDir()
	write(t, dir, "cosign.pub", string(s.key.PublicPEM))
	write(t, dir, ".hardhull.yaml", "signatures:\n  images:\n    - match: "+s.reg.Host+"/team/*\n      keys: [cosign.pub]\n")
	write(t, dir, "Dockerfile", "FROM "+s.keySigned+" AS build\nFROM "+s.unsigned+"\nCOPY --from="+s.cpy+" /x /x\nUSER 1000\nHEALTHCHECK CMD [\"/app/health\"]\n")
	write(t, dir, "compose.yaml", "services:\n  cache:\n    image: "+s.cpy+"\n")
	code, out, errs := hh(t, "", "scan", dir, "--verify-bases", "--format", "json")
	r := decode(t, out)
	got := map[string]string{}
	for _, f := range r.Findings {
		if strings.HasPrefix(f.Rule, "SG") {
			got[f.Rule] = f.Location.Path + ":" + itoa(f.Location.Line)
		}
	}
	sg3 := 0
	for _, f := range r.Findings {
		if f.Rule == "SG003" {
			sg3++
		}
	}
	if got["SG001"] != "Dockerfile:2" || sg3 != 2 || len(got) != 2 {
		t.Fatalf("exit %d, integrity findings %v\n%s", code, got, errs)
	}
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	// The verified base counts as evidence for the checklist item.
	_, out, _ = hh(t, "", "scan", dir, "--verify-bases", "--format", "checklist")
	if line := checklistLine(out, "Images signed"); !strings.Contains(line, "FAIL") {
		t.Errorf("checklist: %q", line)
	}
	write(t, dir, "Dockerfile", "FROM "+s.reg.Host+"/team/app:no-such-tag\nUSER 1000\n")
	code, _, errs = hh(t, "", "scan", dir, "--verify-bases")
	if code != 2 || !strings.Contains(errs, "Dockerfile:1") || !strings.Contains(errs, "no-such-tag") {
		t.Fatalf("missing image: exit %d, %q", code, errs)
	}
	if code, _, errs := hh(t, "", "scan", t.TempDir(), "--verify-bases"); code != 2 || !strings.Contains(errs, "nothing to verify against") {
		t.Fatalf("no policy: exit %d %q", code, errs)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestOfflineLayout: with --offline --layout, image and scan verify from
// the OCI layout alone; the registry is gone.
func TestOfflineLayout(t *testing.T) {
	s := newSignedRegistry(t)
	repo := s.reg.Repo("team/app")
	layoutDir := filepath.Join(t.TempDir(), "airgap")
	var refs []name.Reference
	for _, tag := range []string{"key", "unsigned"} {
		refs = append(refs, repo.Tag(tag))
	}
	if err := signtest.ToLayout(layoutDir, refs...); err != nil {
		t.Fatal(err)
	}
	s.reg.Server.Close()
	signed, unsigned := repo.Tag("key").String(), repo.Tag("unsigned").String()
	code, out, errs := hh(t, "", "image", signed, "--offline", "--layout", layoutDir, "--verify-key", s.pub)
	if code != 0 || !strings.Contains(out, "signature: verified") {
		t.Fatalf("offline image: exit %d\n%s\n%s", code, out, errs)
	}
	if code, out, _ := hh(t, "", "image", unsigned, "--offline", "--layout", layoutDir, "--verify-key", s.pub); code != 1 || !strings.Contains(out, "SG001") {
		t.Fatalf("offline unsigned: exit %d\n%s", code, out)
	}
	dir := t.TempDir()
	write(t, dir, "Dockerfile", "FROM "+signed+"\nUSER 1000\nHEALTHCHECK CMD [\"/app/health\"]\n")
	if code, out, errs := hh(t, "", "scan", dir, "--verify-bases", "--offline", "--layout", layoutDir, "--verify-key", s.pub); code != 0 {
		t.Fatalf("offline scan: exit %d\n%s\n%s", code, out, errs)
	}
	write(t, dir, "Dockerfile", "FROM "+repo.Tag("elsewhere").String()+"\nUSER 1000\n")
	if code, _, errs := hh(t, "", "scan", dir, "--verify-bases", "--offline", "--layout", layoutDir, "--verify-key", s.pub); code != 2 || !strings.Contains(errs, "not in the offline layout") {
		t.Fatalf("offline scan, image not in layout: exit %d %q", code, errs)
	}
	// The same layout packed as an OCI archive.
	archive := filepath.Join(t.TempDir(), "airgap.tar")
	tarDir(t, layoutDir, archive)
	if code, out, errs := hh(t, "", "image", signed, "--offline", "--layout", archive, "--verify-key", s.pub); code != 0 || !strings.Contains(out, "signature: verified") {
		t.Fatalf("offline archive: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := hh(t, "", "image", signed, "--offline", "--verify-key", s.pub); code != 2 || !strings.Contains(errs, "--layout") {
		t.Fatalf("--offline alone: exit %d %q", code, errs)
	}
}

// tarDir packs a directory's regular files into a tar, as an OCI archive.
func tarDir(t *testing.T, dir, dst string) {
	t.Helper()
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	err = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || !info.Mode().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}
