package rules

import (
	"sort"
	"strings"
)

// EquivalentTools are the other tools whose rule IDs hardhull rules claim.
var EquivalentTools = []string{"hadolint", "trivy", "checkov", "kics", "dockle"}

// Resolve finds the hardhull rules an ID names: a hardhull ID or slug, or
// another tool's ID as its users write it (DL3007, AVD-DS-0002, DS002,
// CKV_DOCKER_2, a KICS query ID), optionally prefixed with the tool
// ("hadolint:DL3007"). It also says which tool the ID belongs to ("" for
// hardhull's own).
func Resolve(id string) (tool string, rs []*Rule) {
	id = strings.TrimSpace(id)
	if r := Lookup(id); r != nil {
		return "", []*Rule{r}
	}
	tools := EquivalentTools
	if t, rest, ok := strings.Cut(id, ":"); ok {
		for _, known := range EquivalentTools {
			if strings.EqualFold(t, known) {
				tools, id = []string{known}, rest
			}
		}
	}
	for _, t := range tools {
		if found := ClaimingEquivalent(t, id); len(found) > 0 {
			sort.Slice(found, func(i, j int) bool { return found[i].ID < found[j].ID })
			return t, found
		}
	}
	return "", nil
}
