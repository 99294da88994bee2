package cli

import (
	"errors"

	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/runtimeaudit"
	"github.com/hardhull/hardhull/internal/trustaudit"
	"github.com/spf13/cobra"
)

func init() { extraCommands = append(extraCommands, newRuntimeCmd) }

func newRuntimeCmd() *cobra.Command {
	var (
		out    outputFlags
		sel    engine.Selector
		vf     verifyFlags
		verify bool
	)
	c := &cobra.Command{
		Use:   "runtime [NAME|ID...]",
		Short: "Audit running containers through the Docker Engine API",
		Long: `Audit containers as the engine runs them: configuration (user, capabilities, security
options, limits, mounts, ports, namespaces, restart policy, health) and, for running
containers, the processes the engine's top reports — the seed's whoami/ps check.
Honours DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH.`,
		Example: `  hardhull runtime                       # every running container
  hardhull runtime api db
  hardhull runtime --compose-project shop --label tier=web
  hardhull runtime --all                 # stopped containers too
  hardhull runtime --verify              # and verify each container's image by the signatures policy`,
		RunE: func(c *cobra.Command, args []string) error {
			sel.Names = args
			cli, _, err := engine.Connect(c.Context())
			if err != nil {
				return usageErr("%v", err)
			}
			defer cli.Close()
			cfg, err := out.loadConfig(".")
			if err != nil {
				return err
			}
			var res *finding.Result
			if verify {
				topts, err := vf.options(cfg, false)
				if err != nil {
					return err
				}
				if len(topts.Keys) == 0 && len(topts.Identities) == 0 && len(cfg.Signatures.Images) == 0 {
					return usageErr("--verify: nothing to verify against: add signatures: to .hardhull.yaml, or give --verify-key or --certificate-identity")
				}
				ch := trustaudit.New(topts)
				defer ch.Close()
				res, err = runtimeaudit.AuditVerify(c.Context(), cli, sel, nil, ch)
			} else if vf.any() {
				return usageErr("--verify-key and --certificate-* apply with --verify")
			} else {
				res, err = runtimeaudit.Audit(c.Context(), cli, sel, nil)
			}
			if err != nil {
				var ue *engine.UnreachableError
				if errors.As(err, &ue) {
					return usageErr("%v", ue)
				}
				return usageErr("%v", err)
			}
			return out.finish(c, res, ".", cfg)
		},
	}
	out.register(c)
	c.Flags().StringVar(&sel.ComposeProject, "compose-project", "", "only containers of this compose project")
	c.Flags().StringArrayVar(&sel.Labels, "label", nil, "only containers with this label (key or key=value; repeatable)")
	c.Flags().BoolVarP(&sel.All, "all", "a", false, "include stopped containers (their configuration)")
	c.Flags().BoolVar(&verify, "verify", false, "verify the signatures and provenance of each container's image (by its registry digest) against the signatures policy")
	vf.register(c)
	return c
}
