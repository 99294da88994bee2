package engineaudit

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	"github.com/hardhull/hardhull/internal/daemon"
	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/testengine"
)

// hostDependent are the rules whose verdict depends on the machine rather
// than on the daemon.json under test: the engine's release and the host's
// cgroup version. Their expectation is computed from the engine's answer.
func hostDependent(f *engine.Facts) []string {
	var out []string
	if rel, ok := daemon.ReleaseOf(f.Version.Version); ok && rel.Ended(time.Now()) {
		out = append(out, "EN001")
	}
	if f.Info.CgroupVersion == "1" {
		out = append(out, "EN017")
	}
	return out
}

func ids(fs []finding.Finding) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range fs {
		if !seen[f.Rule.ID] {
			seen[f.Rule.ID] = true
			out = append(out, f.Rule.ID)
		}
	}
	sort.Strings(out)
	return out
}

func want(f *engine.Facts, rules ...string) []string {
	out := append(rules, hostDependent(f)...)
	sort.Strings(out)
	return out
}

func audit(t *testing.T, cli engine.FactsClient, cfg string) (*finding.Result, *engine.Facts) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f, err := engine.LoadFacts(ctx, cli)
	if err != nil {
		t.Fatal(err)
	}
	var file *daemon.Settings
	if cfg != "" {
		if file, err = ReadConfig(cfg); err != nil {
			t.Fatal(err)
		}
	}
	return Judge(f, file, time.Now(), nil), f
}

// TestSecondDaemon starts dockerd with daemon.json files of its own (beside
// the main engine, sharing nothing with it) and asserts the exact engine
// findings, judged through the API alone and with the file.
func TestSecondDaemon(t *testing.T) {
	cases := []struct {
		name   string
		config string
		// apiOnly: findings from the API alone; withFile: with the file.
		apiOnly, withFile []string
		evidence          []string // checklist evidence messages (substrings) with the file
	}{
		{
			name: "hardened-rotation",
			config: `{"live-restore": true, "icc": false, "log-driver": "json-file",
 "log-opts": {"max-size": "10m", "max-file": "3"}, "no-new-privileges": true,
 "userland-proxy": false, "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 4096, "Soft": 1024}}}`,
			apiOnly:  []string{"EN006", "EN009", "EN014"},
			withFile: []string{"EN006", "EN009", "EN014"},
			evidence: []string{"rotate at max-size 10m", "default ulimits: nofile=1024:4096"},
		},
		{
			name:     "json-file-without-rotation",
			config:   `{"log-driver": "json-file", "log-opts": {"max-file": "3"}}`,
			apiOnly:  []string{"EN005", "EN006", "EN008", "EN009", "EN014"},
			withFile: []string{"EN005", "EN006", "EN008", "EN009", "EN013", "EN014", "EN015", "EN016", "EN019"},
		},
		{
			name:     "local-driver-debug-experimental",
			config:   `{"log-driver": "local", "debug": true, "experimental": true, "icc": false}`,
			apiOnly:  []string{"EN006", "EN008", "EN009", "EN010", "EN011", "EN014"},
			withFile: []string{"EN006", "EN008", "EN009", "EN010", "EN011", "EN014", "EN015", "EN016", "EN019"},
		},
		{
			name:     "logging-none",
			config:   `{"log-driver": "none", "live-restore": true}`,
			apiOnly:  []string{"EN005", "EN006", "EN009", "EN012"},
			withFile: []string{"EN005", "EN006", "EN009", "EN012", "EN015", "EN016", "EN019"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := testengine.StartDaemon(t, testengine.DaemonOptions{Config: tc.config})
			res, f := audit(t, d.Client, "")
			if got, w := ids(res.Findings), want(f, tc.apiOnly...); strings.Join(got, " ") != strings.Join(w, " ") {
				t.Errorf("API only: got %v, want %v\n%s", got, w, messages(res.Findings))
			}
			res, f = audit(t, d.Client, d.ConfigPath)
			if got, w := ids(res.Findings), want(f, tc.withFile...); strings.Join(got, " ") != strings.Join(w, " ") {
				t.Errorf("with daemon.json: got %v, want %v\n%s", got, w, messages(res.Findings))
			}
			for _, e := range tc.evidence {
				if !hasEvidence(res.Evidence, e) {
					t.Errorf("no evidence %q in %+v", e, res.Evidence)
				}
			}
			for _, fd := range res.Findings {
				if fd.Location.Engine == "" && fd.Location.Path != d.ConfigPath {
					t.Errorf("%s located at neither the engine nor the file: %+v", fd.Rule.ID, fd.Location)
				}
			}
		})
	}
}

// TestSecondDaemonDrift edits the daemon.json after the engine started:
// the file no longer describes the engine, and the audit says where.
func TestSecondDaemonDrift(t *testing.T) {
	d := testengine.StartDaemon(t, testengine.DaemonOptions{Config: `{"live-restore": true, "icc": false}`})
	edited := filepath.Join(d.Dir, "edited.json")
	if err := os.WriteFile(edited, []byte("{\n  \"live-restore\": false,\n  \"icc\": true,\n  \"log-driver\": \"journald\"\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, _ := audit(t, d.Client, edited)
	var drift []string
	for _, f := range res.Findings {
		if f.Rule.ID == "EN023" {
			drift = append(drift, f.Message)
		}
	}
	sort.Strings(drift)
	wantDrift := []string{
		edited + ":2 sets live-restore false but the engine reports true",
		edited + ":3 sets icc true but the engine reports false",
		edited + ":4 sets log-driver journald but the engine reports json-file",
	}
	sort.Strings(wantDrift)
	if strings.Join(drift, "\n") != strings.Join(wantDrift, "\n") {
		t.Errorf("drift:\n%s\nwant:\n%s", strings.Join(drift, "\n"), strings.Join(wantDrift, "\n"))
	}
}

// TestSecondDaemonTCP reaches an engine over plain TCP on loopback: the
// audit reports it as critical.
func TestSecondDaemonTCP(t *testing.T) {
	d := testengine.StartDaemon(t, testengine.DaemonOptions{Config: `{"live-restore": true}`, TCP: true})
	cli, err := client.NewClientWithOpts(client.WithHost(d.TCPAddr), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	res, f := audit(t, cli, "")
	if got, w := ids(res.Findings), want(f, "EN002", "EN005", "EN006", "EN009", "EN014"); strings.Join(got, " ") != strings.Join(w, " ") {
		t.Errorf("got %v, want %v\n%s", got, w, messages(res.Findings))
	}
	for _, fd := range res.Findings {
		if fd.Rule.ID == "EN002" && (fd.Severity != finding.Critical || !strings.Contains(fd.Message, d.TCPAddr)) {
			t.Errorf("EN002: %s %s", fd.Severity, fd.Message)
		}
	}
}

// TestSecondDaemonSprawl counts images no container uses and stopped
// containers (CIS 6.1, 6.2) on an engine of the test's own.
func TestSecondDaemonSprawl(t *testing.T) {
	d := testengine.StartDaemon(t, testengine.DaemonOptions{Config: `{}`})
	used := testengine.BusyboxImage(t, d.Client, "hardhull-sprawl-used:1", "")
	testengine.BusyboxImage(t, d.Client, "hardhull-sprawl-unused:1", `LABEL unused="yes"`)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if _, err := d.Client.ContainerCreate(ctx, &container.Config{Image: used, Cmd: []string{"true"}}, nil, nil, nil, ""); err != nil {
			t.Fatal(err)
		}
	}
	res, _ := audit(t, d.Client, "")
	for k, v := range map[string]int{"images": 2, "images_unused": 1, "containers_all": 2, "containers_stopped": 2} {
		if res.Facts[k] != v {
			t.Errorf("fact %s = %v, want %d (facts %v)", k, res.Facts[k], v, res.Facts)
		}
	}
}

// TestMainEngineDefaults audits the engine on the default socket, which CI
// starts with Debian's defaults: it yields the default findings.
func TestMainEngineDefaults(t *testing.T) {
	cli := testengine.Require(t)
	res, f := audit(t, cli, "")
	if os.Getenv("CI") != "true" && (f.Info.LiveRestoreEnabled || f.Info.LoggingDriver != "json-file") {
		t.Skipf("the engine on the default socket is not default-configured (live-restore %v, log driver %s)", f.Info.LiveRestoreEnabled, f.Info.LoggingDriver)
	}
	if got, w := ids(res.Findings), want(f, "EN005", "EN006", "EN008", "EN009", "EN014"); strings.Join(got, " ") != strings.Join(w, " ") {
		t.Errorf("got %v, want %v\n%s", got, w, messages(res.Findings))
	}
	if !hasEvidence(res.Evidence, "does not report its log options") {
		t.Errorf("no unknown-evidence for log options: %+v", res.Evidence)
	}
}

func hasEvidence(es []finding.Evidence, sub string) bool {
	for _, e := range es {
		if strings.Contains(e.Message, sub) {
			return true
		}
	}
	return false
}

func messages(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Rule.ID + " " + f.Location.String() + ": " + f.Message + "\n")
	}
	return b.String()
}
