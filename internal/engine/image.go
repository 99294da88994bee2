package engine

import (
	"context"
	"fmt"

	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
)

// ImageClient reads image metadata from the engine.
type ImageClient interface {
	ImageInspect(ctx context.Context, imageID string, opts ...client.ImageInspectOption) (image.InspectResponse, error)
}

// RepoDigests returns the registry digests (repo@sha256:...) the engine
// recorded for the image a container runs: what was pulled, which is what
// a signature can be looked up for. Locally built images have none.
func RepoDigests(ctx context.Context, cli ImageClient, c *Container) ([]string, error) {
	img, err := cli.ImageInspect(ctx, c.Inspect.Image)
	if err != nil {
		return nil, fmt.Errorf("inspect image %s of container %s: %w", c.Inspect.Image, c.Name, err)
	}
	return img.RepoDigests, nil
}
