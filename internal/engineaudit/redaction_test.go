package engineaudit

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/report"
	"github.com/hardhull/hardhull/internal/rules"
)

// TestNoSecretInAnyFormat seeds credentials where daemon configurations
// carry them (a mirror URL's userinfo, a registry's, a log driver's token)
// and proves no output format shows them, from the API and from the file.
func TestNoSecretInAnyFormat(t *testing.T) {
	seeded := []string{"MirrorT0kenSecret99", "RegistryPassw0rdX7", "SplunkT0kenValue42"}
	f, err := exampleFacts(map[string]string{"info.json": `{"RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"],
	 "Mirrors": ["http://bot:MirrorT0kenSecret99@mirror.lan/"],
	 "IndexConfigs": {"u:RegistryPassw0rdX7@registry.lan": {"Name": "u:RegistryPassw0rdX7@registry.lan", "Secure": false}}}}`})
	if err != nil {
		t.Fatal(err)
	}
	file := parseSettings(t, rules.DaemonJSON(`{"registry-mirrors": ["https://bot:MirrorT0kenSecret99@mirror.example.com"],
	 "insecure-registries": ["http://u:RegistryPassw0rdX7@registry.lan"], "log-driver": "splunk",
	 "log-opts": {"splunk-token": "SplunkT0kenValue42", "splunk-url": "https://splunk.example.com"}}`))
	res := Judge(f, file, time.Now(), nil)
	fileRes := &finding.Result{Command: "scan", Kinds: map[finding.Kind]int{finding.KindEngine: 1}}
	fileRes.Findings = judgeFile(file)
	res.Add(fileRes)
	fired := map[string]bool{}
	for _, fd := range res.Findings {
		fired[fd.Rule.ID] = true
	}
	for _, id := range []string{"EN003", "EN004", "EN023"} {
		if !fired[id] {
			t.Errorf("%s did not fire: the seeded values were not exercised", id)
		}
	}
	var cat []*finding.Rule
	for _, r := range rules.All() {
		cat = append(cat, r.Rule)
	}
	for _, format := range report.Formats {
		rep, _ := report.New(format, report.Options{Catalogue: cat})
		var b bytes.Buffer
		if err := rep.Report(&b, res); err != nil {
			t.Fatal(err)
		}
		for _, s := range seeded {
			if strings.Contains(b.String(), s) {
				t.Errorf("%s output contains seeded secret %q", format, s)
			}
		}
	}
}
