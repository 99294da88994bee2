package vuln

import (
	"errors"
	"fmt"
	"time"

	"github.com/hardhull/hardhull/internal/vulndb"
)

// Options configure vulnerability matching for a front.
type Options struct {
	Off           bool          // no vulnerability matching at all
	DB            string        // database file; default vulndb.DefaultPath
	MaxAge        time.Duration // older sources are stale; default vulndb.MaxAge
	IgnoreUnfixed bool
	Now           time.Time // default time.Now
	// VEX are OpenVEX documents whose not_affected and fixed statements
	// suppress findings (applied by the fronts, internal/vex).
	VEX []string
}

// WithDefaults fills Now and MaxAge.
func (o Options) WithDefaults() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.MaxAge <= 0 {
		o.MaxAge = vulndb.MaxAge
	}
	return o
}

// Open opens the configured database. A missing database is not an
// error: db is nil and noDB says so and how to get one.
func (o Options) Open() (db *vulndb.DB, noDB string, err error) {
	path := o.DB
	if path == "" {
		if path, err = vulndb.DefaultPath(); err != nil {
			return nil, "", err
		}
	}
	db, err = vulndb.Open(path)
	if errors.Is(err, vulndb.ErrNoDB) {
		return nil, fmt.Sprintf("not scanned for vulnerabilities: %v; run `hardhull db update` where the internet is reachable, or `hardhull db import <Ecosystem>/all.zip...` with OSV exports copied in", err), nil
	}
	return db, "", err
}
