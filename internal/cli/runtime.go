package cli

import (
	"errors"
	"time"

	"github.com/hardhull/hardhull/internal/engine"
	"github.com/hardhull/hardhull/internal/engineaudit"
	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/runtimeaudit"
	"github.com/hardhull/hardhull/internal/trustaudit"
	"github.com/spf13/cobra"
)

func init() { extraCommands = append(extraCommands, newRuntimeCmd) }

func newRuntimeCmd() *cobra.Command {
	var (
		out          outputFlags
		sel          engine.Selector
		withEngine   bool
		engineOnly   bool
		daemonConfig string
		timeout      time.Duration
		vf           verifyFlags
		verify       bool
	)
	c := &cobra.Command{
		Use:   "runtime [NAME|ID...]",
		Short: "Audit running containers (and the engine) through the Docker Engine API",
		Long: `Audit containers as the engine runs them: configuration (user, capabilities, security
options, limits, mounts, ports, namespaces, restart policy, health, logging) and, for running
containers, the processes the engine's top reports — the seed's whoami/ps check.
With --engine, the engine itself too (CIS Docker Benchmark section 2: version support,
user namespaces, seccomp, inter-container communication, live restore, logging, registries,
authorization, the daemon socket) and its image and container sprawl (section 6).
Honours DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH.`,
		Example: `  hardhull runtime                       # every running container
  hardhull runtime api db
  hardhull runtime --compose-project shop --label tier=web
  hardhull runtime --all                 # stopped containers too
  hardhull runtime --engine              # the engine as well as the containers
  hardhull runtime --engine-only --daemon-config /etc/docker/daemon.json
  hardhull runtime --verify              # and verify each container's image by the signatures policy`,
		RunE: func(c *cobra.Command, args []string) error {
			sel.Names = args
			if engineOnly && (len(args) > 0 || sel.ComposeProject != "" || len(sel.Labels) > 0 || sel.All) {
				return usageErr("--engine-only audits the engine alone: it takes no container selection")
			}
			if daemonConfig != "" && !withEngine && !engineOnly {
				return usageErr("--daemon-config needs --engine or --engine-only")
			}
			if timeout <= 0 {
				return usageErr("--timeout must be positive")
			}
			if vf.any() && !verify {
				return usageErr("--verify-key and --certificate-* apply with --verify")
			}
			if verify && engineOnly {
				return usageErr("--verify judges containers' images: it does not go with --engine-only")
			}
			cli, _, err := engine.ConnectTimeout(c.Context(), timeout)
			if err != nil {
				return usageErr("%v", err)
			}
			defer cli.Close()
			cfg, err := out.loadConfig(".")
			if err != nil {
				return err
			}
			res := &finding.Result{Command: "runtime"}
			if !engineOnly {
				var r *finding.Result
				if verify {
					topts, oerr := vf.options(cfg, false)
					if oerr != nil {
						return oerr
					}
					if len(topts.Keys) == 0 && len(topts.Identities) == 0 && len(cfg.Signatures.Images) == 0 {
						return usageErr("--verify: nothing to verify against: add signatures: to .hardhull.yaml, or give --verify-key or --certificate-identity")
					}
					ch := trustaudit.New(topts)
					defer ch.Close()
					r, err = runtimeaudit.AuditVerify(c.Context(), cli, sel, nil, ch)
				} else {
					var opts runtimeaudit.Options
					if daemonConfig != "" {
						if opts.Daemon, err = engineaudit.ReadConfig(daemonConfig); err != nil {
							return usageErr("%v", err)
						}
					}
					r, err = runtimeaudit.AuditWith(c.Context(), cli, sel, nil, opts)
				}
				if err != nil {
					return engineErr(err)
				}
				res = r
			}
			if withEngine || engineOnly {
				r, err := engineaudit.Audit(c.Context(), cli, engineaudit.Options{DaemonConfig: daemonConfig}, nil)
				if err != nil {
					return engineErr(err)
				}
				res.Add(r)
			}
			return out.finish(c, res, ".", cfg)
		},
	}
	out.register(c)
	c.Flags().StringVar(&sel.ComposeProject, "compose-project", "", "only containers of this compose project")
	c.Flags().StringArrayVar(&sel.Labels, "label", nil, "only containers with this label (key or key=value; repeatable)")
	c.Flags().BoolVarP(&sel.All, "all", "a", false, "include stopped containers (their configuration)")
	c.Flags().BoolVar(&withEngine, "engine", false, "also audit the engine (daemon) itself")
	c.Flags().BoolVar(&engineOnly, "engine-only", false, "audit only the engine, no containers")
	c.Flags().StringVar(&daemonConfig, "daemon-config", "", "the daemon.json the engine runs with: judges what the API does not report, and where the two differ")
	c.Flags().DurationVar(&timeout, "timeout", 8*time.Second, "give up on an engine that does not answer a request within this time")
	c.Flags().BoolVar(&verify, "verify", false, "verify the signatures and provenance of each container's image (by its registry digest) against the signatures policy")
	vf.register(c)
	return c
}

func engineErr(err error) error {
	var ue *engine.UnreachableError
	if errors.As(err, &ue) {
		return usageErr("%v", ue)
	}
	return usageErr("%v", err)
}
