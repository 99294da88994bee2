package engineaudit

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/daemon"
	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
)

// TestCatalogueExamples runs every engine rule's examples that are engine
// answers: the example's /info (and facts) merged over a hardened engine's,
// as a real engine would answer, judged with the daemon.json it names.
// Examples that are daemon.json files alone run through the scan pipeline
// (internal/scan), and through the parser here too.
func TestCatalogueExamples(t *testing.T) {
	n := 0
	for _, r := range rules.ByKind(finding.KindEngine) {
		for i, ex := range r.Bad {
			n++
			if c := fired(t, ex.Files, r.ID); c == 0 {
				t.Errorf("%s bad example %d did not fire: %v", r.ID, i, ex.Files)
			}
		}
		for i, ex := range r.Good {
			n++
			if c := fired(t, ex.Files, r.ID); c != 0 {
				t.Errorf("%s good example %d fired %d times: %v", r.ID, i, c, ex.Files)
			}
		}
	}
	if n < 40 {
		t.Fatalf("only %d engine examples", n)
	}
}

// The hardened engine and the hardened daemon.json pass every rule.
func TestHardenedPassesAll(t *testing.T) {
	f, err := exampleFacts(map[string]string{"info.json": "{}"})
	if err != nil {
		t.Fatal(err)
	}
	file := parseSettings(t, rules.DaemonJSON(""))
	for _, fs := range []*daemon.Settings{nil, file} {
		res := Judge(f, fs, time.Now(), nil)
		for _, fd := range res.Findings {
			t.Errorf("hardened engine (file %v): %s %s at %s", fs != nil, fd.Rule.ID, fd.Message, fd.Location)
		}
	}
	res := judgeFile(file)
	for _, fd := range res {
		t.Errorf("hardened daemon.json: %s %s at %s", fd.Rule.ID, fd.Message, fd.Location)
	}
}

func fired(t *testing.T, files map[string]string, id string) int {
	t.Helper()
	var fs []finding.Finding
	if src, ok := files[rules.DaemonExamplePath]; ok && len(files) == 1 {
		fs = judgeFile(parseSettings(t, src))
	} else {
		f, err := exampleFacts(files)
		if err != nil {
			t.Fatal(err)
		}
		var file *daemon.Settings
		if src, ok := files["daemon.json"]; ok {
			file = parseSettings(t, src)
		}
		fs = Judge(f, file, time.Now(), nil).Findings
	}
	c := 0
	for _, f := range fs {
		if f.Rule.ID == id {
			c++
		}
	}
	return c
}

func parseSettings(t *testing.T, src string) *daemon.Settings {
	t.Helper()
	cfg, err := daemon.Parse("daemon.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s, err := cfg.Settings()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func judgeFile(s *daemon.Settings) []finding.Finding {
	p := &rules.Pass{Ext: rules.Extensions{Daemon: s}}
	return rules.Run(p, rules.ByKind(finding.KindEngine))
}

// exampleFacts builds Facts from HardenedFacts with the example's
// info.json merged over its Info and facts.json over the rest.
func exampleFacts(files map[string]string) (*engine.Facts, error) {
	var base map[string]any
	if err := json.Unmarshal([]byte(rules.HardenedFacts), &base); err != nil {
		return nil, err
	}
	if s, ok := files["info.json"]; ok {
		var over map[string]any
		if err := json.Unmarshal([]byte(s), &over); err != nil {
			return nil, fmt.Errorf("info.json: %w", err)
		}
		base["Info"] = merge(base["Info"].(map[string]any), over)
	}
	if s, ok := files["facts.json"]; ok {
		var over map[string]any
		if err := json.Unmarshal([]byte(s), &over); err != nil {
			return nil, fmt.Errorf("facts.json: %w", err)
		}
		base = merge(base, over)
	}
	b, err := json.Marshal(base)
	if err != nil {
		return nil, err
	}
	var f engine.Facts
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// merge overlays b on a: maps merge recursively, anything else replaces,
// and null deletes.
func merge(a, b map[string]any) map[string]any {
	for k, v := range b {
		if v == nil {
			delete(a, k)
			continue
		}
		am, aok := a[k].(map[string]any)
		bm, bok := v.(map[string]any)
		if aok && bok {
			a[k] = merge(am, bm)
			continue
		}
		a[k] = v
	}
	return a
}
