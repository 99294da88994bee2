package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/image"
	"github.com/hardhull/hardhull/internal/imageaudit"
	"github.com/hardhull/hardhull/internal/trustaudit"
	"github.com/hardhull/hardhull/internal/verify"
	"github.com/hardhull/hardhull/internal/vulndb"
	"github.com/spf13/cobra"
)

func init() { extraCommands = append(extraCommands, newImageCmd) }

func newImageCmd() *cobra.Command {
	var (
		out      outputFlags
		vf       verifyFlags
		tag      string
		platform string
		insecure bool
		noProg   bool
		db       dbFlag
		vulnOpts imageaudit.VulnOptions
	)
	c := &cobra.Command{
		Use:   "image REF",
		Short: "Audit a built image layer by layer, without a Docker daemon",
		Long: `Audit a built image: its config (user, env, labels, history, health check) and every
layer's files, including files that a later layer deleted (they still ship).

REF is one of:
  app.tar                       docker save output (pick a tag with --tag)
  oci-archive:app-oci.tar       an OCI image archive
  oci:./layout[:tag]            an OCI image layout directory
  docker:app:latest             an image in the local Docker engine (DOCKER_HOST)
  registry.example.com/app:1.2  a registry (credentials from ~/.docker/config.json)`,
		Example: `  docker save myapp:prod -o app.tar && hardhull image app.tar
  hardhull image --platform linux/arm64 registry.example.com/app:1.2
  hardhull image registry.example.com/app@sha256:... --verify-key cosign.pub
  hardhull image registry.example.com/app:1.4 --certificate-oidc-issuer https://token.actions.githubusercontent.com \
      --certificate-identity https://github.com/org/app/.github/workflows/release.yml@refs/tags/v1.4`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			cfg, err := out.loadConfig(".")
			if err != nil {
				return err
			}
			topts, err := vf.options(cfg, insecure)
			if err != nil {
				return err
			}
			topts.Platform = platform
			checker := trustaudit.New(topts)
			defer checker.Close()
			source := args[0]
			opts := imageaudit.Options{Image: image.Options{Tag: tag, Platform: platform, Insecure: insecure}, Vulns: vulnOpts}
			opts.Vulns.DB = db.path
			if vf.layout != "" {
				// The image itself comes from the layout too, by its
				// reference as ref name.
				if !image.IsRegistryRef(args[0]) {
					return usageErr("with --layout, REF is the image's reference (its ref name in the layout), not %s", args[0])
				}
				source, opts.Image.Tag = image.PrefixOCILayout+vf.layout, args[0]
				if st, err := os.Stat(vf.layout); err == nil && !st.IsDir() {
					source = image.PrefixOCIArchive + vf.layout
				}
			} else if !image.IsRegistryRef(args[0]) && (len(topts.Keys) > 0 || len(topts.Identities) > 0) {
				return usageErr("%s: signatures are read from the registry, or from an OCI layout with --layout DIR and REF as the image's reference", args[0])
			}
			verifying := image.IsRegistryRef(args[0]) && checker.RequiredRef(args[0])
			var bar *progress
			if !noProg && isTerminal(c.ErrOrStderr()) {
				bar = newProgress(c.ErrOrStderr())
				opts.Image.Progress = bar.update
			}
			res, err := imageaudit.Audit(c.Context(), source, opts)
			bar.done()
			if err != nil {
				return usageErr("%v", err)
			}
			if verifying {
				v, err := checker.Check(c.Context(), args[0], finding.Location{})
				if err != nil {
					return usageErr("verify %s: %v", args[0], err)
				}
				trustaudit.Apply(res, []*verify.Verdict{v}, nil)
			}
			return out.finish(c, res, ".", cfg)
		},
	}
	out.register(c)
	vf.register(c)
	c.Flags().StringVar(&tag, "tag", "", "the tag to audit in a docker save archive holding several")
	c.Flags().StringVar(&platform, "platform", "", "os/arch[/variant] to pick from a multi-platform index (default linux/amd64)")
	c.Flags().BoolVar(&insecure, "insecure", false, "allow a plain-HTTP registry")
	c.Flags().BoolVar(&noProg, "no-progress", false, "no progress bar on a terminal")
	db.register(c)
	c.Flags().BoolVar(&vulnOpts.Off, "no-vulns", false, "do not match packages against the vulnerability database")
	c.Flags().BoolVar(&vulnOpts.IgnoreUnfixed, "ignore-unfixed", false, "hide vulnerabilities without a released fix")
	c.Flags().StringArrayVar(&vulnOpts.VEX, "vex", nil, "OpenVEX document whose not_affected and fixed statements suppress vulnerabilities (repeatable)")
	c.Flags().DurationVar(&vulnOpts.MaxAge, "max-db-age", vulndb.MaxAge, "a database source older than this is a finding (VU002)")
	return c
}

// progress draws bytes read per layer on a terminal, at most 10 times a second.
type progress struct {
	w     io.Writer
	mu    sync.Mutex
	bytes map[int]int64
	last  time.Time
}

func newProgress(w io.Writer) *progress { return &progress{w: w, bytes: map[int]int64{}} }

func (p *progress) update(layer int, n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bytes[layer] = n
	if time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	var total int64
	for _, b := range p.bytes {
		total += b
	}
	fmt.Fprintf(p.w, "\rreading layers: %d active, %.1f MiB", len(p.bytes), float64(total)/(1<<20))
}

func (p *progress) done() {
	if p == nil {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
}
