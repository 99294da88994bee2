package config_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hardhull/hardhull/internal/config"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/scan"
)

func claimants(tool, id string) []string {
	var out []string
	for _, r := range rules.ClaimingEquivalent(tool, id) {
		out = append(out, r.ID)
	}
	return out
}

// TestMigratedInlineIgnores runs the real scan and policy over Dockerfiles
// carrying the ignore comments hadolint and Trivy users already have: the
// rule that claims the other tool's ID is suppressed, and only that rule.
// The Trivy forms are the ones its parser (pkg/iac/ignore) accepts and
// users write: AVD-DS-0002, DS002, DS-0002, with or without a space after
// the #, and an :exp: expiry section after the ID.
func TestMigratedInlineIgnores(t *testing.T) {
	const noUser = "FROM debian:12-slim\nCMD [\"sleep\", \"1\"]\n"
	tests := []struct {
		name       string
		dockerfile string
		rule       string // the hardhull rule under test
		suppressed bool
	}{
		{"hadolint DL3007", "# hadolint ignore=DL3007\nFROM debian:latest\nUSER 1000\n", "DF003", true},
		{"hadolint list", "# hadolint ignore=DL3006,DL3007\nFROM debian:latest\nUSER 1000\n", "DF003", true},
		{"hadolint list with spaces", "# hadolint ignore=DL3006, DL3007\nFROM debian:latest\nUSER 1000\n", "DF003", true},
		{"hadolint global", "# hadolint global ignore=DL3006\nFROM node:22-slim AS build\nFROM python\nUSER 1000\n", "DF002", true},
		{"hadolint other rule", "# hadolint ignore=DL3006\nFROM debian:latest\nUSER 1000\n", "DF003", false},
		{"hadolint ignore applies to the next instruction only", "# hadolint ignore=DL3007\nFROM debian:latest AS a\nFROM debian:latest\nUSER 1000\n", "DF003", false},
		{"trivy AVD- form", "#trivy:ignore:AVD-DS-0002\n" + noUser, "DF001", true},
		{"trivy short form", "#trivy:ignore:DS002\n" + noUser, "DF001", true},
		{"trivy current form", "#trivy:ignore:DS-0002\n" + noUser, "DF001", true},
		{"trivy space after hash", "# trivy:ignore:AVD-DS-0002\n" + noUser, "DF001", true},
		{"trivy with expiry", "#trivy:ignore:AVD-DS-0002:exp:2999-12-31\n" + noUser, "DF001", true},
		{"trivy comment above other comments", "#trivy:ignore:DS-0026\n# the app is probed by the orchestrator\n" + noUser, "DF019", true},
		{"trivy DS-0001 covers a missing tag", "#trivy:ignore:DS001\nFROM debian\nUSER 1000\n", "DF002", true},
		{"trivy DS-0001 covers latest", "#trivy:ignore:DS001\nFROM debian:latest\nUSER 1000\n", "DF003", true},
		{"trivy other rule", "#trivy:ignore:DS-0026\n" + noUser, "DF001", false},
		{"trivy different number", "#trivy:ignore:DS-0020\n" + noUser, "DF001", false},
		// DL3042 is not claimed (see internal/scan/equivalents_test.go):
		// its ignore must not silence DF016.
		{"unclaimed hadolint id", "FROM python:3.12-slim\n# hadolint ignore=DL3042\nRUN pip install fastapi\nUSER 1000\n", "DF016", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(tt.dockerfile), 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := scan.Scan(context.Background(), scan.Options{Paths: []string{dir}})
			if err != nil {
				t.Fatal(err)
			}
			count := func() int {
				n := 0
				for _, f := range res.Findings {
					if f.Rule.ID == tt.rule {
						n++
					}
				}
				return n
			}
			before := count()
			if before == 0 {
				t.Fatalf("%s does not fire on the input; the case tests nothing", tt.rule)
			}
			pol := &config.Policy{Root: dir, Equivalent: claimants}
			pol.Apply(res)
			after := count()
			if got := after == 0; got != tt.suppressed {
				t.Errorf("%s suppressed = %v (before %d, after %d), want %v", tt.rule, got, before, after, tt.suppressed)
			}
			if tt.suppressed && res.Suppressed == 0 {
				t.Error("suppression not counted")
			}
		})
	}
}

// TestClaimedIDForms checks the ID normalisation the ignores rely on: every
// spelling Trivy has used for a check names the same hardhull rules.
func TestClaimedIDForms(t *testing.T) {
	for _, tt := range []struct{ tool, id, want string }{
		{"trivy", "DS-0002", "DF001"},
		{"trivy", "DS002", "DF001"},
		{"trivy", "AVD-DS-0002", "DF001"},
		{"trivy", "avd-ds-0002", "DF001"},
		{"trivy", "DS-0029", "DF014"},
		{"trivy", "DS029", "DF014"},
		{"hadolint", "DL3015", "DF014"},
		{"hadolint", "dl3015", "DF014"},
		{"checkov", "CKV_DOCKER_2", "DF019"},
	} {
		got := claimants(tt.tool, tt.id)
		found := false
		for _, id := range got {
			found = found || id == tt.want
		}
		if !found {
			t.Errorf("%s %s -> %v, want it to include %s", tt.tool, tt.id, got, tt.want)
		}
	}
	for _, tt := range []struct{ tool, id string }{
		{"trivy", "DS-0020"},
		{"trivy", "DS0002X"},
		{"hadolint", "DL3042"},
		{"hadolint", "DS-0002"}, // right ID, wrong tool
	} {
		if got := claimants(tt.tool, tt.id); len(got) != 0 {
			t.Errorf("%s %s -> %v, want no rule", tt.tool, tt.id, got)
		}
	}
}
