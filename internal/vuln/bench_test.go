package vuln

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/inventory"
	"github.com/hardhull/hardhull/internal/vulndb"
)

// benchRecords is the size of the generated export (HARDHULL_BENCH_RECORDS
// overrides; the goal in docs/benchmarks.md is stated for 300,000).
func benchRecords() int {
	if n, err := strconv.Atoi(os.Getenv("HARDHULL_BENCH_RECORDS")); err == nil && n > 0 {
		return n
	}
	return 300_000
}

const benchNames = 30_000

var details = strings.Repeat("A flaw was found in the parser that allows a remote attacker to cause a denial of service. ", 6)

// writeExport writes n OSV records, half Debian:12 and half PyPI, over
// benchNames package names, shaped like real records (aliases, details,
// references, two range events).
func writeExport(tb testing.TB, dir string, n int) string {
	tb.Helper()
	// HARDHULL_BENCH_EXPORT=DIR keeps the export for measuring the CLI
	// (`hardhull db import DIR/Mixed/all.zip`).
	if keep := os.Getenv("HARDHULL_BENCH_EXPORT"); keep != "" {
		dir = keep
	}
	p := filepath.Join(dir, "Mixed", "all.zip")
	os.MkdirAll(filepath.Dir(p), 0o755)
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for i := 0; i < n; i++ {
		eco, name, fixed := "Debian:12", fmt.Sprintf("pkg%05d", i%benchNames), fmt.Sprintf("1.%d-1", i%50)
		if i%2 == 1 {
			eco, fixed = "PyPI", fmt.Sprintf("1.%d", i%50)
		}
		w, err := zw.Create(fmt.Sprintf("REC-%07d.json", i))
		if err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(w, `{"id":"REC-%07d","modified":"2026-11-30T10:00:00Z","published":"2026-01-01T00:00:00Z","aliases":["CVE-2099-%07d"],
"summary":"generated record %d","details":%q,
"references":[{"type":"ADVISORY","url":"https://security-tracker.debian.org/tracker/CVE-2099-%07d"}],
"affected":[{"package":{"ecosystem":%q,"name":%q},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":%q}]}]}]}`,
			i, i, i, details, i, eco, name, fixed)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return p
}

// BenchmarkImport imports a generated export into a fresh database.
func BenchmarkImport(b *testing.B) {
	dir := b.TempDir()
	z := writeExport(b, dir, benchRecords())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := filepath.Join(dir, fmt.Sprintf("db%d.bolt", i))
		if _, err := vulndb.Import(p, []string{z}, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRecords()), "records")
}

// BenchmarkMatch500 is what a scan adds to `hardhull image`: open the
// database and match 500 packages (250 Debian, 250 PyPI).
func BenchmarkMatch500(b *testing.B) {
	dir := b.TempDir()
	z := writeExport(b, dir, benchRecords())
	p := filepath.Join(dir, "db.bolt")
	if _, err := vulndb.Import(p, []string{z}, time.Now()); err != nil {
		b.Fatal(err)
	}
	var pkgs []inventory.Package
	for i := 0; i < 500; i++ {
		name := fmt.Sprintf("pkg%05d", i*53%benchNames)
		if i%2 == 0 {
			pkgs = append(pkgs, inventory.Package{Type: inventory.TypeDeb, Ecosystem: "Debian:12", Name: name, Version: "1.20-1", Layer: -1})
		} else {
			pkgs = append(pkgs, inventory.Package{Type: inventory.TypePython, Ecosystem: "PyPI", Name: name, Version: "1.20", Layer: -1})
		}
	}
	b.ResetTimer()
	found := 0
	for i := 0; i < b.N; i++ {
		db, err := vulndb.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		r, err := Match(db, pkgs)
		if err != nil {
			b.Fatal(err)
		}
		found = len(r.Findings)
		db.Close()
	}
	b.ReportMetric(float64(found), "findings")
}
