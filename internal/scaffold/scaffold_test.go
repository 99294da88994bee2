package scaffold

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/config"
	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/scan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden renders files in a txtar-like form: a header with path and mode,
// then the content. One file per template keeps review of a template change
// to one diff.
func golden(files []File) []byte {
	var b bytes.Buffer
	for _, f := range files {
		fmt.Fprintf(&b, "-- %s (%04o) --\n", f.Path, f.Mode)
		b.Write(f.Data)
		if len(f.Data) > 0 && !bytes.HasSuffix(f.Data, []byte("\n")) {
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	for _, tpl := range Templates() {
		t.Run(tpl.Name, func(t *testing.T) {
			files, err := Render(tpl.Name, Params{Name: "demo"})
			if err != nil {
				t.Fatal(err)
			}
			got := golden(files)
			path := filepath.Join("testdata", tpl.Name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the rendered template; run go test ./internal/scaffold -update and review the diff", path)
			}
		})
	}
}

// wantFiles is the file set each template must produce: the container
// files the issue names, the secrets directory and the app skeleton.
var wantFiles = map[string][]string{
	"fastapi": {".dockerignore", ".env.example", ".github/workflows/hardhull.yml", ".gitignore", ".hardhull.yaml",
		"Dockerfile", "Makefile", "README.md",
		"app/__init__.py", "app/config.py", "app/main.py", "compose.override.yaml", "compose.yaml", "nginx/default.conf",
		"requirements-dev.txt", "requirements.txt", "secrets/.gitignore", "secrets/README.md",
		"tests/__init__.py", "tests/test_app.py"},
	"go": {".dockerignore", ".env.example", ".gitignore", "Dockerfile", "README.md",
		"compose.yaml", "go.mod", "main.go"},
	"python": {".dockerignore", ".env.example", ".gitignore", "Dockerfile", "README.md",
		"app/__init__.py", "app/__main__.py", "app/config.py", "compose.yaml", "requirements.txt",
		"secrets/.gitignore", "secrets/README.md"},
}

func TestFileSets(t *testing.T) {
	if len(wantFiles) != len(Templates()) {
		t.Fatalf("wantFiles covers %d templates, there are %d", len(wantFiles), len(Templates()))
	}
	for _, tpl := range Templates() {
		files, err := Render(tpl.Name, Params{Name: "demo"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range files {
			got = append(got, f.Path)
			if f.Mode != FileMode {
				t.Errorf("%s/%s: mode %04o, want %04o", tpl.Name, f.Path, f.Mode, FileMode)
			}
		}
		if strings.Join(got, " ") != strings.Join(wantFiles[tpl.Name], " ") {
			t.Errorf("%s files:\n got %v\nwant %v", tpl.Name, got, wantFiles[tpl.Name])
		}
	}
}

// TestScanClean is the template's promise: its output scans with nothing
// above info, except DF004 (tag pin without digest, low): digests cannot be
// chosen offline and a wrong one breaks the build, so templates pin tags.
func TestScanClean(t *testing.T) {
	params := []Params{{Name: "demo"}, {Name: "x_1-api", Port: 9000}}
	for _, tpl := range Templates() {
		for _, p := range params {
			t.Run(tpl.Name+"/"+p.Name, func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), p.Name)
				files, err := Render(tpl.Name, p)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := Write(dir, files, WriteOptions{}); err != nil {
					t.Fatal(err)
				}
				res, err := scan.Scan(context.Background(), scan.Options{Paths: []string{dir}})
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range res.Errors {
					t.Errorf("input error: %s:%d: %s", e.Path, e.Line, e.Message)
				}
				// As `hardhull scan` judges it: with the project's own policy and
				// inline ignores. The only finding they may suppress is DC019 in
				// the development override, which says why it ignores it.
				devOnly := 0
				for _, f := range res.Findings {
					if f.Rule.ID == "DC019" && f.Location.Path == "compose.override.yaml" {
						devOnly++
					}
				}
				cfg := &config.Config{}
				if p, ok := config.Find(dir); ok && strings.HasPrefix(p, dir) {
					if cfg, err = config.Load(p); err != nil {
						t.Fatal(err)
					}
				}
				(&config.Policy{Config: cfg, Root: dir}).Apply(res)
				if res.Suppressed != devOnly {
					t.Errorf("policy suppressed %d findings, want only the %d DC019 of compose.override.yaml", res.Suppressed, devOnly)
				}
				if devOnly > 0 && !strings.Contains(string(fileData(files, "compose.override.yaml")), "hardhull ignore-file=DC019 -- ") {
					t.Error("compose.override.yaml is judged as development-only without saying so")
				}
				df004 := 0
				for _, f := range res.Findings {
					switch {
					case f.Rule.ID == "DF004" && f.Severity == finding.Low:
						df004++
					case f.Severity > finding.Info:
						t.Errorf("%s %s [%s] %s", f.Location, f.Severity, f.Rule.ID, f.Message)
					}
				}
				// Every FROM with a registry image is pinned by tag only.
				want := 0
				for _, line := range strings.Split(string(fileData(files, "Dockerfile")), "\n") {
					if strings.HasPrefix(line, "FROM ") && !strings.HasPrefix(line, "FROM scratch") {
						want++
					}
				}
				if df004 != want {
					t.Errorf("DF004 fired %d times, want %d (one per tag-pinned FROM)", df004, want)
				}
				// The scan must have read what the template wrote, or
				// "clean" means nothing.
				for _, k := range []finding.Kind{finding.KindDockerfile, finding.KindCompose, finding.KindContext} {
					if res.Kinds[k] == 0 {
						t.Errorf("scan examined no %s artifact (kinds %v)", k, res.Kinds)
					}
				}
				if tpl.Name == "fastapi" && res.Kinds[finding.KindPython] == 0 {
					t.Errorf("scan examined no Python (kinds %v)", res.Kinds)
				}
			})
		}
	}
}

func fileData(files []File, path string) []byte {
	for _, f := range files {
		if f.Path == path {
			return f.Data
		}
	}
	return nil
}

// TestTemplateFacts checks the hardening the issue asks for, file by file,
// through the same parsers scan uses, so a template edit that drops one is
// caught even when no rule covers it.
func TestTemplateFacts(t *testing.T) {
	for _, tpl := range Templates() {
		t.Run(tpl.Name, func(t *testing.T) {
			dir := t.TempDir()
			files, err := Render(tpl.Name, Params{Name: "demo", Port: 9100})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Write(dir, files, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			df, err := dockerfile.ParseBytes("Dockerfile", fileData(files, "Dockerfile"), dockerfile.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(df.Stages) != 2 {
				t.Errorf("%d stages, want a builder and a runtime", len(df.Stages))
			}
			final := df.Final("")
			wantUser := map[string]string{"fastapi": "app", "python": "app", "go": "65534:65534"}[tpl.Name]
			if got := final.UserName(); got != wantUser {
				t.Errorf("final USER %q, want %q", got, wantUser)
			}
			hc := final.Last("healthcheck")
			if hc == nil {
				t.Fatal("no HEALTHCHECK in the final stage")
			}
			probe := map[string]string{
				"fastapi": "urllib.request.urlopen('http://localhost:9100/health'",
				"python":  "urllib.request.urlopen('http://localhost:9100/health'",
				"go":      `CMD ["/server", "-healthcheck"]`,
			}[tpl.Name]
			if !strings.Contains(hc.Original, probe) {
				t.Errorf("HEALTHCHECK %q does not contain %q", hc.Original, probe)
			}
			if tpl.Name == "go" {
				if final.Base != "scratch" {
					t.Errorf("go runtime FROM %s, want scratch", final.Base)
				}
				build := df.Stages[0].Find("run")
				if len(build) == 0 || !strings.Contains(build[len(build)-1].Original, `CGO_ENABLED=0 go build -trimpath -ldflags "-s -w"`) {
					t.Errorf("go build step is not static and stripped: %v", build)
				}
			} else {
				env := map[string]string{}
				for _, e := range final.Env() {
					env[e.Key] = e.Value
				}
				for k, v := range map[string]string{"PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
					"PYTHONHASHSEED": "random", "PIP_NO_CACHE_DIR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
					"DEBUG": "false", "ENVIRONMENT": "production"} {
					if env[k] != v {
						t.Errorf("runtime ENV %s=%q, want %q", k, env[k], v)
					}
				}
				if !strings.Contains(string(fileData(files, "Dockerfile")), "groupadd --gid 1000 app") {
					t.Error("runtime user is not created with a fixed GID 1000")
				}
			}
			if tpl.Name == "fastapi" {
				cmd := final.Last("cmd")
				if cmd == nil || cmd.Original != `CMD ["fastapi", "run", "app/main.py", "--port", "9100", "--proxy-headers"]` {
					t.Errorf("CMD = %v", cmd)
				}
			}

			proj, err := compose.Load(context.Background(), compose.Options{Files: []string{filepath.Join(dir, "compose.yaml")}})
			if err != nil {
				t.Fatal(err)
			}
			if proj.Name != "demo" {
				t.Errorf("compose project name %q, want demo", proj.Name)
			}
			for _, s := range proj.Services() {
				if !s.ReadOnly || !s.DropsAllCapabilities() || s.Restart != "unless-stopped" {
					t.Errorf("service %s: read_only=%v cap_drop ALL=%v restart=%q", s.Name, s.ReadOnly, s.DropsAllCapabilities(), s.Restart)
				}
				if v, ok := s.SecurityOption("no-new-privileges"); !ok || v != "true" {
					t.Errorf("service %s: no-new-privileges %q %v", s.Name, v, ok)
				}
				if !s.HasTmpfs("/tmp") {
					t.Errorf("service %s: no tmpfs on /tmp", s.Name)
				}
				if s.Deploy == nil || s.Deploy.Resources.Limits == nil {
					t.Errorf("service %s: no resource limits", s.Name)
					continue
				}
				if s.Name == "api" || s.Name == "app" {
					l := s.Deploy.Resources.Limits
					if l.NanoCPUs != 1.0 || l.MemoryBytes != 512<<20 || l.Pids != 100 {
						t.Errorf("service %s limits cpus=%v memory=%d pids=%d, want 1.0 512M 100", s.Name, l.NanoCPUs, l.MemoryBytes, l.Pids)
					}
				}
				for _, sec := range s.Secrets {
					if sec.Mode == nil || *sec.Mode != 0o400 {
						t.Errorf("service %s secret %s: mode %v, want 0400", s.Name, sec.Source, sec.Mode)
					}
				}
			}
			if tpl.Name == "fastapi" {
				backend, ok := proj.Network("backend")
				if !ok || !backend.Internal {
					t.Error("backend network is not internal")
				}
				db, _ := proj.Service("db")
				api, _ := proj.Service("api")
				proxy, _ := proj.Service("proxy")
				if nets(db) != "backend" || nets(api) != "backend frontend" || nets(proxy) != "frontend" {
					t.Errorf("networks: db %q api %q proxy %q", nets(db), nets(api), nets(proxy))
				}
				if !strings.Contains(proxy.Image, "nginx-unprivileged") {
					t.Errorf("proxy image %q is not the unprivileged nginx", proxy.Image)
				}
			}
		})
	}
}

func nets(s compose.Service) string {
	var ns []string
	for n := range s.Networks {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return strings.Join(ns, " ")
}

// TestNoSecretValues: templates describe secrets and never carry one.
func TestNoSecretValues(t *testing.T) {
	for _, tpl := range Templates() {
		files, err := Render(tpl.Name, Params{Name: "demo"})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f.Path == ".env.example" {
				for _, line := range strings.Split(string(f.Data), "\n") {
					if line == "" || strings.HasPrefix(line, "#") {
						continue
					}
					if !strings.HasSuffix(line, "=") {
						t.Errorf("%s/.env.example: %q has a value; names only", tpl.Name, line)
					}
				}
			}
			if strings.HasPrefix(f.Path, "secrets/") && f.Path != "secrets/README.md" && f.Path != "secrets/.gitignore" {
				t.Errorf("%s: template writes a secret file %s", tpl.Name, f.Path)
			}
		}
	}
}

func TestRenderParams(t *testing.T) {
	tests := []struct {
		tpl     string
		p       Params
		wantErr string
	}{
		{"fastapi", Params{Name: "demo"}, ""},
		{"go", Params{Name: "demo", Port: 65535}, ""},
		{"nope", Params{Name: "demo"}, `unknown template "nope"`},
		{"go", Params{Name: ""}, "invalid name"},
		{"go", Params{Name: "Demo"}, "invalid name"},
		{"go", Params{Name: "a b"}, "invalid name"},
		{"go", Params{Name: "x\"\ny: 1"}, "invalid name"},
		{"go", Params{Name: "-x"}, "invalid name"},
		{"go", Params{Name: strings.Repeat("a", 64)}, "invalid name"},
		{"go", Params{Name: "demo", Port: 80}, "invalid port 80"},
		{"go", Params{Name: "demo", Port: 70000}, "invalid port 70000"},
		{"go", Params{Name: "demo", Port: -1}, "invalid port -1"},
	}
	for _, tt := range tests {
		_, err := Render(tt.tpl, tt.p)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("Render(%s, %+v): %v", tt.tpl, tt.p, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Render(%s, %+v) = %v, want error containing %q", tt.tpl, tt.p, err, tt.wantErr)
		}
	}
}

func TestDefaultName(t *testing.T) {
	tests := map[string]string{
		"myapp":        "myapp",
		"My.App":       "my-app",
		"my app  2":    "my-app-2",
		"--x--":        "x",
		"_x_":          "x",
		"":             "app",
		".":            "app",
		"/":            "app",
		"ümlaut":       "mlaut",
		"日本":           "app",
		"a" + "\x00b":  "a-b",
		"UPPER_case-1": "upper_case-1",
	}
	for in, want := range tests {
		if got := DefaultName(in); got != want {
			t.Errorf("DefaultName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := DefaultName(strings.Repeat("ab", 100)); len(got) > 63 || ValidName(got) != nil {
		t.Errorf("DefaultName(long) = %q: not a valid name", got)
	}
}

// write is Write with a fatal on error.
func write(t *testing.T, dir string, files []File, opts WriteOptions) []Change {
	t.Helper()
	ch, err := Write(dir, files, opts)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func actions(ch []Change) map[Action]int {
	m := map[Action]int{}
	for _, c := range ch {
		m[c.Action]++
	}
	return m
}

func TestWriteNoOverwrite(t *testing.T) {
	files, err := Render("fastapi", Params{Name: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "new", "app")
	if a := actions(write(t, dir, files, WriteOptions{})); a[Create] != len(files) {
		t.Fatalf("first write: %v, want %d creates", a, len(files))
	}
	// Written as rendered, with private secrets/.
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil || !bytes.Equal(got, f.Data) {
			t.Errorf("%s: not written as rendered (%v)", f.Path, err)
		}
	}
	st, err := os.Stat(filepath.Join(dir, "secrets"))
	if err != nil || st.Mode().Perm()&0o077 != 0 {
		t.Errorf("secrets/ mode %v (%v): group and others must have no access", st.Mode(), err)
	}

	// Running again changes nothing: identical files are not conflicts.
	if a := actions(write(t, dir, files, WriteOptions{})); a[Unchanged] != len(files) {
		t.Fatalf("second write: %v, want all unchanged", a)
	}

	// An edited file is a conflict; nothing at all is written, not even
	// the missing file.
	edited := []byte("FROM scratch\n# mine\n")
	must(t, os.WriteFile(filepath.Join(dir, "Dockerfile"), edited, 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "app", "main.py"), []byte("# mine\n"), 0o644))
	must(t, os.Remove(filepath.Join(dir, "compose.yaml")))
	_, err = Write(dir, files, WriteOptions{})
	var ce *ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("Write over edited files: %v, want a ConflictError", err)
	}
	if strings.Join(ce.Paths, " ") != "Dockerfile app/main.py" {
		t.Errorf("conflicts %v, want [Dockerfile app/main.py]", ce.Paths)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "Dockerfile")); !bytes.Equal(got, edited) {
		t.Error("Dockerfile was overwritten without Force")
	}
	if _, err := os.Lstat(filepath.Join(dir, "compose.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("compose.yaml was written despite the conflict: %v", err)
	}

	// With Force: overwritten and recreated.
	a := actions(write(t, dir, files, WriteOptions{Force: true}))
	if a[Overwrite] != 2 || a[Create] != 1 || a[Unchanged] != len(files)-3 {
		t.Errorf("forced write: %v", a)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "Dockerfile")); !bytes.Equal(got, fileData(files, "Dockerfile")) {
		t.Error("Force did not overwrite the Dockerfile")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".hardhull-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestWriteSymlinks(t *testing.T) {
	files, err := Render("python", Params{Name: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	must(t, os.Mkdir(outside, 0o755))
	victim := filepath.Join(outside, "victim")
	must(t, os.WriteFile(victim, []byte("keep"), 0o644))

	t.Run("file is a symlink", func(t *testing.T) {
		dir := filepath.Join(base, "a")
		must(t, os.Mkdir(dir, 0o755))
		must(t, os.Symlink(victim, filepath.Join(dir, "Dockerfile")))
		must(t, os.Symlink(filepath.Join(outside, "dangling"), filepath.Join(dir, "compose.yaml")))
		_, err := Write(dir, files, WriteOptions{})
		var ce *ConflictError
		if !errors.As(err, &ce) || strings.Join(ce.Paths, " ") != "Dockerfile compose.yaml" {
			t.Fatalf("Write over symlinks: %v, want conflicts on Dockerfile and compose.yaml", err)
		}
		write(t, dir, files, WriteOptions{Force: true})
		fi, err := os.Lstat(filepath.Join(dir, "Dockerfile"))
		if err != nil || !fi.Mode().IsRegular() {
			t.Errorf("Dockerfile after Force: %v %v, want a regular file replacing the link", fi, err)
		}
		if got, _ := os.ReadFile(victim); string(got) != "keep" {
			t.Errorf("symlink target outside was written: %q", got)
		}
		if _, err := os.Lstat(filepath.Join(outside, "dangling")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("dangling symlink target was created: %v", err)
		}
	})
	t.Run("parent is a symlink", func(t *testing.T) {
		dir := filepath.Join(base, "b")
		must(t, os.Mkdir(dir, 0o755))
		must(t, os.Symlink(outside, filepath.Join(dir, "app")))
		for _, force := range []bool{false, true} {
			_, err := Write(dir, files, WriteOptions{Force: force})
			if err == nil || !strings.Contains(err.Error(), "symlink") {
				t.Fatalf("Force=%v: %v, want a refusal naming the symlink", force, err)
			}
		}
		entries, _ := os.ReadDir(outside)
		if len(entries) != 1 {
			t.Errorf("files written through the symlinked parent: %v", entries)
		}
		if _, err := os.Lstat(filepath.Join(dir, "Dockerfile")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("refused write still wrote Dockerfile: %v", err)
		}
	})
	t.Run("parent is a file", func(t *testing.T) {
		dir := filepath.Join(base, "c")
		must(t, os.Mkdir(dir, 0o755))
		must(t, os.WriteFile(filepath.Join(dir, "app"), nil, 0o644))
		_, err := Write(dir, files, WriteOptions{Force: true})
		if err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Fatalf("%v, want not a directory", err)
		}
	})
	t.Run("file is a directory", func(t *testing.T) {
		dir := filepath.Join(base, "d")
		must(t, os.MkdirAll(filepath.Join(dir, "Dockerfile"), 0o755))
		_, err := Write(dir, files, WriteOptions{Force: true})
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("%v, want not a regular file", err)
		}
	})
	t.Run("dir is a file", func(t *testing.T) {
		dir := filepath.Join(base, "e")
		must(t, os.WriteFile(dir, nil, 0o644))
		_, err := Write(dir, files, WriteOptions{Force: true})
		if err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Fatalf("%v, want not a directory", err)
		}
	})
}

func TestWriteRejectsBadPaths(t *testing.T) {
	for _, p := range []string{"", ".", "..", "../x", "a/../../x", "/etc/passwd", `a\b`, "a//b", "a/./b", "x/"} {
		base := t.TempDir()
		dir := filepath.Join(base, "dir")
		_, err := Write(dir, []File{{Path: p, Mode: FileMode, Data: []byte("x")}}, WriteOptions{Force: true})
		if err == nil {
			t.Errorf("Write(%q) succeeded", p)
		}
		if entries, _ := os.ReadDir(base); len(entries) != 0 {
			t.Errorf("Write(%q) created %v", p, entries)
		}
	}
	_, err := Write(t.TempDir(), []File{{Path: "a"}, {Path: "a"}}, WriteOptions{})
	if err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Errorf("duplicate paths: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
