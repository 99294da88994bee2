package engineaudit

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	"github.com/hardhull/hardhull/internal/daemon"
	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/runtimeaudit"
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

var record = flag.Bool("record", false, "record the engine answers of real-engine tests into testdata/engines")

// recorded are real engines' answers kept in testdata, with what they must
// yield. Engines the test machine cannot start (rootless needs an
// unprivileged user with rootlesskit; userns-remap needs /etc/subuid
// entries) are judged from these; the live tests re-record them with
// -record.
var recorded = []struct {
	file, what string
	want       []string // besides the host-dependent rules
	evidence   string
}{
	{"debian-20.10-default.json", "Debian's docker.io 20.10 with no daemon.json", []string{"EN005", "EN006", "EN008", "EN009", "EN014"}, ""},
	{"userns-remap.json", `dockerd 20.10 with "userns-remap": "nobody:nogroup", live-restore, icc false`, []string{"EN009", "EN014"}, "maps container root to an unprivileged host user"},
}

// TestRecordedEngines judges recorded /info (and /version, /networks,
// /plugins) answers of real engines.
func TestRecordedEngines(t *testing.T) {
	for _, rc := range recorded {
		t.Run(rc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "engines", rc.file))
			if err != nil {
				t.Fatal(err)
			}
			var f engine.Facts
			if err := json.Unmarshal(b, &f); err != nil {
				t.Fatal(err)
			}
			res := Judge(&f, nil, time.Now(), nil)
			if got, w := ids(res.Findings), want(&f, rc.want...); strings.Join(got, " ") != strings.Join(w, " ") {
				t.Errorf("%s: got %v, want %v\n%s", rc.what, got, w, messages(res.Findings))
			}
			if rc.evidence != "" && !hasEvidence(res.Evidence, rc.evidence) {
				t.Errorf("%s: no evidence %q", rc.what, rc.evidence)
			}
		})
	}
}

// saveRecording writes an engine's answer into testdata/engines with the
// machine's particulars (socket path, data root, host name, IDs) replaced.
func saveRecording(t *testing.T, f *engine.Facts, name string) {
	t.Helper()
	c := *f
	c.Addr = "unix:///var/run/docker.sock"
	c.Info.ID, c.Info.Name, c.Info.SystemTime = "", "engine", ""
	c.Info.DockerRootDir = "/var/lib/docker"
	c.Info.KernelVersion, c.Version.KernelVersion = "6.1.0", "6.1.0"
	c.Info.MemTotal, c.Info.NCPU = 0, 0
	c.Images, c.Containers = nil, nil
	for i := range c.Networks {
		c.Networks[i].ID = ""
		c.Networks[i].Created = time.Time{}
	}
	b, err := json.MarshalIndent(&c, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "engines", name), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded testdata/engines/%s", name)
}

// hasSubordinateIDs reports whether /etc/subuid and /etc/subgid let
// dockerd remap to nobody:nogroup (.ci/engine-test-setup.sh adds them).
func hasSubordinateIDs() bool {
	uid, _ := os.ReadFile("/etc/subuid")
	gid, _ := os.ReadFile("/etc/subgid")
	return strings.Contains("\n"+string(uid), "\nnobody:") && strings.Contains("\n"+string(gid), "\nnogroup:")
}

// TestSecondDaemonUserns remaps container root to nobody's subordinate
// ids, when this machine has them; otherwise TestRecordedEngines judges
// the recorded answer of such an engine.
func TestSecondDaemonUserns(t *testing.T) {
	if !hasSubordinateIDs() {
		t.Skip("no /etc/subuid and /etc/subgid entries for nobody:nogroup (run .ci/engine-test-setup.sh): userns-remap is judged from the recorded answer testdata/engines/userns-remap.json in TestRecordedEngines")
	}
	d := testengine.StartDaemon(t, testengine.DaemonOptions{Config: `{"userns-remap": "nobody:nogroup", "live-restore": true, "icc": false}`})
	res, f := audit(t, d.Client, "")
	if got, w := ids(res.Findings), want(f, "EN009", "EN014"); strings.Join(got, " ") != strings.Join(w, " ") {
		t.Errorf("got %v, want %v\n%s", got, w, messages(res.Findings))
	}
	if !hasEvidence(res.Evidence, "maps container root to an unprivileged host user") {
		t.Errorf("no userns evidence: %+v", res.Evidence)
	}
	if *record {
		saveRecording(t, f, "userns-remap.json")
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
	if *record {
		saveRecording(t, f, "debian-20.10-default.json")
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

// TestSecondDaemonNoNewPrivileges: with "no-new-privileges": true in
// daemon.json, a container started without --security-opt has NoNewPrivs
// set by the kernel, though its inspect document does not say so. The
// container audit knows it only from the file (--daemon-config).
func TestSecondDaemonNoNewPrivileges(t *testing.T) {
	d := testengine.StartDaemon(t, testengine.DaemonOptions{Config: `{"no-new-privileges": true}`})
	img := testengine.BusyboxImage(t, d.Client, "hardhull-nnp:1", "")
	ctx := context.Background()
	cr, err := d.Client.ContainerCreate(ctx, &container.Config{Image: img, Cmd: []string{"sleep", "60"}},
		&container.HostConfig{NetworkMode: "none"}, nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Client.ContainerRemove(context.Background(), cr.ID, container.RemoveOptions{Force: true}) })
	if err := d.Client.ContainerStart(ctx, cr.ID, container.StartOptions{}); err != nil {
		t.Fatal(err)
	}
	ins, err := d.Client.ContainerInspect(ctx, cr.ID)
	if err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(ins.State.Pid), "status"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(status), "NoNewPrivs:\t1") || len(ins.HostConfig.SecurityOpt) != 0 {
		t.Fatalf("premise: NoNewPrivs in status %v, SecurityOpt %v", strings.Contains(string(status), "NoNewPrivs:\t1"), ins.HostConfig.SecurityOpt)
	}
	file, err := ReadConfig(d.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	sel := engine.Selector{Names: []string{cr.ID}}
	for _, tc := range []struct {
		opts   runtimeaudit.Options
		rt005  bool
		reason string
	}{
		{runtimeaudit.Options{}, true, "the inspect document alone cannot show the daemon default"},
		{runtimeaudit.Options{Daemon: file}, false, "the daemon.json says no-new-privileges is the default"},
	} {
		res, err := runtimeaudit.AuditWith(ctx, d.Client, sel, nil, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for _, f := range res.Findings {
			got = got || f.Rule.ID == "RT005"
		}
		if got != tc.rt005 {
			t.Errorf("RT005 fired %v, want %v: %s", got, tc.rt005, tc.reason)
		}
		if !tc.rt005 && !hasEvidence(res.Evidence, "no-new-privileges comes from the daemon default") {
			t.Errorf("no evidence for the daemon default: %+v", res.Evidence)
		}
	}
}
