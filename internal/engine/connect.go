// Package engine reads running (and stopped) containers through the Docker
// Engine API and turns them into engine.Container artifacts: the inspect
// document plus, for running containers, the processes the engine's `top`
// reports. Rules judge these artifacts; this package does no judging.
package engine

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/docker/docker/client"
)

// pingTimeout bounds Connect when the caller's context has no deadline, so an
// address that swallows packets fails in seconds instead of hanging.
const pingTimeout = 15 * time.Second

// Connect builds a client from DOCKER_HOST, DOCKER_TLS_VERIFY and
// DOCKER_CERT_PATH (with API version negotiation, so engines from 20.10 on
// work) and pings the engine. It returns the address it tried, also on error,
// and the error is a single line that names that address.
func Connect(ctx context.Context) (*client.Client, string, error) {
	addr := os.Getenv(client.EnvOverrideHost)
	if addr == "" {
		addr = client.DefaultDockerHost
	}
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, addr, &UnreachableError{Addr: addr, Err: err, config: true}
	}
	addr = cli.DaemonHost()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, pingTimeout)
		defer cancel()
	}
	if _, err := cli.Ping(ctx); err != nil {
		cli.Close()
		return nil, addr, &UnreachableError{Addr: addr, Err: err}
	}
	return cli, addr, nil
}

// UnreachableError says the engine at Addr did not answer a ping, or that
// the client for it could not be configured (bad TLS settings). The CLI maps
// it to its own exit code.
type UnreachableError struct {
	Addr   string
	Err    error
	config bool
}

func (e *UnreachableError) Error() string {
	if e.config {
		return fmt.Sprintf("cannot configure Docker client for %s: %s", e.Addr, oneLine(e.Err))
	}
	// The client's own message repeats the address; say it once.
	msg := oneLine(e.Err)
	if rest, ok := strings.CutPrefix(msg, "Cannot connect to the Docker daemon at "+e.Addr+". "); ok {
		msg = strings.ToLower(rest[:1]) + rest[1:]
	}
	return fmt.Sprintf("cannot reach Docker engine at %s: %s", e.Addr, msg)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// oneLine folds an error onto one line: engine and TLS errors sometimes carry
// newlines, and the CLI promises a single line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
