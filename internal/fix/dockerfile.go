package fix

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/secrets"
	"github.com/hardhull/hardhull/internal/shell"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// errSkip marks a fix that is deliberately not made; its text is the reason.
type errSkip struct{ reason string }

func (e *errSkip) Error() string { return e.reason }

func skipf(format string, a ...any) error { return &errSkip{fmt.Sprintf(format, a...)} }

// dfDoc is one Dockerfile being fixed.
type dfDoc struct {
	p      *planner
	st     *fileState
	f      *dockerfile.File
	target string
	ctxDir string
}

func (d *dfDoc) parse(src []byte) (*dockerfile.File, error) {
	return dockerfile.ParseBytes(d.st.display, src, dockerfile.Options{})
}

// instrs lists every instruction in file order (FROM included).
func instrs(f *dockerfile.File) []*dockerfile.Instruction {
	var out []*dockerfile.Instruction
	for _, s := range f.Stages {
		out = append(out, s.Instructions...)
	}
	return out
}

func instrAt(f *dockerfile.File, line int) (int, *dockerfile.Instruction) {
	// A finding about one command of a long RUN points at that command's
	// line, inside the instruction.
	for i, in := range instrs(f) {
		if in.Line <= line && line <= max(in.EndLine, in.Line) {
			return i, in
		}
	}
	return -1, nil
}

// phase-one fixes rewrite one instruction in place; the rest insert
// instructions into the shipping stage.
var inPlace = map[string]func(d *dfDoc, in *dockerfile.Instruction, f finding.Finding) (string, error){
	"DF002": (*dfDoc).pinFrom, "DF003": (*dfDoc).pinFrom, "DF004": (*dfDoc).pinFrom,
	"DF010": (*dfDoc).dropEnvCopy, "DF012": (*dfDoc).addToCopy, "DF014": (*dfDoc).aptNoRecommends,
	"DF015": (*dfDoc).aptListsCleanup, "DF016": (*dfDoc).pipNoCache, "DF017": (*dfDoc).execForm,
	"DF021": (*dfDoc).productionEnv, "DF008": (*dfDoc).secretPlaceholder,
}

func (p *planner) fixDockerfiles(fs []finding.Finding, l *links) {
	files, byFile := p.byFile(fs)
	for _, a := range files {
		p.fixDockerfile(a, byFile[a], l)
	}
	// Record every Dockerfile's final user, for compose fixes that depend
	// on whether the service runs as root.
	for _, a := range l.dockerfiles {
		src := []byte(nil)
		if st, ok := p.files[a]; ok {
			src = st.cur
		} else if st, err := p.file(a); err == nil {
			src = st.cur
		}
		if f, err := dockerfile.ParseBytes(a, src, dockerfile.Options{}); err == nil {
			p.dfUsers[a] = f.Final(l.targetOf(a)).UserName()
		}
	}
}

func (p *planner) fixDockerfile(abs string, fs []finding.Finding, l *links) {
	st, err := p.file(abs)
	if err != nil || !st.exists {
		for _, f := range fs {
			p.skipF(f, "cannot read the file: %v", err)
		}
		return
	}
	if !p.inTree(abs) {
		for _, f := range fs {
			p.skipF(f, "the file is outside the project directory")
		}
		return
	}
	d := &dfDoc{p: p, st: st, target: l.targetOf(abs), ctxDir: l.contextOf(abs)}
	if d.f, err = d.parse(st.cur); err != nil {
		return // scan reported it
	}
	type task struct {
		ord int
		f   finding.Finding
	}
	var local []task
	var meta []finding.Finding // DF008 on ARGs before the first FROM
	final := map[string]finalTask{}
	envDone := false
	for _, f := range fs {
		id := f.Rule.ID
		if id == "DF010" {
			// Every explicit COPY of an env file in the shipped stages is
			// removed (the finding names only the first that brings it).
			if !envDone {
				envDone = true
				all := instrs(d.f)
				for _, st := range d.f.Final(d.target).Chain() {
					for _, in := range st.Instructions {
						if isEnvCopy(in) {
							for ord, x := range all {
								if x == in {
									g := f
									g.Location.Line = in.Line
									local = append(local, task{ord, g})
								}
							}
						}
					}
				}
			}
			continue
		}
		if _, ok := inPlace[id]; ok {
			ord, in := instrAt(d.f, f.Location.Line)
			if in == nil && id == "DF008" && strings.HasPrefix(f.Key, "ARG:") {
				meta = append(meta, f)
				continue
			}
			if in == nil {
				p.skipF(f, "no instruction at this line")
				continue
			}
			local = append(local, task{ord, f})
			continue
		}
		switch id {
		case "DF001", "DF019", "DF024", "DF022":
			// The stage is found now: the in-place fixes may shift lines.
			if _, dup := final[id]; !dup {
				if _, in := instrAt(d.f, f.Location.Line); in != nil {
					final[id] = finalTask{f, in.Stage.Index}
				} else {
					p.skipF(f, "no instruction at this line")
				}
			}
		}
	}
	// Later instructions first: a fix that removes an instruction then
	// cannot shift the ones still to do.
	sort.SliceStable(local, func(i, j int) bool {
		if local[i].ord != local[j].ord {
			return local[i].ord > local[j].ord
		}
		return ruleOrder(local[i].f.Rule.ID) < ruleOrder(local[j].f.Rule.ID)
	})
	for _, t := range local {
		in := instrs(d.f)[t.ord]
		text, err := inPlace[t.f.Rule.ID](d, in, t.f)
		if d.apply(t.f, in.Line, in.EndLine, text, err) && t.f.Rule.ID == "DF008" {
			kind, key, _ := strings.Cut(t.f.Key, ":")
			p.secrets = append(p.secrets, secretNote{len(p.res.Fixed) - 1, kind, key, abs})
		}
	}
	// Meta ARGs sit above every stage: the edits below did not move them.
	for _, f := range meta {
		d.metaArgSecret(f)
	}
	for _, id := range []string{"DF022", "DF024", "DF001", "DF019"} {
		if t, ok := final[id]; ok {
			d.fixFinal(id, t.f, t.stage)
		}
	}
}

type finalTask struct {
	f     finding.Finding
	stage int
}

func ruleOrder(id string) int {
	for i, r := range fixers {
		if r == id {
			return i
		}
	}
	return len(fixers)
}

// apply replaces lines from..to with text and keeps the edit only when the
// file still parses.
func (d *dfDoc) apply(f finding.Finding, from, to int, text string, err error) bool {
	id := f.Rule.ID
	var sk *errSkip
	switch {
	case errors.Is(err, errNoOp):
		return false
	case errors.As(err, &sk):
		d.p.skipF(f, "%s", sk.reason)
		return false
	case err != nil:
		d.p.skipF(f, "%v", err)
		return false
	}
	next := replaceLines(d.st.cur, from, to, text)
	if string(next) == string(d.st.cur) {
		return false
	}
	nf, perr := d.parse(next)
	if perr != nil {
		d.p.skipF(f, "the edit would not parse (%v); left as is", perr)
		return false
	}
	d.st.cur, d.f = next, nf
	d.p.fixedF(f, "%s", describe(id))
	return true
}

func describe(id string) string {
	switch id {
	case "DF001":
		return "runs as a non-root user"
	case "DF002", "DF003", "DF004":
		return "base image pinned by digest"
	case "DF010":
		return "COPY of .env removed; inject its settings at run time"
	case "DF012":
		return "ADD of local files replaced by COPY"
	case "DF014":
		return "apt-get install --no-install-recommends"
	case "DF015":
		return "apt lists removed in the same RUN"
	case "DF016":
		return "pip install --no-cache-dir"
	case "DF017":
		return "exec form"
	case "DF019":
		return "HEALTHCHECK added"
	case "DF021":
		return "production values for debug settings"
	case "DF024":
		return "Python environment hardening block"
	case "DF008":
		return "hardcoded secret replaced by an empty placeholder"
	case "DF022":
		return "development server flags removed from the command"
	}
	return "fixed"
}

// keyword returns the instruction keyword as written and the text after it.
func keyword(text string) (kw string, rest int) {
	i := len(text) - len(strings.TrimLeft(text, " \t"))
	j := i
	for j < len(text) && text[j] != ' ' && text[j] != '\t' && text[j] != '\n' && text[j] != '\r' {
		j++
	}
	return text[i:j], j
}

// sameCase writes word in the case style of like (ADD -> COPY, add -> copy).
func sameCase(like, word string) string {
	if like == strings.ToLower(like) {
		return strings.ToLower(word)
	}
	return strings.ToUpper(word)
}

func (d *dfDoc) text(in *dockerfile.Instruction) string {
	return lineText(d.st.cur, in.Line, in.EndLine)
}

func (d *dfDoc) esc() byte {
	if d.f.Escape == '`' {
		return '`'
	}
	return '\\'
}

// insertAt applies a list of (offset, text) insertions to s.
func insertAt(s string, ins map[int]string) string {
	offs := make([]int, 0, len(ins))
	for o := range ins {
		offs = append(offs, o)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(offs)))
	for _, o := range offs {
		s = s[:o] + ins[o] + s[o:]
	}
	return s
}

// runScript returns the shell view of a RUN as written (keyword and
// flags skipped), refusing forms the text edits cannot handle.
func (d *dfDoc) runScript(in *dockerfile.Instruction) (string, *shell.Script, error) {
	if len(in.Heredocs) > 0 {
		return "", nil, skipf("RUN uses a heredoc; edit it by hand")
	}
	if c, ok := in.Command.(*instructions.RunCommand); ok && !c.PrependShell {
		return "", nil, skipf("RUN is in exec (JSON) form")
	}
	text := d.text(in)
	sc := shellView(text, dockerfile.BodyStart(text), d.esc())
	if sc.Err != nil {
		return "", nil, skipf("the RUN does not parse as shell (%v); edit it by hand", sc.Err)
	}
	return text, sc, nil
}

// aptNoRecommends adds --no-install-recommends to apt-get/apt install.
func (d *dfDoc) aptNoRecommends(in *dockerfile.Instruction, _ finding.Finding) (string, error) {
	text, sc, err := d.runScript(in)
	if err != nil {
		return "", err
	}
	ins := map[int]string{}
	for _, c := range sc.Commands {
		if c.Inexact || len(c.Args) == 0 {
			continue
		}
		prog := c.Program()
		if prog != "apt-get" && prog != "apt" {
			continue
		}
		k := subcommand(c.Args, 1, "install")
		if k < 0 || hasWordIn(c, "--no-install-recommends") {
			continue
		}
		skip := false
		for _, w := range c.Args {
			skip = skip || strings.Contains(w.Value, "APT::Install-Recommends")
		}
		if !skip {
			ins[c.Args[k].End] = " --no-install-recommends"
		}
	}
	if len(ins) == 0 {
		return "", skipf("no apt-get install without --no-install-recommends found in the text")
	}
	return insertAt(text, ins), nil
}

// subcommand finds the index of sub after options starting at i.
func subcommand(c []shell.Word, i int, sub string) int {
	for ; i < len(c); i++ {
		w := c[i].Value
		if w == sub {
			return i
		}
		if !strings.HasPrefix(w, "-") {
			return -1
		}
		switch w {
		case "-o", "-t", "-c", "--option", "--target-release", "--config-file":
			i++ // the option's value
		}
	}
	return -1
}

// pipNoCache adds --no-cache-dir to pip install.
func (d *dfDoc) pipNoCache(in *dockerfile.Instruction, _ finding.Finding) (string, error) {
	text, sc, err := d.runScript(in)
	if err != nil {
		return "", err
	}
	ins := map[int]string{}
	var other []string
	for _, c := range sc.Commands {
		if c.Inexact || len(c.Args) == 0 {
			continue
		}
		prog := c.Program()
		a := c.Args
		k := -1
		switch {
		case isPipProgram(prog):
			k = subcommand(a, 1, "install")
		case strings.HasPrefix(prog, "python") && 2 < len(a) && a[1].Value == "-m" && isPipProgram(a[2].Value):
			k = subcommand(a, 3, "install")
		case strings.HasPrefix(prog, "pip") && hasWordIn(c, "install"):
			other = append(other, prog)
		}
		if k >= 0 && !hasWordIn(c, "--no-cache-dir") {
			ins[a[k].End] = " --no-cache-dir"
		}
	}
	if len(ins) == 0 {
		if len(other) > 0 {
			return "", skipf("%s has no --no-cache-dir option; set ENV PIP_NO_CACHE_DIR=1 instead", other[0])
		}
		return "", skipf("no pip install without --no-cache-dir found in the text")
	}
	return insertAt(text, ins), nil
}

func isPipProgram(s string) bool {
	if !strings.HasPrefix(s, "pip") {
		return false
	}
	return strings.Trim(s[3:], "0123456789.") == ""
}

// aptListsCleanup ends the RUN with && rm -rf /var/lib/apt/lists/*.
func (d *dfDoc) aptListsCleanup(in *dockerfile.Instruction, _ finding.Finding) (string, error) {
	text, sc, err := d.runScript(in)
	if err != nil {
		return "", err
	}
	if sc.Comments {
		return "", skipf("the RUN holds a shell comment; appending after it would be commented out")
	}
	// The text must end with a command, not an operator or a separator.
	if len(sc.Commands) == 0 || sc.End == 0 || strings.TrimRight(text[:sc.End], " \t") != text[:sc.End] || strings.HasSuffix(text[:sc.End], ";") || strings.HasSuffix(text[:sc.End], "&") ||
		strings.Trim(text[sc.End:], " \t\r\n"+string(d.esc())) != "" {
		return "", skipf("the RUN does not end with a command")
	}
	ls := splitLines([]byte(text))
	lastLine := ls[len(ls)-1]
	eol := lastLine[len(trimEOL(lastLine)):]
	body := trimEOL(lastLine)
	const cleanup = "rm -rf /var/lib/apt/lists/*"
	esc := string(d.esc())
	if len(ls) > 1 {
		indent := indentOf(body)
		second := strings.TrimSpace(ls[1])
		first := strings.TrimSpace(trimEOL(ls[0]))
		switch {
		case strings.HasPrefix(second, "&&"):
			// Leading-operator style: one command per line, at the
			// indentation of the last "&&" line.
			for _, l := range ls[1:] {
				if strings.HasPrefix(strings.TrimSpace(l), "&&") {
					indent = indentOf(l)
				}
			}
			ls[len(ls)-1] = body + " " + esc + eolOr(eol, d.st.cur) + indent + "&& " + cleanup + eol
			return strings.Join(ls, ""), nil
		case strings.HasSuffix(first, "&& "+esc) || strings.HasSuffix(first, "&&"+esc):
			ls[len(ls)-1] = body + " && " + esc + eolOr(eol, d.st.cur) + indent + cleanup + eol
			return strings.Join(ls, ""), nil
		}
	}
	ls[len(ls)-1] = body + " && " + cleanup + eol
	return strings.Join(ls, ""), nil
}

func eolOr(eol string, src []byte) string {
	if eol != "" {
		return eol
	}
	return eolOf(src)
}

// addToCopy turns ADD of local files into COPY.
func (d *dfDoc) addToCopy(in *dockerfile.Instruction, _ finding.Finding) (string, error) {
	c, ok := in.Command.(*instructions.AddCommand)
	if !ok {
		return "", skipf("not an ADD instruction")
	}
	for _, src := range c.SourcePaths {
		l := strings.ToLower(src)
		if strings.Contains(l, "://") || strings.HasPrefix(l, "git@") {
			return "", skipf("ADD also fetches %s; split the remote source out by hand", src)
		}
		for _, ext := range []string{".tar", ".tgz", ".tbz2", ".txz", ".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst", ".gz", ".bz2", ".xz", ".zst"} {
			if strings.HasSuffix(l, ext) {
				return "", skipf("ADD also extracts %s; COPY would not", src)
			}
		}
	}
	for _, fl := range in.Flags {
		name, _, _ := strings.Cut(strings.TrimPrefix(fl, "--"), "=")
		switch name {
		case "chown", "chmod", "link", "exclude":
		default:
			return "", skipf("ADD --%s has no COPY equivalent", name)
		}
	}
	text := d.text(in)
	kw, end := keyword(text)
	return text[:end-len(kw)] + sameCase(kw, "COPY") + text[end:], nil
}

// execForm rewrites a shell-form CMD/ENTRYPOINT as JSON when its words are
// plain: no quotes, variables, globs or shell operators.
func (d *dfDoc) execForm(in *dockerfile.Instruction, _ finding.Finding) (string, error) {
	if in.Cmd == "entrypoint" {
		for _, o := range in.Stage.Instructions {
			if o.Cmd == "cmd" {
				return "", skipf("the stage also sets CMD, which exec-form ENTRYPOINT would start passing as arguments")
			}
		}
	}
	text := d.text(in)
	kw, end := keyword(text)
	sc := shellView(text, end, d.esc())
	if sc.Err != nil || sc.Compound || sc.Comments || len(sc.Commands) > 1 {
		return "", skipf("%s needs a shell (%q); rewrite it as exec form by hand", strings.ToUpper(in.Cmd), strings.TrimSpace(text[end:]))
	}
	var args []string
	for _, c := range sc.Commands {
		if len(c.Assigns) > 0 {
			return "", skipf("%s needs a shell (%q); rewrite it as exec form by hand", strings.ToUpper(in.Cmd), text[c.Assigns[0].Start:c.Assigns[0].End])
		}
		for _, w := range c.Words {
			raw := text[w.Start:w.End]
			if raw != w.Value || strings.ContainsAny(w.Value, "$`*?[]{}~<>!\\\"'") {
				return "", skipf("%s needs a shell (%q); rewrite it as exec form by hand", strings.ToUpper(in.Cmd), raw)
			}
			args = append(args, w.Value)
		}
	}
	if len(args) == 0 {
		return "", skipf("empty %s", strings.ToUpper(in.Cmd))
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = `"` + a + `"`
	}
	eol := text[len(strings.TrimRight(text, "\r\n")):]
	lead := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
	return lead + kw + " [" + strings.Join(quoted, ", ") + "]" + eol, nil
}

// productionEnv turns debug settings of an ENV instruction off.
func (d *dfDoc) productionEnv(in *dockerfile.Instruction, f finding.Finding) (string, error) {
	key := strings.TrimPrefix(f.Key, "env:")
	c, ok := in.Command.(*instructions.EnvCommand)
	if !ok {
		return "", skipf("not an ENV instruction")
	}
	var old string
	found := false
	for _, kv := range c.Env {
		if kv.Key == key {
			old, found = unquote(kv.Value), true
		}
	}
	if !found {
		return "", skipf("%s is not set here", key)
	}
	nv, ok := productionValue(key, old)
	if !ok {
		return "", skipf("no production value known for %s=%s", key, old)
	}
	text := d.text(in)
	kw, end := keyword(text)
	_ = kw
	cand, _, ok := plainWords(text, end, d.esc())
	if !ok {
		return "", skipf("%s=%s is written in a form this fix does not edit", key, old)
	}
	// ENV KEY=value ... form.
	for _, w := range cand {
		if k, v, ok := strings.Cut(w.Value, "="); ok && k == key && v == old {
			raw := text[w.Start:w.End]
			eq := strings.IndexByte(raw, '=')
			val := raw[eq+1:]
			q := ""
			if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') && val[len(val)-1] == val[0] {
				q = val[:1]
			} else if val != old {
				return "", skipf("the value of %s is escaped; edit it by hand", key)
			}
			return text[:w.Start] + raw[:eq+1] + q + nv + q + text[w.End:], nil
		}
	}
	// Legacy ENV KEY value form: one key, the rest of the line is the value.
	if len(cand) == 2 && cand[0].Value == key && cand[1].Value == old && text[cand[1].Start:cand[1].End] == old {
		return text[:cand[1].Start] + nv + text[cand[1].End:], nil
	}
	return "", skipf("%s=%s is written in a form this fix does not edit", key, old)
}

// unquote drops one pair of matching quotes.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// productionValue maps a development setting to its production value,
// keeping the original's spelling style.
func productionValue(key, v string) (string, bool) {
	if _, bad := rules.DebugSetting(key, v); !bad {
		return "", false
	}
	t := strings.ToLower(strings.Trim(strings.TrimSpace(v), `"'`))
	var out string
	switch t {
	case "1":
		return "0", true
	case "true":
		out = "false"
	case "yes":
		out = "no"
	case "on":
		out = "off"
	case "development", "dev", "debug", "local":
		out = "production"
	case "trace":
		out = "info"
	default:
		return "", false
	}
	if strings.ToUpper(key) == "LOG_LEVEL" || strings.ToUpper(key) == "UVICORN_LOG_LEVEL" {
		out = "info"
	}
	switch {
	case v == strings.ToUpper(v) && v != strings.ToLower(v):
		out = strings.ToUpper(out)
	case len(v) > 1 && v[:1] == strings.ToUpper(v[:1]) && v[1:] == strings.ToLower(v[1:]) && v != strings.ToLower(v):
		out = strings.ToUpper(out[:1]) + out[1:]
	}
	return out, true
}

// dropEnvCopy comments out a COPY whose every source is an env file: the
// ignore-file fix keeps .env out of the context, which would otherwise
// make this COPY fail the build.
func (d *dfDoc) dropEnvCopy(in *dockerfile.Instruction, f finding.Finding) (string, error) {
	c, ok := in.Command.(*instructions.CopyCommand)
	if !ok {
		return "", skipf("not a COPY")
	}
	if c.From != "" || len(c.SourcePaths) == 0 {
		return "", skipf("COPY --from does not read the build context")
	}
	for _, s := range c.SourcePaths {
		if kind, ok := secrets.SensitiveFile(filepath.ToSlash(s)); !ok || kind != secrets.KindEnvFile {
			// A directory copy: the ignore file is the fix.
			return "", errNoOp
		}
	}
	text := d.text(in)
	var b strings.Builder
	eol := eolOf(d.st.cur)
	b.WriteString("# hardhull fix (DF010): .env stays out of the image; pass its settings at run time" + eol)
	for _, l := range splitLines([]byte(text)) {
		b.WriteString("# " + l)
	}
	out := b.String()
	if !strings.HasSuffix(out, "\n") {
		out += eol
	}
	return out, nil
}

// isEnvCopy is a COPY of the context whose every source is an env file.
func isEnvCopy(in *dockerfile.Instruction) bool {
	c, ok := in.Command.(*instructions.CopyCommand)
	if !ok || c.From != "" || len(c.SourcePaths) == 0 {
		return false
	}
	for _, s := range c.SourcePaths {
		if kind, ok := secrets.SensitiveFile(filepath.ToSlash(s)); !ok || kind != secrets.KindEnvFile {
			return false
		}
	}
	return true
}

// errNoOp: the finding is handled by another fixer; nothing to report here.
var errNoOp = errors.New("no-op")
