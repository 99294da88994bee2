package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// rulesDocURL is where a rule's section lives, for links GitLab renders.
const rulesDocURL = "https://github.com/hardhull/hardhull/blob/main/docs/rules.md#"

func ruleURL(r *finding.Rule) string { return rulesDocURL + strings.ToLower(r.ID) }

// gitlabPath is the path GitLab links a finding to. Files keep the path
// as reported (relative to the scanned directory, which is the repository
// root when the CI template runs `hardhull scan .`); images and containers
// have no file, so they are named as text output names them.
func gitlabPath(l finding.Location) string {
	if l.Image != "" || l.Container != "" {
		return l.String()
	}
	return strings.TrimPrefix(strings.ReplaceAll(l.Path, "\\", "/"), "./")
}

// uniqueIDs gives every finding an identifier that survives line shifts
// (the finding's fingerprint) yet differs between two findings that share
// it, such as two identical lines in one file: the nth repeat is salted
// with n, in report order.
func uniqueIDs(fs []finding.Finding) []string {
	seen := map[string]int{}
	out := make([]string, len(fs))
	for i := range fs {
		fp := fs[i].Fingerprint()
		n := seen[fp]
		seen[fp]++
		if n == 0 {
			out[i] = fp
			continue
		}
		h := sha256.Sum256([]byte(fmt.Sprintf("%s#%d", fp, n)))
		out[i] = hex.EncodeToString(h[:16])
	}
	return out
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "…"
	cut := n - len(mark)
	for cut > 0 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return s[:cut] + mark
}
