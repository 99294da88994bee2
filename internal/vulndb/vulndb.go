// Package vulndb is hardhull's local vulnerability database: OSV exports
// imported once into a single bbolt file, keyed by ecosystem and
// normalised package name, so that a scan opens it read-only and looks up
// only the packages it found. No zip is parsed at scan time.
package vulndb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/hardhull/hardhull/internal/osv"
	bolt "go.etcd.io/bbolt"
)

// Schema is the layout version written to the meta bucket; a database
// with another version is refused and must be re-imported.
const Schema = "1"

// EnvPath overrides the database location (tests, CI caches).
const EnvPath = "HARDHULL_DB"

var (
	bucketMeta     = []byte("meta")
	bucketVulns    = []byte("vulns")
	bucketAffected = []byte("affected")
	keySchema      = []byte("schema")
	keySources     = []byte("sources")
)

// ErrNoDB means no database has been imported at the path.
var ErrNoDB = errors.New("no vulnerability database")

// DefaultPath is $HARDHULL_DB, else $XDG_CACHE_HOME/hardhull/vulndb.bolt
// (os.UserCacheDir: ~/.cache on Linux).
func DefaultPath() (string, error) {
	if p := os.Getenv(EnvPath); p != "" {
		return p, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("vulnerability database location: %w (set %s)", err, EnvPath)
	}
	return filepath.Join(dir, "hardhull", "vulndb.bolt"), nil
}

// Source is one imported export.
type Source struct {
	// ID names the export by its ecosystem directory and file
	// ("Debian/all.zip"); importing the same ID again replaces it.
	ID             string    `json:"id"`
	File           string    `json:"file"`
	SHA256         string    `json:"sha256"`
	Records        int       `json:"records"`
	Withdrawn      int       `json:"withdrawn"`
	Ecosystems     []string  `json:"ecosystems"`
	NewestModified time.Time `json:"newest_modified"`
	ImportedAt     time.Time `json:"imported_at"`
}

// Age is how old the source's data is: since its newest record was
// modified, or since import when records carry no dates.
func (s Source) Age(now time.Time) time.Duration {
	if !s.NewestModified.IsZero() {
		return now.Sub(s.NewestModified)
	}
	return now.Sub(s.ImportedAt)
}

// Entry is one affected-package entry of one record, as stored under its
// package key.
type Entry struct {
	ID                string          `json:"id"`
	Source            string          `json:"src"`
	Ecosystem         string          `json:"eco"`
	Name              string          `json:"name"`
	Ranges            []osv.Range     `json:"ranges,omitempty"`
	Versions          []string        `json:"versions,omitempty"`
	Severity          []osv.Severity  `json:"severity,omitempty"`
	EcosystemSpecific json.RawMessage `json:"es,omitempty"`
	DatabaseSpecific  json.RawMessage `json:"ds,omitempty"`
}

// record is what the vulns bucket holds: the OSV record without its
// affected list (that lives under the package keys).
type record struct {
	Source string `json:"src"`
	osv.Vulnerability
}

// DB is an open database, read-only.
type DB struct {
	Path    string
	bolt    *bolt.DB
	Sources []Source
}

// Open opens the database at path read-only; ErrNoDB when nothing was
// imported there.
func Open(path string) (*DB, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s", ErrNoDB, path)
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open vulnerability database %s: %w", path, err)
	}
	db := &DB{Path: path, bolt: b}
	err = b.View(func(tx *bolt.Tx) error {
		var err error
		db.Sources, err = readMeta(tx)
		return err
	})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return db, nil
}

func readMeta(tx *bolt.Tx) ([]Source, error) {
	m := tx.Bucket(bucketMeta)
	if m == nil || tx.Bucket(bucketVulns) == nil || tx.Bucket(bucketAffected) == nil {
		return nil, errors.New("not a hardhull vulnerability database")
	}
	if s := string(m.Get(keySchema)); s != Schema {
		return nil, fmt.Errorf("database schema %q, this hardhull reads %q: import again", s, Schema)
	}
	var srcs []Source
	if err := json.Unmarshal(m.Get(keySources), &srcs); err != nil {
		return nil, fmt.Errorf("database metadata: %w", err)
	}
	return srcs, nil
}

// Close releases the file.
func (db *DB) Close() error { return db.bolt.Close() }

// Newest is the newest record date over all sources (zero when empty).
func (db *DB) Newest() time.Time {
	var t time.Time
	for _, s := range db.Sources {
		if s.NewestModified.After(t) {
			t = s.NewestModified
		}
	}
	return t
}

// Has reports whether any source covers the base ecosystem.
func (db *DB) Has(base string) bool {
	for _, s := range db.Sources {
		for _, e := range s.Ecosystems {
			if e == base {
				return true
			}
		}
	}
	return false
}

func pkgPrefix(base, norm string) []byte {
	return []byte(base + "\x00" + norm + "\x00")
}

// Lookup returns the affected entries stored for a package; base is the
// ecosystem without release ("Debian"), name is normalised here.
func (db *DB) Lookup(base, name string) ([]Entry, error) {
	prefix := pkgPrefix(base, osv.NormalizeName(base, name))
	var out []Entry
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAffected).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("entry %q: %w", k, err)
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", db.Path, err)
	}
	return out, nil
}

// Get returns a record without its affected list; nil when absent.
func (db *DB) Get(id string) (*osv.Vulnerability, error) {
	var out *osv.Vulnerability
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketVulns).Get([]byte(id))
		if v == nil {
			return nil
		}
		var r record
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("record %s: %w", id, err)
		}
		out = &r.Vulnerability
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", db.Path, err)
	}
	return out, nil
}
