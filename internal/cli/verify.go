package cli

import (
	"fmt"

	"github.com/hardhull/hardhull/internal/config"
	"github.com/hardhull/hardhull/internal/trustaudit"
	"github.com/hardhull/hardhull/internal/verify"
	"github.com/spf13/cobra"
)

// verifyFlags are the signature requirements given on the command line;
// when any is set they replace the policy's for the images checked.
type verifyFlags struct {
	keys           []string
	identity       string
	identityRegexp string
	issuer         string
	issuerRegexp   string
	trustedRoot    string
	provenance     bool
	offline        bool
	layout         string
}

func (v *verifyFlags) register(c *cobra.Command) {
	f := c.Flags()
	f.StringArrayVar(&v.keys, "verify-key", nil, "require a signature by this public key (cosign.pub); repeatable")
	f.StringVar(&v.identity, "certificate-identity", "", "require a keyless signature by this certificate identity (SAN)")
	f.StringVar(&v.identityRegexp, "certificate-identity-regexp", "", "like --certificate-identity, as a regular expression")
	f.StringVar(&v.issuer, "certificate-oidc-issuer", "", "OIDC issuer of the keyless identity (https://token.actions.githubusercontent.com)")
	f.StringVar(&v.issuerRegexp, "certificate-oidc-issuer-regexp", "", "like --certificate-oidc-issuer, as a regular expression")
	f.StringVar(&v.trustedRoot, "trusted-root", "", "Sigstore trusted_root.json for keyless verification (default: the one `hardhull trust import` stored, or the policy's)")
	f.BoolVar(&v.provenance, "require-provenance", false, "with --verify-key or --certificate-identity: also require build provenance")
	f.BoolVar(&v.offline, "offline", false, "verify using only what is on disk: images, signatures and attestations from the OCI layout given with --layout")
	f.StringVar(&v.layout, "layout", "", "OCI image layout directory or OCI archive (.tar) holding the images (by their full reference as ref name), their signatures and attestations")
}

func (v *verifyFlags) any() bool {
	return len(v.keys) > 0 || v.identity != "" || v.identityRegexp != "" || v.issuer != "" || v.issuerRegexp != "" || v.trustedRoot != "" || v.provenance || v.offline || v.layout != ""
}

func (v *verifyFlags) options(cfg *config.Config, insecure bool) (trustaudit.Options, error) {
	o := trustaudit.Options{Config: cfg, Keys: v.keys, TrustedRoot: v.trustedRoot, Insecure: insecure, Provenance: v.provenance, Offline: v.offline, Layout: v.layout}
	if v.offline && v.layout == "" {
		return o, usageErr("--offline reads images and signatures from an OCI layout: give --layout DIR")
	}
	idSet := v.identity != "" || v.identityRegexp != ""
	issSet := v.issuer != "" || v.issuerRegexp != ""
	switch {
	case idSet != issSet:
		return o, usageErr("--certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp] go together")
	case v.identity != "" && v.identityRegexp != "", v.issuer != "" && v.issuerRegexp != "":
		return o, usageErr("give the exact value or the -regexp form, not both")
	case idSet:
		o.Identities = []verify.Identity{{Issuer: v.issuer, IssuerRegex: v.issuerRegexp, Subject: v.identity, SubjectRegex: v.identityRegexp}}
	}
	if v.provenance && len(o.Keys) == 0 && len(o.Identities) == 0 {
		return o, usageErr("--require-provenance needs --verify-key or --certificate-identity (or a policy in .hardhull.yaml)")
	}
	return o, nil
}

func init() { extraCommands = append(extraCommands, newTrustCmd) }

func newTrustCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "trust",
		Short: "Manage the Sigstore trusted root used for keyless verification",
	}
	c.AddCommand(&cobra.Command{
		Use:   "import trusted_root.json",
		Short: "Store a trusted_root.json (from `cosign trusted-root create` or TUF) for offline keyless verification",
		Long: `Validate a Sigstore trusted_root.json and store it in hardhull's config directory, where
keyless verification finds it. Verification never fetches trust material: on an air-gapped
machine, import the file once (copy it from a connected machine, e.g. the sigstore TUF
repository's trusted_root.json) and re-import when Sigstore rotates keys.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dst, err := verify.ImportRoot(args[0])
			if err != nil {
				return usageErr("%v", err)
			}
			fmt.Fprintf(c.OutOrStdout(), "trusted root stored in %s\n", dst)
			return nil
		},
	})
	return c
}
