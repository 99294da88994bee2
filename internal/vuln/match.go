// Package vuln matches an inventory against the local vulnerability
// database: ecosystem with release, source package for dpkg, OSV ranges
// compared with osv-scalibr/semantic, and one finding per (package,
// vulnerability) however many records (DSA, DEBIAN-CVE, GHSA, PYSEC)
// describe it.
package vuln

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hardhull/hardhull/internal/inventory"
	"github.com/hardhull/hardhull/internal/osv"
	"github.com/hardhull/hardhull/internal/vulndb"
)

// Statuses of a finding.
const (
	StatusFixed       = "fixed"       // a fixed version exists: upgrade
	StatusUnfixed     = "unfixed"     // no fix released
	StatusUnimportant = "unimportant" // Debian: the security team rates it unimportant
)

// Finding is one vulnerability in one package.
type Finding struct {
	Package inventory.Package `json:"package"`
	// ID is the preferred ID: the CVE when one exists.
	ID string `json:"id"`
	// IDs are every ID the records carry (their own, aliases, upstream).
	IDs []string `json:"ids"`
	// Records are the database records that matched.
	Records    []string `json:"records"`
	Fixed      []string `json:"fixed_versions,omitempty"`
	Status     string   `json:"status"`
	Severity   Severity `json:"severity"`
	Summary    string   `json:"summary,omitempty"`
	References []string `json:"references,omitempty"`
	// Uncertain says why the match may not hold (a ~bpo backport is
	// built from a newer release than the records describe).
	Uncertain string `json:"uncertain,omitempty"`
	// VEX is an affected or under_investigation statement about it.
	VEX string `json:"vex,omitempty"`
}

// Report is the result of matching an inventory.
type Report struct {
	DB       string          `json:"db"`
	Sources  []vulndb.Source `json:"sources"`
	Newest   time.Time       `json:"newest_record"`
	Packages int             `json:"packages"`
	Matched  int             `json:"packages_matched"`
	Findings []Finding       `json:"findings"`
	// Notes say what could not be matched and why, never silently.
	Notes []string `json:"notes,omitempty"`
}

type entryHit struct {
	entry vulndb.Entry
	rec   *osv.Vulnerability
	fixed []string
}

func (h *entryHit) urgency() string {
	var es struct {
		Urgency string `json:"urgency"`
	}
	if len(h.entry.EcosystemSpecific) > 0 && json.Unmarshal(h.entry.EcosystemSpecific, &es) == nil {
		return es.Urgency
	}
	return ""
}

// Match looks up every package and returns the findings, sorted by
// package then ID.
func Match(db *vulndb.DB, pkgs []inventory.Package) (*Report, error) {
	r := &Report{DB: db.Path, Sources: db.Sources, Newest: db.Newest(), Packages: len(pkgs), Findings: []Finding{}}
	snap, err := db.Snapshot()
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	recs := map[string]*osv.Vulnerability{}
	unknownRel := map[string]int{}
	noSource := map[string]int{}
	var bad []string
	for i := range pkgs {
		p := &pkgs[i]
		base := osv.BaseEcosystem(p.Ecosystem)
		if p.ReleaseUnknown {
			unknownRel[p.Ecosystem]++
			continue
		}
		if !db.Has(base) {
			noSource[base]++
			continue
		}
		r.Matched++
		ents, err := snap.Lookup(base, p.MatchName())
		if err != nil {
			return nil, err
		}
		var hits []*entryHit
		for _, e := range ents {
			if e.Ecosystem != p.Ecosystem {
				continue
			}
			ok, fixed, err := affects(p.MatchVersion(), p.Ecosystem, &e)
			if err != nil {
				bad = append(bad, fmt.Sprintf("%s: %v", p, err))
				break
			}
			if !ok {
				continue
			}
			rec, seen := recs[e.ID]
			if !seen {
				if rec, err = snap.Get(e.ID); err != nil {
					return nil, err
				}
				recs[e.ID] = rec
			}
			if rec == nil || rec.IsWithdrawn() {
				continue
			}
			hits = append(hits, &entryHit{entry: e, rec: rec, fixed: fixed})
		}
		r.Findings = append(r.Findings, group(*p, hits)...)
	}
	for eco, n := range unknownRel {
		r.Notes = append(r.Notes, fmt.Sprintf("%d %s packages not matched: the release is unknown (os-release has no VERSION_ID OSV names), and matching every release would be wrong", n, eco))
	}
	for eco, n := range noSource {
		r.Notes = append(r.Notes, fmt.Sprintf("%d %s packages not matched: the database has no %s source (hardhull db import %s/all.zip)", n, eco, eco, eco))
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		r.Notes = append(r.Notes, fmt.Sprintf("%d package versions could not be compared: %s", len(bad), strings.Join(bad[:min(3, len(bad))], "; ")))
	}
	sort.Strings(r.Notes)
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.Package.Name != b.Package.Name {
			return a.Package.Name < b.Package.Name
		}
		if a.Package.Path != b.Package.Path {
			return a.Package.Path < b.Package.Path
		}
		return a.ID < b.ID
	})
	return r, nil
}

// group merges hits that share an ID (own, alias or upstream) into one
// finding each.
func group(p inventory.Package, hits []*entryHit) []Finding {
	parent := make([]int, len(hits))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[string]int{}
	for i, h := range hits {
		for _, id := range h.rec.IDs() {
			if j, ok := owner[id]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[id] = i
			}
		}
	}
	groups := map[int][]*entryHit{}
	var roots []int
	for i, h := range hits {
		r := find(i)
		if groups[r] == nil {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], h)
	}
	var out []Finding
	for _, root := range roots {
		out = append(out, finish(p, groups[root]))
	}
	return out
}

func finish(p inventory.Package, hs []*entryHit) Finding {
	f := Finding{Package: p}
	ids := map[string]bool{}
	fixed := map[string]bool{}
	var recs []*osv.Vulnerability
	refs := map[string]bool{}
	unimportant := false
	for _, h := range hs {
		f.Records = append(f.Records, h.rec.ID)
		recs = append(recs, h.rec)
		for _, id := range h.rec.IDs() {
			ids[id] = true
		}
		for _, x := range h.fixed {
			fixed[x] = true
		}
		if h.urgency() == "unimportant" {
			unimportant = true
		}
		if f.Summary == "" {
			f.Summary = h.rec.Summary
		}
		for _, ref := range h.rec.References {
			refs[ref.URL] = true
		}
	}
	sort.Strings(f.Records)
	f.Records = dedup(f.Records)
	for id := range ids {
		f.IDs = append(f.IDs, id)
	}
	sort.Slice(f.IDs, func(i, j int) bool {
		ci, cj := strings.HasPrefix(f.IDs[i], "CVE-"), strings.HasPrefix(f.IDs[j], "CVE-")
		if ci != cj {
			return ci
		}
		return f.IDs[i] < f.IDs[j]
	})
	f.ID = f.IDs[0]
	for x := range fixed {
		f.Fixed = append(f.Fixed, x)
	}
	sort.Strings(f.Fixed)
	for u := range refs {
		f.References = append(f.References, u)
	}
	sort.Strings(f.References)
	f.Severity = rate(recs, hs)
	switch {
	case unimportant:
		f.Status = StatusUnimportant
		f.Severity.Level, f.Severity.Known, f.Severity.Source = 0, true, "Debian urgency unimportant"
	case len(f.Fixed) > 0:
		f.Status = StatusFixed
	default:
		f.Status = StatusUnfixed
	}
	if osv.BaseEcosystem(p.Ecosystem) == "Debian" && strings.Contains(p.MatchVersion(), "~bpo") {
		f.Uncertain = "a ~bpo backport is built from a newer Debian release than the " + p.Ecosystem + " records describe; check the backport's own changelog"
	}
	return f
}

func dedup(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
