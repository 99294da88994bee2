package image

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

func TestWhiteoutsAndDeleted(t *testing.T) {
	img := imageOf(t,
		gzLayer(t, dir("app/"), file("app/.env", "TOKEN=s3cr3t"), file("app/keep", "v1"),
			dir("opt/dir/"), file("opt/dir/a", "a"), file("opt/dir/sub/b", "b"), file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")),
		gzLayer(t, file("app/.wh..env", ""), file("opt/dir/.wh..wh..opq", ""), file("opt/dir/c", "c")),
		rawLayer(t, file("app/keep", "v2"), file("app/.wh.never-existed", "")),
	)
	m := walkImage(t, img, Options{Want: func(string, int64, fs.FileMode) Capture { return Text }})

	for _, p := range []string{"/app/keep", "/opt/dir/c", "/etc/passwd", "/app"} {
		if m.Lookup(p) == nil {
			t.Errorf("%s missing from final filesystem", p)
		}
	}
	for _, p := range []string{"/app/.env", "/opt/dir/a", "/opt/dir/sub/b", "/opt/dir/sub"} {
		if m.Lookup(p) != nil {
			t.Errorf("%s should be deleted", p)
		}
	}
	if got, want := paths(m.Deleted), []string{"/app/.env", "/opt/dir/a", "/opt/dir/sub/b"}; !slices.Equal(got, want) {
		t.Errorf("Deleted = %v, want %v", got, want)
	}
	env := m.Deleted[0]
	if env.Layer != 0 {
		t.Errorf("deleted .env carried by layer %d, want 0", env.Layer)
	}
	if b, ok := m.EntryContent(env); !ok || string(b) != "TOKEN=s3cr3t" {
		t.Errorf("deleted .env content = %q, %v", b, ok)
	}
	if got := paths(m.Shadowed); !slices.Equal(got, []string{"/app/keep"}) {
		t.Errorf("Shadowed = %v", got)
	}
	if b, _ := m.Content("/app/keep"); string(b) != "v2" {
		t.Errorf("final /app/keep = %q, want v2", b)
	}
	if m.Layers[1].Entries[0].Type != TypeWhiteout || m.Layers[1].Entries[1].Type != TypeOpaque {
		t.Errorf("layer 1 index should record the whiteout and the opaque dir: %+v", m.Layers[1].Entries[:2])
	}
	if m.Layers[1].Files != 1 {
		t.Errorf("layer 1 Files = %d, want 1", m.Layers[1].Files)
	}
	for i, l := range m.Layers {
		if !strings.HasPrefix(l.Digest, "sha256:") || !strings.HasPrefix(l.DiffID, "sha256:") || l.UncompressedSize == 0 {
			t.Errorf("layer %d: %+v", i, l)
		}
	}
}

func TestHostileLayers(t *testing.T) {
	tests := []struct {
		name  string
		ents  []ent
		check func(t *testing.T, m *Image)
	}{
		{"dotdot", []ent{file("../../etc/evil", "x")}, func(t *testing.T, m *Image) {
			if m.Lookup("/etc/evil") == nil || !hasAnomaly(m, AnomalyPathEscape, "/etc/evil") {
				t.Errorf("want /etc/evil normalized and recorded: %v", m.Anomalies)
			}
		}},
		{"absolute", []ent{file("/abs/file", "x")}, func(t *testing.T, m *Image) {
			if m.Lookup("/abs/file") == nil || !hasAnomaly(m, AnomalyPathEscape, "/abs/file") {
				t.Errorf("want /abs/file normalized and recorded: %v", m.Anomalies)
			}
		}},
		{"symlink out of tree", []ent{symlink("a/link", "../../../../etc/shadow"), file("etc/shadow", "root:*:")}, func(t *testing.T, m *Image) {
			if !hasAnomaly(m, AnomalySymlinkEscape, "/a/link") {
				t.Errorf("want symlink-escape: %v", m.Anomalies)
			}
			// Resolution stays in the image: .. at the root is the root.
			if e, ok := m.Resolve("/a/link"); !ok || e.Path != "/etc/shadow" {
				t.Errorf("Resolve = %v, %v", e, ok)
			}
		}},
		{"hard link to missing target", []ent{hardlink("bin/x", "bin/missing")}, func(t *testing.T, m *Image) {
			if !hasAnomaly(m, AnomalyHardlinkMissing, "/bin/x") {
				t.Errorf("want hardlink-missing: %v", m.Anomalies)
			}
			if _, ok := m.Resolve("/bin/x"); ok {
				t.Error("dangling hard link resolved")
			}
		}},
		{"hard link to passwd", []ent{file("etc/passwd", "root:x:0:0::/:/bin/sh\n"), hardlink("etc/passwd-", "etc/passwd")}, func(t *testing.T, m *Image) {
			if b, ok := m.Content("/etc/passwd-"); !ok || !strings.HasPrefix(string(b), "root") {
				t.Errorf("content through hard link = %q, %v", b, ok)
			}
		}},
		{"symlink loop", []ent{symlink("a", "b"), symlink("b", "/a"), symlink("self", "self/x")}, func(t *testing.T, m *Image) {
			for _, p := range []string{"/a", "/b", "/self"} {
				if !hasAnomaly(m, AnomalySymlinkLoop, p) {
					t.Errorf("want symlink-loop for %s: %v", p, m.Anomalies)
				}
				if _, ok := m.Content(p); ok {
					t.Errorf("%s resolved", p)
				}
			}
		}},
		{"duplicate entries", []ent{file("etc/passwd", "old:x:0:0::/:/bin/sh\n"), file("etc/passwd", "new:x:0:0::/:/bin/sh\n")}, func(t *testing.T, m *Image) {
			if u := m.Passwd(); len(u) != 1 || u[0].Name != "new" {
				t.Errorf("later entry should win: %v", u)
			}
			if !hasAnomaly(m, AnomalyDuplicate, "/etc/passwd") {
				t.Errorf("want duplicate-entry: %v", m.Anomalies)
			}
		}},
		{"file replaces directory", []ent{dir("d/"), file("d/x", "x"), file("d", "now a file")}, func(t *testing.T, m *Image) {
			if e := m.Lookup("/d"); e == nil || e.Type != TypeFile || m.Lookup("/d/x") != nil {
				t.Errorf("/d = %v, /d/x = %v", e, m.Lookup("/d/x"))
			}
		}},
		{"root as a file", []ent{file(".", "x"), file("ok", "")}, func(t *testing.T, m *Image) {
			if m.Lookup("/ok") == nil || !hasAnomaly(m, AnomalyBadName, "/") {
				t.Errorf("want root file skipped: %v", m.Anomalies)
			}
		}},
		{"whiteout without name", []ent{file("x/.wh.", ""), file("y/.wh..wh..plnk", "")}, func(t *testing.T, m *Image) {
			if !hasAnomaly(m, AnomalyBadName, "/x/.wh.") || m.Lookup("/y/.wh..wh..plnk") != nil {
				t.Errorf("anomalies %v, fs %v", m.Anomalies, m.Paths())
			}
		}},
		{"symlinked directory", []ent{dir("usr/lib/"), file("usr/lib/os-release", "ID=alpine\n"), symlink("etc/os-release", "../usr/lib/os-release")}, func(t *testing.T, m *Image) {
			if m.OSRelease()["ID"] != "alpine" {
				t.Errorf("os-release through symlink: %v", m.OSRelease())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, walkImage(t, imageOf(t, rawLayer(t, tt.ents...)), Options{}))
		})
	}
}

func TestLimits(t *testing.T) {
	bomb := imageOf(t, gzLayer(t, ent{name: "zeros", size: 8 << 20}))
	_, err := Walk(context.Background(), FromV1("bomb", bomb), Options{MaxTotal: 1 << 20})
	if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "layer 0 (sha256:") {
		t.Errorf("decompression bomb: err = %v", err)
	}

	big := imageOf(t, rawLayer(t, ent{name: "app/.env", size: 4096}))
	m := walkImage(t, big, Options{ContentCap: 100})
	e := m.Lookup("/app/.env")
	if b, ok := m.EntryContent(e); ok {
		t.Errorf("zero-filled .env is binary and must be dropped, got %d bytes", len(b))
	}
	text := imageOf(t, rawLayer(t, file("app/.env", strings.Repeat("A=1\n", 100))))
	m = walkImage(t, text, Options{ContentCap: 100})
	e = m.Lookup("/app/.env")
	if b, ok := m.EntryContent(e); !ok || len(b) != 100 || !m.Truncated(e) || !hasAnomaly(m, AnomalyContentCap, "/app/.env") {
		t.Errorf("content cap: %d bytes, ok=%v, truncated=%v", len(b), ok, m.Truncated(e))
	}

	m = walkImage(t, text, Options{MaxContentTotal: 10})
	if _, ok := m.Content("/app/.env"); ok || !hasAnomaly(m, AnomalyContentBudget, "/app/.env") {
		t.Errorf("content budget not enforced: %v", m.Anomalies)
	}

	many := imageOf(t, rawLayer(t, file("a", ""), file("b", ""), file("c", "")))
	if _, err := Walk(context.Background(), FromV1("many", many), Options{MaxEntries: 2}); !errors.Is(err, ErrLimit) {
		t.Errorf("entry cap: err = %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Walk(ctx, FromV1("cancelled", text), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled walk: err = %v", err)
	}
}

func TestManyTinyFiles(t *testing.T) {
	const n = 100_000
	ents := make([]ent, 0, n)
	for i := range n {
		ents = append(ents, file(fmt.Sprintf("d%03d/f%06d", i%500, i), ""))
	}
	m := walkImage(t, imageOf(t, rawLayer(t, ents...)), Options{})
	if len(m.FS) != n || m.Layers[0].Files != n {
		t.Errorf("FS has %d entries, layer %d, want %d", len(m.FS), m.Layers[0].Files, n)
	}
}

func TestTruncatedTar(t *testing.T) {
	b := tarBytes(t, file("a", strings.Repeat("x", 4096)))
	img := imageOf(t, staticLayer(b[:1000]))
	_, err := Walk(context.Background(), FromV1("trunc", img), Options{})
	if err == nil || !strings.Contains(err.Error(), "layer 0 (sha256:") {
		t.Errorf("truncated tar: err = %v", err)
	}
}

func TestFacts(t *testing.T) {
	img := imageOf(t,
		rawLayer(t,
			file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n# comment\nbad line\napp:x:1000:1000::/home/app:/sbin/nologin\n"),
			file("etc/group", "root:x:0:\napp:x:1000:app,other\n"),
			file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"),
			file("var/lib/dpkg/status", "Package: a\nStatus: install ok installed\n\nPackage: b\nStatus: deinstall ok config-files\n\nPackage: c\nStatus: install ok installed\n"),
			file("var/lib/dpkg/status.d/base", "Package: base-files\n"),
			file("var/lib/dpkg/status.d/base.md5sums", "abc  /etc/x\n"),
			file("lib/apk/db/installed", "C:Q1\nP:musl\nV:1\n\nC:Q2\nP:busybox\n"),
			file("usr/lib/python3/site-packages/fastapi-0.1.dist-info/METADATA", "Name: fastapi"),
			file("usr/lib/python3/site-packages/pydantic-2.dist-info/METADATA", "Name: pydantic"),
			ent{name: "usr/bin/su", mode: 0o4755 | 0o4000, body: "ELF"},
			ent{name: "usr/bin/wall", mode: 0o2755, body: "ELF"},
			ent{name: "tmp/", typ: tar.TypeDir, mode: 0o1777},
			ent{name: "tmp/open", mode: 0o666, body: ""},
			ent{name: "var/tmp/", typ: tar.TypeDir, mode: 0o777},
			ent{name: "data/", typ: tar.TypeDir, mode: 0o777},
			ent{name: "shared/", typ: tar.TypeDir, mode: 0o777 | 0o1000},
			ent{name: "app/log", mode: 0o666, body: ""},
			symlink("app/link", "/etc/passwd"),
		),
	)
	// archive/tar maps c_ISUID etc. from Mode bits, so set them via the header mode.
	m := walkImage(t, img, Options{})
	users := m.Passwd()
	if len(users) != 2 || users[1] != (User{Name: "app", UID: 1000, GID: 1000, Home: "/home/app", Shell: "/sbin/nologin"}) {
		t.Errorf("Passwd = %+v", users)
	}
	groups := m.Group()
	if len(groups) != 2 || !slices.Equal(groups[1].Members, []string{"app", "other"}) {
		t.Errorf("Group = %+v", groups)
	}
	if os := m.OSRelease(); os["ID"] != "debian" || os["VERSION_ID"] != "12" || os["PRETTY_NAME"] != "Debian GNU/Linux 12 (bookworm)" {
		t.Errorf("OSRelease = %v", os)
	}
	if p := m.Packages(); p != (Packages{Dpkg: 3, Apk: 2, Python: 2}) {
		t.Errorf("Packages = %+v", p)
	}
	if got := paths(m.SetuidFiles()); !slices.Equal(got, []string{"/usr/bin/su", "/usr/bin/wall"}) {
		t.Errorf("SetuidFiles = %v", got)
	}
	if got := paths(m.WorldWritable()); !slices.Equal(got, []string{"/app/log", "/data", "/var/tmp"}) {
		t.Errorf("WorldWritable = %v", got)
	}
	if e := m.Lookup("/usr/bin/su"); e.Mode&fs.ModeSetuid == 0 {
		t.Errorf("mode %v", e.Mode)
	}
}

func TestHistoryAndProgress(t *testing.T) {
	img := imageOf(t, rawLayer(t, file("a", "1")), rawLayer(t, file("b", strings.Repeat("2", 10000))))
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.DeepCopy()
	cfg.History = []v1.History{
		{CreatedBy: "COPY a /"},
		{CreatedBy: "ENV X=1", EmptyLayer: true},
		{CreatedBy: "COPY b /"},
	}
	if img, err = mutate.ConfigFile(img, cfg); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	last := map[int]int64{}
	m := walkImage(t, img, Options{Workers: 1, Progress: func(l int, n int64) {
		mu.Lock()
		last[l] = n
		mu.Unlock()
	}})
	if m.Layers[0].CreatedBy != "COPY a /" || m.Layers[1].CreatedBy != "COPY b /" {
		t.Errorf("CreatedBy not aligned: %q, %q", m.Layers[0].CreatedBy, m.Layers[1].CreatedBy)
	}
	for i, l := range m.Layers {
		if last[i] != l.UncompressedSize || l.UncompressedSize == 0 {
			t.Errorf("layer %d: progress %d, size %d", i, last[i], l.UncompressedSize)
		}
	}
}

func TestDefaultWant(t *testing.T) {
	tests := []struct {
		path string
		want Capture
	}{
		{"/etc/passwd", Text},
		{"/etc/group", Text},
		{"/etc/os-release", Text},
		{"/var/lib/dpkg/status", Text},
		{"/var/lib/dpkg/status.d/libc6", Text},
		{"/var/lib/dpkg/status.d/libc6.md5sums", Skip},
		{"/lib/apk/db/installed", Text},
		{"/app/.env", Text},
		{"/app/.env.production", Text},
		{"/app/.git/config", Text},
		{"/root/.aws/credentials", Text},
		{"/root/.docker/config.json", Text},
		{"/root/.ssh/id_rsa", Text},
		{"/etc/ssl/private/server.key", Text},
		{"/app/package.json", Skip},
		{"/app/config.json", Skip},
		{"/usr/lib/python3/site-packages/x.dist-info/METADATA", Text},
		{"/usr/lib/python3/site-packages/x.dist-info/RECORD", Skip},
		{"/usr/bin/python3", Skip},
	}
	for _, tt := range tests {
		if got := DefaultWant(tt.path, 10, 0o644); got != tt.want {
			t.Errorf("DefaultWant(%s) = %v, want %v", tt.path, got, tt.want)
		}
	}
}
