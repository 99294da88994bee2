package fix

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/distribution/reference"
	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// seedEnv is the seed's Python environment hardening block, in its order.
var seedEnv = [][2]string{
	{"PYTHONDONTWRITEBYTECODE", "1"}, {"PYTHONUNBUFFERED", "1"}, {"PYTHONHASHSEED", "random"},
	{"PIP_NO_CACHE_DIR", "1"}, {"PIP_DISABLE_PIP_VERSION_CHECK", "1"},
}

// healthTODO marks the comment left where no safe probe exists, so a second
// run does not add another.
const healthTODO = "TODO(hardhull DF019)"

// errKept: the edit stays but is not a fix (a TODO comment).
var errKept = skipf("kept")

// edit replaces lines and re-parses; it reports nothing.
func (d *dfDoc) edit(from, to int, text string) error {
	next := replaceLines(d.st.cur, from, to, text)
	nf, err := d.parse(next)
	if err != nil {
		return skipf("the edit would not parse (%v)", err)
	}
	d.st.cur, d.f = next, nf
	return nil
}

func (d *dfDoc) stage(i int) *dockerfile.Stage {
	if i < len(d.f.Stages) {
		return d.f.Stages[i]
	}
	return nil
}

// fixFinal makes the fixes that add instructions to the shipping stage.
func (d *dfDoc) fixFinal(id string, f finding.Finding, idx int) {
	if d.stage(idx) == nil {
		d.p.skipF(f, "the stage is gone")
		return
	}
	snap, snapF := d.st.cur, d.f
	var err error
	switch id {
	case "DF022":
		err = d.noReload(idx)
	case "DF024":
		err = d.envBlock(idx)
	case "DF001":
		err = d.nonRoot(idx, f)
	case "DF019":
		err = d.healthcheck(idx, f)
	}
	if err == errKept {
		return
	}
	if err != nil {
		d.st.cur, d.f = snap, snapF
		if err != errNoOp {
			d.p.skipF(f, "%v", err)
		}
		return
	}
	d.p.fixedF(f, "%s", describe(id))
}

// continued joins lines into one instruction with the file's escape char.
func (d *dfDoc) continued(first string, rest ...string) string {
	eol := eolOf(d.st.cur)
	esc := string(d.esc())
	var b strings.Builder
	b.WriteString(first)
	for _, r := range rest {
		b.WriteString(" " + esc + eol + "    " + r)
	}
	b.WriteString(eol)
	return b.String()
}

func (d *dfDoc) envBlock(idx int) error {
	s := d.stage(idx)
	var kvs []string
	for _, kv := range seedEnv {
		set := false
		for _, e := range s.Env() {
			set = set || strings.EqualFold(e.Key, kv[0])
		}
		if !set {
			kvs = append(kvs, kv[0]+"="+kv[1])
		}
	}
	if len(kvs) == 0 {
		return errNoOp
	}
	from := s.Instructions[0]
	return d.edit(from.EndLine+1, from.EndLine, d.continued("ENV "+kvs[0], kvs[1:]...))
}

// tailPoint is where USER and HEALTHCHECK go: before the CMD/ENTRYPOINT
// that follows the stage's last build step (and before that CMD's own
// comment lines), or after the stage's last instruction.
func (d *dfDoc) tailPoint(s *dockerfile.Stage) int {
	lastBuild := 0
	for i, in := range s.Instructions {
		switch in.Cmd {
		case "from", "run", "copy", "add", "user", "workdir":
			lastBuild = i
		}
	}
	for _, in := range s.Instructions[lastBuild+1:] {
		if in.Cmd == "cmd" || in.Cmd == "entrypoint" {
			ls := splitLines(d.st.cur)
			line := in.Line
			for line-2 >= 0 && strings.HasPrefix(strings.TrimSpace(ls[line-2]), "#") {
				line--
			}
			return line
		}
	}
	return s.Instructions[len(s.Instructions)-1].EndLine + 1
}

// baseFamily says how to get a non-root user on an image: a user that
// already exists, or a way to create "app".
type family struct {
	user   string // an existing non-root user, or "" to create app
	create []string
	chown  bool
}

var debianFamily = map[string]bool{
	"python": true, "debian": true, "ruby": true, "golang": true, "rust": true, "php": true, "perl": true,
	"openjdk": true, "buildpack-deps": true, "r-base": true, "julia": true, "elixir": true, "erlang": true,
	"haskell": true, "gcc": true, "pypy": true, "bitnami/minideb": true, "ubuntu": true,
}

func baseFamily(image string) (family, error) {
	if strings.EqualFold(image, "scratch") {
		return family{user: "65534:65534"}, nil
	}
	if image == "" || strings.Contains(image, "$") {
		return family{}, skipf("the base image %q is not resolved; cannot tell how it creates users", image)
	}
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return family{}, skipf("cannot parse base image %q", image)
	}
	repo := reference.FamiliarName(named)
	tag := ""
	if t, ok := named.(reference.Tagged); ok {
		tag = t.Tag()
	}
	switch {
	case strings.HasPrefix(repo, "gcr.io/distroless/") || strings.HasPrefix(repo, "cgr.dev/chainguard/"):
		return family{user: "nonroot"}, nil
	case repo == "node" || strings.HasSuffix(repo, "/node"):
		return family{user: "node", chown: true}, nil
	case repo == "alpine" || strings.Contains(tag, "alpine"):
		return family{create: []string{"RUN addgroup -S -g 1000 app &&", "adduser -S -u 1000 -G app app"}, chown: true}, nil
	case repo == "ubuntu" && ubuntuHasUser(tag):
		// Ubuntu 23.04 and later ship user "ubuntu" with UID/GID 1000.
		return family{user: "ubuntu", chown: true}, nil
	case debianFamily[repo]:
		return family{create: []string{"RUN groupadd --gid 1000 app &&", "useradd --uid 1000 --gid app --shell /bin/bash --create-home app"}, chown: true}, nil
	}
	return family{}, skipf("cannot tell how base image %s creates users; add one with a fixed UID and USER by hand", image)
}

func ubuntuHasUser(tag string) bool {
	switch tag {
	case "", "latest", "rolling", "devel", "noble", "oracular", "plucky", "questing", "lunar", "mantic":
		return true
	case "jammy", "focal", "bionic", "xenial":
		return false
	}
	v := strings.SplitN(tag, ".", 2)
	if n, err := strconv.Atoi(v[0]); err == nil {
		if n > 23 {
			return true
		}
		if n == 23 && len(v) == 2 && strings.HasPrefix(v[1], "04") || n == 23 && len(v) == 2 && strings.HasPrefix(v[1], "10") {
			return true
		}
	}
	return false
}

// createdUser finds a user a RUN of the chain creates (useradd/adduser).
func (d *dfDoc) createdUser(s *dockerfile.Stage) string {
	name := ""
	for i := len(s.Chain()) - 1; i >= 0; i-- {
		for _, in := range s.Chain()[i].Find("run") {
			for _, c := range in.Shell().Commands {
				if p := c.Program(); p != "useradd" && p != "adduser" {
					continue
				}
				last := c.Args[len(c.Args)-1].Value
				if !strings.HasPrefix(last, "-") && validUser(last) && len(c.Args) > 1 {
					name = last
				}
			}
		}
	}
	return name
}

var userRe = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)

func validUser(s string) bool { return userRe.MatchString(s) }

func (d *dfDoc) nonRoot(idx int, f finding.Finding) error {
	s := d.stage(idx)
	var lastRoot *dockerfile.Instruction
	prior := ""
	for _, st := range reverse(s.Chain()) {
		for _, in := range st.Find("user") {
			name := ""
			if c, ok := in.Command.(*instructions.UserCommand); ok {
				name = c.User
			}
			if rules.IsRootUser(name) {
				if st == s {
					lastRoot = in
				}
			} else if name != "" && !strings.Contains(name, "$") {
				prior = name
			}
		}
	}
	user := prior
	var fam family
	if user == "" {
		var err error
		if fam, err = baseFamily(s.External()); err != nil {
			return err
		}
		user = fam.user
		if user == "" {
			if u := d.createdUser(s); u != "" {
				user, fam.create = u, nil
			}
		}
	}
	created := false
	if user == "" && len(fam.create) > 0 {
		// Create the user before the first COPY of context files, so the
		// COPYs can hand their files to it.
		at := 0
		for _, in := range s.Instructions {
			if lastRoot != nil && in.Line <= lastRoot.Line {
				continue
			}
			if isContextCopy(in) {
				at = in.Line
				break
			}
		}
		if at == 0 {
			at = d.tailPoint(s)
		}
		if err := d.edit(at, at-1, d.continued(fam.create[0], fam.create[1:]...)); err != nil {
			return err
		}
		user, created = "app", true
		s = d.stage(idx)
	}
	if fam.chown || created {
		afterCreate := 0
		if created {
			for _, in := range s.Instructions {
				if in.Cmd == "run" && strings.Contains(d.text(in), fam.create[1]) {
					afterCreate = in.Line
				}
			}
		}
		for _, in := range s.Instructions {
			if in.Line <= afterCreate || lastRoot != nil && in.Line <= lastRoot.Line || !isContextCopy(in) {
				continue
			}
			if _, ok := in.Flag("chown"); ok {
				continue
			}
			text := d.text(in)
			kw, end := keyword(text)
			_ = kw
			if err := d.edit(in.Line, in.EndLine, text[:end]+" --chown="+user+":"+user+text[end:]); err != nil {
				return err
			}
			s = d.stage(idx)
		}
	}
	at := d.tailPoint(s)
	return d.edit(at, at-1, "USER "+user+eolOf(d.st.cur))
}

func reverse(ss []*dockerfile.Stage) []*dockerfile.Stage {
	out := make([]*dockerfile.Stage, len(ss))
	for i, s := range ss {
		out[len(ss)-1-i] = s
	}
	return out
}

// isContextCopy is a COPY or ADD of build-context files.
func isContextCopy(in *dockerfile.Instruction) bool {
	switch c := in.Command.(type) {
	case *instructions.CopyCommand:
		return c.From == ""
	case *instructions.AddCommand:
		return true
	}
	return false
}

func (d *dfDoc) healthcheck(idx int, f finding.Finding) error {
	s := d.stage(idx)
	if strings.Contains(d.stageText(s), healthTODO) {
		return skipf("no safe probe is known; the %s comment is already there", healthTODO)
	}
	port := d.appPort(s)
	interp := pythonInterpreter(s)
	at := d.tailPoint(s)
	if port == 0 || interp == "" {
		eol := eolOf(d.st.cur)
		todo := "# " + healthTODO + ": no safe probe is known for this image; add one, e.g." + eol +
			"# HEALTHCHECK --interval=30s --timeout=10s --start-period=5s --retries=3 CMD <probe of the app> || exit 1" + eol
		if err := d.edit(at, at-1, todo); err != nil {
			return err
		}
		why := "no port found in EXPOSE or CMD"
		if port != 0 {
			why = "the image has no known HTTP client to probe with"
		}
		// The TODO does not count as a fix: the rule keeps firing.
		d.p.skipF(f, "%s; left a %s comment", why, healthTODO)
		return errKept
	}
	var probe string
	if path := healthPath(d.ctxDir); path != "" {
		probe = interp + ` -c "import urllib.request; urllib.request.urlopen('http://localhost:` + strconv.Itoa(port) + path + `')" || exit 1`
	} else {
		// No health route in the app: probe that the port accepts
		// connections, which cannot fail on a healthy app.
		probe = interp + ` -c "import socket; socket.create_connection(('localhost', ` + strconv.Itoa(port) + `), timeout=5).close()" || exit 1`
	}
	return d.edit(at, at-1, d.continued("HEALTHCHECK --interval=30s --timeout=10s --start-period=5s --retries=3", "CMD "+probe))
}

func (d *dfDoc) stageText(s *dockerfile.Stage) string {
	var end int
	if s.Index+1 < len(d.f.Stages) {
		end = d.f.Stages[s.Index+1].Line - 1
	} else {
		end = len(splitLines(d.st.cur))
	}
	return lineText(d.st.cur, s.Line, end)
}

// pythonInterpreter names the interpreter a probe can use, "" when the
// image may have none.
func pythonInterpreter(s *dockerfile.Stage) string {
	if named, err := reference.ParseNormalizedNamed(s.External()); err == nil {
		repo := reference.FamiliarName(named)
		if repo == "python" || strings.HasSuffix(repo, "/python") || repo == "pypy" {
			return "python"
		}
	}
	for _, k := range []string{"entrypoint", "cmd"} {
		if in := s.Last(k); in != nil {
			if cs := in.Shell().Commands; len(cs) > 0 {
				switch p := cs[0].Program(); {
				case strings.HasPrefix(p, "python3"):
					return "python3"
				case p == "python":
					return "python"
				}
			}
		}
	}
	return ""
}

// appPort is the port the app listens on: --port/--bind of its command,
// else the first EXPOSE that is not SSH, else the ASGI servers' default.
func (d *dfDoc) appPort(s *dockerfile.Stage) int {
	var words []string
	for _, k := range []string{"entrypoint", "cmd"} {
		if in := s.Last(k); in != nil {
			switch c := in.Command.(type) {
			case *instructions.CmdCommand:
				words = append(words, splitCmd(c.CmdLine)...)
			case *instructions.EntrypointCommand:
				words = append(words, splitCmd(c.CmdLine)...)
			}
		}
	}
	for i, w := range words {
		v := ""
		switch {
		case (w == "--port" || w == "--bind" || w == "-b") && i+1 < len(words):
			v = words[i+1]
		case strings.HasPrefix(w, "--port="), strings.HasPrefix(w, "--bind="):
			_, v, _ = strings.Cut(w, "=")
		}
		if v != "" {
			if j := strings.LastIndexByte(v, ':'); j >= 0 {
				v = v[j+1:]
			}
			if n, err := strconv.Atoi(v); err == nil && n > 0 && n < 65536 {
				return n
			}
		}
	}
	for _, st := range s.Chain() {
		for _, in := range st.Find("expose") {
			if c, ok := in.Command.(*instructions.ExposeCommand); ok {
				for _, p := range c.Ports {
					num, proto, _ := strings.Cut(p, "/")
					if n, err := strconv.Atoi(num); err == nil && n != 22 && (proto == "" || proto == "tcp") {
						return n
					}
				}
			}
		}
	}
	if rules.ASGIServer(strings.Join(words, " ")) {
		return 8000
	}
	return 0
}

func splitCmd(cl []string) []string {
	if len(cl) == 1 {
		return strings.Fields(cl[0])
	}
	return cl
}

var healthRouteRe = regexp.MustCompile(`["'](/health[a-z]*|/healthz|/livez|/readyz)["']`)

// healthPath looks for a health route in the app's Python sources.
func healthPath(dir string) string {
	if dir == "" {
		return ""
	}
	found := ""
	n := 0
	_ = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || found != "" {
			return filepath.SkipDir
		}
		if e.IsDir() {
			switch e.Name() {
			case ".git", ".venv", "venv", "node_modules", "__pycache__", ".tox":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".py") || !e.Type().IsRegular() {
			return nil
		}
		if n++; n > 2000 {
			return filepath.SkipAll
		}
		f, err := os.Open(p)
		if err != nil {
			return nil
		}
		defer f.Close()
		buf := make([]byte, 256<<10)
		k, _ := f.Read(buf)
		if m := healthRouteRe.FindSubmatch(buf[:k]); m != nil {
			found = string(m[1])
			return filepath.SkipAll
		}
		return nil
	})
	return found
}
