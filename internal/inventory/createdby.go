package inventory

import (
	"regexp"
	"strings"

	"github.com/hardhull/hardhull/internal/secrets"
)

var urlUserinfo = regexp.MustCompile(`(://[^/\s:@]+):([^/\s@]+)@`)

// SafeCreatedBy is a layer's history line fit for reports and SBOMs:
// build-argument values ("|2 A=x B=y /bin/sh -c ...") and URL passwords
// are redacted, and a line in which gitleaks still finds a secret is
// withheld entirely.
func SafeCreatedBy(cb string) string {
	if cb == "" {
		return ""
	}
	if strings.HasPrefix(cb, "|") {
		fs := strings.Fields(cb)
		for i := 1; i < len(fs); i++ {
			k, v, ok := strings.Cut(fs[i], "=")
			if !ok {
				break
			}
			fs[i] = k + "=" + secrets.Redact(v)
		}
		cb = strings.Join(fs, " ")
	}
	cb = urlUserinfo.ReplaceAllStringFunc(cb, func(m string) string {
		sm := urlUserinfo.FindStringSubmatch(m)
		return sm[1] + ":" + secrets.Redact(sm[2]) + "@"
	})
	if ms, _ := secrets.ScanText(cb); len(ms) > 0 {
		return "(build step withheld: it contains a secret)"
	}
	return cb
}
