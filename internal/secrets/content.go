package secrets

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
)

// DefaultMaxSize is the largest content ScanContent reads. Secrets live in
// config and source files; bigger files are data, and gitleaks' regexes are
// too costly to run over them on every scan.
const DefaultMaxSize = 1 << 20

// ErrTooLarge is returned (wrapped) for content over the size cap. Callers
// should report the file as "not scanned", not fail the run.
var ErrTooLarge = errors.New("content too large to scan for secrets")

// Match is one secret found in content. It never holds the secret itself.
type Match struct {
	RuleID      string // gitleaks rule, e.g. "aws-access-token"
	Description string // gitleaks' one-line description of the rule
	Line        int    // 1-based line of the secret's first character
	Column      int    // 1-based byte column of the secret's first character
	EndLine     int    // last line of the secret (private keys span lines)
	Redacted    string // the secret through Redact
	Key         string // the variable or key it is assigned to, when visible
}

// Scanner scans content with a size cap. The zero value uses DefaultMaxSize.
type Scanner struct {
	MaxSize int
}

// ScanContent scans content with the default Scanner.
func ScanContent(path string, content []byte) ([]Match, error) {
	return Scanner{}.Scan(path, content)
}

// ScanText scans text that is not a file: a RUN command line, an image
// label, a history entry. Without a path gitleaks skips its path
// allowlists, which it would otherwise test once per rule per call.
func ScanText(text string) ([]Match, error) {
	return Scanner{}.Scan("", []byte(text))
}

var (
	detOnce sync.Once
	det     *detect.Detector
	detErr  error
)

// detector builds gitleaks' detector on first use: compiling ~220 rules takes
// tens of milliseconds, which runs that never scan content should not pay.
//
// The detector is shared without a lock. DetectString only reads the
// detector's config and prefilter trie (its byte counter is atomic); the one
// write it can make to shared state (appending decoder tags to a rule's tag
// slice) happens only when decoding is enabled, and MaxDecodeDepth stays 0.
// TestScanContentConcurrent runs under -race to keep this true.
func detector() (*detect.Detector, error) {
	detOnce.Do(func() {
		// gitleaks logs findings, secret included, at trace level to its
		// own global logger; silence it so that no secret can reach stderr.
		logging.Logger = zerolog.Nop()
		det, detErr = newDefaultDetector()
	})
	return det, detErr
}

func newDefaultDetector() (*detect.Detector, error) {
	d, err := detect.NewDetectorDefaultConfig()
	if err != nil {
		return nil, fmt.Errorf("load gitleaks default rules: %w", err)
	}
	d.MaxDecodeDepth = 0
	d.Verbose = false
	return d, nil
}

// Scan returns the secrets gitleaks' default rules find in content, sorted
// by position. Binary content yields no matches and no error; content over
// the cap yields ErrTooLarge. path is used for messages and for gitleaks'
// path allowlists (lock files, vendored code), never opened.
func (s Scanner) Scan(path string, content []byte) ([]Match, error) {
	max := s.MaxSize
	if max <= 0 {
		max = DefaultMaxSize
	}
	if len(content) > max {
		return nil, fmt.Errorf("scan %s: %d bytes over the %d-byte cap: %w", path, len(content), max, ErrTooLarge)
	}
	if len(content) == 0 || isBinary(content) {
		return nil, nil
	}
	d, err := detector()
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", path, err)
	}
	text := string(content)
	//lint:ignore SA1019 gitleaks v8's Detect takes only detect.Fragment (a defined type, not an alias of sources.Fragment)
	findings := d.Detect(detect.Fragment{Raw: narrow(text, d), FilePath: path})

	lineStarts := lineOffsets(text)
	var out []Match
	seen := map[[3]any]bool{}
	for _, f := range findings {
		// Path-only rules report "file detected" with no secret; file names
		// are SensitiveFile's business.
		if f.Secret == "" {
			continue
		}
		m := Match{
			RuleID:      f.RuleID,
			Description: f.Description,
			Redacted:    Redact(f.Secret),
		}
		m.Line, m.Column, m.Key = locate(text, lineStarts, f.StartLine, f.Secret)
		if m.Line == 0 {
			// Not found verbatim (should not happen without decoding):
			// fall back to gitleaks' own 0-based line.
			m.Line, m.Column = f.StartLine+1, max1(f.StartColumn-1)
		}
		m.EndLine = m.Line + strings.Count(f.Secret, "\n")
		k := [3]any{m.RuleID, m.Line, m.Column}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		if out[i].Column != out[j].Column {
			return out[i].Column < out[j].Column
		}
		return out[i].RuleID < out[j].RuleID
	})
	return out, nil
}

// Narrowing: every gitleaks rule but the path-only pkcs12-file needs one
// of its keywords in the text, yet gitleaks checks keywords per fragment,
// so one "key" in a 200 KiB source file runs every generic regex over all
// of it. narrow blanks the lines far from any keyword (keeping the line
// breaks, so positions stay true) and keeps PEM blocks whole; the regexes
// then see a fraction of a large file. Rules that span lines reach at most
// a few lines from their keyword (a Kubernetes Secret's data), hence the
// window.
const (
	narrowMin    = 8 << 10 // smaller texts are scanned as they are
	narrowWindow = 6       // lines kept on each side of a keyword
	maxPEMLines  = 400     // a PEM block longer than this is not a key
)

var (
	kwOnce sync.Once
	kwTrie *ahocorasick.Trie
)

func keywordTrie(d *detect.Detector) *ahocorasick.Trie {
	kwOnce.Do(func() {
		b := ahocorasick.NewTrieBuilder()
		for kw := range d.Config.Keywords {
			b.AddString(strings.ToLower(kw))
		}
		kwTrie = b.Build()
	})
	return kwTrie
}

func narrow(text string, d *detect.Detector) string {
	if len(text) < narrowMin {
		return text
	}
	lower := asciiLower(text)
	offs := lineOffsets(text)
	keep := make([]bool, len(offs))
	mark := func(from, to int) {
		for l := max(from, 0); l <= to && l < len(keep); l++ {
			keep[l] = true
		}
	}
	lineAt := func(pos int) int { return sort.SearchInts(offs, pos+1) - 1 }
	for _, m := range keywordTrie(d).MatchString(lower) {
		l := lineAt(int(m.Pos()))
		mark(l-narrowWindow, l+narrowWindow)
	}
	for i := 0; i < len(offs); i++ {
		if !strings.Contains(lineText(lower, offs, i), "-----begin") {
			continue
		}
		for j := i; j < len(offs) && j-i < maxPEMLines; j++ {
			if strings.Contains(lineText(lower, offs, j), "-----end") {
				mark(i, j)
				break
			}
		}
	}
	var b strings.Builder
	b.Grow(len(text) / 4)
	kept := 0
	for i := range offs {
		line := lineText(text, offs, i)
		if keep[i] {
			b.WriteString(line)
			kept++
		}
		if i < len(offs)-1 {
			b.WriteByte('\n')
		}
	}
	if kept == len(offs) {
		return text
	}
	return b.String()
}

// lineText is line i of s (without its newline).
func lineText(s string, offs []int, i int) string {
	end := len(s)
	if i+1 < len(offs) {
		end = offs[i+1] - 1
	}
	return s[offs[i]:end]
}

// asciiLower lower-cases ASCII letters only, so byte offsets stay those of
// the original text (gitleaks' keywords are ASCII).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// isBinary sniffs like git does: a NUL byte in the first 8000 bytes, or
// mostly invalid UTF-8 there (Latin-1 text has only a few bad bytes).
func isBinary(b []byte) bool {
	head := b[:min(len(b), 8000)]
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	bad := 0
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n == 1 {
			bad++
		}
		i += n
	}
	return bad*10 > len(head)
}

// lineOffsets returns the byte offset at which each line starts.
func lineOffsets(s string) []int {
	offs := []int{0}
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			offs = append(offs, i+1)
		}
	}
	return offs
}

// locate finds the secret on or after gitleaks' reported line. gitleaks
// counts lines from 0 and columns from the preceding newline, and points at
// the rule's whole match rather than the secret inside it, so hardhull works
// out its own 1-based position of the secret itself.
func locate(text string, lineStarts []int, glLine int, secret string) (line, col int, key string) {
	if glLine < 0 || glLine >= len(lineStarts) {
		return 0, 0, ""
	}
	from := lineStarts[glLine]
	i := strings.Index(text[from:], secret)
	if i < 0 {
		return 0, 0, ""
	}
	off := from + i
	line = sort.Search(len(lineStarts), func(k int) bool { return lineStarts[k] > off })
	ls := lineStarts[line-1]
	return line, off - ls + 1, keyBefore(text[ls:off])
}

// keyRE finds the name a value is assigned to at the end of the text before
// it: KEY=, key: , "key": ", key := ', export KEY=", --key=, ENV KEY .
var keyRE = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?::=|=>|=|:|\s)\s*["'\x60]?$`)

func keyBefore(prefix string) string {
	if len(prefix) > 512 {
		prefix = prefix[len(prefix)-512:]
	}
	m := keyRE.FindStringSubmatch(prefix)
	if m == nil {
		return ""
	}
	return m[1]
}
