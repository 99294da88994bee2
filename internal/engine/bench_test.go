package engine_test

import (
	"context"
	"testing"

	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/testengine"
)

// BenchmarkLoad100 measures one Load over 100 containers: "running" is the
// runtime audit's case (list, then inspect and top of each, concurrently);
// "stopped" has no top calls and shows what inspect alone costs. Starting
// and removing the containers is outside the timed loop.
func BenchmarkLoad100(b *testing.B) {
	cli, img := setup(b)
	for _, tc := range []struct {
		name    string
		stopped bool
	}{{"running", false}, {"stopped", true}} {
		b.Run(tc.name, func(b *testing.B) {
			scope := testengine.Unique("")
			startMany(b, cli, img, 100, scope, tc.stopped)
			sel := engine.Selector{Labels: []string{"hardhull.scope=" + scope}, All: tc.stopped}
			ctx := context.Background()
			for b.Loop() {
				cs, err := engine.Load(ctx, cli, sel)
				if err != nil {
					b.Fatal(err)
				}
				if len(cs) != 100 {
					b.Fatalf("loaded %d containers, want 100", len(cs))
				}
				for _, c := range cs {
					if c.Running == tc.stopped || (len(c.Processes) == 0) != tc.stopped {
						b.Fatalf("%s: Running=%v with %d processes", c.Name, c.Running, len(c.Processes))
					}
				}
			}
		})
	}
}
