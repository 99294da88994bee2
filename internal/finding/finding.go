// Package finding holds the vocabulary every stage of hardhull shares:
// severities, locations, findings and the metadata of the rules that
// produce them.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Severity orders findings; the policy's threshold compares against it.
type Severity int

const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity accepts the lower-case names used in flags, config and JSON.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q (want one of %s)", s, strings.Join(severityNames[:], ", "))
}

func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Location says where a person goes to see the problem. Files use Path,
// Line and Column; images use Image, Layer and Path (the path inside the
// image); containers use Container, ID and Field.
type Location struct {
	Path      string `json:"path,omitempty"`
	Line      int    `json:"line,omitempty"`
	Column    int    `json:"column,omitempty"`
	Image     string `json:"image,omitempty"`
	Layer     string `json:"layer,omitempty"`
	Container string `json:"container,omitempty"`
	ID        string `json:"id,omitempty"`
	Field     string `json:"field,omitempty"`
}

// String renders the location the way text output shows it:
// file:line:col, image@layer:/path, or container.Field.
func (l Location) String() string {
	switch {
	case l.Container != "":
		if l.Field != "" {
			return l.Container + "." + l.Field
		}
		return l.Container
	case l.Image != "":
		s := l.Image
		if l.Layer != "" {
			s += "@" + shortDigest(l.Layer)
		}
		if l.Path != "" {
			s += ":" + l.Path
		}
		return s
	}
	s := l.Path
	if l.Line > 0 {
		s += fmt.Sprintf(":%d", l.Line)
		if l.Column > 0 {
			s += fmt.Sprintf(":%d", l.Column)
		}
	}
	return s
}

func shortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}

// Finding is one violation of one rule at one place. Message and Fix must
// never carry a secret value: callers redact before building a Finding.
type Finding struct {
	Rule     *Rule    `json:"-"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Location Location `json:"location"`
	// Fix overrides the rule's generic fix when the finding knows better.
	Fix string `json:"fix,omitempty"`
	// Key identifies the offending thing independently of its line (an
	// instruction's text, a compose key path, an image path); baselines
	// fingerprint on it so that they survive line shifts.
	Key string `json:"-"`
}

// FixText is the finding's own fix or else its rule's.
func (f *Finding) FixText() string {
	if f.Fix != "" {
		return f.Fix
	}
	if f.Rule != nil {
		return f.Rule.Fix
	}
	return ""
}

// Kind is the artifact a rule reads.
type Kind string

const (
	KindDockerfile Kind = "dockerfile"
	KindCompose    Kind = "compose"
	KindContext    Kind = "context" // a build context and its ignore file
	KindPython     Kind = "python"
	KindImage      Kind = "image"
	KindContainer  Kind = "container"
	KindCI         Kind = "ci" // a CI pipeline file (GitHub Actions, GitLab CI)
)

// Example is one input that a rule must (Bad) or must not (Good) flag.
// Files maps relative paths to content for source rules; image and
// container rules name a builder registered by their family instead.
type Example struct {
	Files map[string]string
	// Builder names a constructor in the rule family's example table, for
	// artifacts that are not text files (images, containers).
	Builder string
	// Note says what the example shows, for the generated docs.
	Note string
}

// Rule is the catalogue entry: everything a user, a doc or a SARIF
// descriptor says about a rule comes from here.
type Rule struct {
	ID        string
	Slug      string
	Title     string
	Severity  Severity
	Kind      Kind
	Checklist []string // keys of the seed's Security Checklist
	CIS       []string
	OWASP     []string
	// Equivalents names IDs of other tools with the same semantics:
	// "hadolint", "trivy", "checkov", "kics", "dockle".
	Equivalents map[string][]string
	Rationale   string
	Fix         string
	Bad, Good   []Example
	// Advisory rules go beyond what their checklist items require (the
	// seed's "best" next to its "better"): their findings make an item
	// WARN in the checklist view, never FAIL.
	Advisory bool
}

// Fingerprint identifies a finding across runs: rule, file (or image, or
// container) and the finding's key, but not its line, so baselines and
// SARIF partial fingerprints survive edits above it.
func (f *Finding) Fingerprint() string {
	h := sha256.New()
	id := ""
	if f.Rule != nil {
		id = f.Rule.ID
	}
	key := f.Key
	if key == "" {
		key = f.Message
	}
	l := f.Location
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s", id, l.Path, l.Image, l.Container, l.Field, key)
	return hex.EncodeToString(h.Sum(nil))[:32]
}
