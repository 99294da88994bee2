package vuln

import (
	"encoding/json"
	"fmt"
	"strings"

	gocvss20 "github.com/pandatix/go-cvss/20"
	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/osv"
)

// Score is one CVSS vector and the base score computed from it.
type Score struct {
	Type   string  `json:"type"`
	Vector string  `json:"vector"`
	Score  float64 `json:"score"`
}

// Severity is the rating a finding reports and where it came from.
type Severity struct {
	Level finding.Severity `json:"level"`
	// Known is false when no source rated the vulnerability; Level is
	// then Medium, so that an unrated vulnerability still fails a
	// medium threshold rather than passing unseen.
	Known  bool    `json:"known"`
	Source string  `json:"source"` // "CVSS_V3", "GHSA", "Ubuntu", "Debian urgency", "none"
	Score  float64 `json:"score,omitempty"`
	CVSS   []Score `json:"cvss,omitempty"`
}

// cvssScore computes a base score from a vector; ok is false for a
// vector go-cvss rejects.
func cvssScore(typ, vec string) (float64, bool) {
	switch {
	case typ == "CVSS_V4" || strings.HasPrefix(vec, "CVSS:4.0/"):
		c, err := gocvss40.ParseVector(vec)
		if err != nil {
			return 0, false
		}
		return c.Score(), true
	case strings.HasPrefix(vec, "CVSS:3.1/"):
		c, err := gocvss31.ParseVector(vec)
		if err != nil {
			return 0, false
		}
		return c.BaseScore(), true
	case strings.HasPrefix(vec, "CVSS:3.0/"):
		c, err := gocvss30.ParseVector(vec)
		if err != nil {
			return 0, false
		}
		return c.BaseScore(), true
	case typ == "CVSS_V2":
		c, err := gocvss20.ParseVector(vec)
		if err != nil {
			return 0, false
		}
		return c.BaseScore(), true
	}
	return 0, false
}

// fromScore maps a CVSS base score to a level (the CVSS v3/v4 bands).
func fromScore(s float64) finding.Severity {
	switch {
	case s >= 9:
		return finding.Critical
	case s >= 7:
		return finding.High
	case s >= 4:
		return finding.Medium
	case s > 0:
		return finding.Low
	}
	return finding.Info
}

// fromWord maps database ratings (GHSA, Ubuntu priority, Debian urgency).
func fromWord(w string) (finding.Severity, bool) {
	switch strings.ToLower(strings.TrimSuffix(strings.TrimSpace(w), "*")) {
	case "critical":
		return finding.Critical, true
	case "high", "important":
		return finding.High, true
	case "medium", "moderate":
		return finding.Medium, true
	case "low":
		return finding.Low, true
	case "negligible", "unimportant":
		return finding.Info, true
	}
	return finding.Medium, false
}

// rate picks a severity: the highest-version CVSS vector's computed base
// score, else the database's own rating, else unknown.
func rate(recs []*osv.Vulnerability, ents []*entryHit) Severity {
	var scores []Score
	seen := map[string]bool{}
	add := func(ss []osv.Severity) {
		for _, s := range ss {
			if !strings.HasPrefix(s.Type, "CVSS_") || seen[s.Score] {
				continue
			}
			seen[s.Score] = true
			if v, ok := cvssScore(s.Type, s.Score); ok {
				scores = append(scores, Score{Type: s.Type, Vector: s.Score, Score: v})
			}
		}
	}
	for _, r := range recs {
		add(r.Severity)
	}
	for _, e := range ents {
		add(e.entry.Severity)
	}
	if len(scores) > 0 {
		best := scores[0]
		for _, s := range scores[1:] {
			if s.Type > best.Type || (s.Type == best.Type && s.Score > best.Score) {
				best = s
			}
		}
		return Severity{Level: fromScore(best.Score), Known: true, Source: best.Type, Score: best.Score, CVSS: scores}
	}
	for _, r := range recs {
		for _, s := range r.Severity {
			if s.Type == "Ubuntu" {
				if l, ok := fromWord(s.Score); ok {
					return Severity{Level: l, Known: true, Source: "Ubuntu priority " + s.Score}
				}
			}
		}
		var ds struct {
			Severity string `json:"severity"`
		}
		if len(r.DatabaseSpecific) > 0 && json.Unmarshal(r.DatabaseSpecific, &ds) == nil && ds.Severity != "" {
			if l, ok := fromWord(ds.Severity); ok {
				return Severity{Level: l, Known: true, Source: fmt.Sprintf("%s rating %s", idPrefix(r.ID), ds.Severity)}
			}
		}
	}
	for _, e := range ents {
		if u := e.urgency(); u != "" {
			if l, ok := fromWord(u); ok {
				return Severity{Level: l, Known: true, Source: "Debian urgency " + u}
			}
		}
	}
	return Severity{Level: finding.Medium, Source: "none"}
}

func idPrefix(id string) string {
	p, _, _ := strings.Cut(id, "-")
	return p
}
