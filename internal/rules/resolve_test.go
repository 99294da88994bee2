package rules

import "testing"

func TestResolve(t *testing.T) {
	// Every equivalent the catalogue declares resolves back to a rule
	// claiming it, bare and tool-prefixed.
	n := 0
	for _, r := range All() {
		for tool, ids := range r.Equivalents {
			for _, id := range ids {
				for _, in := range []string{id, tool + ":" + id} {
					gotTool, rs := Resolve(in)
					found := false
					for _, x := range rs {
						found = found || x.ID == r.ID
					}
					if !found || gotTool != tool {
						t.Errorf("Resolve(%q) = %s %v, want %s claimed by %s", in, gotTool, ids, tool, r.ID)
					}
					n++
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("the catalogue declares no equivalents")
	}
	if tool, rs := Resolve("df001"); tool != "" || len(rs) != 1 || rs[0].ID != "DF001" {
		t.Errorf("Resolve(df001) = %q %v", tool, rs)
	}
	for _, bad := range []string{"DF999", "DL9999", "hadolint:", "nope:DL3007"} {
		if _, rs := Resolve(bad); len(rs) != 0 {
			t.Errorf("Resolve(%q) = %v, want nothing", bad, rs)
		}
	}
}
