package dist

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/testengine"
)

type jsonReport struct {
	Findings []struct {
		Rule     string `json:"rule"`
		Severity string `json:"severity"`
		Message  string `json:"message"`
	} `json:"findings"`
	Errors   []json.RawMessage `json:"errors"`
	Examined map[string]int    `json:"examined"`
}

func decodeReport(t *testing.T, out string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	return r
}

// nothingAboveLow fails for every finding of medium severity or more.
func nothingAboveLow(t *testing.T, what string, r jsonReport) {
	t.Helper()
	for _, f := range r.Findings {
		if f.Severity != "low" && f.Severity != "info" {
			t.Errorf("%s: %s %s: %s", what, f.Severity, f.Rule, f.Message)
		}
	}
}

// hardhull's own Dockerfile passes its own audit: nothing above low.
func TestOwnDockerfileScansClean(t *testing.T) {
	root := repoRoot(t)
	code, out, errs := runBin(t, root, nil, hostHardhull(t), "scan", "--format", "json", "Dockerfile", ".dockerignore")
	if code != 0 {
		t.Errorf("scan Dockerfile: exit %d: %s", code, errs)
	}
	r := decodeReport(t, out)
	if r.Examined["dockerfile"] != 1 || len(r.Errors) != 0 {
		t.Errorf("examined %v, errors %s", r.Examined, r.Errors)
	}
	nothingAboveLow(t, "Dockerfile", r)
	df := readRoot(t, "Dockerfile")
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "\nFROM scratch\n", "\nUSER 65532:65532\n", "No HEALTHCHECK"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	// The build context holds what go build reads, and no test data.
	di := readRoot(t, ".dockerignore")
	for _, want := range []string{"**\n", "!go.mod\n", "!cmd/\n", "!internal/\n", "internal/**/testdata/\n"} {
		if !strings.Contains(di, want) {
			t.Errorf(".dockerignore lacks %q", want)
		}
	}
}

// splitStages returns the root Dockerfile's build stage's last RUN (the one
// that lays out the runtime image's files) and the final stage, verbatim.
func splitStages(t *testing.T, df string) (layoutRun, final string) {
	t.Helper()
	i := strings.Index(df, "\n# hardhull ignore=DF019")
	if i < 0 {
		i = strings.LastIndex(df, "\nFROM scratch\n")
	}
	j := strings.Index(df, "\nRUN mkdir -p /out/etc")
	if i < 0 || j < 0 || j > i {
		t.Fatalf("Dockerfile layout changed: final stage at %d, layout RUN at %d", i, j)
	}
	return strings.TrimSpace(df[j:i]), df[i+1:]
}

// The image the Dockerfile describes, built on a real engine and audited
// with `hardhull image`, then run as the README says. No registry is
// reachable in CI, so the golang builder stage cannot be pulled: the
// binary is built here with the same flags (CGO off, -trimpath), and the
// stage that lays out /out runs verbatim on a busybox base. The final
// stage is the Dockerfile's own, byte for byte.
func TestOwnImageOnEngine(t *testing.T) {
	cli := testengine.Require(t)
	if _, err := exec.LookPath("docker"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("docker CLI required in CI: %v", err)
		}
		t.Skip("no docker CLI on PATH: apt-get install docker.io")
	}
	builder := testengine.BusyboxImage(t, cli, "hardhull-test/busybox:dist-builder", "")
	t.Cleanup(func() { exec.Command("docker", "rmi", builder).Run() })
	layout, final := splitStages(t, readRoot(t, "Dockerfile"))

	ctxDir := t.TempDir()
	bin := buildHardhull(t, "linux", runtime.GOARCH, "-s -w -X github.com/hardhull/hardhull/internal/buildinfo.version=v0.0.0-image-test")
	copyFile(t, bin, filepath.Join(ctxDir, "hardhull"), 0o755)
	// CA roots: the host's, or an empty bundle where it has none.
	certs, _ := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if err := os.WriteFile(filepath.Join(ctxDir, "ca-certificates.crt"), certs, 0o644); err != nil {
		t.Fatal(err)
	}
	df := "FROM " + builder + " AS build\n" +
		"COPY hardhull /out/hardhull\n" +
		"COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n" +
		layout + "\n\n" + final + "\n" + labelLine(testengine.OwnLabels())
	if err := os.WriteFile(filepath.Join(ctxDir, "Dockerfile"), []byte(df), 0o644); err != nil {
		t.Fatal(err)
	}
	tag := "hardhull-test/hardhull:" + strings.ToLower(testengine.Unique("dist-"))
	dockerBuild(t, ctxDir, tag)

	// hardhull image on its own image: nothing above low.
	code, out, errs := runBin(t, t.TempDir(), nil, hostHardhull(t), "image", "--format", "json", "docker:"+tag)
	if code != 0 {
		t.Errorf("hardhull image: exit %d: %s\n%s", code, errs, out)
	}
	ir := decodeReport(t, out)
	nothingAboveLow(t, "image", ir)
	t.Logf("hardhull image on its own image: %d findings %v", len(ir.Findings), ir.Findings)

	// The README's command (--network none: a scan needs no network), on a project with problems: the container reads
	// the read-only mount as its unprivileged user and exits 1.
	proj := t.TempDir()
	if err := os.WriteFile(filepath.Join(proj, "Dockerfile"), []byte("FROM python:latest\nCOPY . /app\nCMD python /app/main.py\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(proj, 0o755)
	run := exec.Command("docker", "run", "--rm", "--network", "none", "-v", proj+":/src:ro", tag, "scan", "/src")
	outb, err := run.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(outb), "DF001") {
		t.Errorf("docker run ... scan /src: %v, want exit 1 with DF001:\n%s", err, outb)
	}
	sarif := exec.Command("docker", "run", "--rm", "--network", "none", "-v", proj+":/src:ro", tag, "scan", "/src", "--format", "sarif")
	outb, _ = sarif.Output()
	if !strings.HasPrefix(string(outb), "{") || !strings.Contains(string(outb), `"version": "2.1.0"`) {
		t.Errorf("docker run ... --format sarif: stdout is not a SARIF log:\n%.300s", outb)
	}
	// With no arguments it scans /src (CMD), and `version` names the build.
	if outb, err := exec.Command("docker", "run", "--rm", "--network", "none", tag, "version").CombinedOutput(); err != nil || !strings.Contains(string(outb), "hardhull v0.0.0-image-test") {
		t.Errorf("docker run version: %v\n%s", err, outb)
	}
	if outb, err := exec.Command("docker", "run", "--rm", "--network", "none", "--entrypoint", "", tag, "/usr/local/bin/hardhull", "image", "--help").CombinedOutput(); err != nil {
		t.Errorf("entrypoint path: %v\n%s", err, outb)
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}

var stepImage = regexp.MustCompile(`(?m)^ ---> ([0-9a-f]{12})$`)

// dockerBuild builds ctxDir with the classic builder (every engine from
// 20.10 has it) and removes, when the test ends, the image and every
// intermediate image the build made, checking that none is left. The
// first step's image is the base, which is not the build's to remove.
func dockerBuild(t *testing.T, ctxDir, tag string) {
	t.Helper()
	build := exec.Command("docker", "build", "--network", "none", "--force-rm", "-t", tag, ctxDir)
	build.Env = append(os.Environ(), "DOCKER_BUILDKIT=0")
	out, err := build.CombinedOutput()
	var made []string
	for i, m := range stepImage.FindAllStringSubmatch(string(out), -1) {
		if i > 0 {
			made = append(made, m[1])
		}
	}
	t.Cleanup(func() {
		exec.Command("docker", "rmi", "-f", tag).Run()
		// Newest first: an image cannot go while a child holds it.
		for i := len(made) - 1; i >= 0; i-- {
			exec.Command("docker", "rmi", made[i]).Run()
		}
		for _, id := range append(made, tag) {
			if exec.Command("docker", "image", "inspect", id).Run() == nil {
				t.Errorf("image %s left on the engine", id)
			}
		}
	})
	if err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
}

// labelLine is a LABEL instruction carrying labels, in a stable order.
func labelLine(labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	line := "LABEL"
	for _, k := range keys {
		line += " " + k + "=" + strconv.Quote(labels[k])
	}
	return line + "\n"
}
