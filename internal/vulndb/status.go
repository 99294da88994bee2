package vulndb

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// MaxAge is the default age after which the database counts as stale.
const MaxAge = 7 * 24 * time.Hour

// Stale lists the sources older than maxAge.
func (db *DB) Stale(now time.Time, maxAge time.Duration) []Source {
	var out []Source
	for _, s := range db.Sources {
		if s.Age(now) > maxAge {
			out = append(out, s)
		}
	}
	return out
}

// WriteStatus prints the sources, their record counts and ages, and a
// warning per source older than maxAge. It returns the number of stale
// sources.
func (db *DB) WriteStatus(w io.Writer, now time.Time, maxAge time.Duration) (int, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "database: %s\n", db.Path)
	if len(db.Sources) == 0 {
		b.WriteString("no sources imported\n")
	}
	total := 0
	for _, s := range db.Sources {
		total += s.Records
		fmt.Fprintf(&b, "  %-24s %8d records (%d withdrawn)  ecosystems: %s\n", s.ID, s.Records, s.Withdrawn, strings.Join(s.Ecosystems, ", "))
		newest := "no record dates"
		if !s.NewestModified.IsZero() {
			newest = "newest record " + s.NewestModified.Format(time.RFC3339)
		}
		fmt.Fprintf(&b, "  %-24s sha256 %s  %s  imported %s  age %s\n", "", shortSum(s.SHA256), newest, s.ImportedAt.Format(time.RFC3339), days(s.Age(now)))
	}
	stale := db.Stale(now, maxAge)
	for _, s := range stale {
		fmt.Fprintf(&b, "warning: %s is %s old (more than %s): run `hardhull db update`, or `hardhull db import` a fresh export\n", s.ID, days(s.Age(now)), days(maxAge))
	}
	fmt.Fprintf(&b, "total: %d records from %d sources\n", total, len(db.Sources))
	_, err := io.WriteString(w, b.String())
	return len(stale), err
}

func shortSum(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func days(d time.Duration) string {
	if d < 48*time.Hour {
		return fmt.Sprintf("%.0fh", d.Hours())
	}
	return fmt.Sprintf("%.0fd", d.Hours()/24)
}
