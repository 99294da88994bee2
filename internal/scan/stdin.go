package scan

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hardhull/hardhull/internal/dockerfile"
)

func (s *scanner) stdin() error {
	src, err := io.ReadAll(io.LimitReader(s.opts.Stdin, dockerfile.MaxSize+1))
	if err != nil {
		s.inputError("-", 0, err)
		return nil
	}
	if len(src) > dockerfile.MaxSize {
		// A cut input would be judged as if complete: refuse it, as the
		// same file on disk is refused.
		s.inputError("-", 0, fmt.Errorf("input larger than %d bytes", dockerfile.MaxSize))
		return nil
	}
	switch s.opts.StdinKind {
	case DockerfileKind, Unknown:
		u := &unit{path: "-", src: src}
		s.units = append(s.units, u)
		s.runUnits()
	case ComposeKind:
		dir, err := os.MkdirTemp("", "hardhull-stdin-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		f := filepath.Join(dir, "compose.yaml")
		if err := os.WriteFile(f, src, 0o600); err != nil {
			return err
		}
		s.composeSets = append(s.composeSets, composeSet{files: []string{f}, display: []string{"-"}})
		s.loadCompose(context.Background())
	case PythonKind:
		s.python = append(s.python, fileRef{display: "-"})
		s.runPythonSource("-", src)
	default:
		return fmt.Errorf("--stdin-kind: unsupported kind")
	}
	sortFindings(s.res.Findings)
	return nil
}
