package rules

import (
	"strings"

	"github.com/hardhull/hardhull/internal/dockerfile"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/shell"
)

// words returns each command a RUN, CMD or ENTRYPOINT runs (from the one
// shell view, wrappers looked through) as its words, program first.
func words(in *dockerfile.Instruction) [][]string {
	cs := in.Shell().Commands
	out := make([][]string, 0, len(cs))
	for _, c := range cs {
		if len(c.Args) > 0 {
			out = append(out, c.Values())
		}
	}
	return out
}

func program(cmd []string) string {
	if len(cmd) == 0 {
		return ""
	}
	return shell.Base(cmd[0])
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
		if hasWord(cmd, "-s", "--simulate", "--dry-run", "--just-print", "--no-act", "--recon") {
			return "", nil, false // only asks what would be installed
		}
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

// AtCommand locates a command inside an instruction: its own line, so a
// finding about the fifth line of a long RUN points there.
func (p *Pass) AtCommand(in *dockerfile.Instruction, c shell.Command) finding.Location {
	line := c.Line
	if line < in.Line || line > in.EndLine {
		line = in.Line
	}
	return finding.Location{Path: p.Dockerfile.Path, Line: line, Column: 1}
}

// fetcher reports commands that download: curl, wget and friends.
func fetcher(c shell.Command) bool {
	switch c.Program() {
	case "curl", "wget", "fetch", "aria2c", "http", "busybox":
		return c.Program() != "busybox" || c.Has("wget")
	}
	return false
}

// interpreter reports programs that run the code they read: shells and
// language runtimes (`| sh`, `| bash -s --`, `| python3 -`, `| node`).
func interpreter(prog string) bool {
	switch strings.TrimRight(prog, "0123456789.") {
	case "sh", "bash", "zsh", "ash", "dash", "ksh", "mksh", "fish", "python", "perl", "php", "ruby", "node", "nodejs", "pwsh", "powershell", "lua", "tclsh", "Rscript", "deno", "bun":
		return true
	}
	return false
}
