package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/hardhull/hardhull/internal/buildinfo"
	"github.com/spf13/cobra"
)

func newVersionCmd() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date and Go version of this binary",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			in := buildinfo.Get()
			if Version != in.Version && in.Source != "ldflags" {
				in.Version, in.Source = Version, "ldflags"
			}
			w := c.OutOrStdout()
			switch format {
			case "json":
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(in)
			case "text", "":
				fmt.Fprintf(w, "hardhull %s\n", in.Version)
				tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
				fmt.Fprintf(tw, "commit:\t%s\n", in.Commit)
				fmt.Fprintf(tw, "built:\t%s\n", in.Date)
				fmt.Fprintf(tw, "go:\t%s\n", in.GoVersion)
				fmt.Fprintf(tw, "platform:\t%s\n", in.Platform)
				return tw.Flush()
			}
			return usageErr("version --format: want text or json, not %q", format)
		},
	}
	c.Flags().StringVar(&format, "format", "text", "text or json")
	return c
}
