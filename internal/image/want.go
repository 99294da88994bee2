package image

import (
	"io/fs"
	"path"
	"strings"
)

// wantedPaths are read by the image facts (users, groups, base OS, packages).
var wantedPaths = map[string]bool{
	"/etc/passwd":           true,
	"/etc/group":            true,
	"/etc/os-release":       true,
	"/usr/lib/os-release":   true,
	"/var/lib/dpkg/status":  true,
	"/lib/apk/db/installed": true,
}

// sensitiveNames are base names whose content the secret rules scan.
var sensitiveNames = map[string]bool{
	".npmrc": true, ".pypirc": true, ".netrc": true, ".pgpass": true, ".htpasswd": true,
	".git-credentials": true, ".dockercfg": true, "credentials": true, "credentials.json": true,
	"id_rsa": true, "id_dsa": true, "id_ecdsa": true, "id_ed25519": true,
	"secrets.yaml": true, "secrets.yml": true, "secrets.json": true, "secret.yaml": true,
	"wp-config.php": true, "terraform.tfvars": true, "config.json": false,
}

// sensitiveExts are extensions of key and secret material.
var sensitiveExts = map[string]bool{".pem": true, ".key": true, ".tfvars": true, ".p8": true}

// DefaultWant keeps what the image rules read: account and OS files,
// package databases and Python distribution metadata, .env files, .git/config, and text files with
// sensitive names. Binary content is dropped by sniffing.
func DefaultWant(p string, size int64, mode fs.FileMode) Capture {
	if wantedPaths[p] {
		return Text
	}
	dir, base := path.Split(p)
	switch {
	case dir == "/var/lib/dpkg/status.d/" && !strings.HasSuffix(base, ".md5sums"):
		return Text
	case base == "METADATA" && strings.HasSuffix(dir, ".dist-info/"), base == "PKG-INFO" && strings.HasSuffix(dir, ".egg-info/"):
		// Python distributions, for the vulnerability inventory.
		return Text
	case base == ".env" || strings.HasPrefix(base, ".env."):
		return Text
	case base == "config" && strings.HasSuffix(dir, "/.git/"):
		return Text
	case base == "config.json" && strings.HasSuffix(dir, "/.docker/"):
		return Text
	case base == "credentials" && strings.HasSuffix(dir, "/.aws/"):
		return Text
	case sensitiveNames[base]:
		return Text
	case sensitiveExts[path.Ext(base)]:
		return Text
	}
	return Skip
}
