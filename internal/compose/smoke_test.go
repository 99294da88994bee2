package compose

import (
	"context"
	"fmt"
	"testing"
)

func TestSmoke(t *testing.T) {
	for _, files := range [][]string{DefaultFiles("testdata/fastapi"), {"testdata/extends/compose.yml"}, {"testdata/v38/docker-compose.yml"}, {"testdata/anchors/compose.yaml"}, {"testdata/include/compose.yaml"}} {
		p, err := Load(context.Background(), Options{Files: files})
		if err != nil {
			t.Log(err)
			continue
		}
		t.Log(p.Name, p.Dir, p.Files, p.Warnings)
		for _, s := range p.Services() {
			b, _ := s.BuildSpec()
			t.Logf("%s pos=%v capdrop=%v env=%v raw=%v build=%+v nets=%+v secrets=%+v health=%v limits=%+v restart=%q ports=%+v ds=%v", s.Name, s.Pos(), s.Pos("cap_drop"), s.Environment, s.RawEnv(), b, s.NetworkAttachments(), fmt.Sprint(s.SecretRefs()), s.Health(), s.Limits(), s.RestartPolicy(), s.Ports, s.IsDataStore())
		}
	}
}
