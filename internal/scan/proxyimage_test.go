package scan

import "testing"

func TestIsProxyImage(t *testing.T) {
	tests := []struct {
		img  string
		want bool
	}{
		{"nginx", true},
		{"nginx:1.27-alpine", true},
		{"docker.io/library/traefik:v3", true},
		{"localhost:5000/caddy", true},
		{"jwilder/nginx-proxy:latest", true},
		{"ghcr.io/o/envoy@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true},
		{"nginx-unprivileged:stable", true},
		{"localhost:5000/app", false},
		{"python:3.12-slim", false},
		{"myorg/api:nginx", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isProxyImage(tt.img); got != tt.want {
			t.Errorf("isProxyImage(%q) = %v, want %v", tt.img, got, tt.want)
		}
	}
}
