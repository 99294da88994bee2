package dist

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// goreleaserBin finds goreleaser on PATH or in GOPATH/bin (where
// .ci/tools.sh installs it).
func goreleaserBin(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("goreleaser"); err == nil {
		return p
	}
	if gp, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(gp)), "bin", "goreleaser")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("goreleaser required in CI (.ci/tools.sh installs it)")
	}
	t.Skip("goreleaser not found: go install github.com/goreleaser/goreleaser/v2@v2.17.0")
	return ""
}

type goreleaserConfig struct {
	Version int
	Builds  []struct {
		Main    string
		Env     []string
		Flags   []string
		Ldflags []string
		Goos    []string
		Goarch  []string
	}
	Archives []struct {
		NameTemplate    string `yaml:"name_template"`
		Formats         []string
		FormatOverrides []struct {
			Goos    string
			Formats []string
		} `yaml:"format_overrides"`
		Files []string
	}
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string
	}
	Sboms []struct{ Artifacts string }
	Signs []struct {
		Cmd       string
		Artifacts string
		Args      []string
	}
}

// What the release promises, read from the configuration goreleaser uses.
func TestGoreleaserConfig(t *testing.T) {
	var c goreleaserConfig
	if err := yaml.Unmarshal([]byte(readRoot(t, ".goreleaser.yaml")), &c); err != nil {
		t.Fatal(err)
	}
	if c.Version != 2 || len(c.Builds) != 1 || len(c.Archives) != 1 {
		t.Fatalf("config: %+v", c)
	}
	b := c.Builds[0]
	if b.Main != "./cmd/hardhull" || !contains(b.Env, "CGO_ENABLED=0") || !contains(b.Flags, "-trimpath") {
		t.Errorf("build: %+v", b)
	}
	sort.Strings(b.Goos)
	sort.Strings(b.Goarch)
	if strings.Join(b.Goos, ",") != "darwin,linux,windows" || strings.Join(b.Goarch, ",") != "amd64,arm64" {
		t.Errorf("targets %v × %v", b.Goos, b.Goarch)
	}
	ld := strings.Join(b.Ldflags, " ")
	for _, v := range []string{"version", "commit", "date"} {
		if !strings.Contains(ld, "-X github.com/hardhull/hardhull/internal/buildinfo."+v+"=") {
			t.Errorf("ldflags do not set buildinfo.%s: %s", v, ld)
		}
	}
	a := c.Archives[0]
	if a.NameTemplate != "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}" || !contains(a.Formats, "tar.gz") ||
		len(a.FormatOverrides) != 1 || a.FormatOverrides[0].Goos != "windows" || !contains(a.FormatOverrides[0].Formats, "zip") {
		t.Errorf("archives: %+v (scripts/action.sh expects hardhull_<version>_<os>_<arch>.tar.gz, .zip on windows)", a)
	}
	for _, f := range []string{"LICENSE", "NOTICE", "README.md"} {
		if !contains(a.Files, f) {
			t.Errorf("archives do not ship %s", f)
		}
	}
	if c.Checksum.NameTemplate != "{{ .ProjectName }}_{{ .Version }}_checksums.txt" || c.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum: %+v", c.Checksum)
	}
	if len(c.Sboms) != 1 || c.Sboms[0].Artifacts != "archive" {
		t.Errorf("sboms: %+v, want one per archive", c.Sboms)
	}
	if len(c.Signs) != 1 || c.Signs[0].Cmd != "cosign" || c.Signs[0].Artifacts != "checksum" ||
		!contains(c.Signs[0].Args, "sign-blob") || strings.Contains(strings.Join(c.Signs[0].Args, " "), "--key") {
		t.Errorf("signs: %+v, want keyless cosign sign-blob of the checksums", c.Signs)
	}
	// The action script builds the same names.
	script := readRoot(t, "scripts/action.sh")
	for _, want := range []string{`archive="hardhull_${v}_${os}_${arch}.${ext}"`, `sums="hardhull_${v}_checksums.txt"`} {
		if !strings.Contains(script, want) {
			t.Errorf("scripts/action.sh lacks %s", want)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// releaseTree copies the work tree into a git repository tagged tag, with
// an origin URL as a clone has (goreleaser reads it).
func releaseTree(t *testing.T, tag string) string {
	t.Helper()
	dir, _ := hooksRepo(t)
	git(t, dir, "remote", "add", "origin", "https://github.com/hardhull/hardhull.git")
	git(t, dir, "tag", tag)
	return dir
}

// goreleaser, the real one, checks the configuration and cuts a release of
// a tag for this machine's platform (all six targets take minutes; set
// HARDHULL_RELEASE_ALL=1 for them): the archive, its contents, the binary's
// version and the checksums file, then the GitHub Action installs from it.
// Signing and SBOMs need cosign, syft and an OIDC identity: skipped here.
func TestGoreleaserRelease(t *testing.T) {
	gr := goreleaserBin(t)
	root := repoRoot(t)
	if code, out, errs := runBin(t, root, nil, gr, "check"); code != 0 {
		t.Fatalf("goreleaser check: exit %d\n%s%s", code, out, errs)
	}
	const tag = "v0.9.0"
	dir := releaseTree(t, tag)
	targets := 6
	if os.Getenv("HARDHULL_RELEASE_ALL") != "1" {
		targets = 1
		cfg, _ := os.ReadFile(filepath.Join(dir, ".goreleaser.yaml"))
		narrowed := regexp.MustCompile(`goos: \[[^\]]*\]`).ReplaceAllString(string(cfg), "goos: ["+runtime.GOOS+"]")
		narrowed = regexp.MustCompile(`goarch: \[[^\]]*\]`).ReplaceAllString(narrowed, "goarch: ["+runtime.GOARCH+"]")
		os.WriteFile(filepath.Join(dir, ".goreleaser.yaml"), []byte(narrowed), 0o644)
		git(t, dir, "commit", "-q", "-am", "one target")
		git(t, dir, "tag", "-f", tag)
	}
	env := []string{"GITHUB_TOKEN=", "GORELEASER_CURRENT_TAG=" + tag}
	code, out, errs := runBin(t, dir, env, gr, "release", "--clean", "--skip=publish,announce,sign,sbom")
	if code != 0 {
		t.Fatalf("goreleaser release: exit %d\n%s%s", code, out, errs)
	}
	dist := filepath.Join(dir, "dist")
	sums, err := os.ReadFile(filepath.Join(dist, "hardhull_0.9.0_checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(sums), "\n"); n != targets {
		t.Errorf("checksums list %d archives, want %d:\n%s", n, targets, sums)
	}
	archive := "hardhull_0.9.0_" + runtime.GOOS + "_" + runtime.GOARCH + ".tar.gz"
	tgz, err := os.ReadFile(filepath.Join(dist, archive))
	if err != nil {
		t.Fatal(err)
	}
	if got := tarNames(t, filepath.Join(dist, archive)); strings.Join(got, " ") != "LICENSE NOTICE README.md hardhull" {
		t.Errorf("%s holds %v", archive, got)
	}

	// The action installs that release and runs it.
	rel := serveRelease(t, tag, map[string][]byte{archive: tgz, "hardhull_0.9.0_checksums.txt": sums})
	ws := t.TempDir()
	copyTree(t, filepath.Join(root, "examples", "insecure-fastapi"), ws)
	r := rel.runAction(t, ws, map[string]string{"HH_VERSION": "latest"})
	if r.code != 1 || !strings.Contains(r.stderr, "hardhull v0.9.0\n") {
		t.Errorf("action on the goreleaser release: exit %d\n%s", r.code, r.stderr)
	}
	_, vout, _ := runBin(t, ws, nil, filepath.Join(r.path, "hardhull"), "version", "--format", "json")
	head := git(t, dir, "rev-parse", "HEAD")
	if !strings.Contains(vout, `"commit": "`+head+`"`) || !strings.Contains(vout, `"source": "ldflags"`) {
		t.Errorf("released binary's version:\n%s", vout)
	}
}

func tarNames(t *testing.T, p string) []string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
	sort.Strings(names)
	return names
}
