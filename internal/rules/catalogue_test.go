package rules

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestCatalogueValid(t *testing.T) {
	if err := Validate(); err != nil {
		t.Fatal(err)
	}
	if len(All()) < 20 {
		t.Fatalf("catalogue has only %d rules", len(All()))
	}
}

// TestDocsUpToDate fails when docs/rules.md no longer matches the
// catalogue; `go test ./internal/rules -update` regenerates it.
func TestDocsUpToDate(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "docs", "rules.md")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./internal/rules -update`)", err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Fatal("docs/rules.md is stale: run `go test ./internal/rules -update` (or `make docs`)")
	}
}

func TestEquivalentLookup(t *testing.T) {
	for _, tc := range []struct{ tool, id, want string }{
		{"hadolint", "DL3007", "DF003"},
		{"trivy", "DS002", "DF001"},
		{"trivy", "AVD-DS-0002", "DF001"},
		{"trivy", "DS-0026", "DF019"},
	} {
		rs := ClaimingEquivalent(tc.tool, tc.id)
		if len(rs) != 1 || rs[0].ID != tc.want {
			t.Errorf("%s %s: got %v, want %s", tc.tool, tc.id, rs, tc.want)
		}
	}
}

func TestCommands(t *testing.T) {
	cmds := textWords("apt-get update && apt-get install -y --no-install-recommends gcc \\\n  make; curl -fsSL https://x | sh # comment\n")
	var progs []string
	for _, c := range cmds {
		progs = append(progs, program(c))
	}
	want := []string{"apt-get", "apt-get", "curl", "sh"}
	if len(progs) != len(want) {
		t.Fatalf("got %q, want %q", progs, want)
	}
	for i := range want {
		if progs[i] != want[i] {
			t.Fatalf("got %q, want %q", progs, want)
		}
	}
	if _, pkgs, ok := pkgInstall(cmds[1]); !ok || len(pkgs) != 2 || pkgs[0] != "gcc" || pkgs[1] != "make" {
		t.Fatalf("pkgInstall: %v %v", pkgs, ok)
	}
}
