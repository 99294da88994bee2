package engine

import (
	"strconv"
	"strings"

	"github.com/docker/docker/api/types/container"
)

// maxField caps the length of a command or user kept from top: the engine
// host's ps output is not ours to trust with unbounded memory.
const maxField = 4096

// parseTop turns the engine's top table into processes. Columns are found by
// title, so both our ps arguments (PID UID USER COMMAND) and the engine's
// default -ef (UID PID PPID C STIME TTY TIME CMD, where UID is a name) work,
// as do Windows engines (Name PID ...). Short rows yield what they have.
func parseTop(top container.TopResponse) []Process {
	pidCol, uidCol, userCol, cmdCol := -1, -1, -1, -1
	for i, t := range top.Titles {
		switch strings.ToUpper(strings.TrimSpace(t)) {
		case "PID":
			pidCol = i
		case "UID", "EUID":
			if uidCol < 0 {
				uidCol = i
			}
		case "USER", "EUSER":
			if userCol < 0 {
				userCol = i
			}
		case "COMMAND", "CMD", "ARGS", "NAME":
			cmdCol = i
		}
	}
	cell := func(row []string, i int) string {
		if i < 0 || i >= len(row) {
			return ""
		}
		s := strings.TrimSpace(row[i])
		if len(s) > maxField {
			s = s[:maxField]
		}
		return s
	}
	procs := make([]Process, 0, len(top.Processes))
	for _, row := range top.Processes {
		p := Process{UID: -1, Command: cell(row, cmdCol), User: cell(row, userCol)}
		if n, err := strconv.Atoi(cell(row, pidCol)); err == nil && n >= 0 {
			p.PID = n
		}
		if u := cell(row, uidCol); u != "" {
			if n, err := strconv.ParseUint(u, 10, 32); err == nil {
				p.UID = int(n)
			} else if p.User == "" {
				// ps -ef prints a name in its UID column.
				p.User = u
			}
		}
		if p.UID < 0 && p.User == "root" {
			// Every Unix maps root to 0; other names are the host's business.
			p.UID = 0
		}
		procs = append(procs, p)
	}
	return procs
}
