package dist

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// gitEnv makes commits work without a configured identity.
var gitEnv = []string{
	"GIT_AUTHOR_NAME=hardhull test", "GIT_AUTHOR_EMAIL=test@hardhull.invalid",
	"GIT_COMMITTER_NAME=hardhull test", "GIT_COMMITTER_EMAIL=test@hardhull.invalid",
	"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	code, out, errs := runBin(t, dir, gitEnv, "git", args...)
	if code != 0 {
		t.Fatalf("git %v in %s: exit %d\n%s%s", args, dir, code, out, errs)
	}
	return strings.TrimSpace(out)
}

// hooksRepo is this repository's working tree (tracked and new files, not
// ignored ones) committed to a fresh git repository, so pre-commit clones
// the hooks as they are now rather than as last committed.
func hooksRepo(t *testing.T) (dir, rev string) {
	t.Helper()
	root := repoRoot(t)
	dir = t.TempDir()
	files := git(t, root, "ls-files", "-co", "--exclude-standard", "-z")
	for _, f := range strings.Split(files, "\x00") {
		if f == "" {
			continue
		}
		src := filepath.Join(root, f)
		st, err := os.Lstat(src)
		if err != nil || !st.Mode().IsRegular() {
			continue // deleted in the work tree, or not a plain file
		}
		dst := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		copyFile(t, src, dst, st.Mode().Perm())
	}
	git(t, dir, "init", "-q")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "hooks under test")
	return dir, git(t, dir, "rev-parse", "HEAD")
}

const insecureDockerfile = "FROM python:3.12\nCOPY . /app\nCMD python /app/main.py\n"

// sampleRepo is a user's project with a Dockerfile hardhull fails and a
// .pre-commit-config.yaml using the hooks.
func sampleRepo(t *testing.T, cfg string) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	for name, body := range map[string]string{
		".pre-commit-config.yaml": cfg,
		"Dockerfile":              insecureDockerfile,
		"README.md":               "sample\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git(t, dir, "add", "-A")
	return dir
}

func preCommitEnv(t *testing.T, extraPath string) []string {
	t.Helper()
	env := append([]string{"PRE_COMMIT_HOME=" + t.TempDir(), "PRE_COMMIT_COLOR=never"}, gitEnv...)
	// language: golang builds with a GOPATH of pre-commit's own; sharing the
	// module cache keeps that build offline once the modules are cached.
	if mc, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		env = append(env, "GOMODCACHE="+strings.TrimSpace(string(mc)))
	}
	if extraPath != "" {
		env = append(env, "PATH="+extraPath+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	return env
}

func TestPreCommitHooks(t *testing.T) {
	needTools(t, "git", "pre-commit", "go")
	hooks, rev := hooksRepo(t)

	for _, tt := range []struct {
		name, scan, fix string
		path            string // hardhull on PATH for the system hooks
	}{
		{name: "golang", scan: "hardhull-scan", fix: "hardhull-fix"},
		{name: "system", scan: "hardhull-scan-system", fix: "hardhull-fix-system", path: filepath.Dir(hostHardhull(t))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path != "" {
				// The system hooks call "hardhull": give the build that name.
				bin := filepath.Join(t.TempDir(), "hardhull")
				copyFile(t, hostHardhull(t), bin, 0o755)
				tt.path = filepath.Dir(bin)
			}
			// The configuration README.md shows, pointed at the hooks under test.
			cfg := docPreCommitConfig(t)
			cfg = strings.Replace(cfg, "https://github.com/hardhull/hardhull", hooks, 1)
			cfg = regexp.MustCompile(`rev: v[0-9.]+`).ReplaceAllString(cfg, "rev: "+rev)
			if tt.name == "system" {
				cfg = strings.NewReplacer("id: hardhull-scan\n", "id: hardhull-scan-system\n", "id: hardhull-fix ", "id: hardhull-fix-system ").Replace(cfg)
			}
			if !strings.Contains(cfg, "id: "+tt.scan+"\n") || !strings.Contains(cfg, "id: "+tt.fix+" ") {
				t.Fatalf("config does not use %s and %s:\n%s", tt.scan, tt.fix, cfg)
			}
			repo := sampleRepo(t, cfg)
			env := preCommitEnv(t, tt.path)

			// As a git hook: the commit is refused, hardhull says why.
			if code, out, errs := runBin(t, repo, env, "pre-commit", "install"); code != 0 {
				t.Fatalf("pre-commit install: %d\n%s%s", code, out, errs)
			}
			code, out, errs := runBin(t, repo, env, "git", "commit", "-m", "add Dockerfile")
			if code == 0 || !strings.Contains(out+errs, "DF001") || !strings.Contains(out+errs, "hardhull scan") {
				t.Fatalf("commit of an insecure Dockerfile: exit %d\n%s%s", code, out, errs)
			}
			// The fix hook is manual: it did not run, so nothing changed.
			if b, _ := os.ReadFile(filepath.Join(repo, "Dockerfile")); string(b) != insecureDockerfile {
				t.Errorf("Dockerfile changed by a commit:\n%s", b)
			}

			// Run by hand, the fix hook rewrites the Dockerfile and pre-commit
			// fails the run because files changed.
			code, out, errs = runBin(t, repo, env, "pre-commit", "run", "--hook-stage", "manual", tt.fix, "--all-files")
			fixed, _ := os.ReadFile(filepath.Join(repo, "Dockerfile"))
			if code == 0 || !strings.Contains(out, "files were modified by this hook") || string(fixed) == insecureDockerfile {
				t.Errorf("manual fix hook: exit %d\n%s%s\nDockerfile now:\n%s", code, out, errs, fixed)
			}

			// A Dockerfile that follows the practices commits.
			clean := "FROM python:3.12-slim@sha256:" + strings.Repeat("a", 64) + "\n" +
				"RUN groupadd --gid 1000 app && useradd --uid 1000 --gid app --no-create-home --shell /usr/sbin/nologin app\n" +
				"WORKDIR /app\nCOPY --chown=app:app main.py .\nUSER app\n" +
				"HEALTHCHECK --interval=30s --timeout=5s CMD [\"python\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')\"]\n" +
				"CMD [\"python\", \"main.py\"]\n"
			os.WriteFile(filepath.Join(repo, "Dockerfile"), []byte(clean), 0o644)
			os.WriteFile(filepath.Join(repo, ".dockerignore"), []byte(".git\n.env\n*.pem\nsecrets/\n"), 0o644)
			os.WriteFile(filepath.Join(repo, "main.py"), []byte("print('hi')\n"), 0o644)
			git(t, repo, "add", "-A")
			if code, out, errs := runBin(t, repo, env, "git", "commit", "-m", "hardened"); code != 0 {
				t.Errorf("commit of a clean project: exit %d\n%s%s", code, out, errs)
			}
		})
	}
}

// docPreCommitConfig is the .pre-commit-config.yaml block README.md shows.
func docPreCommitConfig(t *testing.T) string {
	t.Helper()
	for _, b := range yamlBlocks(t, readRoot(t, "README.md")) {
		if strings.Contains(b, "repo: https://github.com/hardhull/hardhull") {
			return b
		}
	}
	t.Fatal("README.md shows no .pre-commit-config.yaml for hardhull")
	return ""
}
