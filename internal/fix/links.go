package fix

import (
	"path/filepath"

	"github.com/hardhull/hardhull/internal/compose"
	"github.com/hardhull/hardhull/internal/scan"
)

// dfLink is what a compose service says about a Dockerfile it builds.
type dfLink struct {
	ctxDir string
	target string
}

// links maps Dockerfiles to how compose builds them, and compose files to
// their loaded projects.
type links struct {
	byDockerfile map[string][]dfLink
	projects     map[string]*compose.Project // compose file abs -> project
	dockerfiles  []string                    // every Dockerfile found, abs
}

// buildLinks loads the project's compose files the way scan groups them
// (a default file with its override), to learn build contexts and targets.
func (p *planner) buildLinks() *links {
	l := &links{byDockerfile: map[string][]dfLink{}, projects: map[string]*compose.Project{}}
	d, err := scan.Discover(p.root)
	if err != nil {
		return l
	}
	for _, f := range d.Dockerfiles {
		l.dockerfiles = append(l.dockerfiles, filepath.Join(p.root, filepath.FromSlash(f)))
	}
	for _, set := range composeSets(p.root, d.Compose) {
		proj, err := compose.Load(p.ctx, compose.Options{Files: set})
		if err != nil {
			continue
		}
		for _, f := range set {
			l.projects[f] = proj
		}
		for _, s := range proj.Services() {
			b, ok := s.BuildSpec()
			if !ok || b.RemoteContext || b.Dockerfile == "" {
				continue
			}
			l.byDockerfile[b.Dockerfile] = append(l.byDockerfile[b.Dockerfile], dfLink{ctxDir: b.Context, target: b.Target})
		}
	}
	return l
}

// composeSets groups compose files with compose.Group, the grouping scan
// uses: a folder's default files, with the overlays merged onto them.
func composeSets(root string, files []string) [][]string {
	var out [][]string
	for _, set := range compose.Group(root, files) {
		fs := make([]string, len(set.Files))
		for i, f := range set.Files {
			fs[i] = filepath.Join(root, filepath.FromSlash(f))
		}
		out = append(out, fs)
	}
	return out
}

// contextOf is a Dockerfile's build context: the one compose gives it, or
// its own directory.
func (l *links) contextOf(df string) string {
	for _, k := range l.byDockerfile[df] {
		if k.ctxDir != "" {
			return k.ctxDir
		}
	}
	return filepath.Dir(df)
}

func (l *links) targetOf(df string) string {
	for _, k := range l.byDockerfile[df] {
		if k.target != "" {
			return k.target
		}
	}
	return ""
}
