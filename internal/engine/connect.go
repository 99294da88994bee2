// Package engine reads running (and stopped) containers through the Docker
// Engine API and turns them into engine.Container artifacts: the inspect
// document plus, for running containers, the processes the engine's `top`
// reports. Rules judge these artifacts; this package does no judging.
package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
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
	return ConnectTimeout(ctx, 0)
}

// ConnectTimeout is Connect with a bound on every request: an engine that
// accepts the connection and never answers fails after timeout instead of
// hanging. Zero keeps Connect's behaviour (only the ping is bounded, and
// only when ctx has no deadline).
func ConnectTimeout(ctx context.Context, timeout time.Duration) (*client.Client, string, error) {
	addr := os.Getenv(client.EnvOverrideHost)
	if addr == "" {
		addr = client.DefaultDockerHost
	}
	opts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	if timeout > 0 {
		opts = append(opts, client.WithTimeout(timeout))
	}
	cli, err := client.NewClientWithOpts(opts...)
	if err != nil {
		return nil, addr, &UnreachableError{Addr: addr, Err: err, config: true}
	}
	addr = cli.DaemonHost()
	ping := timeout
	if ping <= 0 {
		ping = pingTimeout
	}
	if _, ok := ctx.Deadline(); !ok || timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, ping)
		defer cancel()
	}
	if _, err := cli.Ping(ctx); err != nil {
		cli.Close()
		return nil, addr, &UnreachableError{Addr: addr, Err: err, timeout: timedOut(err), after: ping}
	}
	return cli, addr, nil
}

// timedOut reports errors meaning the engine did not answer in time.
func timedOut(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// UnreachableError says the engine at Addr did not answer a ping, or that
// the client for it could not be configured (bad TLS settings). The CLI maps
// it to its own exit code.
type UnreachableError struct {
	Addr    string
	Err     error
	config  bool
	timeout bool
	after   time.Duration
}

func (e *UnreachableError) Error() string {
	if e.config {
		return fmt.Sprintf("cannot configure Docker client for %s: %s", e.Addr, oneLine(e.Err))
	}
	if e.timeout {
		return fmt.Sprintf("cannot reach Docker engine at %s: no answer within %s (raise --timeout if the engine is slow)", e.Addr, e.after)
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
