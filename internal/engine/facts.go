package engine

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/system"
	"golang.org/x/sync/errgroup"
)

// FactsClient is the part of the Engine API that LoadFacts uses;
// *client.Client satisfies it.
type FactsClient interface {
	Info(ctx context.Context) (system.Info, error)
	ServerVersion(ctx context.Context) (types.Version, error)
	NetworkList(ctx context.Context, options network.ListOptions) ([]network.Summary, error)
	PluginList(ctx context.Context, filter filters.Args) (types.PluginsListResponse, error)
	ImageList(ctx context.Context, options image.ListOptions) ([]image.Summary, error)
	ContainerList(ctx context.Context, options container.ListOptions) ([]container.Summary, error)
	DaemonHost() string
}

// Facts is the engine itself as its API reports it: the artifact engine
// rules judge. JSON field names follow the API's, so a recorded answer of a
// real engine can be loaded as an example or a test fixture.
type Facts struct {
	// Addr is the address the client reached the engine at.
	Addr string `json:"Addr"`
	// TLS is true when the client's connection to Addr used TLS.
	TLS bool `json:"TLS"`

	Info    system.Info   `json:"Info"`
	Version types.Version `json:"Version"`
	// Networks are the engine's networks with their driver options; the
	// default bridge ("bridge") carries enable_icc.
	Networks []network.Summary `json:"Networks"`
	// Plugins are managed (v2) plugins; legacy authorization plugins show
	// in Info.Plugins.Authorization instead.
	Plugins types.PluginsListResponse `json:"Plugins"`
	// Images and Containers (all, running or not) are for the sprawl
	// facts of CIS section 6.
	Images     []image.Summary     `json:"Images"`
	Containers []container.Summary `json:"Containers"`
}

// Transport is the scheme of Addr: unix, tcp, npipe, ssh, fd.
func (f *Facts) Transport() string {
	s, _, ok := strings.Cut(f.Addr, "://")
	if !ok {
		return ""
	}
	return s
}

// DefaultBridge returns the engine's default bridge network ("bridge"), or
// nil when the engine runs without one (--bridge=none).
func (f *Facts) DefaultBridge() *network.Summary {
	for i := range f.Networks {
		n := &f.Networks[i]
		if n.Name == "bridge" && n.Driver == "bridge" {
			return n
		}
	}
	return nil
}

// LoadFacts reads /info, /version, /networks, /plugins, /images/json and
// /containers/json concurrently. Every call must succeed: an engine audit
// over a partial answer would report settings as absent that are merely
// unread.
func LoadFacts(ctx context.Context, cli FactsClient) (*Facts, error) {
	f := &Facts{Addr: cli.DaemonHost(), TLS: usesTLS(cli)}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		if f.Info, err = cli.Info(gctx); err != nil {
			return fmt.Errorf("engine info: %w", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if f.Version, err = cli.ServerVersion(gctx); err != nil {
			return fmt.Errorf("engine version: %w", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if f.Networks, err = cli.NetworkList(gctx, network.ListOptions{}); err != nil {
			return fmt.Errorf("list networks: %w", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if f.Plugins, err = cli.PluginList(gctx, filters.NewArgs()); err != nil {
			return fmt.Errorf("list plugins: %w", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if f.Images, err = cli.ImageList(gctx, image.ListOptions{All: false}); err != nil {
			return fmt.Errorf("list images: %w", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if f.Containers, err = cli.ContainerList(gctx, container.ListOptions{All: true}); err != nil {
			return fmt.Errorf("list containers: %w", err)
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return f, nil
}

// usesTLS reports whether the client talks TLS: FromEnv installs a TLS
// configuration on the transport when DOCKER_CERT_PATH or
// DOCKER_TLS_VERIFY is set.
func usesTLS(cli FactsClient) bool {
	hc, ok := cli.(interface{ HTTPClient() *http.Client })
	if !ok || hc.HTTPClient() == nil {
		return false
	}
	tr, ok := hc.HTTPClient().Transport.(*http.Transport)
	return ok && tr.TLSClientConfig != nil
}
