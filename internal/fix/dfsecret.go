package fix

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// secretNote is a DF008 fix whose note is finished once every file is
// fixed: only then is it known whether .env.example lists the name.
type secretNote struct {
	note int    // index in Result.Fixed
	kind string // ENV or ARG
	key  string
	df   string // Dockerfile abs
}

// secretPlaceholder empties a hardcoded secret: ENV KEY="" and ARG KEY
// (no default). Every other key of the instruction keeps its bytes.
func (d *dfDoc) secretPlaceholder(in *dockerfile.Instruction, f finding.Finding) (string, error) {
	kind, key, _ := strings.Cut(f.Key, ":")
	switch c := in.Command.(type) {
	case *instructions.EnvCommand:
		if kind != "ENV" {
			return "", skipf("not an ENV instruction")
		}
	case *instructions.ArgCommand:
		if kind != "ARG" {
			return "", skipf("not an ARG instruction")
		}
		_ = c
	default:
		return "", skipf("not an ENV or ARG instruction")
	}
	return secretText(d.text(in), kind, key, d.esc())
}

// secretText edits the text of one ENV or ARG instruction.
func secretText(text, kind, key string, esc byte) (string, error) {
	_, end := keyword(text)
	cand, comments, ok := plainWords(text, end, esc)
	if comments {
		return "", skipf("%s %s shares its line with a comment; edit it by hand", kind, key)
	}
	if !ok {
		return "", skipf("%s %s is written in a form this fix does not edit", kind, key)
	}
	repl := key + `=""`
	if kind == "ARG" {
		repl = key
	}
	for _, w := range cand {
		k, _, ok := strings.Cut(w.Value, "=")
		if !ok || k != key {
			continue
		}
		raw := text[w.Start:w.End]
		if !strings.HasPrefix(raw, key+"=") {
			return "", skipf("the name %s is quoted or escaped; edit it by hand", key)
		}
		if raw == repl {
			return "", errNoOp
		}
		return text[:w.Start] + repl + text[w.End:], nil
	}
	// Legacy ENV KEY value: the rest of the instruction is the value.
	if kind == "ENV" && len(cand) >= 2 && cand[0].Value == key && text[cand[0].Start:cand[0].End] == key {
		last := cand[len(cand)-1]
		return text[:cand[0].Start] + repl + text[last.End:], nil
	}
	return "", skipf("%s %s is written in a form this fix does not edit", kind, key)
}

// metaArgSecret drops the default of a secret ARG declared before the
// first FROM (not an instruction of any stage).
func (d *dfDoc) metaArgSecret(f finding.Finding) {
	_, key, _ := strings.Cut(f.Key, ":")
	line := f.Location.Line
	text := lineText(d.st.cur, line, line)
	body := strings.TrimRight(text, "\r\n")
	if strings.HasSuffix(body, string(d.esc())) {
		d.p.skipF(f, "ARG %s continues over several lines; edit it by hand", key)
		return
	}
	if kw, _ := keyword(text); !strings.EqualFold(kw, "ARG") {
		d.p.skipF(f, "no ARG instruction at this line")
		return
	}
	nt, err := secretText(text, "ARG", key, d.esc())
	if d.apply(f, line, line, nt, err) {
		d.p.secrets = append(d.p.secrets, secretNote{len(d.p.res.Fixed) - 1, "ARG", key, d.st.abs})
	}
}

// finishSecrets completes the DF008 notes: an ENV name goes into the
// .env.example being written next to the Dockerfile (or at the project
// root) when there is one; otherwise the note says where the value must
// now come from.
func (p *planner) finishSecrets() {
	for _, s := range p.secrets {
		n := &p.res.Fixed[s.note]
		if s.kind == "ARG" {
			n.Text = "default of ARG " + s.key + " dropped; pass it at build time, preferably as a build secret (RUN --mount=type=secret)"
			continue
		}
		if ex := p.envExampleFor(s.df); ex != nil {
			if addEnvName(ex, s.key) {
				n.Text = "ENV " + s.key + ` set to ""; ` + s.key + " added to " + ex.display + ": inject it at run time"
			} else {
				n.Text = "ENV " + s.key + ` set to ""; ` + ex.display + " lists it: inject it at run time"
			}
			continue
		}
		n.Text = "ENV " + s.key + ` set to ""; the value must now be injected at run time (docker run -e, compose environment or a secret)`
	}
}

// envExampleFor finds a .env.example this run writes or that exists,
// next to the Dockerfile or at the project root.
func (p *planner) envExampleFor(df string) *fileState {
	for _, dir := range []string{filepath.Dir(df), p.root} {
		abs := filepath.Join(dir, ".env.example")
		if st, ok := p.files[abs]; ok && len(st.cur) > 0 {
			return st
		}
		if info, err := os.Lstat(abs); err == nil && info.Mode().IsRegular() && p.inTree(abs) {
			if st, err := p.file(abs); err == nil {
				return st
			}
		}
	}
	return nil
}

// addEnvName appends NAME= to an env example file unless it lists it.
func addEnvName(st *fileState, key string) bool {
	for _, l := range splitLines(st.cur) {
		if k, _, ok := strings.Cut(strings.TrimSpace(l), "="); ok && strings.TrimSpace(strings.TrimPrefix(k, "export ")) == key {
			return false
		}
	}
	eol := eolOf(st.cur)
	cur := string(st.cur)
	if cur != "" && !strings.HasSuffix(cur, "\n") {
		cur += eol
	}
	st.cur = []byte(cur + key + "=" + eol)
	return true
}
