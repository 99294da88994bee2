// Package fix repairs what a scan finds. Each fixer is tied to the rule it
// repairs and edits the source text in place, keeping every other byte
// (comments, order, indentation, quoting, YAML anchors) as it was; its
// output must re-parse with the parsers scan uses. A fix that cannot be
// made safely is skipped with the reason.
package fix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/config"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/scan"
)

// Options selects what Plan repairs.
type Options struct {
	// Path is the project directory (or one file); "." when empty.
	Path string
	// Rules limits the fixes to these rule IDs (or slugs); nil means every
	// rule that has a fixer.
	Rules []string
	// Pin resolves base image tags to digests (DF002/DF003/DF004).
	Pin bool
	// Resolver answers digest look-ups for Pin; nil means the registry
	// (RegistryResolver) or, with PinFrom "docker:", the local engine.
	Resolver Resolver
	// PinFrom is "" (registry) or "docker:" (the local engine's pulled
	// images).
	PinFrom string
	// Insecure allows plain-HTTP registries when resolving digests.
	Insecure bool
	// ConfigPath is the policy file; empty looks up .hardhull.yaml as scan
	// does. Findings the policy suppresses are not fixed.
	ConfigPath string
	// ComposeFiles are explicit compose files (scan's -f), loaded as one
	// project; with them and no Path, only they (and what they build) are
	// fixed.
	ComposeFiles []string
}

// Change is the new content of one file.
type Change struct {
	Path    string // as reported (relative to the project when inside it)
	Abs     string
	Old     []byte // nil for a file that does not exist yet
	New     []byte
	Mode    fs.FileMode
	Created bool
}

// Note is one fix made or skipped.
type Note struct {
	Rule string `json:"rule"`
	Path string `json:"path"`
	Line int    `json:"line,omitempty"`
	Text string `json:"text"`
	// Finding is the message of the finding the note is about, "" when
	// the note is not about one finding.
	Finding string `json:"finding,omitempty"`
}

// Result is a planned repair: nothing is written until Write.
type Result struct {
	Changes []*Change
	Fixed   []Note
	Skipped []Note
	// Errors are inputs that could not be read; their files are not fixed.
	Errors []finding.InputError
}

// fixers lists the rules with a fixer, in the order their edits apply.
var fixers = []string{
	"DF002", "DF003", "DF004", "DF010", "DF012", "DF014", "DF015", "DF016", "DF017", "DF021", "DF008", "DF022", "DF024", "DF001", "DF019",
	"DC005", "DC006", "DC002", "DC004", "DC007", "DC020", "DC011", "DC016", "DC018", "DC019",
	"DI001", "DI003", "DI004",
	"PY001", "PY003", "PY005",
}

// Fixable returns the IDs of the rules hardhull fix can repair.
func Fixable() []string { return append([]string(nil), fixers...) }

// pinRules only apply with Options.Pin.
var pinRules = map[string]bool{"DF002": true, "DF003": true, "DF004": true}

// planner carries one Plan run.
type planner struct {
	ctx     context.Context
	opts    Options
	root    string // absolute project directory
	files   map[string]*fileState
	order   []string
	res     *Result
	want    map[string]bool
	dfUsers map[string]string // Dockerfile abs -> final USER after fixes
	digests map[string]digestResult
	secrets []secretNote
}

// fileState is one file's text as the fixes change it.
type fileState struct {
	display string
	abs     string
	orig    []byte
	cur     []byte
	mode    fs.FileMode
	exists  bool
}

// Plan scans the project, then computes every fix without writing.
func Plan(ctx context.Context, opts Options) (*Result, error) {
	if opts.Path == "" {
		opts.Path = "."
	}
	st, err := os.Stat(opts.Path)
	if err != nil {
		return nil, fmt.Errorf("fix %s: %w", opts.Path, err)
	}
	root, err := filepath.Abs(opts.Path)
	if err != nil {
		return nil, fmt.Errorf("fix %s: %w", opts.Path, err)
	}
	if !st.IsDir() {
		root = filepath.Dir(root)
	}
	p := &planner{ctx: ctx, opts: opts, root: root, files: map[string]*fileState{}, res: &Result{}, dfUsers: map[string]string{}}
	if p.want, err = selectRules(opts); err != nil {
		return nil, err
	}
	so := scan.Options{Paths: []string{opts.Path}, ComposeFiles: opts.ComposeFiles}
	if len(opts.ComposeFiles) > 0 && opts.Path == "." {
		so.Paths = nil
	}
	scanRes, err := scan.Scan(ctx, so)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", opts.Path, err)
	}
	if err := applyPolicy(scanRes, opts, root); err != nil {
		return nil, err
	}
	p.res.Errors = scanRes.Errors
	broken := map[string]bool{}
	for _, e := range scanRes.Errors {
		broken[p.abs(e.Path)] = true
	}
	var dfs, composes, ignores, pys []finding.Finding
	for _, f := range scanRes.Findings {
		if f.Rule == nil || !p.want[f.Rule.ID] || broken[p.abs(f.Location.Path)] {
			continue
		}
		switch {
		case f.Rule.Kind == finding.KindCompose:
			composes = append(composes, f)
		case f.Rule.Kind == finding.KindPython:
			pys = append(pys, f)
		case f.Rule.ID == "DF010":
			// An explicit COPY of .env is removed from the Dockerfile; a
			// directory COPY is fixed by the ignore file.
			dfs = append(dfs, f)
			ignores = append(ignores, f)
		case f.Rule.Kind == finding.KindContext:
			ignores = append(ignores, f)
		default:
			dfs = append(dfs, f)
		}
	}
	links := p.buildLinks()
	p.fixDockerfiles(dfs, links)
	p.fixComposeFiles(composes, links)
	p.fixIgnores(ignores, links)
	p.fixPythonFiles(pys)
	p.finishSecrets()
	p.collect()
	return p.res, nil
}

func selectRules(opts Options) (map[string]bool, error) {
	want := map[string]bool{}
	if len(opts.Rules) == 0 {
		for _, id := range fixers {
			if !pinRules[id] || opts.Pin {
				want[id] = true
			}
		}
		return want, nil
	}
	fixable := map[string]bool{}
	for _, id := range fixers {
		fixable[id] = true
	}
	for _, r := range opts.Rules {
		rr := rules.Lookup(strings.TrimSpace(r))
		if rr == nil {
			return nil, fmt.Errorf("unknown rule %q", r)
		}
		if !fixable[rr.ID] {
			return nil, fmt.Errorf("rule %s has no automatic fix (fixable: %s)", rr.ID, strings.Join(fixers, ", "))
		}
		if pinRules[rr.ID] && !opts.Pin {
			return nil, fmt.Errorf("rule %s is fixed by pinning digests: add --pin", rr.ID)
		}
		want[rr.ID] = true
	}
	return want, nil
}

// applyPolicy drops findings that .hardhull.yaml or inline ignores
// suppress: an ignored finding is a decision, not something to repair.
func applyPolicy(res *finding.Result, opts Options, root string) error {
	cfgPath := opts.ConfigPath
	if cfgPath == "" {
		if p, ok := config.Find(root); ok {
			cfgPath = p
		}
	}
	cfg := &config.Config{}
	if cfgPath != "" {
		var err error
		if cfg, err = config.Load(cfgPath); err != nil {
			return fmt.Errorf("config %s: %w", cfgPath, err)
		}
		if err := cfg.ResolveIDs(func(id string) []string {
			_, rs := rules.Resolve(id)
			var out []string
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return out
		}); err != nil {
			return err
		}
	}
	dir := opts.Path
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		dir = filepath.Dir(dir)
	}
	pol := &config.Policy{Config: cfg, Root: dir, Equivalent: func(tool, id string) []string {
		var out []string
		for _, r := range rules.ClaimingEquivalent(tool, id) {
			out = append(out, r.ID)
		}
		return out
	}}
	pol.Apply(res)
	return nil
}

// abs maps a reported path to the file on disk.
func (p *planner) abs(display string) string {
	if display == "" || display == "-" {
		return display
	}
	if filepath.IsAbs(display) {
		return filepath.Clean(display)
	}
	cand := filepath.Join(p.root, filepath.FromSlash(display))
	if _, err := os.Stat(cand); err == nil {
		return cand
	}
	if a, err := filepath.Abs(display); err == nil {
		return a
	}
	return cand
}

// display maps a file on disk to the path shown in diffs and notes.
func (p *planner) display(abs string) string {
	if rel, err := filepath.Rel(p.root, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return abs
}

// inTree reports whether a file may be written: inside the project.
func (p *planner) inTree(abs string) bool {
	rel, err := filepath.Rel(p.root, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// file loads (once) a file's current text; a missing file is empty.
func (p *planner) file(abs string) (*fileState, error) {
	if fs, ok := p.files[abs]; ok {
		return fs, nil
	}
	st := &fileState{abs: abs, display: p.display(abs), mode: 0o644}
	info, err := os.Lstat(abs)
	switch {
	case err == nil && !info.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file", st.display)
	case err == nil:
		if info.Size() > maxFileSize {
			return nil, fmt.Errorf("%s is larger than %d bytes", st.display, maxFileSize)
		}
		b, err := os.ReadFile(abs)
		if err != nil {
			return nil, err
		}
		st.orig, st.cur, st.mode, st.exists = b, b, info.Mode().Perm(), true
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, err
	}
	p.files[abs] = st
	p.order = append(p.order, abs)
	return st, nil
}

// maxFileSize bounds what a fix reads: scan refuses larger inputs anyway.
const maxFileSize = 8 << 20

// fixedF and skipF note a fix of one finding.
func (p *planner) fixedF(f finding.Finding, format string, a ...any) {
	p.res.Fixed = append(p.res.Fixed, Note{Rule: f.Rule.ID, Path: f.Location.Path, Line: f.Location.Line, Text: fmt.Sprintf(format, a...), Finding: f.Message})
}

// byFile groups findings by the absolute path of their file, files sorted.
func (p *planner) byFile(fs []finding.Finding) ([]string, map[string][]finding.Finding) {
	by := map[string][]finding.Finding{}
	var files []string
	for _, f := range fs {
		a := p.abs(f.Location.Path)
		if _, ok := by[a]; !ok {
			files = append(files, a)
		}
		by[a] = append(by[a], f)
	}
	sort.Strings(files)
	return files, by
}

func (p *planner) skipF(f finding.Finding, format string, a ...any) {
	p.res.Skipped = append(p.res.Skipped, Note{Rule: f.Rule.ID, Path: f.Location.Path, Line: f.Location.Line, Text: fmt.Sprintf(format, a...), Finding: f.Message})
}

func (p *planner) skip(rule, path string, line int, format string, a ...any) {
	p.res.Skipped = append(p.res.Skipped, Note{Rule: rule, Path: path, Line: line, Text: fmt.Sprintf(format, a...)})
}

// collect turns changed files into Changes, sorted by path.
func (p *planner) collect() {
	for _, abs := range p.order {
		st := p.files[abs]
		if string(st.cur) == string(st.orig) && st.exists {
			continue
		}
		if !st.exists && len(st.cur) == 0 {
			continue
		}
		c := &Change{Path: st.display, Abs: st.abs, New: st.cur, Mode: st.mode, Created: !st.exists}
		if st.exists {
			c.Old = st.orig
		}
		p.res.Changes = append(p.res.Changes, c)
	}
	sort.Slice(p.res.Changes, func(i, j int) bool { return p.res.Changes[i].Path < p.res.Changes[j].Path })
	sortNotes(p.res.Fixed)
	sortNotes(p.res.Skipped)
}

func sortNotes(ns []Note) {
	sort.SliceStable(ns, func(i, j int) bool {
		if ns[i].Path != ns[j].Path {
			return ns[i].Path < ns[j].Path
		}
		if ns[i].Line != ns[j].Line {
			return ns[i].Line < ns[j].Line
		}
		return ns[i].Rule < ns[j].Rule
	})
}

// Merge joins the plans of several paths into one, with every path
// prefixed by the argument it was planned from (so one diff applies from
// the working directory).
func Merge(paths []string, rs []*Result) *Result {
	out := &Result{}
	for i, r := range rs {
		pre := func(p string) string {
			if paths[i] == "." || paths[i] == "" || filepath.IsAbs(p) {
				return p
			}
			base := paths[i]
			if st, err := os.Stat(base); err == nil && !st.IsDir() {
				base = filepath.Dir(base)
			}
			return filepath.ToSlash(filepath.Join(base, p))
		}
		for _, c := range r.Changes {
			cp := *c
			cp.Path = pre(c.Path)
			out.Changes = append(out.Changes, &cp)
		}
		for _, n := range r.Fixed {
			n.Path = pre(n.Path)
			out.Fixed = append(out.Fixed, n)
		}
		for _, n := range r.Skipped {
			n.Path = pre(n.Path)
			out.Skipped = append(out.Skipped, n)
		}
		for _, e := range r.Errors {
			e.Path = pre(e.Path)
			out.Errors = append(out.Errors, e)
		}
	}
	return out
}

// planJSON is the plan for bots: each change with its diff, the fixes
// made and skipped (with the reason), and unreadable inputs.
type planJSON struct {
	Changes []changeJSON         `json:"changes"`
	Fixed   []Note               `json:"fixed"`
	Skipped []Note               `json:"skipped"`
	Errors  []finding.InputError `json:"errors"`
	Written bool                 `json:"written"`
}

type changeJSON struct {
	Path    string `json:"path"`
	Created bool   `json:"created,omitempty"`
	Diff    string `json:"diff"`
}

// WriteJSON writes the plan as JSON; written says whether it was applied.
func (r *Result) WriteJSON(w io.Writer, written bool) error {
	doc := planJSON{Changes: []changeJSON{}, Fixed: nonNilNotes(r.Fixed), Skipped: nonNilNotes(r.Skipped), Errors: r.Errors, Written: written}
	if doc.Errors == nil {
		doc.Errors = []finding.InputError{}
	}
	for _, c := range r.Changes {
		var b strings.Builder
		one := &Result{Changes: []*Change{c}}
		if err := one.Diff(&b); err != nil {
			return err
		}
		doc.Changes = append(doc.Changes, changeJSON{Path: c.Path, Created: c.Created, Diff: b.String()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func nonNilNotes(ns []Note) []Note {
	if ns == nil {
		return []Note{}
	}
	return ns
}

// Diff writes a unified diff of every change (a/ and b/ prefixes, as git
// and patch -p1 expect).
func (r *Result) Diff(w io.Writer) error {
	for _, c := range r.Changes {
		oldName := "a/" + c.Path
		if c.Created {
			oldName = "/dev/null"
		}
		if err := Unified(w, oldName, "b/"+c.Path, c.Old, c.New); err != nil {
			return err
		}
	}
	return nil
}

// Write applies every change in place. Each file is written to a
// temporary file in its own directory and renamed over the original, so a
// reader never sees half a file; the original's mode is kept.
func (r *Result) Write() error {
	for _, c := range r.Changes {
		if err := writeAtomic(c.Abs, c.New, c.Mode); err != nil {
			return fmt.Errorf("write %s: %w", c.Path, err)
		}
	}
	return nil
}

func writeAtomic(path string, data []byte, mode fs.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".hardhull-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // a no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, path)
}

// Summary writes one line per fix made and skipped.
func (r *Result) Summary(w io.Writer) {
	for _, n := range r.Fixed {
		fmt.Fprintf(w, "fixed   %s %s\n", n.Rule, noteText(n))
	}
	for _, n := range r.Skipped {
		fmt.Fprintf(w, "skipped %s %s\n", n.Rule, noteText(n))
	}
	fmt.Fprintf(w, "%d fixed, %d skipped, %d file(s) changed\n", len(r.Fixed), len(r.Skipped), len(r.Changes))
}

func noteText(n Note) string {
	loc := n.Path
	if n.Line > 0 {
		loc = fmt.Sprintf("%s:%d", n.Path, n.Line)
	}
	return loc + ": " + n.Text
}
