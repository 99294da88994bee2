package e2e

import (
	"strings"
	"testing"
)

// TestFixTextsFollowTheFinding: a canned fix never contradicts what was
// found: it names the image, command and variable of the finding.
func TestFixTextsFollowTheFinding(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", "FROM python:3.14\nENV DATABASE_URL=postgresql://app:s3cretpw@db/app\nUSER 1000\nCMD uvicorn app.main:app --port 8000\n")
	write(t, dir, "shell/Dockerfile", "FROM python:3.14-slim\nUSER 1000\nCMD cd /app && python -m app\n")
	write(t, dir, "compose.yaml", "services:\n  adminer:\n    image: adminer\n  api:\n    image: example/api:1.0\n    environment:\n      DATABASE_URL: postgresql://app:s3cretpw@db/app\n")
	r := decode(t, mustRun(t, "scan", dir, "--format", "json"))
	want := map[string][]string{
		"DF005:Dockerfile":       {"python:3.14-slim", "keeping python:3.14 in a builder stage"},
		"DF017:Dockerfile":       {`CMD ["uvicorn", "app.main:app", "--port", "8000"]`},
		"DF017:shell/Dockerfile": {`"exec cd /app && python -m app"`},
		"DF008:Dockerfile":       {`ENV DATABASE_URL=""`, "inject DATABASE_URL"},
		"DC024:compose.yaml":     {"adminer:<version>"},
		"DC018:compose.yaml":     {"DATABASE_URL: ${DATABASE_URL}"},
	}
	seen := map[string]bool{}
	for _, f := range r.Findings {
		key := f.Rule + ":" + f.Location.Path
		ws, ok := want[key]
		if !ok {
			continue
		}
		seen[key] = true
		for _, w := range ws {
			if !strings.Contains(f.Fix, w) {
				t.Errorf("%s fix %q lacks %q", key, f.Fix, w)
			}
		}
		for _, bad := range []string{"python:3.12", "postgres:16", "fastapi\", \"run", "SECRET_KEY", "s3cretpw"} {
			if strings.Contains(f.Fix, bad) {
				t.Errorf("%s fix %q mentions %q, which is not what was found", key, f.Fix, bad)
			}
		}
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("no %s finding", k)
		}
	}
}
