package daemon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hardhull/hardhull/internal/finding"
)

// MaxConfigSize bounds what Parse reads: dockerd's own configuration files
// are a few hundred bytes, and a hostile one must not exhaust memory.
const MaxConfigSize = 1 << 20

// ParseError is a daemon.json that dockerd would refuse to start with
// (malformed JSON, or a key of the wrong type), with its place.
type ParseError struct {
	Path   string
	Line   int
	Column int
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Column, e.Msg)
}

// Key is one top-level key of the file, with the position of its name.
type Key struct {
	Name         string
	Line, Column int
	Raw          json.RawMessage
}

// Config is a parsed daemon.json: its keys in file order.
type Config struct {
	Path string
	Keys []Key
}

// Parse reads a daemon.json. path is what errors and locations show.
func Parse(path string, data []byte) (*Config, error) {
	if len(data) > MaxConfigSize {
		return nil, &ParseError{Path: path, Line: 1, Column: 1, Msg: fmt.Sprintf("file is larger than %d bytes; not a daemon configuration", MaxConfigSize)}
	}
	errAt := func(off int64, msg string) error {
		l, c := lineCol(data, off)
		return &ParseError{Path: path, Line: l, Column: c, Msg: msg}
	}
	wrap := func(err error, off int64) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = se.Offset
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return errAt(int64(len(data)), "unexpected end of JSON")
		}
		return errAt(off, "invalid JSON: "+err.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			// dockerd treats an empty file as an empty configuration.
			if len(bytes.TrimSpace(data)) == 0 {
				return &Config{Path: path}, nil
			}
		}
		return nil, wrap(err, 0)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errAt(dec.InputOffset()-1, "daemon configuration must be a JSON object")
	}
	cfg := &Config{Path: path}
	seen := map[string]int{}
	for dec.More() {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, wrap(err, before)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, errAt(before, "object key expected")
		}
		start := before + int64(bytes.IndexByte(data[before:], '"'))
		l, c := lineCol(data, start)
		var raw json.RawMessage
		vstart := dec.InputOffset()
		if err := dec.Decode(&raw); err != nil {
			return nil, wrap(err, vstart)
		}
		if prev, dup := seen[name]; dup {
			// dockerd rejects a directive given twice (file and flags);
			// within the file the JSON decoder would keep the last, which
			// hides the first: say so instead of guessing.
			return nil, &ParseError{Path: path, Line: l, Column: c, Msg: fmt.Sprintf("%q is set twice (first on line %d)", name, prev)}
		}
		seen[name] = l
		cfg.Keys = append(cfg.Keys, Key{Name: name, Line: l, Column: c, Raw: raw})
	}
	if _, err := dec.Token(); err != nil {
		return nil, wrap(err, dec.InputOffset())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errAt(dec.InputOffset(), "data after the configuration object")
	}
	if _, err := cfg.Settings(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func lineCol(data []byte, off int64) (int, int) {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	pre := data[:off]
	line := bytes.Count(pre, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(pre, '\n')
	return line, col
}

func (c *Config) key(name string) *Key {
	for i := range c.Keys {
		if c.Keys[i].Name == name {
			return &c.Keys[i]
		}
	}
	return nil
}

// At is where a finding about the file as a whole points: its first line.
func (c *Config) At() finding.Location { return finding.Location{Path: c.Path, Line: 1, Column: 1} }

// Settings is the file's view. Keys absent from the file are unset (the
// engine's defaults apply); a key of the wrong type is an error, as it is
// for dockerd.
func (c *Config) Settings() (*Settings, error) {
	s := &Settings{Source: "file", Where: c.Path, At: c.At()}
	var errs []error
	get := func(name string, dst any) (finding.Location, bool) {
		k := c.key(name)
		if k == nil {
			return finding.Location{}, false
		}
		loc := finding.Location{Path: c.Path, Line: k.Line, Column: k.Column}
		if err := json.Unmarshal(k.Raw, dst); err != nil {
			errs = append(errs, &ParseError{Path: c.Path, Line: k.Line, Column: k.Column, Msg: fmt.Sprintf("%q: %s", name, typeMsg(err))})
			return loc, false
		}
		return loc, true
	}
	str := func(name string, v *Value[string]) { v.Loc, v.Set = get(name, &v.V) }
	boolean := func(name string, v *Value[bool]) { v.Loc, v.Set = get(name, &v.V) }
	list := func(name string, v *Value[[]string]) { v.Loc, v.Set = get(name, &v.V) }

	list("hosts", &s.Hosts)
	boolean("tls", &s.TLS)
	boolean("tlsverify", &s.TLSVerify)
	str("userns-remap", &s.UsernsRemap)
	str("seccomp-profile", &s.Seccomp)
	boolean("icc", &s.ICC)
	var bridge Value[string]
	str("bridge", &bridge)
	s.NoBridge = bridge.Set && bridge.V == "none"
	boolean("live-restore", &s.LiveRestore)
	str("log-driver", &s.LogDriver)
	s.LogOpts.Loc, s.LogOpts.Set = get("log-opts", &s.LogOpts.V)
	str("log-level", &s.LogLevel)
	boolean("debug", &s.Debug)
	list("insecure-registries", &s.InsecureRegistries)
	list("registry-mirrors", &s.Mirrors)
	list("authorization-plugins", &s.AuthzPlugins)
	boolean("experimental", &s.Experimental)
	boolean("no-new-privileges", &s.NoNewPrivileges)
	var ulimits map[string]struct {
		Name       string
		Hard, Soft int64
	}
	if loc, ok := get("default-ulimits", &ulimits); ok {
		m := map[string]string{}
		for n, u := range ulimits {
			m[n] = fmt.Sprintf("%d:%d", u.Soft, u.Hard)
		}
		s.DefaultUlimits = Value[map[string]string]{m, true, loc}
	}
	var execOpts Value[[]string]
	list("exec-opts", &execOpts)
	for _, o := range execOpts.V {
		if k, v, ok := strings.Cut(o, "="); ok && strings.EqualFold(strings.TrimSpace(k), "native.cgroupdriver") {
			s.CgroupDriver = Value[string]{strings.TrimSpace(v), true, execOpts.Loc}
		}
	}
	str("cgroup-parent", &s.CgroupParent)
	str("storage-driver", &s.StorageDriver)
	list("storage-opts", &s.StorageOpts)
	boolean("userland-proxy", &s.UserlandProxy)
	boolean("iptables", &s.Iptables)
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].(*ParseError).Line < errs[j].(*ParseError).Line })
		return nil, errs[0]
	}
	return s, nil
}

// typeMsg turns json's "cannot unmarshal string into Go value of type
// bool" into what a daemon.json author recognises.
func typeMsg(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := te.Type.Kind().String()
		switch want {
		case "slice":
			want = "a list"
		case "map", "struct":
			want = "an object"
		case "int64":
			want = "a number"
		default:
			want = "a " + want
		}
		return fmt.Sprintf("want %s, not a JSON %s", want, te.Value)
	}
	return err.Error()
}
