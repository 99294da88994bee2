package fix

import (
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hardhull/hardhull/internal/buildctx"
	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/patternmatcher"
)

// seedIgnore is the seed's .dockerignore with the **/ form of every
// single-segment pattern, so nested copies are excluded too.
var seedIgnore = []string{
	"# Secrets",
	".env", ".env.*", "**/.env", "**/.env.*",
	"*.pem", "*.key", "**/*.pem", "**/*.key",
	"secrets/", "credentials/", "**/secrets/", "**/credentials/",
	"",
	"# Git (may contain sensitive history)",
	".git", ".gitignore", "**/.git",
	"",
	"# IDE (may contain local configs)",
	".idea", ".vscode", "**/.idea", "**/.vscode",
	"",
	"# Tests (may contain test credentials)",
	"tests/fixtures/secrets/",
}

type ignoreTarget struct {
	abs      string
	ctxDir   string
	findings []finding.Finding
	extra    []string // **/ forms asked for by DI003
}

func (p *planner) fixIgnores(fs []finding.Finding, l *links) {
	targets := map[string]*ignoreTarget{}
	var order []string
	add := func(abs, ctx string, f finding.Finding) *ignoreTarget {
		t, ok := targets[abs]
		if !ok {
			t = &ignoreTarget{abs: abs, ctxDir: ctx}
			targets[abs] = t
			order = append(order, abs)
		}
		t.findings = append(t.findings, f)
		return t
	}
	for _, f := range fs {
		loc := p.abs(f.Location.Path)
		if strings.HasSuffix(strings.ToLower(loc), ".dockerignore") {
			t := add(loc, filepath.Dir(loc), f)
			if f.Rule.ID == "DI003" {
				if pat, ok := strings.CutPrefix(f.Key, "root-only:"); ok {
					t.extra = append(t.extra, "**/"+strings.TrimPrefix(pat, "/"))
				}
			}
			continue
		}
		ctx := l.contextOf(loc)
		bc, err := buildctx.Open(ctx, loc, buildctx.Options{})
		if err != nil && bc == nil {
			p.skipF(f, "cannot read the build context: %v", err)
			continue
		}
		target := bc.IgnoreFile
		if target == "" {
			target = filepath.Join(ctx, ".dockerignore")
		}
		add(target, ctx, f)
	}
	sort.Strings(order)
	for _, abs := range order {
		p.fixIgnore(targets[abs], l)
	}
}

func (p *planner) fixIgnore(t *ignoreTarget, l *links) {
	st, err := p.file(t.abs)
	if err != nil || !p.inTree(t.abs) {
		for _, f := range t.findings {
			p.skipF(f, "cannot edit %s", p.display(t.abs))
		}
		return
	}
	old, err := buildctx.ReadIgnore(t.abs, st.cur)
	if err != nil {
		for _, f := range t.findings {
			p.skipF(f, "the ignore file does not parse: %v", err)
		}
		return
	}
	have := map[string]bool{}
	hasException := false
	var oldTexts []string
	for _, pt := range old {
		have[pt.Text] = true
		oldTexts = append(oldTexts, pt.Text)
		hasException = hasException || pt.Exclusion
	}
	var want []string
	for _, s := range append(append([]string{}, seedIgnore...), t.extra...) {
		if s == "" || strings.HasPrefix(s, "#") {
			want = append(want, s)
			continue
		}
		if !have[cleanPattern(s)] {
			want = append(want, s)
			have[cleanPattern(s)] = true
		}
	}
	// Never exclude what a Dockerfile explicitly copies: the build would fail.
	sources := p.explicitSources(t, l)
	var dropped []string
	var kept []string
	for _, s := range want {
		if s == "" || strings.HasPrefix(s, "#") {
			kept = append(kept, s)
			continue
		}
		if src, ok := breaks(oldTexts, cleanPattern(s), sources); ok {
			dropped = append(dropped, s+" (would exclude "+src+")")
			continue
		}
		kept = append(kept, s)
	}
	kept = tidy(kept)
	if len(kept) == 0 {
		for _, f := range t.findings {
			p.skipF(f, "%s already holds the seed's patterns", p.display(t.abs))
		}
		return
	}
	eol := "\n"
	if len(st.cur) > 0 {
		eol = eolOf(st.cur)
	}
	var block strings.Builder
	if len(st.cur) > 0 {
		block.WriteString("# Added by hardhull fix: the seed's patterns and their **/ forms" + eol)
	}
	for _, s := range kept {
		block.WriteString(s + eol)
	}
	switch {
	case len(st.cur) == 0:
		st.cur = []byte(block.String())
	case hasException:
		// Exceptions (!pattern) below keep winning over the new lines.
		st.cur = append([]byte(block.String()+eol), st.cur...)
	default:
		cur := string(st.cur)
		if !strings.HasSuffix(cur, "\n") {
			cur += eol
		}
		st.cur = []byte(cur + eol + block.String())
	}
	if _, err := buildctx.ReadIgnore(t.abs, st.cur); err != nil {
		st.cur = st.orig
		for _, f := range t.findings {
			p.skipF(f, "the completed ignore file would not parse: %v", err)
		}
		return
	}
	verb := "completed"
	if !st.exists {
		verb = "created"
	}
	seen := map[string]bool{}
	for _, f := range t.findings {
		k := f.Rule.ID + f.Location.Path + f.Key
		if seen[k] {
			continue
		}
		seen[k] = true
		p.fixedF(f, "%s %s with the seed's patterns", p.display(t.abs), verb)
	}
	for _, d := range dropped {
		p.skip("DI001", p.display(t.abs), 0, "pattern %s not added", d)
	}
}

// tidy drops section headers left without patterns and doubled blanks.
func tidy(ls []string) []string {
	var out []string
	for i, s := range ls {
		if strings.HasPrefix(s, "#") {
			j := i + 1
			if j >= len(ls) || ls[j] == "" || strings.HasPrefix(ls[j], "#") {
				continue
			}
		}
		if s == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, s)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// cleanPattern is a pattern as the builder stores it.
func cleanPattern(s string) string {
	s = strings.TrimSpace(s)
	excl := strings.HasPrefix(s, "!")
	s = strings.TrimPrefix(s, "!")
	s = path.Clean(filepath.ToSlash(s))
	s = strings.TrimPrefix(s, "/")
	if excl {
		return "!" + s
	}
	return s
}

// explicitSources are the literal context paths the Dockerfiles using
// this ignore file COPY or ADD (wildcards and whole directories excluded:
// excluding inside them is the point).
func (p *planner) explicitSources(t *ignoreTarget, l *links) map[string]string {
	out := map[string]string{}
	for _, df := range l.dockerfiles {
		if l.contextOf(df) != t.ctxDir {
			continue
		}
		bc, err := buildctx.Open(t.ctxDir, df, buildctx.Options{MaxFiles: 1})
		if bc == nil && err != nil {
			continue
		}
		if bc.IgnoreFile != "" && bc.IgnoreFile != t.abs || bc.IgnoreFile == "" && t.abs != filepath.Join(t.ctxDir, ".dockerignore") {
			continue
		}
		var src []byte
		if st, ok := p.files[df]; ok {
			src = st.cur
		} else if st, err := p.file(df); err == nil {
			src = st.cur
		}
		f, err := dockerfile.ParseBytes(df, src, dockerfile.Options{})
		if err != nil {
			continue
		}
		for _, s := range f.Stages {
			for _, in := range s.Instructions {
				var srcs []string
				switch c := in.Command.(type) {
				case *instructions.CopyCommand:
					if c.From != "" {
						continue
					}
					srcs = c.SourcePaths
				case *instructions.AddCommand:
					srcs = c.SourcePaths
				}
				for _, sp := range srcs {
					c := strings.TrimPrefix(path.Clean(filepath.ToSlash(sp)), "/")
					if c == "." || c == "" || strings.ContainsAny(c, "*?[$") || strings.Contains(sp, "://") {
						continue
					}
					out[c] = p.display(df) + ":" + itoa(in.Line)
				}
			}
		}
	}
	return out
}

// breaks reports a source that pattern pat would newly exclude.
func breaks(old []string, pat string, sources map[string]string) (string, bool) {
	before, err1 := patternmatcher.New(old)
	after, err2 := patternmatcher.New(append(append([]string{}, old...), pat))
	if err1 != nil || err2 != nil {
		return "", false
	}
	keys := make([]string, 0, len(sources))
	for k := range sources {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, src := range keys {
		b, _ := before.MatchesOrParentMatches(src)
		a, _ := after.MatchesOrParentMatches(src)
		if a && !b {
			return src + " at " + sources[src], true
		}
	}
	return "", false
}

func itoa(n int) string { return strconv.Itoa(n) }
