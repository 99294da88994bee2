package imageaudit

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/imagetest"
	"github.com/hardhull/hardhull/internal/osv/osvtest"
	"github.com/hardhull/hardhull/internal/report"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/vulndb"
)

// Seeded secret values; none may appear in any report format.
var seeded = []string{
	"ghp_R7mK2pQx9Lw4Zt8Vn3Bc6Hy1Jd5Fs0Ge7Ua2",
	"xoxb-2048675309-1029384756-aB3dE5fG7hJ9kL1mN3pQ5rS7",
	"S3cr3tPassw0rdForTheDb",
	"mysecretkey123456",
	"npm_Zk8Lq2Wm4Xn6Vb8Cd0Fg2Hj4Kl6Mn8Pq0Rs2",
}

func TestNoSecretInAnyFormat(t *testing.T) {
	files := map[string]string{
		"config.json": `{"config":{"User":"root","Env":["SECRET_KEY=mysecretkey123456","DATABASE_URL=postgres://app:S3cr3tPassw0rdForTheDb@db/app"],` +
			`"Labels":{"ci.token":"ghp_R7mK2pQx9Lw4Zt8Vn3Bc6Hy1Jd5Fs0Ge7Ua2"}},` +
			`"history":[{"created_by":"|1 NPM_TOKEN=npm_Zk8Lq2Wm4Xn6Vb8Cd0Fg2Hj4Kl6Mn8Pq0Rs2 /bin/sh -c npm ci"}]}`,
		"layer0/app/.env":          "SLACK_TOKEN=xoxb-2048675309-1029384756-aB3dE5fG7hJ9kL1mN3pQ5rS7\n",
		"layer0/app/settings.json": `{"slack": "xoxb-2048675309-1029384756-aB3dE5fG7hJ9kL1mN3pQ5rS7"}`,
		"layer1/app/.wh..env":      "",
		"layer0/root/.npmrc":       "//registry.npmjs.org/:_authToken=npm_Zk8Lq2Wm4Xn6Vb8Cd0Fg2Hj4Kl6Mn8Pq0Rs2\n",
		// Packages introduced by the layer whose history line holds a
		// secret: the inventory, the SBOMs and the vulnerability details
		// carry that line, redacted.
		"layer0/etc/os-release":      "ID=debian\nVERSION_ID=\"12\"\n",
		"layer0/var/lib/dpkg/status": "Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.19-1~deb12u2\n",
	}
	dir := t.TempDir()
	deb, err := osvtest.WriteZip(dir, "Debian", osvtest.Debian)
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "vulndb.bolt")
	if _, err := vulndb.Import(dbPath, []string{deb}, time.Now()); err != nil {
		t.Fatal(err)
	}
	img, err := imagetest.Build(files)
	if err != nil {
		t.Fatal(err)
	}
	// The history line of the layer that adds the packages holds the
	// token too, as a build argument of its RUN.
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.History[0].CreatedBy = "|1 NPM_TOKEN=npm_Zk8Lq2Wm4Xn6Vb8Cd0Fg2Hj4Kl6Mn8Pq0Rs2 /bin/sh -c apt-get install -y libssl3"
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "img.tar")
	if err := imagetest.WriteSave(p, img, "example.test/leaky:1"); err != nil {
		t.Fatal(err)
	}
	res, err := Audit(context.Background(), p, Options{Vulns: VulnOptions{DB: dbPath}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"VU001": false, "IM003": false, "IM004": false, "IM005": false, "IM006": false, "IM007": false}
	for _, f := range res.Findings {
		if _, ok := want[f.Rule.ID]; ok {
			want[f.Rule.ID] = true
		}
	}
	for id, seen := range want {
		if !seen {
			t.Errorf("%s not reported; the test would prove nothing", id)
		}
	}
	var cat []*finding.Rule
	for _, r := range rules.All() {
		cat = append(cat, r.Rule)
	}
	for _, format := range append(append([]string{}, report.Formats...), report.SBOMFormats...) {
		rep, err := report.New(format, report.Options{Catalogue: cat})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := rep.Report(&b, res); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if (format == "cyclonedx" || format == "spdx-json") && (!strings.Contains(out, "libssl3") || !strings.Contains(out, "NPM_TOKEN=")) {
			t.Errorf("%s output lacks the package or its layer's history line; the test would prove nothing:\n%s", format, out)
		}
		for _, s := range seeded {
			for i := 0; i+8 <= len(s); i++ {
				if strings.Contains(out, s[i:i+8]) {
					t.Errorf("%s output contains %q, part of a seeded secret", format, s[i:i+8])
					break
				}
			}
		}
	}
}
