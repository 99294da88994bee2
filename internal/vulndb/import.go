package vulndb

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hardhull/hardhull/internal/osv"
	bolt "go.etcd.io/bbolt"
)

// maxDetails trims record details: reports show the summary and link to
// the record; the full text stays in the export.
const maxDetails = 2048

// batch is how many records one write transaction holds: large enough to
// amortise commits, small enough to bound memory.
const batch = 5000

// SourceID names an export by its parent directory and file name, the
// shape OSV publishes (<Ecosystem>/all.zip).
func SourceID(file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		abs = file
	}
	return filepath.Base(filepath.Dir(abs)) + "/" + filepath.Base(abs)
}

// Import builds the database at path from the exports in zips plus every
// source of the existing database that they do not replace. It writes a
// new file next to path and renames it into place, so a failed import
// leaves the previous database untouched and readers never see a
// half-written one.
func Import(path string, zips []string, now time.Time) ([]Source, error) {
	if len(zips) == 0 {
		return nil, errors.New("no export to import")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("database directory: %w", err)
	}
	replaced := map[string]bool{}
	for _, z := range zips {
		id := SourceID(z)
		if replaced[id] {
			return nil, fmt.Errorf("%s: imported twice in one run (source %s)", z, id)
		}
		replaced[id] = true
	}
	tmp := path + ".tmp-" + strconv.Itoa(os.Getpid())
	os.Remove(tmp)
	nb, err := bolt.Open(tmp, 0o644, &bolt.Options{NoSync: true, NoFreelistSync: true, Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", tmp, err)
	}
	ok := false
	defer func() {
		if !ok {
			nb.Close()
			os.Remove(tmp)
		}
	}()
	if err := nb.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketVulns, bucketAffected} {
			if _, err := tx.CreateBucket(b); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	var sources []Source
	kept, err := copyKept(path, nb, replaced)
	if err != nil {
		return nil, err
	}
	sources = append(sources, kept...)
	for _, z := range zips {
		s, err := importZip(nb, z, now)
		if err != nil {
			return nil, err
		}
		sources = append(sources, s)
	}
	sort.Slice(sources, func(i, j int) bool { return sources[i].ID < sources[j].ID })
	if err := nb.Update(func(tx *bolt.Tx) error {
		m := tx.Bucket(bucketMeta)
		b, err := json.Marshal(sources)
		if err != nil {
			return err
		}
		if err := m.Put(keySchema, []byte(Schema)); err != nil {
			return err
		}
		return m.Put(keySources, b)
	}); err != nil {
		return nil, err
	}
	if err := nb.Sync(); err != nil {
		return nil, fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err := nb.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("install database: %w", err)
	}
	ok = true
	return sources, nil
}

// copyKept carries over the existing database's sources not being
// replaced. A missing database is fine; an unreadable one is an error
// (the user decides whether to delete it).
func copyKept(path string, nb *bolt.DB, replaced map[string]bool) ([]Source, error) {
	old, err := Open(path)
	if errors.Is(err, ErrNoDB) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("existing database: %w (remove it to start afresh)", err)
	}
	defer old.Close()
	var kept []Source
	for _, s := range old.Sources {
		if !replaced[s.ID] {
			kept = append(kept, s)
		}
	}
	if len(kept) == 0 {
		return nil, nil
	}
	err = old.bolt.View(func(otx *bolt.Tx) error {
		for _, name := range [][]byte{bucketVulns, bucketAffected} {
			var src struct {
				Source string `json:"src"`
			}
			c := otx.Bucket(name).Cursor()
			tx, err := nb.Begin(true)
			if err != nil {
				return err
			}
			n := 0
			for k, v := c.First(); k != nil; k, v = c.Next() {
				src.Source = ""
				if err := json.Unmarshal(v, &src); err != nil {
					tx.Rollback()
					return fmt.Errorf("existing database entry %q: %w", k, err)
				}
				if replaced[src.Source] {
					continue
				}
				if err := tx.Bucket(name).Put(append([]byte(nil), k...), append([]byte(nil), v...)); err != nil {
					tx.Rollback()
					return err
				}
				if n++; n%batch == 0 {
					if err := tx.Commit(); err != nil {
						return err
					}
					if tx, err = nb.Begin(true); err != nil {
						return err
					}
				}
			}
			if err := tx.Commit(); err != nil {
				return err
			}
		}
		return nil
	})
	return kept, err
}

func importZip(nb *bolt.DB, file string, now time.Time) (Source, error) {
	s := Source{ID: SourceID(file), File: filepath.Base(file), ImportedAt: now.UTC()}
	sum, err := fileSHA256(file)
	if err != nil {
		return s, err
	}
	s.SHA256 = sum
	ecos := map[string]bool{}
	tx, err := nb.Begin(true)
	if err != nil {
		return s, err
	}
	defer func() { tx.Rollback() }()
	n := 0
	err = osv.WalkZip(file, func(v *osv.Vulnerability) error {
		s.Records++
		if v.IsWithdrawn() {
			s.Withdrawn++
		}
		if t := v.ModifiedTime(); t.After(s.NewestModified) {
			s.NewestModified = t.UTC()
		}
		if err := putRecord(tx, s.ID, v, ecos); err != nil {
			return fmt.Errorf("%s: %s: %w", file, v.ID, err)
		}
		if n++; n%batch == 0 {
			if err := tx.Commit(); err != nil {
				return err
			}
			var err error
			tx, err = nb.Begin(true)
			return err
		}
		return nil
	})
	if err != nil {
		return s, err
	}
	if err := tx.Commit(); err != nil {
		return s, err
	}
	for e := range ecos {
		s.Ecosystems = append(s.Ecosystems, e)
	}
	sort.Strings(s.Ecosystems)
	return s, nil
}

func putRecord(tx *bolt.Tx, src string, v *osv.Vulnerability, ecos map[string]bool) error {
	aff := tx.Bucket(bucketAffected)
	for i, a := range v.Affected {
		if a.Package.Ecosystem == "" || a.Package.Name == "" {
			continue
		}
		base := osv.BaseEcosystem(a.Package.Ecosystem)
		ecos[base] = true
		e := Entry{ID: v.ID, Source: src, Ecosystem: a.Package.Ecosystem, Name: a.Package.Name,
			Ranges: a.Ranges, Versions: a.Versions, Severity: a.Severity,
			EcosystemSpecific: a.EcosystemSpecific, DatabaseSpecific: a.DatabaseSpecific}
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		key := append(pkgPrefix(base, osv.NormalizeName(base, a.Package.Name)), []byte(v.ID+"\x00"+strconv.Itoa(i))...)
		if err := aff.Put(key, b); err != nil {
			return err
		}
	}
	r := record{Source: src, Vulnerability: *v}
	r.Affected = nil
	if len(r.Details) > maxDetails {
		r.Details = strings.ToValidUTF8(r.Details[:maxDetails], "") + "…"
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketVulns).Put([]byte(v.ID), b)
}

func fileSHA256(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("open export: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("%s: not a regular file", file)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", file, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
