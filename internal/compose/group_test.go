package compose

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestGroup(t *testing.T) {
	const base = "services:\n  api:\n    image: example/api:1.0\n  db:\n    image: postgres:16\n"
	tests := []struct {
		name  string
		files map[string]string
		want  []Set
	}{
		{
			// docker compose reads docker-compose.yml (it comes first in
			// cli.DefaultFileNames) with the override; the .yaml copy is
			// never read, and auditing it would audit api and db twice.
			name: "two bases and an override in one folder",
			files: map[string]string{
				"docker-compose.yml":          base,
				"docker-compose.yaml":         base,
				"docker-compose.override.yml": "services:\n  api:\n    ports: [\"8080:80\"]\n",
			},
			want: []Set{{Files: []string{"docker-compose.yml", "docker-compose.override.yml"}, Base: 2, Shadowed: []string{"docker-compose.yaml"}}},
		},
		{
			name: "compose.yaml wins over docker-compose.yml, a different project stays",
			files: map[string]string{
				"compose.yaml":       base,
				"docker-compose.yml": "services:\n  worker:\n    image: example/worker:1\n",
			},
			want: []Set{{Files: []string{"compose.yaml"}, Base: 1}, {Files: []string{"docker-compose.yml"}, Base: 1}},
		},
		{
			name: "fragment overlays merge onto the base, same folder and below",
			files: map[string]string{
				"compose.yaml":                 base,
				"compose.prod.yaml":            "services:\n  api:\n    read_only: true\n",
				"overrides/compose.redis.yaml": "services:\n  api:\n    environment: [REDIS=redis]\n  redis:\n    image: redis:7\n",
				"compose.dev.yaml":             "services:\n  api:\n    image: example/api:dev\n",
			},
			want: []Set{
				{Files: []string{"compose.yaml", "compose.prod.yaml", "overrides/compose.redis.yaml"}, Base: 1},
				{Files: []string{"compose.dev.yaml"}, Base: 1},
			},
		},
		{
			// netbox-docker: docker-compose.test.override.yml tweaks the
			// netbox service of docker-compose.test.yml, which the default
			// docker-compose.yml also defines.
			name: "an overlay goes with the base its name extends",
			files: map[string]string{
				"docker-compose.yml":               base,
				"docker-compose.test.yml":          base,
				"docker-compose.test.override.yml": "services:\n  api:\n    ports: [\"127.0.0.1:8000:8080\"]\n",
			},
			want: []Set{
				{Files: []string{"docker-compose.yml"}, Base: 1},
				{Files: []string{"docker-compose.test.yml", "docker-compose.test.override.yml"}, Base: 1},
			},
		},
		{
			name: "a folder whose compose.yaml is itself a fragment merges onto the parent",
			files: map[string]string{
				"compose.yaml":          base,
				"ci/basic/compose.yaml": "services:\n  api:\n    environment: [CI=1]\n",
			},
			want: []Set{{Files: []string{"compose.yaml", "ci/basic/compose.yaml"}, Base: 1}},
		},
		{
			name: "a fragment with no base defining its services stands alone",
			files: map[string]string{
				"compose.yaml":               base,
				"docker-compose.test.yml":    "services:\n  tests:\n    image: example/tests:1\n",
				"docker-compose.test.ov.yml": "services:\n  tests:\n    command: [pytest]\n",
				"other/compose.extra.yaml":   "services:\n  nobody:\n    ports: [\"80:80\"]\n",
			},
			want: []Set{
				{Files: []string{"compose.yaml"}, Base: 1},
				{Files: []string{"docker-compose.test.yml", "docker-compose.test.ov.yml"}, Base: 1},
				{Files: []string{"other/compose.extra.yaml"}, Base: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			var files []string
			for f := range tt.files {
				files = append(files, f)
			}
			got := Group(dir, sortedCopy(files))
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Group:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func sortedCopy(ss []string) []string {
	out := append([]string(nil), ss...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestGroupMergedOnce loads the two-bases-plus-override folder as grouped:
// the override's port lands on the base compose chooses, and each service
// is in exactly one project.
func TestGroupMergedOnce(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"docker-compose.yml":          "services:\n  api:\n    image: example/api:1.0\n",
		"docker-compose.yaml":         "services:\n  api:\n    image: example/api:0.9\n",
		"docker-compose.override.yml": "services:\n  api:\n    ports: [\"8080:80\"]\n",
	})
	sets := Group(dir, []string{"docker-compose.override.yml", "docker-compose.yaml", "docker-compose.yml"})
	seen := map[string]int{}
	for _, s := range sets {
		var abs []string
		for _, f := range s.Files {
			abs = append(abs, filepath.Join(dir, f))
		}
		p := load(t, Options{Files: abs})
		for _, svc := range p.Services() {
			seen[svc.Name]++
			if svc.Image != "example/api:1.0" || len(svc.Ports) != 1 {
				t.Errorf("api = image %q ports %v; want the override merged into docker-compose.yml", svc.Image, svc.Ports)
			}
		}
	}
	if seen["api"] != 1 {
		t.Errorf("api audited %d times", seen["api"])
	}

}

// TestHostileGroup: files grouping cannot read or parse (a directory with a
// compose name, invalid YAML, an alias bomb, a file over the size limit)
// are left to loading to report; grouping neither fails nor drops them.
func TestHostileGroup(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"compose.yaml":          "services:\n  api:\n    image: x\n",
		"compose.bomb.yaml":     string(billionLaughs()),
		"compose.broken.yaml":   "services:\n  api:\n    image: [\n",
		"sub/compose.frag.yaml": "services:\n  api:\n    ports: [\"80:80\"]\n",
	})
	if err := os.Mkdir(filepath.Join(dir, "docker-compose.yml"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := []string{"compose.bomb.yaml", "compose.broken.yaml", "compose.yaml", "docker-compose.yml", "sub/compose.frag.yaml"}
	seen := map[string]int{}
	for _, s := range Group(dir, files) {
		for _, f := range append(append([]string(nil), s.Files...), s.Shadowed...) {
			seen[f]++
		}
	}
	for _, f := range files {
		if seen[f] != 1 {
			t.Errorf("%s appears %d times in the sets", f, seen[f])
		}
	}
}

// FuzzGroup groups a base and a fragment-shaped second file of arbitrary
// content: every file lands in exactly one set, never panics.
func FuzzGroup(f *testing.F) {
	f.Add([]byte("services:\n  api:\n    image: x\n"), []byte("services:\n  api:\n    ports: [\"80:80\"]\n"))
	f.Add([]byte("web:\n  image: x\n"), []byte("services:\n  web: {}\n"))
	f.Add([]byte("services:\n  a: *x\n"), []byte("x-a: &a {image: y}\nservices:\n  a:\n    <<: *a\n"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if len(a)+len(b) > 1<<16 {
			return
		}
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "docker-compose.yml"), a, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "sub", "compose.yaml"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		files := []string{"docker-compose.yml", "sub/compose.yaml"}
		seen := map[string]int{}
		for _, s := range Group(dir, files) {
			if s.Base < 1 || s.Base > len(s.Files) {
				t.Fatalf("set %+v: Base out of range", s)
			}
			for _, f := range s.Files {
				seen[f]++
			}
		}
		for _, f := range files {
			if seen[f] != 1 {
				t.Fatalf("%s appears %d times", f, seen[f])
			}
		}
	})
}

func TestVolumeAndPortPositions(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"compose.yaml":      "services:\n  m:\n    image: x:1\n    volumes:\n      - type: bind\n        source: /\n        target: /hostfs\n      - type: bind\n        source: /proc\n        target: /hostfs/proc\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n    ports:\n      - \"50000:50000/tcp\"\n      - \"50000:50000/udp\"\n      - \"8080:80\"\n",
		"compose.prod.yaml": "services:\n  m:\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n",
	})
	p := load(t, Options{Files: []string{filepath.Join(dir, "compose.yaml"), filepath.Join(dir, "compose.prod.yaml")}})
	s, _ := p.Service("m")
	lines := func(ps []Position) []int {
		var out []int
		for _, p := range ps {
			out = append(out, p.Line)
		}
		return out
	}
	if got := lines(s.VolumePositions("/hostfs")); !reflect.DeepEqual(got, []int{5}) {
		t.Errorf("/hostfs at %v, want [5] (not /hostfs/proc)", got)
	}
	if got := lines(s.VolumePositions("/var/run/docker.sock")); !reflect.DeepEqual(got, []int{11, 4}) {
		t.Errorf("docker.sock at %v, want base line 11 and overlay line 4", got)
	}
	for _, pc := range s.Ports {
		got := lines(s.PortPositions(pc))
		want := map[string][]int{"tcp50000": {13}, "udp50000": {14}, "tcp80": {15}}[pc.Protocol+fmt.Sprint(pc.Target)]
		if !reflect.DeepEqual(got, want) {
			t.Errorf("port %s/%d at %v, want %v", pc.Published, pc.Target, got, want)
		}
	}
}
