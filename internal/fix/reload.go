package fix

import (
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/hardhull/hardhull/internal/shell"
	"gopkg.in/yaml.v3"
)

// reloadEdits says which arguments of a server command go (--reload, its
// --reload-* options with their values, --debug) and which change
// (`fastapi dev` becomes `fastapi run`).
func reloadEdits(vals []string) (drop map[int]bool, repl map[int]string) {
	drop, repl = map[int]bool{}, map[int]string{}
	for i := 0; i < len(vals); i++ {
		v := vals[i]
		switch {
		case i == 0:
		case v == "--reload" || v == "--debug":
			drop[i] = true
		case v == "--reload-dir" || v == "--reload-include" || v == "--reload-exclude" || v == "--reload-delay":
			drop[i] = true
			if i+1 < len(vals) {
				drop[i+1] = true
				i++
			}
		case strings.HasPrefix(v, "--reload-") && strings.Contains(v, "="):
			drop[i] = true
		}
		if (v == "fastapi" || strings.HasSuffix(v, "/fastapi")) && i+1 < len(vals) && vals[i+1] == "dev" {
			repl[i+1] = "run"
		}
	}
	return drop, repl
}

// span is an argument as written: [start,end) in some text.
type span struct {
	start, end int
	val        string
	raw        string
}

// editArgs applies reloadEdits to arguments found in text: a dropped run
// of arguments goes together with the separator before it, so commas
// and spaces stay as they were between the arguments that remain.
func editArgs(text string, args []span, quote func(string) string) (string, bool) {
	vals := make([]string, len(args))
	for i, a := range args {
		vals[i] = a.val
	}
	drop, repl := reloadEdits(vals)
	if len(drop) == 0 && len(repl) == 0 {
		return text, false
	}
	out := text
	for i := len(args) - 1; i >= 0; i-- {
		if r, ok := repl[i]; ok && !drop[i] {
			out = out[:args[i].start] + quote(r) + out[args[i].end:]
		}
		if !drop[i] {
			continue
		}
		j := i
		for j > 0 && drop[j-1] {
			j--
		}
		out = out[:args[j-1].end] + out[args[i].end:]
		i = j
	}
	return out, true
}

// jsonArgs finds the string elements of a JSON array in text; ok is false
// for anything but an array of plain strings.
func jsonArgs(text string) ([]span, bool) {
	i := strings.IndexByte(text, '[')
	if i < 0 {
		return nil, false
	}
	var out []span
	i++
	for i < len(text) {
		switch c := text[i]; {
		case c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n':
			i++
		case c == ']':
			return out, true
		case c == '"':
			j := i + 1
			esc := false
			for j < len(text) && text[j] != '"' {
				if text[j] == '\\' {
					esc = true
					j++
				}
				j++
			}
			if j >= len(text) {
				return nil, false
			}
			raw := text[i : j+1]
			val := raw[1 : len(raw)-1]
			if esc {
				val = "\x00" // never matches a flag; the element stays
			}
			out = append(out, span{i, j + 1, val, raw})
			i = j + 1
		default:
			return nil, false
		}
	}
	return nil, false
}

// noReload removes dev-server flags from the shipping stage's ENTRYPOINT
// and CMD, keeping each instruction's form.
func (d *dfDoc) noReload(idx int) error {
	for _, k := range []string{"entrypoint", "cmd"} {
		in := d.stage(idx).Last(k)
		if in == nil {
			continue
		}
		if len(in.Heredocs) > 0 {
			return skipf("%s uses a heredoc; edit it by hand", strings.ToUpper(k))
		}
		text := d.text(in)
		_, end := keyword(text)
		var args []span
		quote := func(s string) string { return s }
		if strings.HasPrefix(strings.TrimSpace(text[end:]), "[") {
			a, ok := jsonArgs(text[end:])
			if !ok {
				return skipf("%s is not a plain JSON array; edit it by hand", strings.ToUpper(k))
			}
			args = a
			quote = func(s string) string { return `"` + s + `"` }
		} else {
			sc := shellView(text, end, d.esc())
			if sc.Comments {
				return skipf("%s holds a shell comment; edit it by hand", strings.ToUpper(k))
			}
			if sc.Err != nil {
				return skipf("%s does not parse as shell; edit it by hand", strings.ToUpper(k))
			}
			for _, c := range sc.Commands {
				if c.Inexact {
					continue
				}
				for _, w := range append(append([]shell.Word(nil), c.Assigns...), c.Words...) {
					raw := text[w.Start:w.End]
					val := w.Value
					if raw != w.Value {
						val = "\x00" // quoted or escaped: left as it is
					}
					args = append(args, span{w.Start - end, w.End - end, val, raw})
				}
			}
		}
		nt, changed := editArgs(text[end:], args, quote)
		if !changed {
			continue
		}
		if err := d.edit(in.Line, in.EndLine, text[:end]+nt); err != nil {
			return err
		}
	}
	if at := d.stage(idx); at != nil {
		var parts []string
		for _, k := range []string{"entrypoint", "cmd"} {
			if in := at.Last(k); in != nil {
				parts = append(parts, in.Script())
			}
		}
		if msg, bad := rules.ServerReload(strings.Join(parts, " ")); bad {
			return skipf("still a development server after the edit (%s); edit it by hand", msg)
		}
	}
	return nil
}

// composeNoReload removes dev-server flags from a service's command:.
func (c *cdoc) composeNoReload(name string, f finding.Finding) error {
	if !strings.HasSuffix(f.Key, ":command") {
		return c.productionEnv(name, f)
	}
	y, _, v, err := c.svc(name)
	if err != nil {
		return err
	}
	_, cmd := get(v, "command")
	if cmd == nil {
		return skipf("the command comes from elsewhere (a merge or an extended service)")
	}
	switch cmd.Kind {
	case yaml.ScalarNode:
		var args []span
		// Compose splits a string command into words itself (no shell):
		// line breaks are blanks there.
		sc := shell.Parse(strings.ReplaceAll(cmd.Value, "\n", " "))
		if sc.Err != nil || sc.Comments || sc.Compound || len(sc.Commands) != 1 {
			return skipf("the command needs a shell; edit it by hand")
		}
		one := sc.Commands[0]
		for _, w := range append(append([]shell.Word(nil), one.Assigns...), one.Words...) {
			raw := cmd.Value[w.Start:w.End]
			val := w.Value
			if raw != w.Value {
				val = "\x00"
			}
			args = append(args, span{w.Start, w.End, val, raw})
		}
		nv, changed := editArgs(cmd.Value, args, func(s string) string { return s })
		if !changed {
			return skipf("no development flag found in the command text")
		}
		if msg, bad := rules.ServerReload(nv); bad {
			return skipf("still a development server after the edit (%s)", msg)
		}
		return c.setScalar(y, cmd, nv, false)
	case yaml.SequenceNode:
		flow := cmd.Style&yaml.FlowStyle != 0
		var args []span
		for _, it := range cmd.Content {
			s, e, ok := y.scalarSpan(it, flow)
			if !ok {
				return skipf("the command has an item this fix cannot read (line %d)", it.Line)
			}
			args = append(args, span{s, e, it.Value, string(y.src[s:e])})
		}
		if !flow {
			// One item per line: a dropped item takes its whole line, with
			// any comment on it.
			for i, it := range cmd.Content {
				ls := y.offset(it.Line, 1)
				le := ls + len(y.lines[it.Line-1])
				rest := strings.TrimSpace(string(y.src[args[i].end:le]))
				if rest != "" && !strings.HasPrefix(rest, "#") || strings.TrimSpace(string(y.src[ls:args[i].start])) != "-" {
					return skipf("the command list puts several items on one line")
				}
				args[i].start, args[i].end = ls, le
			}
		}
		vals := make([]string, len(args))
		for i, a := range args {
			vals[i] = a.val
		}
		drop, repl := reloadEdits(vals)
		if len(drop) == 0 && len(repl) == 0 {
			return skipf("no development flag found in the command list")
		}
		var kept []string
		for i, vv := range vals {
			if r, ok := repl[i]; ok {
				vv = r
			}
			if !drop[i] {
				kept = append(kept, vv)
			}
		}
		if msg, bad := rules.ServerReload(strings.Join(kept, " ")); bad {
			return skipf("still a development server after the edit (%s)", msg)
		}
		out := string(y.src)
		for i := len(args) - 1; i >= 0; i-- {
			switch {
			case drop[i] && !flow:
				out = out[:args[i].start] + out[args[i].end:]
			case drop[i]:
				j := i
				for j > 0 && drop[j-1] {
					j--
				}
				if j == 0 {
					return skipf("the command would lose its program")
				}
				out = out[:args[j-1].end] + out[args[i].end:]
				i = j
			case repl[i] != "":
				s, e, _ := y.scalarSpan(cmd.Content[i], flow)
				out = out[:s] + quoteLike(cmd.Content[i], repl[i], flow) + out[e:]
			}
		}
		return c.set([]byte(out))
	}
	return skipf("the command has a form this fix does not edit")
}

// productionEnv sets a debug or development environment value of a
// service (DEBUG: "true", ENVIRONMENT=development) to its production value,
// in the mapping or the list form, keeping the value's quoting. Values that
// come from interpolation are the deployment's business and are skipped.
func (c *cdoc) productionEnv(name string, f finding.Finding) error {
	key := strings.TrimPrefix(f.Key, name+":env:")
	y, _, v, err := c.svc(name)
	if err != nil {
		return err
	}
	ek, env := get(v, "environment")
	if ek == nil {
		return skipf("the environment comes from elsewhere (a merge or an extended service)")
	}
	flow := env.Style&yaml.FlowStyle != 0
	switch env.Kind {
	case yaml.MappingNode:
		_, val := get(env, key)
		if val == nil || val.Kind != yaml.ScalarNode {
			return skipf("%s is not set in this file", key)
		}
		if strings.Contains(val.Value, "$") {
			return skipf("%s comes from interpolation; set the production value where it is defined", key)
		}
		nv, ok := productionValue(key, val.Value)
		if !ok {
			return skipf("no production value known for %s=%s", key, val.Value)
		}
		return c.setScalar(y, val, nv, flow)
	case yaml.SequenceNode:
		it := seqHas(env, func(s string) bool { k, _, ok := strings.Cut(s, "="); return ok && strings.TrimSpace(k) == key })
		if it == nil {
			return skipf("%s is not set in this file", key)
		}
		_, old, _ := strings.Cut(it.Value, "=")
		if strings.Contains(old, "$") {
			return skipf("%s comes from interpolation; set the production value where it is defined", key)
		}
		nv, ok := productionValue(key, old)
		if !ok {
			return skipf("no production value known for %s=%s", key, old)
		}
		return c.setScalar(y, it, key+"="+nv, flow)
	}
	return skipf("environment has a form this fix does not edit")
}
