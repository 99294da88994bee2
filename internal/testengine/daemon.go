package testengine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docker/docker/client"
)

// Daemon is a second dockerd of a test's own, started with a daemon.json
// of the test's choosing. It shares nothing with the engine on the default
// socket: its own data root, exec root, pid file, unix socket and
// containerd namespace, and a network namespace of its own, where its
// docker0 and iptables chains live. (In the host's namespace a second
// daemon that manages iptables resets the first one's chains, and one
// started with --bridge=none deletes docker0.) With TCP it stays in the
// host's namespace, so that the loopback listener is reachable, on a
// bridge of its own and without iptables.
type Daemon struct {
	Client *client.Client
	// Addr is the unix socket, TCPAddr the plain-TCP listener when asked.
	// Bridge is the bridge interface made for it in the host's namespace
	// ("" when it runs in a network namespace of its own).
	Addr, TCPAddr string
	// ConfigPath is the daemon.json it was started with.
	ConfigPath string
	Dir        string
	Bridge     string
	logPath    string
}

// DaemonOptions configure StartDaemon.
type DaemonOptions struct {
	// Config is the daemon.json content.
	Config string
	// TCP also listens on a loopback TCP port without TLS. The daemon
	// then cannot manage iptables, so "icc": false is refused.
	TCP bool
}

// ErrNoSecondDaemon means this machine cannot run a second dockerd (not
// root, no dockerd or ip); the error says which.
var ErrNoSecondDaemon = errors.New("cannot start a second dockerd here")

// CanStartDaemon reports why a second daemon cannot start, or nil.
func CanStartDaemon() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("%w: not root", ErrNoSecondDaemon)
	}
	for _, bin := range []string{"dockerd", "ip"} {
		if _, err := exec.LookPath(bin); err != nil {
			return fmt.Errorf("%w: no %s in PATH", ErrNoSecondDaemon, bin)
		}
	}
	return nil
}

// StartDaemon starts a second dockerd and waits until it answers; it is
// stopped, and its bridge and directories removed, when the test ends.
// Under CI=true a machine that cannot start one fails the test; elsewhere
// the test is skipped with the reason.
func StartDaemon(t testing.TB, opts DaemonOptions) *Daemon {
	t.Helper()
	if err := CanStartDaemon(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("a second dockerd is required in CI: %v", err)
		}
		t.Skipf("%v", err)
	}
	d, err := startDaemon(t, opts)
	if err != nil {
		t.Fatalf("second dockerd: %v", err)
	}
	return d
}

func startDaemon(t testing.TB, opts DaemonOptions) (*Daemon, error) {
	dir, err := os.MkdirTemp("", "hhd-")
	if err != nil {
		return nil, err
	}
	// A remapped root must be able to traverse to its data root.
	if err := os.Chmod(dir, 0o711); err != nil {
		return nil, err
	}
	hex := randomHex()[:6]
	d := &Daemon{
		Dir:        dir,
		Addr:       "unix://" + filepath.Join(dir, "sock"),
		ConfigPath: filepath.Join(dir, "daemon.json"),
		Bridge:     "hhb" + hex,
		logPath:    filepath.Join(dir, "dockerd.log"),
	}
	_, docker0Err := net.InterfaceByName("docker0")
	hadDocker0 := docker0Err == nil
	var cmd *exec.Cmd
	t.Cleanup(func() {
		if cmd != nil && cmd.Process != nil {
			stop(cmd)
		}
		if d.Client != nil {
			d.Client.Close()
		}
		if d.Bridge != "" {
			exec.Command("ip", "link", "del", d.Bridge).Run()
		}
		// dockerd makes its data root a mount point and leaves it behind
		// when it fails to start.
		syscall.Unmount(filepath.Join(dir, "root"), syscall.MNT_DETACH)
		os.RemoveAll(dir)
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("second dockerd left %s behind", dir)
		}
		if _, err := net.InterfaceByName("docker0"); hadDocker0 && err != nil {
			t.Errorf("the second dockerd removed the main engine's docker0 bridge")
		}
	})
	if err := os.WriteFile(d.ConfigPath, []byte(opts.Config), 0o600); err != nil {
		return nil, err
	}
	ns := "hardhull-test-" + hex
	args := []string{
		"--config-file", d.ConfigPath,
		"--data-root", filepath.Join(dir, "root"),
		"--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "dockerd.pid"),
		"-H", d.Addr,
		"--containerd-namespace", ns,
		"--containerd-plugins-namespace", ns + "-plugins",
	}
	attr := &syscall.SysProcAttr{Setpgid: true, Cloneflags: syscall.CLONE_NEWNET}
	if !opts.TCP {
		d.Bridge = ""
	} else {
		attr.Cloneflags = 0
		subnet := fmt.Sprintf("10.213.%d.1/24", 1+int(hex[0])%250)
		for _, args := range [][]string{
			{"link", "add", "name", d.Bridge, "type", "bridge"},
			{"addr", "add", subnet, "dev", d.Bridge},
			{"link", "set", d.Bridge, "up"},
		} {
			if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
				return nil, fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
			}
		}
		args = append(args, "--bridge", d.Bridge, "--iptables=false", "--ip-forward=false", "--ip-masq=false")
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		d.TCPAddr = "tcp://" + l.Addr().String()
		l.Close()
		args = append(args, "-H", d.TCPAddr)
	}
	logf, err := os.Create(d.logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd = exec.Command("dockerd", args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	cli, err := client.NewClientWithOpts(client.WithHost(d.Addr), client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, err
	}
	d.Client = cli
	deadline := time.Now().Add(90 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := cli.Ping(ctx)
		cancel()
		if err == nil {
			return d, nil
		}
		select {
		case werr := <-exited:
			cmd = nil
			return nil, fmt.Errorf("dockerd exited (%v): %s", werr, d.LogTail())
		case <-time.After(300 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("dockerd did not answer within 90s: %s", d.LogTail())
		}
	}
}

// LogTail is the end of the daemon's log, for failure messages.
func (d *Daemon) LogTail() string {
	b, _ := os.ReadFile(d.logPath)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return strings.Join(lines, "\n")
}

// stop ends the daemon (and the containerd it started) with SIGTERM, then
// SIGKILL after 30s.
func stop(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		for {
			if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
				close(done)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
