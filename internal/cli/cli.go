// Package cli wires flags to the pipeline. It holds no analysis: every
// command calls a front (scan, image, runtime, fix, init), then policy and
// a reporter.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/hardhull/hardhull/internal/buildinfo"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
)

// Version is what reports name: a link-time value (see internal/buildinfo;
// -X .../cli.Version still works), else what the toolchain recorded.
var Version = "dev"

func init() {
	if Version == "dev" {
		Version = buildinfo.Get().Version
	}
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err != nil {
		return e.err.Error()
	}
	return fmt.Sprintf("exit %d", e.code)
}

func usageErr(format string, a ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, a...)}
}

// Execute runs the CLI and returns the process exit code.
func Execute(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := &cobra.Command{
		Use:           "hardhull",
		Short:         "Audit containerized apps against Docker security best practices, and repair them",
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// Libraries underneath (compose-go) log warnings through logrus; the
	// loaders report what matters as input errors, so keep stderr clean.
	logrus.SetOutput(io.Discard)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newScanCmd(), newRulesCmd(), newExplainCmd(), newVersionCmd())
	for _, c := range extraCommands {
		root.AddCommand(c())
	}
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "hardhull: %v\n", ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "hardhull: %v\n", err)
	return 2
}

// extraCommands lets each front register its command from its own file.
var extraCommands []func() *cobra.Command

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
