package compose

import (
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"gopkg.in/yaml.v3"
)

// Set is one compose project as `docker compose -f a -f b ...` loads it.
type Set struct {
	// Files are in merge order: the base, its default override, then the
	// overlays that extend it (same folder first).
	Files []string
	// Base counts the leading files that are the base and its default
	// override; the files after them are overlays.
	Base int
	// Shadowed are files in the base's folder with another default name
	// (docker-compose.yaml next to docker-compose.yml) that `docker
	// compose` never reads there and that define the same services; they
	// are not audited on their own, so no service is audited twice.
	Shadowed []string
}

// Group groups compose files found under one scan root into projects the
// way `docker compose` runs them. files are slash paths relative to root;
// the sets hold the same strings.
//
//   - A folder's default files (the first of cli.DefaultFileNames, with the
//     first of cli.DefaultOverrideFileNames) are one project.
//   - A fragment — a file with a service that has no image, build or
//     extends, which Compose cannot run on its own — is an overlay: it
//     merges onto the nearest base (same folder first, then parent folders
//     up to root) that defines one of its fragment services.
//   - Every other file is a project on its own.
func Group(root string, files []string) []Set {
	sums := make(map[string]fileSummary, len(files))
	byDir := map[string][]string{}
	var dirs []string
	for _, f := range files {
		sums[f] = summarize(filepath.Join(root, filepath.FromSlash(f)))
		d := path.Dir(f)
		if _, ok := byDir[d]; !ok {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], f)
	}
	sort.Strings(dirs)

	// Units are what loads together before overlays: a folder's default
	// files, or one file.
	type unit struct {
		files     []string
		shadowed  []string
		names     map[string]bool // services defined by the unit
		fragments []string        // services no file of the unit completes
		overlays  []*unit
		base      *unit
	}
	mkUnit := func(fs ...string) *unit {
		u := &unit{files: fs, names: map[string]bool{}}
		complete := map[string]bool{}
		for _, f := range fs {
			for n, c := range sums[f].services {
				u.names[n] = true
				if c {
					complete[n] = true
				}
			}
		}
		for n := range u.names {
			if !complete[n] {
				u.fragments = append(u.fragments, n)
			}
		}
		sort.Strings(u.fragments)
		return u
	}
	var units []*unit
	bases := map[string][]*unit{} // folder -> candidate bases, preferred first
	for _, d := range dirs {
		inDir := map[string]string{} // exact base name -> file
		for _, f := range byDir[d] {
			inDir[path.Base(f)] = f
		}
		var def []string
		for _, n := range cli.DefaultFileNames {
			if f, ok := inDir[n]; ok {
				def = append(def, f)
			}
		}
		taken := map[string]bool{}
		var dirUnits []*unit
		if len(def) > 0 {
			set := []string{def[0]}
			taken[def[0]] = true
			for _, n := range cli.DefaultOverrideFileNames {
				if f, ok := inDir[n]; ok {
					set = append(set, f)
					taken[f] = true
					break
				}
			}
			u := mkUnit(set...)
			// Other default names are not read by `docker compose` here;
			// one that repeats the chosen base's services is a copy.
			for _, other := range def[1:] {
				if u.fragments == nil && len(sums[other].fragments()) == 0 && overlaps(sums[other].services, u.names) {
					u.shadowed = append(u.shadowed, other)
					taken[other] = true
				}
			}
			dirUnits = append(dirUnits, u)
		}
		for _, f := range byDir[d] {
			if !taken[f] {
				dirUnits = append(dirUnits, mkUnit(f))
			}
		}
		for _, u := range dirUnits {
			units = append(units, u)
			if len(u.fragments) == 0 {
				bases[d] = append(bases[d], u)
			}
		}
	}
	for _, u := range units {
		if len(u.fragments) == 0 {
			continue
		}
		// The nearest folder with a base that defines one of the fragment
		// services; there, the base whose name the overlay extends
		// (docker-compose.test.yml for docker-compose.test.override.yml)
		// wins over the folder's default files.
		ostem := stem(u.files[0])
		for d := path.Dir(u.files[0]); ; d = path.Dir(d) {
			var best *unit
			bestLen := -1
			for _, b := range bases[d] {
				defines := false
				for _, n := range u.fragments {
					if b.names[n] {
						defines = true
						break
					}
				}
				if !defines {
					continue
				}
				l := 0
				if bs := stem(b.files[0]); strings.HasPrefix(ostem, bs+".") || strings.HasPrefix(ostem, bs+"-") {
					l = len(bs)
				}
				if l > bestLen {
					best, bestLen = b, l
				}
			}
			if best != nil {
				u.base = best
				best.overlays = append(best.overlays, u)
				break
			}
			if d == "." || d == "/" || d == "" {
				break
			}
		}
	}
	var out []Set
	for _, u := range units {
		if u.base != nil {
			continue
		}
		s := Set{Files: append([]string(nil), u.files...), Base: len(u.files), Shadowed: u.shadowed}
		for _, o := range u.overlays {
			s.Files = append(s.Files, o.files...)
		}
		out = append(out, s)
	}
	return out
}

// stem is a file's base name without its .yml/.yaml extension.
func stem(f string) string {
	b := path.Base(f)
	if s, ok := strings.CutSuffix(b, ".yaml"); ok {
		return s
	}
	s, _ := strings.CutSuffix(b, ".yml")
	return s
}

func overlaps(a, b map[string]bool) bool {
	for n := range a {
		if b[n] {
			return true
		}
	}
	return false
}

// fileSummary is what grouping needs of a file: its services, and for each
// whether it can run on its own (it has image, build or extends).
type fileSummary struct {
	services map[string]bool
}

func (s fileSummary) fragments() []string {
	var out []string
	for n, c := range s.services {
		if !c {
			out = append(out, n)
		}
	}
	return out
}

// summarize reads a compose file's services. A file that cannot be read or
// parsed has none; loading it reports the problem.
func summarize(file string) fileSummary {
	sum := fileSummary{services: map[string]bool{}}
	data, err := readBounded(file, DefaultMaxFileSize)
	if err != nil {
		return sum
	}
	ls, err := parseLayers(file, data)
	if err != nil {
		return sum
	}
	for _, l := range ls {
		svcs := servicesNode(l.root)
		if svcs == nil {
			continue
		}
		for _, kv := range mapEntries(svcs, 0) {
			name := kv[0].Value
			if strings.HasPrefix(name, "x-") && !isLegacy(l.root) {
				continue
			}
			v := resolve(kv[1])
			complete := false
			if v != nil && v.Kind == yaml.MappingNode {
				for _, k := range []string{"image", "build", "extends"} {
					if kk, _ := mapGet(v, k); kk != nil {
						complete = true
					}
				}
				// `<<: *base` may bring image or build.
				for _, e := range mapEntries(v, 0) {
					switch e[0].Value {
					case "image", "build", "extends":
						complete = true
					}
				}
			} else if v == nil || v.Kind != yaml.MappingNode {
				continue
			}
			sum.services[name] = sum.services[name] || complete
		}
	}
	return sum
}

// servicesNode returns the mapping of services: `services:`, or for a
// legacy v1 file the top level itself.
func servicesNode(root *yaml.Node) *yaml.Node {
	root = resolve(root)
	if root == nil || root.Kind != yaml.MappingNode {
		return nil
	}
	if _, v := mapGet(root, "services"); v != nil {
		if v = resolve(v); v != nil && v.Kind == yaml.MappingNode {
			return v
		}
		return nil
	}
	if isLegacy(root) {
		return root
	}
	return nil
}
