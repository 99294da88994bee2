package image

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// sampleImage has a deleted .env so every source is checked end to end.
func sampleImage(t *testing.T, marker string) v1.Image {
	t.Helper()
	img := imageOf(t,
		gzLayer(t, file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"), file("app/.env", "API_KEY=fake"), file("marker", marker)),
		gzLayer(t, file("app/.wh..env", "")),
	)
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.DeepCopy()
	cfg.Architecture, cfg.OS = "amd64", "linux"
	cfg.Config.User = "root"
	img, err = mutate.ConfigFile(img, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func checkSample(t *testing.T, m *Image, marker string) {
	t.Helper()
	if len(m.Layers) != 2 || m.Config.Config.User != "root" {
		t.Fatalf("layers %d, user %q", len(m.Layers), m.Config.Config.User)
	}
	if len(m.Deleted) != 1 || m.Deleted[0].Path != "/app/.env" || m.Deleted[0].Layer != 0 {
		t.Errorf("Deleted = %v", paths(m.Deleted))
	}
	if u := m.Passwd(); len(u) != 1 || u[0].Name != "root" {
		t.Errorf("Passwd = %v", u)
	}
	if e := m.Lookup("/marker"); e == nil || e.Size != int64(len(marker)) {
		t.Errorf("marker %q: %v", marker, e)
	}
	if !strings.HasPrefix(m.ConfigDigest, "sha256:") {
		t.Errorf("ConfigDigest = %q", m.ConfigDigest)
	}
}

func load(t *testing.T, ref string, o Options) *Image {
	t.Helper()
	m, err := Load(context.Background(), ref, o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDockerSave(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.tar")
	a, b := sampleImage(t, "a"), sampleImage(t, "bb")
	refs := map[name.Reference]v1.Image{
		name.MustParseReference("app:1"):                  a,
		name.MustParseReference("registry.example/app:2"): b,
	}
	if err := tarball.MultiRefWriteToFile(p, refs); err != nil {
		t.Fatal(err)
	}
	_, err := Load(context.Background(), p, Options{})
	if err == nil || !strings.Contains(err.Error(), "app:1") || !strings.Contains(err.Error(), "registry.example/app:2") {
		t.Errorf("ambiguous archive: err = %v", err)
	}
	checkSample(t, load(t, p, Options{Tag: "app:1"}), "a")
	checkSample(t, load(t, "docker-archive:"+p, Options{Tag: "registry.example/app:2"}), "bb")
	if _, err := Load(context.Background(), p, Options{Tag: "nope:3"}); err == nil || !strings.Contains(err.Error(), "app:1") {
		t.Errorf("unknown tag: err = %v", err)
	}

	one := filepath.Join(dir, "one.tar")
	if err := tarball.WriteToFile(one, name.MustParseReference("app"), a); err != nil {
		t.Fatal(err)
	}
	m := load(t, one, Options{Tag: "docker.io/library/app:latest"})
	checkSample(t, m, "a")
	if m.Digest != "" || m.Layers[0].DiffID == "" {
		t.Errorf("docker save has no manifest digest but diff IDs: %q %q", m.Digest, m.Layers[0].DiffID)
	}

	if _, err := Load(context.Background(), filepath.Join(dir, "missing.tar"), Options{}); err == nil || !strings.Contains(err.Error(), "missing.tar") {
		t.Errorf("missing file: err = %v", err)
	}
	if _, err := Load(context.Background(), dir, Options{}); err == nil || !strings.Contains(err.Error(), "oci:") {
		t.Errorf("directory: err = %v", err)
	}

	// docker save | gzip > app.tar.gz
	raw, err := os.ReadFile(one)
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(dir, "one.tar.gz")
	if err := os.WriteFile(gz, gzipBytes(t, raw), 0o644); err != nil {
		t.Fatal(err)
	}
	checkSample(t, load(t, gz, Options{}), "a")
	if _, err := Load(context.Background(), gz, Options{MaxTotal: 1000}); !errors.Is(err, ErrLimit) {
		t.Errorf("gzip archive over the cap: err = %v", err)
	}
	if _, err := Load(context.Background(), filepath.Join(dir, "app.tar"), Options{Tag: "app:1", MaxTotal: 1000}); !errors.Is(err, ErrLimit) {
		t.Errorf("layers over the cap: err = %v", err)
	}
}

func TestOCILayoutAndArchive(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "layout")
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"v1", "v2"} {
		if err := lp.AppendImage(sampleImage(t, tag), layout.WithAnnotations(map[string]string{annotationRefName: tag})); err != nil {
			t.Fatal(err)
		}
	}
	checkSample(t, load(t, "oci:"+dir+":v2", Options{}), "v2")
	checkSample(t, load(t, "oci:"+dir, Options{Tag: "v1"}), "v1")
	if _, err := Load(context.Background(), "oci:"+dir, Options{}); err == nil || !strings.Contains(err.Error(), "v1, v2") {
		t.Errorf("ambiguous layout: err = %v", err)
	}

	archive := filepath.Join(t.TempDir(), "app-oci.tar")
	tarDir(t, dir, archive)
	m := load(t, "oci-archive:"+archive, Options{Tag: "v1"})
	checkSample(t, m, "v1")
	// Without a prefix, recognised by content.
	checkSample(t, load(t, dir, Options{Tag: "v2"}), "v2")
	checkSample(t, load(t, archive, Options{Tag: "v1"}), "v1")
	if !isOCIArchive(archive) {
		t.Error("the OCI archive is not recognised")
	}
	if !strings.HasPrefix(m.Digest, "sha256:") || !strings.HasPrefix(m.Layers[0].Digest, "sha256:") || m.Layers[0].Size <= 0 {
		t.Errorf("digests: %q %+v", m.Digest, m.Layers[0])
	}
}

// tarDir packs a directory the way `tar -C dir -cf out .` does.
func tarDir(t *testing.T, dir, out string) {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: "./" + rel, Mode: 0o644, Size: int64(len(b))}); err != nil {
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

func TestTruncatedGzip(t *testing.T) {
	gz := gzipBytes(t, tarBytes(t, file("a", strings.Repeat("payload ", 10000))))
	layer := static.NewLayer(gz[:len(gz)/2], types.DockerLayer)
	img := imageOf(t, layer)
	digest, _ := layer.Digest()

	dir := filepath.Join(t.TempDir(), "layout")
	if _, err := layout.Write(dir, mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: img})); err != nil {
		t.Fatal(err)
	}
	_, err := Load(context.Background(), "oci:"+dir, Options{})
	if err == nil || !strings.Contains(err.Error(), digest.String()) || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("OCI layout: err = %v, want it to name %s", err, digest)
	}

	p := filepath.Join(t.TempDir(), "trunc.tar")
	if err := tarball.WriteToFile(p, name.MustParseReference("trunc:1"), img); err != nil {
		t.Fatal(err)
	}
	_, err = Load(context.Background(), p, Options{})
	if err == nil || !strings.Contains(err.Error(), "layer 0 (") || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("docker save: err = %v", err)
	}
}

func TestRegistry(t *testing.T) {
	srv := httptest.NewServer(registry.New())
	defer srv.Close()
	u, _ := url.Parse(srv.URL)

	ref := fmt.Sprintf("%s/hardhull/app:1", u.Host)
	if err := remote.Write(mustRef(t, ref), sampleImage(t, "single")); err != nil {
		t.Fatal(err)
	}
	checkSample(t, load(t, ref, Options{Insecure: true}), "single")

	amd, arm := sampleImage(t, "amd64"), sampleImage(t, "arm64!")
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: arm, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}}},
	)
	multi := fmt.Sprintf("%s/hardhull/multi:1", u.Host)
	if err := remote.WriteIndex(mustRef(t, multi), idx); err != nil {
		t.Fatal(err)
	}
	checkSample(t, load(t, multi, Options{Insecure: true}), "amd64")
	m := load(t, multi, Options{Insecure: true, Platform: "linux/arm64"})
	checkSample(t, m, "arm64!")
	wantDigest, _ := arm.Digest()
	if m.Digest != wantDigest.String() {
		t.Errorf("digest %s, want %s", m.Digest, wantDigest)
	}
	if _, err := Load(context.Background(), multi, Options{Insecure: true, Platform: "linux/s390x"}); err == nil || !strings.Contains(err.Error(), "linux/arm64/v8") {
		t.Errorf("missing platform: err = %v", err)
	}
}

func TestSplitLayoutRef(t *testing.T) {
	tests := []struct{ in, dir, tag string }{
		{"./layout", "./layout", ""},
		{"./layout:v1", "./layout", "v1"},
		{"/abs/layout:latest", "/abs/layout", "latest"},
		{"host:5000/x", "host:5000/x", ""},
	}
	for _, tt := range tests {
		if d, tag := splitLayoutRef(tt.in); d != tt.dir || tag != tt.tag {
			t.Errorf("splitLayoutRef(%q) = %q, %q", tt.in, d, tag)
		}
	}
}

func TestPickPlatform(t *testing.T) {
	p := func(os, arch string) v1.Descriptor {
		return v1.Descriptor{Platform: &v1.Platform{OS: os, Architecture: arch}}
	}
	if d, err := pickPlatform([]v1.Descriptor{p("linux", "arm64"), p("unknown", "unknown")}, ""); err != nil || d.Platform.Architecture != "arm64" {
		t.Errorf("only real platform: %v %v", d.Platform, err)
	}
	if _, err := pickPlatform([]v1.Descriptor{p("linux", "arm64"), p("linux", "s390x")}, ""); err == nil {
		t.Error("two platforms without amd64 should be ambiguous")
	}
	if _, err := pickPlatform(nil, "linux/amd64"); err == nil {
		t.Error("empty index")
	}
}

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
