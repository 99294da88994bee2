package vuln

import (
	"fmt"

	"github.com/google/osv-scalibr/semantic"
	"github.com/hardhull/hardhull/internal/osv"
	"github.com/hardhull/hardhull/internal/vulndb"
)

// versions compares version strings of one ecosystem with
// osv-scalibr/semantic (dpkg, apk, PEP 440, semver, ...).
type versions struct{ eco string }

// forRange picks the comparison a range type asks for: SEMVER ranges are
// semver whatever the ecosystem.
func (vs versions) forRange(typ string) versions {
	if typ == "SEMVER" {
		return versions{eco: "Go"} // semantic's Go versions are plain semver
	}
	return vs
}

func (vs versions) compare(a, b string) (int, error) {
	v, err := semantic.Parse(a, vs.eco)
	if err != nil {
		return 0, fmt.Errorf("version %q (%s): %w", a, vs.eco, err)
	}
	c, err := v.CompareStr(b)
	if err != nil {
		return 0, fmt.Errorf("version %q (%s): %w", b, vs.eco, err)
	}
	return c, nil
}

// affects decides whether installed lies in the entry's versions list or
// one of its ECOSYSTEM/SEMVER ranges, and returns the nearest fixed
// version of each range holding it. GIT ranges name commits and are not
// matched; OSV records for the ecosystems hardhull reads carry ECOSYSTEM
// ranges or versions as well.
func affects(installed, eco string, e *vulndb.Entry) (bool, []string, error) {
	vs := versions{eco: eco}
	if _, err := semantic.Parse(installed, eco); err != nil {
		return false, nil, fmt.Errorf("installed version %q (%s): %w", installed, eco, err)
	}
	hit := false
	for _, s := range e.Versions {
		if s == installed {
			hit = true
			break
		}
		if c, err := vs.compare(installed, s); err == nil && c == 0 {
			hit = true
			break
		}
	}
	var fixed []string
	for _, r := range e.Ranges {
		if r.Type != "ECOSYSTEM" && r.Type != "SEMVER" {
			continue
		}
		in, fx, err := vs.forRange(r.Type).inRange(installed, r.Events)
		if err != nil {
			return false, nil, fmt.Errorf("%s: %w", e.ID, err)
		}
		if in {
			hit = true
			fixed = append(fixed, fx...)
		}
	}
	return hit, fixed, nil
}

// inRange follows the OSV evaluation over unsorted events: an introduced
// event at or below v opens an interval; a fixed event in
// [introduced, v] or a last_affected event in [introduced, v) closes it.
// The fixed versions above v in an open interval are the upgrades; the
// lowest is returned.
func (vs versions) inRange(v string, events []osv.Event) (bool, []string, error) {
	affected := false
	var fixes []string
	for _, in := range events {
		if in.Introduced == "" {
			continue
		}
		if in.Introduced != "0" {
			c, err := vs.compare(v, in.Introduced)
			if err != nil {
				return false, nil, err
			}
			if c < 0 {
				continue
			}
		}
		closed := false
		var above []string
		for _, ev := range events {
			bound, isFix := ev.Fixed, true
			if bound == "" {
				bound, isFix = ev.LastAffected, false
			}
			if bound == "" {
				continue
			}
			if in.Introduced != "0" {
				// Only bounds of this interval: at or above its start.
				c, err := vs.compare(bound, in.Introduced)
				if err != nil {
					return false, nil, err
				}
				if c < 0 {
					continue
				}
			}
			c, err := vs.compare(v, bound)
			if err != nil {
				return false, nil, err
			}
			switch {
			case isFix && c >= 0, !isFix && c > 0:
				closed = true
			case isFix:
				above = append(above, bound)
			}
		}
		if closed {
			continue
		}
		affected = true
		if low, ok := vs.lowest(above); ok {
			fixes = append(fixes, low)
		}
	}
	return affected, fixes, nil
}

func (vs versions) lowest(list []string) (string, bool) {
	if len(list) == 0 {
		return "", false
	}
	best := list[0]
	for _, f := range list[1:] {
		if c, err := vs.compare(f, best); err == nil && c < 0 {
			best = f
		}
	}
	return best, true
}
