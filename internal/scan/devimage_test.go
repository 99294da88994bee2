package scan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDevImage: the same Dockerfile is judged as a shipped image at the
// root and as a development image under .devcontainer/, where the hygiene
// rules skip it but secret and supply-chain rules still fire. The root
// copy also pins DF005's advice for python:3-bullseye to the family
// spelling (python:3-slim-bullseye is the real tag, not -bullseye-slim).
func TestDevImage(t *testing.T) {
	src := "FROM python:3-bullseye\nRUN apt-get update && apt-get install -y build-essential\nRUN curl -fsSL https://example.com/install.sh | sh\nUSER 1000\n"
	for _, tc := range []struct {
		path string
		skip bool
	}{{"Dockerfile", false}, {".devcontainer/Dockerfile", true}} {
		dir := t.TempDir()
		file := filepath.Join(dir, filepath.FromSlash(tc.path))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := Scan(context.Background(), Options{Paths: []string{file}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range res.Findings {
			if f.Rule != nil {
				got[f.Rule.ID] = f.Message
			}
		}
		for _, id := range []string{"DF005", "DF007", "DF014", "DF015", "DF019"} {
			if _, fired := got[id]; fired == tc.skip {
				t.Errorf("%s: %s fired=%v, want %v", tc.path, id, fired, !tc.skip)
			}
		}
		if _, fired := got["DF013"]; !fired {
			t.Errorf("%s: DF013 (curl | sh) must fire in any image", tc.path)
		}
		if m, ok := got["DF005"]; ok && !strings.Contains(m, "python:<version>-slim") {
			t.Errorf("%s: DF005 advice %q should name the python:<version>-slim family", tc.path, m)
		}
	}
}
