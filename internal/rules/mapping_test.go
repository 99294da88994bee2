package rules

import (
	"slices"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
)

// Every CIS and OWASP id a rule cites is a key of the tables, so reports
// can print its title.
func TestMappingsAreKnownIDs(t *testing.T) {
	for _, r := range All() {
		for _, id := range r.CIS {
			if finding.CISRecommendation(id) == nil {
				t.Errorf("%s: CIS %s is not in %s", r.ID, id, finding.CISVersion)
			}
		}
		for _, id := range r.OWASP {
			if finding.OWASPRisk(id) == nil {
				t.Errorf("%s: OWASP %s is not in the OWASP Docker Top 10", r.ID, id)
			}
		}
		for _, c := range r.Checklist {
			if r.ChecklistWhy[c] == "" {
				t.Errorf("%s: no reason for checklist item %s", r.ID, c)
			}
		}
		if len(r.Checklist) == 0 && r.ChecklistWhy[""] == "" {
			t.Errorf("%s: feeds no checklist item and says not why", r.ID)
		}
	}
	for id := range checklistWhy {
		if Lookup(id) == nil {
			t.Errorf("checklistWhy has reasons for %s, which is not in the catalogue", id)
		}
	}
}

// The section 4 and 5 numbering of v1.6.0, as the docker-bench-security
// checks implement it; the catalogue once mixed in an older numbering.
func TestCISVersionNumbering(t *testing.T) {
	for id, short := range map[string]string{
		"4.1": "user", "4.3": "unnecessary packages", "4.6": "HEALTHCHECK", "4.7": "update alone", "4.8": "setuid/setgid",
		"4.9": "COPY not ADD", "4.10": "secrets", "4.11": "verified packages",
		"5.2": "AppArmor", "5.3": "SELinux", "5.4": "capabilities", "5.5": "privileged", "5.7": "sshd", "5.9": "only needed ports",
		"5.13": "read-only root", "5.15": "restart on-failure:5", "5.22": "seccomp", "5.26": "no-new-privileges", "5.27": "health",
		"5.31": "host user namespace", "5.32": "Docker socket",
	} {
		c := finding.CISRecommendation(id)
		if c == nil || c.Short != short || c.Title == "" {
			t.Errorf("CIS %s: got %+v, want short %q", id, c, short)
		}
	}
	for _, id := range []string{"1.1.1", "2.14", "3.1", "6.1", "7.4"} {
		if finding.CISRecommendation(id) == nil {
			t.Errorf("CIS %s missing: engine and host rules cite sections 1, 2, 3, 6 and 7", id)
		}
	}
}

func TestKnownWrongMappingsFixed(t *testing.T) {
	has := func(id, cis string) bool { return slices.Contains(Lookup(id).CIS, cis) }
	for _, tc := range []struct {
		rule, cis string
		want      bool
	}{
		{"DC002", "5.4", true}, {"DC002", "5.3", false},
		{"DC003", "5.4", true}, {"DC003", "5.3", false},
		{"RT003", "5.4", true}, {"RT003", "5.3", false},
		{"DC011", "5.7", false}, {"DC011", "5.9", true},
		{"DF018", "4.7", false},
		{"IM010", "4.8", false}, {"IM009", "4.8", true},
		{"DF007", "4.3", true}, {"IM008", "4.3", true},
		{"DF013", "4.11", true},
	} {
		if has(tc.rule, tc.cis) != tc.want {
			t.Errorf("%s cites CIS %s: %v, want %v", tc.rule, tc.cis, !tc.want, tc.want)
		}
	}
	// Rules that fed items they do not evidence.
	for _, tc := range []struct{ rule, item string }{
		{"DC020", "runtime.health-checks"}, {"RT017", "runtime.health-checks"}, {"DF017", "runtime.health-checks"},
		{"DF024", "runtime.debug-disabled"}, {"DF013", "build.pinned-versions"}, {"DF012", "build.no-secrets"},
		{"DC014", "runtime.network-isolation"}, {"RT014", "runtime.network-isolation"},
		{"DC026", "runtime.network-isolation"}, {"RT015", "runtime.network-isolation"}, {"DC015", "runtime.network-isolation"},
	} {
		if slices.Contains(Lookup(tc.rule).Checklist, tc.item) {
			t.Errorf("%s still feeds %s", tc.rule, tc.item)
		}
	}
}
