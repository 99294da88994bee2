package engine_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardhull/hardhull/internal/engine"
)

// silentListener accepts connections on loopback and never answers: an
// engine (or a firewall, or a wrong port) that swallows requests.
func silentListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := make(chan net.Conn, 64)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				close(conns)
				return
			}
			conns <- c // held open, never read
		}
	}()
	t.Cleanup(func() {
		l.Close()
		for c := range conns {
			c.Close()
		}
	})
	return "tcp://" + l.Addr().String()
}

// writeCerts writes a client's ca.pem, cert.pem and key.pem for a CA that
// did not sign the server's certificate.
func writeCerts(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hardhull test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	for name, b := range map[string][]byte{
		"ca.pem": certPEM, "cert.pem": certPEM,
		"key.pem": pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestConnectFailsFast: an engine that cannot be reached, one that accepts
// the connection and never answers, and a TLS engine whose certificate
// the client's CA did not sign each fail with one clear line, well within
// 10 seconds, whatever the caller's context.
func TestConnectFailsFast(t *testing.T) {
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Api-Version", "1.41")
		w.Write([]byte("OK"))
	}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the rejected handshake is the point
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	tlsAddr := "tcp://" + strings.TrimPrefix(tlsSrv.URL, "https://")
	certs := writeCerts(t)
	silent := silentListener(t)

	cases := []struct {
		name    string
		env     map[string]string
		timeout time.Duration
		want    []string
	}{
		{"refused", map[string]string{"DOCKER_HOST": "tcp://127.0.0.1:1"}, 8 * time.Second, []string{"tcp://127.0.0.1:1", "is the docker daemon running"}},
		{"never answers", map[string]string{"DOCKER_HOST": silent}, 2 * time.Second, []string{silent, "no answer within 2s", "--timeout"}},
		{"wrong certificate", map[string]string{"DOCKER_HOST": tlsAddr, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": certs}, 8 * time.Second, []string{tlsAddr, "certificate"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"} {
				t.Setenv(k, tc.env[k])
			}
			start := time.Now()
			// A caller's context with a long deadline must not stretch
			// the timeout.
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cli, _, err := engine.ConnectTimeout(ctx, tc.timeout)
			took := time.Since(start)
			if err == nil {
				cli.Close()
				t.Fatal("connected, want an error")
			}
			var ue *engine.UnreachableError
			if !errors.As(err, &ue) {
				t.Errorf("error %T, want *engine.UnreachableError", err)
			}
			msg := err.Error()
			t.Logf("%s after %s", msg, took.Round(time.Millisecond))
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans lines: %q", msg)
			}
			if took > tc.timeout+2*time.Second || took > 10*time.Second {
				t.Errorf("took %s with timeout %s", took, tc.timeout)
			}
		})
	}
}
