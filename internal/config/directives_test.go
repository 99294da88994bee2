package config

import (
	"strings"
	"testing"
	"time"
)

// TestInlineDirectiveForms covers forms users of other tools write: several
// Trivy directives on one line, an expiry date, and Checkov skips.
func TestInlineDirectiveForms(t *testing.T) {
	equiv := func(tool, id string) []string { return []string{tool + ":" + strings.ToUpper(id)} }
	ix := &inlineIndex{equiv: equiv}
	old := now
	defer func() { now = old }()
	now = func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"#trivy:ignore:AVD-DS-0026 trivy:ignore:AVD-DS-0002", []string{"trivy:AVD-DS-0026", "trivy:AVD-DS-0002"}},
		{"#trivy:ignore:DS002:exp:2026-12-31", []string{"trivy:DS002"}},
		{"#trivy:ignore:DS002:exp:2025-01-01", nil},
		{"#checkov:skip=CKV_DOCKER_2:no health endpoint yet", []string{"checkov:CKV_DOCKER_2"}},
		{"RUN echo trivy:ignore:DS002", nil},
		{"# hardhull ignore=DF001 exp:2026-12-31 -- until the rebuild", []string{"DF001"}},
		{"# hardhull ignore=DF001,DF004 exp:2026-06-01", []string{"DF001", "DF004"}},
		{"# hardhull ignore=DF001 exp:2026-05-30 -- lapsed", nil},
		{"# hardhull ignore=DF001 exp:tomorrow", nil},
	} {
		got := ix.lineIDs(tc.line)
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%q: got %v, want %v", tc.line, got, tc.want)
		}
	}
}
