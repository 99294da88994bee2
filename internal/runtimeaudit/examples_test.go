package runtimeaudit

import (
	"encoding/json"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
)

// TestCatalogueExamples runs each container rule's examples: the example's
// inspect JSON is merged over a hardened container's, as the engine would
// report it, and judged. Real containers are audited in engine_test.go.
func TestCatalogueExamples(t *testing.T) {
	n := 0
	for _, r := range rules.ByKind(finding.KindContainer) {
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
	if n < 20 {
		t.Fatalf("only %d container examples", n)
	}
}

func fired(t *testing.T, files map[string]string, id string) int {
	t.Helper()
	c, err := exampleContainer(files)
	if err != nil {
		t.Fatal(err)
	}
	res := Judge([]*engine.Container{c}, nil)
	n := 0
	for _, f := range res.Findings {
		if f.Rule.ID == id {
			n++
		}
	}
	return n
}

func exampleContainer(files map[string]string) (*engine.Container, error) {
	var base, over map[string]any
	if err := json.Unmarshal([]byte(rules.HardenedInspect), &base); err != nil {
		return nil, err
	}
	if s, ok := files["inspect.json"]; ok {
		if err := json.Unmarshal([]byte(s), &over); err != nil {
			return nil, err
		}
	}
	merged, err := json.Marshal(merge(base, over))
	if err != nil {
		return nil, err
	}
	var ins container.InspectResponse
	if err := json.Unmarshal(merged, &ins); err != nil {
		return nil, err
	}
	c := &engine.Container{Name: "api", ID: "0123456789ab", Inspect: ins, Running: ins.State != nil && ins.State.Running}
	if s, ok := files["processes.json"]; ok {
		if err := json.Unmarshal([]byte(s), &c.Processes); err != nil {
			return nil, err
		}
	}
	if c.Inspect.Config == nil {
		c.Inspect.Config = &container.Config{}
	}
	return c, nil
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
