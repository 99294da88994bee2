package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

func ruleURL(r *finding.Rule) string { return ruleAnchorURL(r.ID) }

// gitlabPaths returns how GitLab should name a finding's place. GitLab
// resolves paths against the repository root, where CI jobs start, so a
// file path reported relative to a scanned directory (`hardhull scan app`)
// is joined to that directory. Images and containers have no file: they
// are named as text output names them.
func gitlabPaths(target string) func(finding.Location) string {
	base := ""
	if target != "" && target != "." && !filepath.IsAbs(target) {
		if st, err := os.Stat(target); err == nil && st.IsDir() {
			base = filepath.ToSlash(filepath.Clean(target))
		}
	}
	return func(l finding.Location) string {
		if l.Image != "" || l.Container != "" {
			return l.String()
		}
		p := strings.TrimPrefix(strings.ReplaceAll(l.Path, "\\", "/"), "./")
		if base != "" && p != "" && !strings.HasPrefix(p, "/") {
			p = path.Join(base, p)
		}
		return p
	}
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
