package imageref

import "testing"

func TestRepositoryAndName(t *testing.T) {
	tests := []struct {
		ref, repo, name string
	}{
		{"nginx", "nginx", "nginx"},
		{"nginx:1.27-alpine", "nginx", "nginx"},
		{"library/nginx:latest", "library/nginx", "nginx"},
		{"docker.io/library/nginx", "docker.io/library/nginx", "nginx"},
		{"localhost:5000/app", "localhost:5000/app", "app"},
		{"localhost:5000/team/app:v1", "localhost:5000/team/app", "app"},
		{"ghcr.io/o/app@sha256:" + hex, "ghcr.io/o/app", "app"},
		{"ghcr.io/o/app:1.2@sha256:" + hex, "ghcr.io/o/app", "app"},
		{"  Bitnami/PostgreSQL:16 ", "bitnami/postgresql", "postgresql"},
		{"mcr.microsoft.com/mssql/server:2022-latest", "mcr.microsoft.com/mssql/server", "server"},
		// Not references docker accepts: the tag and digest still go.
		{"${REGISTRY}/app:${TAG}", "${registry}/app", "app"},
		{"app@sha256:short", "app", "app"},
		{"my_app:", "my_app", "my_app"},
		// hardhull's source prefixes are not part of the name.
		{"docker:app:1", "docker", "docker"},
		{"oci:layout", "oci", "oci"},
		// Docker's grammar reads a bare digest as repository sha256 with a tag.
		{"sha256:" + hex, "sha256", "sha256"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := Repository(tt.ref); got != tt.repo {
			t.Errorf("Repository(%q) = %q, want %q", tt.ref, got, tt.repo)
		}
		if got := Name(tt.ref); got != tt.name {
			t.Errorf("Name(%q) = %q, want %q", tt.ref, got, tt.name)
		}
	}
}

const hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
