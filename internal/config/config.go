// Package config is hardhull's policy layer, applied once after the rules:
// the .hardhull.yaml file, inline ignore comments, baselines and the
// severity threshold.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/pathglob"
	"gopkg.in/yaml.v3"
)

// FileName is looked up in the scanned directory and its parents.
const FileName = ".hardhull.yaml"

// Config is the .hardhull.yaml file.
type Config struct {
	FailOn *finding.Severity `yaml:"fail-on"`
	// Disable turns rules off everywhere.
	Disable []string `yaml:"disable"`
	// Severity overrides a rule's severity.
	Severity map[string]finding.Severity `yaml:"severity"`
	// Ignore drops rules for paths matching a glob (`**` allowed).
	Ignore []PathIgnore `yaml:"ignore"`
	// TrustedRegistries, when set, are the only registries base images may
	// come from.
	TrustedRegistries []string `yaml:"trusted-registries"`
	// Exclude keeps files out of discovery (the same as the --skip-dirs,
	// --skip-files and --file-patterns flags, which add to it).
	Exclude Exclude `yaml:"exclude"`
	// Compose names the files that form one project each, relative to the
	// scanned directory: [[compose.yml, compose.deploy.yml]].
	Compose [][]string `yaml:"compose"`

	path string
}

// Exclude is the config's `exclude:` section.
type Exclude struct {
	SkipDirs     []string `yaml:"skip-dirs"`
	SkipFiles    []string `yaml:"skip-files"`
	FilePatterns []string `yaml:"file-patterns"`
}

// PathIgnore drops Rules (all when empty) under Path.
type PathIgnore struct {
	Path   string   `yaml:"path"`
	Rules  []string `yaml:"rules"`
	Reason string   `yaml:"reason"`
}

// Load reads a config file; a missing file is an empty config.
func Load(p string) (*Config, error) {
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(p, b)
}

// Parse reads config content; errors name the file and line.
func Parse(name string, b []byte) (*Config, error) {
	if len(b) > 1<<20 {
		return nil, fmt.Errorf("%s: config larger than 1 MiB", name)
	}
	c := &Config{path: name}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, configErr(name, b, err)
	}
	// Rule IDs are case-insensitive everywhere else (disable, ignores).
	if len(c.Severity) > 0 {
		up := make(map[string]finding.Severity, len(c.Severity))
		for k, v := range c.Severity {
			up[strings.ToUpper(strings.TrimSpace(k))] = v
		}
		c.Severity = up
	}
	for _, ig := range c.Ignore {
		if _, err := path.Match(strings.ReplaceAll(ig.Path, "**", "*"), ""); err != nil {
			return nil, fmt.Errorf("%s: ignore path %q: %w", name, ig.Path, err)
		}
	}
	for _, g := range append(append([]string{}, c.Exclude.SkipDirs...), c.Exclude.SkipFiles...) {
		if _, err := path.Match(strings.ReplaceAll(g, "**", "*"), ""); err != nil {
			return nil, fmt.Errorf("%s: exclude glob %q: %w", name, g, err)
		}
	}
	for i, set := range c.Compose {
		if len(set) == 0 {
			return nil, fmt.Errorf("%s: compose set %d is empty", name, i+1)
		}
	}
	return c, nil
}

// configErr gives every decoding problem its own "file:line: message"
// line. yaml.v3 reports type errors as one multi-line error and loses the
// position of errors from UnmarshalText (bad severities); those are
// located again from the node tree.
func configErr(name string, src []byte, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var lines []string
		for _, e := range te.Errors {
			if rest, ok := strings.CutPrefix(e, "line "); ok {
				if n, msg, ok := strings.Cut(rest, ": "); ok {
					msg = strings.Replace(msg, "field ", "unknown key ", 1)
					msg = reTypeSuffix.ReplaceAllString(msg, "")
					lines = append(lines, fmt.Sprintf("%s:%s: %s", name, n, oneLine(msg)))
					continue
				}
			}
			lines = append(lines, name+": "+oneLine(e))
		}
		return errors.New(strings.Join(lines, "\n"))
	}
	var root yaml.Node
	if yaml.Unmarshal(src, &root) == nil {
		if n := badSeverity(&root); n != nil {
			return fmt.Errorf("%s:%d: %s", name, n.Line, oneLine(err.Error()))
		}
	}
	return fmt.Errorf("%s: %s", name, oneLine(err.Error()))
}

// oneLine keeps a message quoting the file's text on one line.
func oneLine(s string) string {
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
}

var reTypeSuffix = regexp.MustCompile(` not found in type config\.\w+$`)

// badSeverity finds the first fail-on or severity value that is not a
// severity name.
func badSeverity(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	bad := func(v *yaml.Node) bool {
		_, err := finding.ParseSeverity(v.Value)
		return v.Kind == yaml.ScalarNode && err != nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "fail-on":
			if bad(v) {
				return v
			}
		case "severity":
			if v.Kind != yaml.MappingNode {
				continue
			}
			for j := 1; j < len(v.Content); j += 2 {
				if bad(v.Content[j]) {
					return v.Content[j]
				}
			}
		}
	}
	return nil
}

// Find looks for FileName in dir and its parents.
func Find(dir string) (string, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for {
		p := filepath.Join(abs, FileName)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, true
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return "", false
		}
		abs = parent
	}
}

// RuleIDs lists every rule ID the config names, for validation by callers
// that know the catalogue.
func (c *Config) RuleIDs() []string {
	var out []string
	out = append(out, c.Disable...)
	for id := range c.Severity {
		out = append(out, id)
	}
	for _, ig := range c.Ignore {
		out = append(out, ig.Rules...)
	}
	sort.Strings(out)
	return out
}

func (c *Config) disabled(id string) bool {
	for _, d := range c.Disable {
		if strings.EqualFold(d, id) {
			return true
		}
	}
	return false
}

func (c *Config) pathIgnored(id, p string) bool {
	for _, ig := range c.Ignore {
		if !GlobMatch(ig.Path, p) {
			continue
		}
		if len(ig.Rules) == 0 {
			return true
		}
		for _, r := range ig.Rules {
			if strings.EqualFold(r, id) {
				return true
			}
		}
	}
	return false
}

// GlobMatch matches slash paths against a glob where `**` spans
// directories and a pattern without a slash matches any base name.
func GlobMatch(pattern, p string) bool { return pathglob.Match(pattern, p) }
