package shell

import (
	"strings"
	"testing"
)

// render prints each command as its words joined by spaces, with its
// wrappers in brackets and its pipeline position after @.
func render(s *Script) []string {
	var out []string
	for _, c := range s.Commands {
		var b strings.Builder
		if len(c.Wrappers) > 0 {
			b.WriteString("[" + strings.Join(c.Wrappers, ",") + "] ")
		}
		for _, a := range c.Assigns {
			b.WriteString(a.Value + " ")
		}
		b.WriteString(strings.Join(c.Values(), " "))
		if c.Stage > 0 {
			b.WriteString(" @pipe")
		}
		out = append(out, strings.TrimSpace(b.String()))
	}
	return out
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"list", "apt-get update && apt-get install -y curl; rm -rf /var/lib/apt/lists/*",
			[]string{"apt-get update", "apt-get install -y curl", "rm -rf /var/lib/apt/lists/*"}},
		{"continuation", "apk add \\\n  gcc \\\n  musl-dev", []string{"apk add gcc musl-dev"}},
		{"quotes", `echo "a b" 'c d' e\ f`, []string{"echo a b c d e f"}},
		{"expansion kept", `pip install "$PKG" ${X:-y}`, []string{"pip install $PKG ${X:-y}"}},
		{"pipe", "curl -fsSL https://x/i.sh | bash -s -- --yes", []string{"curl -fsSL https://x/i.sh", "bash -s -- --yes @pipe"}},
		{"sh -c", `sh -c 'apk add gcc && apk del gcc'`, []string{"[sh -c] apk add gcc", "[sh -c] apk del gcc"}},
		{"bash -eux -c", `bash -eux -c "cd /src; make"`, []string{"[bash -c] cd /src", "[bash -c] make"}},
		{"bash -o pipefail -c", `bash -o pipefail -c "curl x | sh"`, []string{"[bash -c] curl x", "[bash -c] sh @pipe"}},
		{"su nobody -s -c", `su nobody -s /bin/sh -c "make && make install" && apk del .build-deps`,
			[]string{"[su -c] make", "[su -c] make install", "apk del .build-deps"}},
		{"su -c user", `su -c "id" postgres`, []string{"[su -c] id"}},
		{"nested quoting does not end the list", `su nobody -s /bin/sh -c "export X=\"$(pwd)\"; make" && apk del .build-deps`,
			[]string{"[su -c] export X=$(pwd)", "[su -c] pwd", "[su -c] make", "pwd", "apk del .build-deps"}},
		{"sudo env", `sudo -u app env A=1 B=2 pip install x`, []string{"[sudo,env] A=1 B=2 pip install x"}},
		{"exec gosu", `exec gosu redis redis-server --protected-mode no`, []string{"[exec,gosu] redis-server --protected-mode no"}},
		{"assign only", `A=1 B=2`, []string{"A=1 B=2"}},
		{"prefix assign", `DEBIAN_FRONTEND=noninteractive apt-get install -y x`, []string{"DEBIAN_FRONTEND=noninteractive apt-get install -y x"}},
		{"subst", `export V=$(curl -s https://x | tar xz)`, []string{"export V=$(curl -s https://x | tar xz)", "curl -s https://x", "tar xz @pipe"}},
		{"if", `if [ -f x ]; then apt-get purge -y gcc; fi`, []string{"[ -f x ]", "apt-get purge -y gcc"}},
		{"for", `for p in a b; do pip install $p; done`, []string{"pip install $p"}},
		{"comment", "apt-get update # refresh\napt-get install -y x", []string{"apt-get update", "apt-get install -y x"}},
		{"sh script file", `sh ./install.sh --prefix=/usr`, []string{"sh ./install.sh --prefix=/usr"}},
		{"broken line kept apart", "apt-get update\nif then (\napk add gcc", []string{"apt-get update", "apk add gcc"}},
		{"heredoc script", "<<EOF\napt-get update\napt-get install -y gcc\nEOF", []string{"apt-get update", "apt-get install -y gcc"}},
		{"heredoc to bash", "bash -e <<'EOF'\napk add x\nEOF", []string{"bash -e", "apk add x"}},
		{"heredoc to a file is data", "cat <<EOF > /etc/x.conf\napk add x\nEOF", []string{"cat"}},
		{"runuser --", `runuser -u app -- npm ci`, []string{"[runuser] npm ci"}},
		{"chroot userspec", `chroot --userspec=app:app / uvicorn main:app`, []string{"[chroot] uvicorn main:app"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := render(Parse(tc.src))
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("Parse(%q)\n got: %q\nwant: %q", tc.src, got, tc.want)
			}
		})
	}
}

func TestSpansAndLines(t *testing.T) {
	src := "apt-get update \\\n && apt-get install -y \\\n   curl \\\n && sh -c 'apk del x'"
	s := Parse(src)
	if len(s.Commands) != 3 {
		t.Fatalf("commands: %q", render(s))
	}
	for i, want := range []struct {
		line int
		text string
	}{{1, "apt-get update"}, {2, "apt-get install -y \\\n   curl"}, {4, "apk del x"}} {
		c := s.Commands[i]
		if c.Line != want.line || src[c.Start:c.End] != want.text {
			t.Errorf("command %d: line %d text %q, want line %d text %q", i, c.Line, src[c.Start:c.End], want.line, want.text)
		}
	}
	// A word's span is the word as written.
	w := s.Commands[1].Args[3]
	if w.Value != "curl" || src[w.Start:w.End] != "curl" {
		t.Errorf("word %q at %q", w.Value, src[w.Start:w.End])
	}
	// A nested script with escapes maps onto the quoted word.
	src = `sh -c "echo \"x\" && make"`
	s = Parse(src)
	if len(s.Commands) != 2 || s.Commands[1].Start != 6 || s.Commands[1].End != len(src) {
		t.Errorf("escaped nested script: %+v", s.Commands)
	}
	s = Parse("A=1\nB=2 \\\n  cmd")
	if s.Commands[1].Line != 2 {
		t.Errorf("line of B=2 cmd: %d", s.Commands[1].Line)
	}
}

func TestCompoundAndComments(t *testing.T) {
	for _, tc := range []struct {
		src      string
		compound bool
		comments bool
	}{
		{"uvicorn app:app --reload", false, false},
		{"uvicorn app:app && echo", true, false},
		{"a | b", true, false},
		{"a > log", true, false},
		{"a 2>&1", false, false},
		{"a # note", false, true},
	} {
		s := Parse(tc.src)
		if s.Compound != tc.compound || s.Comments != tc.comments {
			t.Errorf("%q: compound %v comments %v, want %v %v", tc.src, s.Compound, s.Comments, tc.compound, tc.comments)
		}
	}
}

func TestExec(t *testing.T) {
	s := Exec([]string{"/bin/sh", "-c", "apk add x && exec nginx -g 'daemon off;'"})
	got := render(s)
	want := []string{"[sh -c] apk add x", "[sh -c,exec] nginx -g daemon off;"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q want %q", got, want)
	}
	if s := Exec(nil); len(s.Commands) != 0 {
		t.Errorf("empty exec: %v", render(s))
	}
}

func TestNext(t *testing.T) {
	s := Parse("curl -s x | tar xz -C / && wget -qO- y | sh")
	if n := s.Next(0); n == nil || n.Program() != "tar" {
		t.Errorf("next of curl: %v", n)
	}
	if n := s.Next(1); n != nil {
		t.Errorf("tar pipes into nothing, got %v", n.Values())
	}
	if n := s.Next(2); n == nil || n.Program() != "sh" {
		t.Errorf("next of wget: %v", n)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"a && b | c", `su x -s /bin/sh -c "a \"$(b)\" c"`, "if x; then y; fi", "<<EOF\nx\nEOF", "sh -c 'sh -c \"sh -c x\"'",
		"a \\\n b", "`x`", "$((1+2))", "case x in a) b;; esac", "f() { g; }",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s := Parse(src)
		for _, c := range s.Commands {
			if c.Start < 0 || c.End > len(src) || c.Start > c.End {
				t.Fatalf("command span %d..%d outside %d bytes", c.Start, c.End, len(src))
			}
			for _, w := range c.Args {
				if w.Start < 0 || w.End > len(src) || w.Start > w.End {
					t.Fatalf("word span %d..%d outside %d bytes", w.Start, w.End, len(src))
				}
			}
			if c.Line < 1 || c.Line > strings.Count(src, "\n")+1 {
				t.Fatalf("line %d outside the text", c.Line)
			}
		}
	})
}
