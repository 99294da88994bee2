package rules

import "strings"

// commands splits shell text into simple commands (split at ;, &&, ||, |,
// newlines) and each into words, honouring quotes and backslash line
// continuations. It is not a shell; it is enough to see which programs a
// RUN line calls with which arguments.
func commands(script string) [][]string {
	var (
		out   [][]string
		words []string
		cur   strings.Builder
		quote rune
		inW   bool
	)
	flushWord := func() {
		if inW {
			words = append(words, cur.String())
			cur.Reset()
			inW = false
		}
	}
	flushCmd := func() {
		flushWord()
		if len(words) > 0 {
			out = append(out, words)
			words = nil
		}
	}
	rs := []rune(script)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		if quote != 0 {
			if c == quote {
				quote = 0
			} else {
				cur.WriteRune(c)
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote, inW = c, true
		case '\\':
			if i+1 < len(rs) && rs[i+1] == '\n' {
				i++
				flushWord()
			} else if i+1 < len(rs) {
				i++
				cur.WriteRune(rs[i])
				inW = true
			}
		case ' ', '\t', '\r':
			flushWord()
		case '\n', ';', '&', '|', '(', ')', '`':
			flushCmd()
			if c == '|' && i+1 < len(rs) && rs[i+1] != '|' {
				// Mark a pipe so callers can see "a | b".
				out = append(out, []string{"|"})
			}
		case '#':
			if !inW {
				for i < len(rs) && rs[i] != '\n' {
					i++
				}
				flushCmd()
				continue
			}
			cur.WriteRune(c)
		default:
			cur.WriteRune(c)
			inW = true
		}
	}
	flushCmd()
	return stripPrefixes(out)
}

// stripPrefixes drops wrappers such as sudo, env assignments and `set -x`
// noise so that word 0 is the program.
func stripPrefixes(cmds [][]string) [][]string {
	out := cmds[:0]
	for _, c := range cmds {
		for len(c) > 0 {
			w := c[0]
			if w == "sudo" || w == "exec" || w == "command" || w == "nice" || w == "time" || (strings.Contains(w, "=") && !strings.HasPrefix(w, "-") && !strings.HasPrefix(w, "=")) {
				c = c[1:]
				continue
			}
			break
		}
		// A line of bare assignments (`A=1 B=2`) runs no program.
		if len(c) > 0 {
			out = append(out, c)
		}
	}
	return out
}

func program(cmd []string) string {
	if len(cmd) == 0 {
		return ""
	}
	p := cmd[0]
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	return p
}

func hasWord(cmd []string, ws ...string) bool {
	for _, c := range cmd {
		for _, w := range ws {
			if c == w {
				return true
			}
		}
	}
	return false
}

// pkgInstall recognises package installs and returns the manager and the
// packages named (flags dropped).
func pkgInstall(cmd []string) (mgr string, pkgs []string, ok bool) {
	p := program(cmd)
	var rest []string
	switch {
	case (p == "apt-get" || p == "apt" || p == "aptitude") && hasWord(cmd, "install"):
		mgr = "apt"
		rest = after(cmd, "install")
	case p == "apk" && hasWord(cmd, "add"):
		mgr = "apk"
		rest = after(cmd, "add")
	case (p == "yum" || p == "dnf" || p == "microdnf" || p == "tdnf") && hasWord(cmd, "install"):
		mgr = "rpm"
		rest = after(cmd, "install")
	case p == "zypper" && (hasWord(cmd, "install") || hasWord(cmd, "in")):
		mgr = "rpm"
		rest = after(cmd, "install")
		if rest == nil {
			rest = after(cmd, "in")
		}
	default:
		return "", nil, false
	}
	skipNext := false
	for _, w := range rest {
		if skipNext {
			skipNext = false
			continue
		}
		if strings.HasPrefix(w, "-") {
			if mgr == "apk" && (w == "--virtual" || w == "-t" || w == "--repository" || w == "-X") {
				skipNext = true
			}
			continue
		}
		if strings.ContainsAny(w, "$<>") {
			continue
		}
		pkgs = append(pkgs, w)
	}
	return mgr, pkgs, true
}

func after(cmd []string, w string) []string {
	for i, c := range cmd {
		if c == w {
			return cmd[i+1:]
		}
	}
	return nil
}
