package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/osv/osvtest"
)

// TestDBImportStatus runs `db import` and `db status` as a user does, with
// the database path from --db and from HARDHULL_DB.
func TestDBImportStatus(t *testing.T) {
	dir := t.TempDir()
	deb, err := osvtest.WriteZip(dir, "Debian", osvtest.Debian)
	if err != nil {
		t.Fatal(err)
	}
	py, err := osvtest.WriteZip(dir, "PyPI", osvtest.PyPI)
	if err != nil {
		t.Fatal(err)
	}
	dbp := filepath.Join(dir, "db.bolt")
	code, out, errs := hh(t, "", "db", "import", "--db", dbp, deb, py)
	if code != 0 || !strings.Contains(out, "13 records from 2 sources") {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	t.Setenv("HARDHULL_DB", dbp)
	code, out, errs = hh(t, "", "db", "status")
	if code != 0 || !strings.Contains(out, "Debian/all.zip") || !strings.Contains(out, "PyPI/all.zip") {
		t.Fatalf("status: %d %s %s", code, out, errs)
	}
	code, out, _ = hh(t, "", "db", "status", "--max-age", "1h")
	if code != 0 || strings.Count(out, "warning:") != 2 {
		t.Errorf("stale status: %d %s", code, out)
	}
	code, _, errs = hh(t, "", "db", "status", "--db", filepath.Join(dir, "none.bolt"))
	if code != 2 || !strings.Contains(errs, "hardhull db import") {
		t.Errorf("missing db: %d %s", code, errs)
	}
	code, _, errs = hh(t, "", "db", "import", "--db", dbp, filepath.Join(dir, "nope.zip"))
	if code != 2 || !strings.Contains(errs, "nope.zip") {
		t.Errorf("missing zip: %d %s", code, errs)
	}
}
