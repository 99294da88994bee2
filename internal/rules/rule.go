// Package rules is hardhull's catalogue: every check with its metadata in
// code. Docs, `hardhull rules`, SARIF descriptors and the checklist view
// are generated from it, and each rule's examples run as tests.
package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// Rule is catalogue metadata plus the pure function that checks one
// artifact. Check reads only what the Pass holds; it does no I/O.
type Rule struct {
	*finding.Rule
	Check func(*Pass)
}

var catalogue = map[string]*Rule{}

func register(meta finding.Rule, check func(*Pass)) *Rule {
	m := meta
	if why := checklistWhy[m.ID]; len(why) > 0 {
		merged := map[string]string{}
		for k, v := range why {
			merged[k] = v
		}
		for k, v := range m.ChecklistWhy {
			merged[k] = v
		}
		m.ChecklistWhy = merged
	}
	r := &Rule{Rule: &m, Check: check}
	if _, dup := catalogue[r.ID]; dup {
		panic("duplicate rule " + r.ID)
	}
	catalogue[r.ID] = r
	return r
}

// All returns the catalogue sorted by ID.
func All() []*Rule {
	out := make([]*Rule, 0, len(catalogue))
	for _, r := range catalogue {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ByKind returns the rules that read one artifact kind.
func ByKind(k finding.Kind) []*Rule {
	var out []*Rule
	for _, r := range All() {
		if r.Kind == k {
			out = append(out, r)
		}
	}
	return out
}

// Lookup finds a rule by ID (case-insensitive) or slug.
func Lookup(idOrSlug string) *Rule {
	if r, ok := catalogue[strings.ToUpper(idOrSlug)]; ok {
		return r
	}
	for _, r := range catalogue {
		if strings.EqualFold(r.Slug, idOrSlug) {
			return r
		}
	}
	return nil
}

// ClaimingEquivalent returns the rules that claim another tool's ID, so
// `# hadolint ignore=DL3007` keeps working for users who migrate.
func ClaimingEquivalent(tool, id string) []*Rule {
	var out []*Rule
	for _, r := range All() {
		for _, e := range r.Equivalents[tool] {
			if normID(e) == normID(id) {
				out = append(out, r)
			}
		}
	}
	return out
}

// Validate checks the catalogue's own invariants; tests and `rules` call it.
func Validate() error {
	var errs []string
	slugs := map[string]string{}
	for _, r := range All() {
		switch {
		case r.Slug == "" || r.Title == "" || r.Rationale == "" || r.Fix == "":
			errs = append(errs, r.ID+": slug, title, rationale and fix are required")
		case len(r.Checklist) == 0 && r.ChecklistWhy[""] == "":
			errs = append(errs, r.ID+": maps to no checklist item and does not say why none applies")
		case len(r.Bad) == 0 || len(r.Good) == 0:
			errs = append(errs, r.ID+": needs at least one bad and one good example")
		case r.Check == nil:
			errs = append(errs, r.ID+": no check")
		}
		if o, ok := slugs[r.Slug]; ok {
			errs = append(errs, fmt.Sprintf("%s: slug %q already used by %s", r.ID, r.Slug, o))
		}
		slugs[r.Slug] = r.ID
		for _, c := range r.Checklist {
			if finding.ChecklistItem(c) == nil {
				errs = append(errs, fmt.Sprintf("%s: unknown checklist key %q", r.ID, c))
			}
			if strings.TrimSpace(r.ChecklistWhy[c]) == "" {
				errs = append(errs, fmt.Sprintf("%s: no reason for checklist item %q (ChecklistWhy)", r.ID, c))
			}
		}
		for c := range r.ChecklistWhy {
			if c != "" && !slices.Contains(r.Checklist, c) || c == "" && len(r.Checklist) > 0 {
				errs = append(errs, fmt.Sprintf("%s: reason for %q, which is not among its checklist items", r.ID, c))
			}
		}
		for _, id := range r.CIS {
			if finding.CISRecommendation(id) == nil {
				errs = append(errs, fmt.Sprintf("%s: CIS %q is not a recommendation of %s", r.ID, id, finding.CISVersion))
			}
		}
		for _, id := range r.OWASP {
			if finding.OWASPRisk(id) == nil {
				errs = append(errs, fmt.Sprintf("%s: OWASP %q is not in the OWASP Docker Top 10", r.ID, id))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("catalogue: %s", strings.Join(errs, "; "))
	}
	return nil
}

// normID makes DS-0001, DS001 and AVD-DS-0001 compare equal.
func normID(id string) string {
	id = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(id)), "AVD-")
	var letters, digits strings.Builder
	for _, c := range id {
		switch {
		case c >= '0' && c <= '9':
			digits.WriteRune(c)
		case c == '-' || c == '_':
		default:
			if digits.Len() > 0 {
				return id // letters after digits: compare as written
			}
			letters.WriteRune(c)
		}
	}
	return letters.String() + strings.TrimLeft(digits.String(), "0")
}
