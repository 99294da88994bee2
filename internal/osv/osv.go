// Package osv holds the OSV record model (ossf/osv-schema) and reads OSV
// exports: per-ecosystem zip files with one JSON record per vulnerability.
// Unknown fields are ignored, so records newer than this model still load.
package osv

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"
)

// Vulnerability is one OSV record, reduced to what hardhull reads.
type Vulnerability struct {
	ID         string      `json:"id"`
	Modified   string      `json:"modified,omitempty"`
	Published  string      `json:"published,omitempty"`
	Withdrawn  string      `json:"withdrawn,omitempty"`
	Aliases    []string    `json:"aliases,omitempty"`
	Upstream   []string    `json:"upstream,omitempty"`
	Related    []string    `json:"related,omitempty"`
	Summary    string      `json:"summary,omitempty"`
	Details    string      `json:"details,omitempty"`
	Severity   []Severity  `json:"severity,omitempty"`
	Affected   []Affected  `json:"affected,omitempty"`
	References []Reference `json:"references,omitempty"`
	// DatabaseSpecific carries e.g. GHSA's {"severity":"HIGH"}.
	DatabaseSpecific json.RawMessage `json:"database_specific,omitempty"`
}

// Severity is a scored severity: CVSS_V2/V3/V4 vectors, or "Ubuntu" with
// a priority word.
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Reference is a link about the vulnerability.
type Reference struct {
	Type string `json:"type,omitempty"`
	URL  string `json:"url"`
}

// Package names an affected package in an ecosystem such as "Debian:12",
// "Ubuntu:22.04:LTS", "Alpine:v3.20" or "PyPI".
type Package struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Purl      string `json:"purl,omitempty"`
}

// Affected is one package's affected versions.
type Affected struct {
	Package           Package         `json:"package"`
	Severity          []Severity      `json:"severity,omitempty"`
	Ranges            []Range         `json:"ranges,omitempty"`
	Versions          []string        `json:"versions,omitempty"`
	EcosystemSpecific json.RawMessage `json:"ecosystem_specific,omitempty"`
	DatabaseSpecific  json.RawMessage `json:"database_specific,omitempty"`
}

// Range is a list of events over versions of one type (ECOSYSTEM, SEMVER
// or GIT; GIT ranges are not matched).
type Range struct {
	Type   string  `json:"type"`
	Repo   string  `json:"repo,omitempty"`
	Events []Event `json:"events"`
}

// Event is one of introduced, fixed, last_affected or limit.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// IsWithdrawn reports whether the record was withdrawn; such records stay
// in the database but never match.
func (v *Vulnerability) IsWithdrawn() bool { return v.Withdrawn != "" }

// ModifiedTime parses Modified (RFC 3339); zero when absent or malformed.
func (v *Vulnerability) ModifiedTime() time.Time {
	t, err := time.Parse(time.RFC3339Nano, v.Modified)
	if err != nil {
		return time.Time{}
	}
	return t
}

// IDs is the record's ID, aliases and upstream IDs, without duplicates,
// in that order.
func (v *Vulnerability) IDs() []string {
	seen := map[string]bool{}
	var out []string
	for _, group := range [][]string{{v.ID}, v.Aliases, v.Upstream} {
		for _, id := range group {
			if id != "" && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

// BaseEcosystem is the ecosystem without its release suffix:
// "Debian:12" -> "Debian", "Ubuntu:Pro:22.04:LTS" -> "Ubuntu".
func BaseEcosystem(eco string) string {
	b, _, _ := strings.Cut(eco, ":")
	return b
}

var pep503 = regexp.MustCompile(`[-_.]+`)

// NormalizeName puts a package name in the form the database is keyed by:
// PEP 503 for PyPI, as is elsewhere (Debian, Alpine and Go names are
// case-sensitive or already canonical).
func NormalizeName(ecosystem, name string) string {
	switch BaseEcosystem(ecosystem) {
	case "PyPI":
		return pep503.ReplaceAllString(strings.ToLower(strings.TrimSpace(name)), "-")
	}
	return strings.TrimSpace(name)
}
