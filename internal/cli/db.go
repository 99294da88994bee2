package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/hardhull/hardhull/internal/vulndb"
	"github.com/spf13/cobra"
)

func init() { extraCommands = append(extraCommands, newDBCmd) }

// dbFlag is the --db flag shared by db and the scanning commands.
type dbFlag struct{ path string }

func (d *dbFlag) register(c *cobra.Command) {
	c.PersistentFlags().StringVar(&d.path, "db", "", "vulnerability database file (default $"+vulndb.EnvPath+", else $XDG_CACHE_HOME/hardhull/vulndb.bolt)")
}

func (d *dbFlag) resolve() (string, error) {
	if d.path != "" {
		return d.path, nil
	}
	return vulndb.DefaultPath()
}

func newDBCmd() *cobra.Command {
	var db dbFlag
	c := &cobra.Command{
		Use:   "db",
		Short: "Manage the local vulnerability database (OSV exports, offline)",
		Long: `hardhull matches packages against a local database built from OSV exports
(<Ecosystem>/all.zip from https://osv-vulnerabilities.storage.googleapis.com).
Import them once; scans then open the database read-only and never touch the network.`,
	}
	db.register(c)
	imp := &cobra.Command{
		Use:     "import ZIP...",
		Short:   "Import OSV exports (e.g. Debian/all.zip PyPI/all.zip) into the database",
		Example: "  hardhull db import ~/Downloads/Debian/all.zip ~/Downloads/PyPI/all.zip",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			p, err := db.resolve()
			if err != nil {
				return usageErr("%v", err)
			}
			start := time.Now()
			srcs, err := vulndb.Import(p, args, time.Now())
			if err != nil {
				return usageErr("db import: %v", err)
			}
			total := 0
			for _, s := range srcs {
				total += s.Records
			}
			fmt.Fprintf(c.OutOrStdout(), "imported %d exports into %s in %s (%d records from %d sources)\n",
				len(args), p, time.Since(start).Round(time.Millisecond), total, len(srcs))
			return nil
		},
	}
	var maxAge time.Duration
	status := &cobra.Command{
		Use:   "status",
		Short: "Show the database's sources, record counts and age",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			p, err := db.resolve()
			if err != nil {
				return usageErr("%v", err)
			}
			d, err := vulndb.Open(p)
			if errors.Is(err, vulndb.ErrNoDB) {
				return usageErr("%v: run `hardhull db update` where the internet is reachable, or `hardhull db import <Ecosystem>/all.zip...` with OSV exports copied in", err)
			}
			if err != nil {
				return usageErr("%v", err)
			}
			defer d.Close()
			_, err = d.WriteStatus(c.OutOrStdout(), time.Now(), maxAge)
			return err
		},
	}
	status.Flags().DurationVar(&maxAge, "max-age", vulndb.MaxAge, "warn about sources older than this")
	c.AddCommand(imp, status)
	return c
}
