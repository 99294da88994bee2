package vulndb

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/osv/osvtest"
)

var now = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

func importFixtures(t *testing.T) (*DB, string) {
	t.Helper()
	dir := t.TempDir()
	deb, err := osvtest.WriteZip(dir, "Debian", osvtest.Debian)
	if err != nil {
		t.Fatal(err)
	}
	py, err := osvtest.WriteZip(dir, "PyPI", osvtest.PyPI)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "cache", "hardhull", "vulndb.bolt")
	if _, err := Import(path, []string{deb, py}, now); err != nil {
		t.Fatal(err)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dir
}

func TestImportSourcesAndLookup(t *testing.T) {
	db, _ := importFixtures(t)
	if len(db.Sources) != 2 {
		t.Fatalf("sources = %+v", db.Sources)
	}
	deb := db.Sources[0]
	if deb.ID != "Debian/all.zip" || deb.Records != 10 || deb.Withdrawn != 1 || len(deb.SHA256) != 64 ||
		strings.Join(deb.Ecosystems, ",") != "Debian" || !deb.NewestModified.Equal(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)) ||
		!deb.ImportedAt.Equal(now) {
		t.Errorf("Debian source = %+v", deb)
	}
	if py := db.Sources[1]; py.ID != "PyPI/all.zip" || py.Records != 3 {
		t.Errorf("PyPI source = %+v", py)
	}
	es, err := db.Lookup("Debian", "openssl")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ID+"@"+e.Ecosystem)
	}
	if got := strings.Join(ids, " "); got != "DEBIAN-CVE-2099-0001@Debian:12 DEBIAN-CVE-2099-0008@Debian:11 DSA-9001-1@Debian:12" {
		t.Errorf("openssl entries = %s", got)
	}
	// PyPI names are PEP 503-normalised on both sides.
	for _, n := range []string{"jinja2", "Jinja2", "JINJA_2"[:5] + "2"} {
		es, err := db.Lookup("PyPI", n)
		if err != nil || len(es) != 1 || es[0].ID != "GHSA-dddd-eeee-ffff" {
			t.Errorf("Lookup(PyPI, %q) = %+v, %v", n, es, err)
		}
	}
	if es, _ := db.Lookup("Debian", "no-such-package"); len(es) != 0 {
		t.Errorf("unknown package: %+v", es)
	}
	// Unknown fields do not drop the record; withdrawn records are kept.
	for _, id := range []string{"DEBIAN-CVE-2099-0006", "DEBIAN-CVE-2099-0005"} {
		v, err := db.Get(id)
		if err != nil || v == nil {
			t.Fatalf("Get(%s) = %v, %v", id, v, err)
		}
		if len(v.Affected) != 0 {
			t.Errorf("%s: vulns bucket carries affected", id)
		}
	}
	if v, _ := db.Get("DEBIAN-CVE-2099-0005"); !v.IsWithdrawn() {
		t.Error("withdrawn flag lost")
	}
	if !db.Has("PyPI") || db.Has("Alpine") {
		t.Error("Has")
	}
}

func TestReimportReplacesOnlyItsSource(t *testing.T) {
	db, dir := importFixtures(t)
	path := db.Path
	db.Close()
	// A newer Debian export without DSA-9001-1: the record disappears,
	// PyPI stays.
	recs := map[string]string{}
	for k, v := range osvtest.Debian {
		if k != "DSA-9001-1.json" {
			recs[k] = v
		}
	}
	deb, err := osvtest.WriteZip(dir, "Debian", recs)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Import(path, []string{deb}, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	db2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if len(db2.Sources) != 2 || db2.Sources[0].Records != 9 || db2.Sources[1].Records != 3 {
		t.Fatalf("sources after re-import = %+v", db2.Sources)
	}
	if v, _ := db2.Get("DSA-9001-1"); v != nil {
		t.Error("replaced source's record survived")
	}
	es, _ := db2.Lookup("Debian", "openssl")
	for _, e := range es {
		if e.ID == "DSA-9001-1" {
			t.Error("replaced source's entry survived")
		}
	}
	if es, _ := db2.Lookup("PyPI", "starlette"); len(es) != 2 {
		t.Errorf("kept source lost entries: %+v", es)
	}
}

func TestStatus(t *testing.T) {
	db, _ := importFixtures(t)
	var b bytes.Buffer
	n, err := db.WriteStatus(&b, now, MaxAge)
	if err != nil || n != 0 {
		t.Fatalf("fresh: %d stale, %v", n, err)
	}
	out := b.String()
	for _, want := range []string{"Debian/all.zip", "10 records (1 withdrawn)", "PyPI/all.zip", "total: 13 records from 2 sources", "age 2d"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	n, _ = db.WriteStatus(&b, now.Add(10*24*time.Hour), MaxAge)
	if n != 2 || strings.Count(b.String(), "warning:") != 2 || !strings.Contains(b.String(), "hardhull db update") {
		t.Errorf("stale: %d\n%s", n, b.String())
	}
}

func TestOpenMissing(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "none.bolt"))
	if !errors.Is(err, ErrNoDB) {
		t.Fatalf("err = %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv(EnvPath, "")
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg")
	if p, _ := DefaultPath(); p != "/tmp/xdg/hardhull/vulndb.bolt" {
		t.Errorf("XDG: %s", p)
	}
	t.Setenv(EnvPath, "/tmp/x.bolt")
	if p, _ := DefaultPath(); p != "/tmp/x.bolt" {
		t.Errorf("env: %s", p)
	}
}

// A broken record fails the import with the zip, member and line, and the
// previous database stays as it was.
func TestImportHostile(t *testing.T) {
	db, dir := importFixtures(t)
	path := db.Path
	db.Close()
	bad, err := osvtest.WriteZip(dir, "Debian", map[string]string{"A.json": "{\"id\":\"A\",\n\"affected\": [1,\n"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Import(path, []string{bad}, now)
	if err == nil || !strings.Contains(err.Error(), "all.zip: A.json:") {
		t.Fatalf("err = %v", err)
	}
	notzip := filepath.Join(dir, "x", "all.zip")
	os.MkdirAll(filepath.Dir(notzip), 0o755)
	os.WriteFile(notzip, []byte("PK\x03\x04garbage"), 0o644)
	if _, err := Import(path, []string{notzip}, now); err == nil || !strings.Contains(err.Error(), "not a readable zip") {
		t.Fatalf("not a zip: %v", err)
	}
	noid, _ := osvtest.WriteZip(dir, "Debian", map[string]string{"B.json": `{"summary":"x"}`})
	if _, err := Import(path, []string{noid}, now); err == nil || !strings.Contains(err.Error(), "no id") {
		t.Fatalf("no id: %v", err)
	}
	db2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if len(db2.Sources) != 2 || db2.Sources[0].Records != 10 {
		t.Errorf("failed import changed the database: %+v", db2.Sources)
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Errorf("leftover files: %v", ents)
	}
}
