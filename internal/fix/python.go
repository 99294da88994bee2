package fix

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/pyapp"
)

// Python fixes edit one literal at the position pyapp reports, then
// re-parse: the fact must change as intended and every other fact stay.

func (p *planner) fixPythonFiles(fs []finding.Finding) {
	byFile := map[string][]finding.Finding{}
	var files []string
	for _, f := range fs {
		a := p.abs(f.Location.Path)
		if _, ok := byFile[a]; !ok {
			files = append(files, a)
		}
		byFile[a] = append(byFile[a], f)
	}
	sort.Strings(files)
	for _, a := range files {
		p.fixPython(a, byFile[a])
	}
}

func (p *planner) fixPython(abs string, fs []finding.Finding) {
	st, err := p.file(abs)
	if err != nil || !st.exists || !p.inTree(abs) {
		for _, f := range fs {
			p.skipF(f, "the file cannot be edited here (outside the project or unreadable)")
		}
		return
	}
	// Later positions first: an edit never moves one still to do.
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Location, fs[j].Location
		if a.Line != b.Line {
			return a.Line > b.Line
		}
		return a.Column > b.Column
	})
	for _, f := range fs {
		old, err := pyapp.Parse(st.display, st.cur)
		if err != nil {
			p.skipF(f, "%v", err)
			continue
		}
		next, want, text, err := pyEdit(st.cur, old, f)
		var sk *errSkip
		switch {
		case errors.As(err, &sk):
			p.skipF(f, "%s", sk.reason)
			continue
		case err != nil:
			p.skipF(f, "%v", err)
			continue
		}
		got, perr := pyapp.Parse(st.display, next)
		if perr == nil {
			adoptCallDefaults(want, got)
		}
		if perr != nil || factsOf(got) != factsOf(want) {
			p.skipF(f, "the edit would change more than the one argument; left as is")
			continue
		}
		st.cur = next
		p.fixedF(f, "%s", text)
	}
}

// pyOffset is the byte offset of a 1-based line and byte column, with
// pyapp's rule that a UTF-8 BOM is not part of line 1's columns.
func pyOffset(src []byte, line, col int) (int, bool) {
	off := 0
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		off = 3
	}
	for l := 1; l < line; l++ {
		i := strings.IndexAny(string(src[off:]), "\r\n")
		if i < 0 {
			return 0, false
		}
		off += i + 1
		if src[off-1] == '\r' && off < len(src) && src[off] == '\n' {
			off++
		}
	}
	off += col - 1
	return off, off >= 0 && off <= len(src)
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// literalAt checks that src holds exactly lit at off, as a whole token.
func literalAt(src []byte, off int, lit string) bool {
	end := off + len(lit)
	return end <= len(src) && string(src[off:end]) == lit && (end == len(src) || !isIdentByte(src[end]) || !isIdentByte(lit[len(lit)-1]))
}

// pyEdit computes one fix: the new source, the facts it must parse to,
// and the note.
func pyEdit(src []byte, old *pyapp.File, f finding.Finding) ([]byte, *pyapp.File, string, error) {
	want := cloneFacts(old)
	at := func(a pyapp.Arg) bool { return a.Line == f.Location.Line && a.Col == f.Location.Column }
	switch f.Rule.ID {
	case "PY001":
		for i, c := range old.FastAPICalls {
			if a, ok := c.Args["debug"]; ok && at(a) {
				next, err := replaceTrue(src, a)
				if err != nil {
					return nil, nil, "", err
				}
				want.FastAPICalls[i].Args["debug"] = pyapp.Arg{Text: "False"}
				markCallDefaults(want, c)
				return next, want, "FastAPI(debug=False)", nil
			}
		}
	case "PY005":
		key := strings.TrimPrefix(f.Key, "uvicorn:")
		for i, c := range old.UvicornRuns {
			a, ok := c.Args[key]
			if !ok || !at(a) {
				continue
			}
			if next, ok := dropKwarg(src, a, key); ok {
				delete(want.UvicornRuns[i].Args, key)
				markCallDefaults(want, c)
				return next, want, fmt.Sprintf("%s=True removed from %s(...)", key, c.Func), nil
			}
			next, err := replaceTrue(src, a)
			if err != nil {
				return nil, nil, "", err
			}
			want.UvicornRuns[i].Args[key] = pyapp.Arg{Text: "False"}
			markCallDefaults(want, c)
			return next, want, fmt.Sprintf("%s(..., %s=False)", c.Func, key), nil
		}
	case "PY003":
		name := strings.TrimPrefix(f.Key, "py-debug:")
		fix := func(fl *pyapp.Field) ([]byte, string, error) {
			v := fl.DefaultValue()
			off, ok := pyOffset(src, v.Line, v.Col)
			if !ok || !v.IsSet() {
				return nil, "", skipf("the default of %s is not where the parser says", name)
			}
			oldLit, val := strings.TrimSpace(v.Text), strings.TrimSpace(v.Text)
			q := ""
			if s, ok := v.IsStringLiteral(); ok {
				q = oldLit[:1]
				if q != `"` && q != `'` || oldLit != q+s+q {
					return nil, "", skipf("the default of %s is not a plain string literal", name)
				}
				val = s
			} else if val != "True" && strings.Trim(val, "0123456789") != "" {
				return nil, "", skipf("the default of %s is not a literal (%s)", name, val)
			}
			nv, ok := productionValue(name, val)
			if !ok {
				return nil, "", skipf("no production value known for %s = %s", name, val)
			}
			if !literalAt(src, off, oldLit) {
				return nil, "", skipf("the default of %s is not where the parser says", name)
			}
			newLit := q + nv + q
			next := append(append(append([]byte{}, src[:off]...), newLit...), src[off+len(oldLit):]...)
			fl.Default = strings.Replace(fl.Default, oldLit, newLit, 1)
			return next, fmt.Sprintf("%s defaults to %s", name, newLit), nil
		}
		atName := func(fl pyapp.Field) bool {
			return fl.Name == name && fl.Line == f.Location.Line && fl.Col == f.Location.Column
		}
		for i := range old.Settings {
			for j, fl := range old.Settings[i].Fields {
				if atName(fl) {
					next, text, err := fix(&want.Settings[i].Fields[j])
					return next, want, text, err
				}
			}
		}
		for i, fl := range old.Assignments {
			if atName(fl) {
				next, text, err := fix(&want.Assignments[i])
				return next, want, text, err
			}
		}
	default:
		return nil, nil, "", skipf("no Python fix for %s", f.Rule.ID)
	}
	return nil, nil, "", skipf("the parser no longer finds this argument")
}

func replaceTrue(src []byte, a pyapp.Arg) ([]byte, error) {
	off, ok := pyOffset(src, a.Line, a.Col)
	if !ok || !literalAt(src, off, "True") {
		return nil, skipf("the argument is not a literal True (%s)", a.Text)
	}
	return append(append(append([]byte{}, src[:off]...), "False"...), src[off+4:]...), nil
}

// dropKwarg removes key=True with its comma: a line of its own goes
// whole; otherwise the comma before it, or after it when it comes first.
// ok is false when comments or odd spacing make removal unclear.
func dropKwarg(src []byte, a pyapp.Arg, key string) ([]byte, bool) {
	off, ok := pyOffset(src, a.Line, a.Col)
	if !ok || !literalAt(src, off, "True") {
		return nil, false
	}
	end := off + 4
	i := off - 1
	for i >= 0 && (src[i] == ' ' || src[i] == '\t') {
		i--
	}
	if i < 0 || src[i] != '=' {
		return nil, false
	}
	i--
	for i >= 0 && (src[i] == ' ' || src[i] == '\t') {
		i--
	}
	kw := i + 1 - len(key)
	if kw < 0 || string(src[kw:i+1]) != key || kw > 0 && isIdentByte(src[kw-1]) {
		return nil, false
	}
	cut := func(s, e int) []byte { return append(append([]byte{}, src[:s]...), src[e:]...) }
	// A line of its own: "    reload=True,\n".
	ls := kw
	for ls > 0 && (src[ls-1] == ' ' || src[ls-1] == '\t') {
		ls--
	}
	le := end
	if le < len(src) && src[le] == ',' {
		le++
	}
	for le < len(src) && (src[le] == ' ' || src[le] == '\t') {
		le++
	}
	if (ls == 0 || src[ls-1] == '\n') && le < len(src) && (src[le] == '\n' || src[le] == '\r') {
		for le < len(src) && src[le] != '\n' {
			le++
		}
		return cut(ls, min(le+1, len(src))), true
	}
	// The comma before it, across whitespace and line breaks.
	j := kw - 1
	for j >= 0 && (src[j] == ' ' || src[j] == '\t' || src[j] == '\n' || src[j] == '\r') {
		j--
	}
	switch {
	case j >= 0 && src[j] == ',':
		return cut(j, end), true
	case j >= 0 && src[j] == '(':
		k := end
		for k < len(src) && (src[k] == ' ' || src[k] == '\t') {
			k++
		}
		if k < len(src) && src[k] == ',' {
			k++
			for k < len(src) && (src[k] == ' ' || src[k] == '\t') {
				k++
			}
			return cut(kw, k), true
		}
		if k < len(src) && src[k] == ')' {
			return cut(kw, end), true
		}
	}
	return nil, false
}

// cloneFacts copies the facts deeply enough to edit one argument.
func cloneFacts(f *pyapp.File) *pyapp.File {
	c := *f
	cp := func(cs []pyapp.Call) []pyapp.Call {
		out := make([]pyapp.Call, len(cs))
		for i, x := range cs {
			x.Args = cloneArgs(x.Args)
			x.Positional = append([]pyapp.Arg(nil), x.Positional...)
			out[i] = x
		}
		return out
	}
	c.FastAPICalls, c.UvicornRuns = cp(f.FastAPICalls), cp(f.UvicornRuns)
	c.Settings = make([]pyapp.SettingsClass, len(f.Settings))
	for i, s := range f.Settings {
		s.Fields = append([]pyapp.Field(nil), s.Fields...)
		c.Settings[i] = s
	}
	c.Assignments = append([]pyapp.Field(nil), f.Assignments...)
	return &c
}

func cloneArgs(m map[string]pyapp.Arg) map[string]pyapp.Arg {
	out := make(map[string]pyapp.Arg, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// factsOf renders the facts without positions, which a removal shifts.
func factsOf(f *pyapp.File) string {
	c := cloneFacts(f)
	strip := func(cs []pyapp.Call) {
		for i := range cs {
			cs[i].Line, cs[i].Col = 0, 0
			for k, a := range cs[i].Args {
				cs[i].Args[k] = pyapp.Arg{Text: a.Text}
			}
			for j := range cs[i].Positional {
				cs[i].Positional[j] = pyapp.Arg{Text: cs[i].Positional[j].Text}
			}
		}
	}
	strip(c.FastAPICalls)
	strip(c.UvicornRuns)
	fields := func(fs []pyapp.Field) {
		for i := range fs {
			fs[i].Line, fs[i].Col, fs[i].DefaultLine, fs[i].DefaultCol = 0, 0, 0, 0
		}
	}
	for i := range c.Settings {
		c.Settings[i].Line = 0
		fields(c.Settings[i].Fields)
	}
	fields(c.Assignments)
	return fmt.Sprintf("%+v", *c)
}

// callDefault marks an assignment whose value is the edited call
// (app = FastAPI(...)): its text changes with the call, whose own facts
// are what the check compares.
const callDefault = "\x00call"

func markCallDefaults(f *pyapp.File, c pyapp.Call) {
	mark := func(fs []pyapp.Field) {
		for i := range fs {
			if fs[i].DefaultLine == c.Line && fs[i].DefaultCol == c.Col && strings.HasPrefix(fs[i].Default, c.Func) {
				fs[i].Default = callDefault
			}
		}
	}
	mark(f.Assignments)
	for i := range f.Settings {
		mark(f.Settings[i].Fields)
	}
}

func adoptCallDefaults(want, got *pyapp.File) {
	adopt := func(w, g []pyapp.Field) {
		for i := range w {
			if w[i].Default == callDefault && i < len(g) && g[i].Name == w[i].Name {
				w[i].Default = g[i].Default
			}
		}
	}
	adopt(want.Assignments, got.Assignments)
	for i := range want.Settings {
		if i < len(got.Settings) {
			adopt(want.Settings[i].Fields, got.Settings[i].Fields)
		}
	}
}
