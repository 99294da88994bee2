package config

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hardhull/hardhull/internal/finding"
)

// Policy is everything that filters or re-grades findings.
type Policy struct {
	Config   *Config
	Baseline map[string]bool
	// Root resolves finding paths to files for inline comments.
	Root string
	// Equivalent maps another tool's rule ID to the hardhull rules that
	// claim it ("hadolint:DL3007" -> DF003).
	Equivalent func(tool, id string) []string
	// Sources holds the content of inputs that are not files, by reported
	// path (stdin is "-"), so their inline comments apply too.
	Sources map[string][]byte
}

// Apply filters and re-grades findings in place and counts what it drops.
func (p *Policy) Apply(r *finding.Result) {
	cfg := p.Config
	if cfg == nil {
		cfg = &Config{}
	}
	inline := &inlineIndex{root: p.Root, files: map[string]*fileIgnores{}, equiv: p.Equivalent, sources: p.Sources}
	kept := r.Findings[:0]
	for _, f := range r.Findings {
		id := f.Rule.ID
		switch {
		case cfg.disabled(id),
			f.Location.Path != "" && cfg.pathIgnored(id, f.Location.Path),
			f.Location.Path != "" && f.Location.Image == "" && inline.ignored(f),
			p.Baseline[f.Fingerprint()]:
			r.Suppressed++
			continue
		}
		if s, ok := cfg.Severity[strings.ToUpper(id)]; ok {
			f.Severity = s
		}
		kept = append(kept, f)
	}
	r.Findings = kept
}

// ExitCode is decided here and only here: 2 for input errors, 1 when a
// finding is at or above the threshold, else 0.
func ExitCode(r *finding.Result, failOn finding.Severity) int {
	if len(r.Errors) > 0 {
		return 2
	}
	for _, f := range r.Findings {
		if f.Severity >= failOn {
			return 1
		}
	}
	return 0
}

// ShowSeverities returns a copy of r holding only the findings of the given
// severities; the others are counted in Hidden.
func ShowSeverities(r *finding.Result, sevs []finding.Severity) *finding.Result {
	keep := map[finding.Severity]bool{}
	for _, s := range sevs {
		keep[s] = true
	}
	cp := *r
	cp.Findings, cp.Judged = nil, r.Findings
	for _, f := range r.Findings {
		if keep[f.Severity] {
			cp.Findings = append(cp.Findings, f)
		} else {
			cp.Hidden++
		}
	}
	return &cp
}

// Baseline file: fingerprints of accepted findings.
type baselineFile struct {
	Version  int             `json:"version"`
	Findings []baselineEntry `json:"findings"`
}

type baselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	Location    string `json:"location"`
}

// ReadBaseline loads a baseline written by WriteBaseline.
func ReadBaseline(p string) (map[string]bool, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var bf baselineFile
	if err := json.Unmarshal(b, &bf); err != nil {
		return nil, fmt.Errorf("baseline %s: %w", p, err)
	}
	out := map[string]bool{}
	for _, e := range bf.Findings {
		out[e.Fingerprint] = true
	}
	return out, nil
}

// WriteBaseline records the findings so later runs suppress them.
func WriteBaseline(p string, fs []finding.Finding) error {
	bf := baselineFile{Version: 1, Findings: []baselineEntry{}}
	seen := map[string]bool{}
	for _, f := range fs {
		fp := f.Fingerprint()
		if seen[fp] {
			continue
		}
		seen[fp] = true
		bf.Findings = append(bf.Findings, baselineEntry{Fingerprint: fp, Rule: f.Rule.ID, Location: f.Location.String()})
	}
	sort.Slice(bf.Findings, func(i, j int) bool { return bf.Findings[i].Location < bf.Findings[j].Location })
	b, err := json.MarshalIndent(bf, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(p, append(b, '\n'), 0o644)
}

// Inline comments:
//
//	# hardhull ignore=DF001,DF004 -- reason     (next instruction / key)
//	# hardhull ignore-file=DF004                (whole file)
//	# hadolint ignore=DL3007                    (migrated)
//	# hadolint global ignore=DL3007
//	#trivy:ignore:DS-0001
var (
	reHardhull     = regexp.MustCompile(`#\s*hardhull\s+ignore=([A-Za-z0-9_,\- ]+?)(?:\s+--.*)?$`)
	reHardhullFile = regexp.MustCompile(`#\s*hardhull\s+ignore-file=([A-Za-z0-9_,\- ]+?)(?:\s+--.*)?$`)
	reHadolint     = regexp.MustCompile(`#\s*hadolint\s+ignore=([A-Za-z0-9_, ]+)`)
	reHadolintAll  = regexp.MustCompile(`#\s*hadolint\s+global\s+ignore=([A-Za-z0-9_, ]+)`)
	// Trivy allows several directives on a line and an expiry date:
	// #trivy:ignore:AVD-DS-0002 trivy:ignore:DS026:exp:2026-12-31
	reTrivy = regexp.MustCompile(`trivy:ignore:([A-Za-z0-9_\-]+)(?::exp:(\d{4}-\d{2}-\d{2}))?`)
	// Checkov: #checkov:skip=CKV_DOCKER_2:reason
	reCheckov = regexp.MustCompile(`checkov:skip=([A-Za-z0-9_]+)`)
)

// now is the clock for expiring ignores; tests replace it.
var now = time.Now

type fileIgnores struct {
	lines    []string
	fileWide map[string]bool
}

type inlineIndex struct {
	root    string
	files   map[string]*fileIgnores
	equiv   func(tool, id string) []string
	sources map[string][]byte
}

func (ix *inlineIndex) load(p string) *fileIgnores {
	if fi, ok := ix.files[p]; ok {
		return fi
	}
	fi := &fileIgnores{fileWide: map[string]bool{}}
	ix.files[p] = fi
	var r io.Reader
	if src, ok := ix.sources[p]; ok {
		r = bytes.NewReader(src)
	} else {
		full := p
		if !filepath.IsAbs(full) && ix.root != "" {
			if _, err := os.Stat(filepath.Join(ix.root, p)); err == nil {
				full = filepath.Join(ix.root, p)
			}
		}
		f, err := os.Open(full)
		if err != nil {
			return fi
		}
		defer f.Close()
		r = f
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		fi.lines = append(fi.lines, line)
		for _, id := range ix.ids(line, reHardhullFile, "") {
			fi.fileWide[id] = true
		}
		for _, id := range ix.ids(line, reHadolintAll, "hadolint") {
			fi.fileWide[id] = true
		}
	}
	return fi
}

// ids extracts hardhull rule IDs from a comment, translating other tools'.
func (ix *inlineIndex) ids(line string, re *regexp.Regexp, tool string) []string {
	m := re.FindStringSubmatch(line)
	if m == nil {
		return nil
	}
	var out []string
	for _, id := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ' ' }) {
		if tool == "" {
			out = append(out, strings.ToUpper(id))
		} else if ix.equiv != nil {
			out = append(out, ix.equiv(tool, id)...)
		}
	}
	return out
}

func (ix *inlineIndex) lineIDs(line string) []string {
	var out []string
	out = append(out, ix.ids(line, reHardhull, "")...)
	if !reHadolintAll.MatchString(line) {
		out = append(out, ix.ids(line, reHadolint, "hadolint")...)
	}
	if strings.Contains(line, "#") {
		for _, m := range reTrivy.FindAllStringSubmatch(line, -1) {
			if m[2] != "" {
				if exp, err := time.Parse("2006-01-02", m[2]); err == nil && now().After(exp.Add(24*time.Hour)) {
					continue // expired: Trivy reports the finding again
				}
			}
			if ix.equiv != nil {
				out = append(out, ix.equiv("trivy", m[1])...)
			}
		}
		for _, m := range reCheckov.FindAllStringSubmatch(line, -1) {
			if ix.equiv != nil {
				out = append(out, ix.equiv("checkov", m[1])...)
			}
		}
	}
	return out
}

func (ix *inlineIndex) ignored(f finding.Finding) bool {
	fi := ix.load(f.Location.Path)
	id := f.Rule.ID
	if fi.fileWide[id] {
		return true
	}
	l := f.Location.Line
	if l <= 0 || l > len(fi.lines) {
		return false
	}
	has := func(s string) bool {
		for _, x := range ix.lineIDs(s) {
			if x == id {
				return true
			}
		}
		return false
	}
	// A trailing comment on the line itself (compose keys).
	if i := strings.Index(fi.lines[l-1], "#"); i >= 0 && has(fi.lines[l-1][i:]) {
		return true
	}
	// The comment block directly above.
	for i := l - 2; i >= 0; i-- {
		t := strings.TrimSpace(fi.lines[i])
		if !strings.HasPrefix(t, "#") {
			break
		}
		if has(t) {
			return true
		}
	}
	return false
}
