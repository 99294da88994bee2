package daemon

import (
	"strconv"
	"strings"
	"time"
)

// Release is one Docker Engine release branch.
type Release struct {
	Branch   string // "28.x", "26.1", "20.10"
	Major    int
	Minor    int // -1 when the branch covers every minor version of Major
	Released string
	// EndOfMaintenance is the date the branch stopped (or stops) receiving
	// fixes; "" while it is maintained with no end announced.
	EndOfMaintenance string
	Note             string
}

// ReleasesSource is where Releases comes from. The table records the
// Moby project's "Currently (and previously) maintained release branches":
// a branch's end is the end date the project documents, or else the date
// of the revision of that document that first lists it as Unmaintained.
// Release dates are the dates of the first release tags (vX.Y.0; 27.0.1 for 27.x, docker-v29.0.0 for 29.x). Update it when the
// project's table changes.
const ReleasesSource = "moby/moby project/BRANCHES-AND-TAGS.md (revision of 2026-05-13) and the release tags"

// Releases are the branches of Docker Engine 17.x and later, newest first.
var Releases = []Release{
	{"29.x", 29, -1, "2025-11-10", "", "maintained until after 30.x"},
	{"28.x", 28, -1, "2025-02-20", "2026-05-13", ""},
	{"27.x", 27, -1, "2024-06-25", "2025-05-02", ""},
	{"26.1", 26, 1, "2024-04-22", "2025-02-17", ""},
	{"26.0", 26, 0, "2024-03-20", "2024-07-29", ""},
	{"25.0", 25, 0, "2024-01-19", "2026-12-04", "maintained for Amazon Linux and Mirantis Container Runtime"},
	{"24.0", 24, 0, "2023-05-16", "2024-07-29", ""},
	{"23.0", 23, 0, "2023-02-02", "2025-05-19", ""},
	{"20.10", 20, 10, "2020-12-09", "2023-12-31", "documented end: December 2023; last release 20.10.27 on 2023-12-01"},
	{"19.03", 19, 3, "2019-07-22", "2021-03-31", "older than 23.0: unmaintained"},
}

// ReleaseOf finds the branch of an engine version ("20.10.24+dfsg1",
// "28.5.2", "v29.1.2"). ok is false for a version the table does not know
// (newer than its newest branch, or unparsable): such a version is not
// judged.
func ReleaseOf(version string) (Release, bool) {
	major, minor, ok := majorMinor(version)
	if !ok {
		return Release{}, false
	}
	for _, r := range Releases {
		if r.Major == major && (r.Minor < 0 || r.Minor == minor) {
			return r, true
		}
	}
	oldest := Releases[len(Releases)-1]
	if major < oldest.Major || (major == oldest.Major && minor < oldest.Minor) || (major > 19 && major < 23) {
		// Anything older than the table's oldest branch is long past its
		// end; so are the 17.x/18.x lines and 21/22, which never shipped.
		return Release{Branch: strconv.Itoa(major) + "." + strconv.Itoa(minor), Major: major, Minor: minor, EndOfMaintenance: oldest.EndOfMaintenance, Note: "older than 23.0: unmaintained"}, true
	}
	return Release{}, false
}

// Ended reports whether the branch's maintenance ended before now.
func (r Release) Ended(now time.Time) bool {
	if r.EndOfMaintenance == "" {
		return false
	}
	end, err := time.Parse("2006-01-02", r.EndOfMaintenance)
	if err != nil {
		return false
	}
	return now.After(end.Add(24 * time.Hour))
}

// Distribution reports whether the version string carries a distribution's
// packaging suffix (Debian's "+dfsg1", Ubuntu's "-0ubuntu1"): such builds
// may carry fixes backported by the distribution.
func Distribution(version string) bool {
	return strings.ContainsAny(version, "+~") || strings.Contains(version, "ubuntu")
}

func majorMinor(v string) (int, int, bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	v = strings.TrimPrefix(v, "docker-v")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err := strconv.Atoi(parts[0])
	if err != nil {
		return 0, 0, false
	}
	minorStr := parts[1]
	if i := strings.IndexFunc(minorStr, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minorStr = minorStr[:i]
	}
	minor, err := strconv.Atoi(minorStr)
	if err != nil {
		return 0, 0, false
	}
	// Before 23.0 versions were YY.MM (17.03 ... 20.10).
	return major, minor, true
}
