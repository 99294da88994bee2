#!/usr/bin/env bash
# Install the tools the distribution tests (test/dist) run, from Debian's
# packages: pre-commit (the hooks test), git, curl, tar and unzip (the
# GitHub Action's script), make and Debian's FastAPI, pytest and httpx (the
# generated FastAPI project's own tests), and goreleaser (the release test) from the Go
# module proxy into GOPATH/bin. Idempotent: installs only what is missing.
# Under CI those tests fail rather than skip when a tool is missing.
set -euo pipefail

say() { printf 'tools: %s\n' "$*" >&2; }

declare -A pkg=([pre-commit]=pre-commit [git]=git [curl]=curl [tar]=tar [unzip]=unzip [sha256sum]=coreutils [make]=make)
missing=()
for tool in "${!pkg[@]}"; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("${pkg[$tool]}")
done
# The tests `hardhull init fastapi` writes run on Debian's FastAPI (internal/scaffold).
/usr/bin/python3 -c 'import fastapi, pytest, httpx' 2>/dev/null || missing+=(python3-fastapi python3-pytest python3-httpx)
if [ "${#missing[@]}" -eq 0 ]; then
	say "all present: pre-commit $(pre-commit --version 2>/dev/null | awk '{print $2}'), $(git --version)"
elif [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	say "missing ${missing[*]}; install them with apt-get as root"
	exit 1
else
	say "installing ${missing[*]} from Debian"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

gobin="$(go env GOPATH)/bin"
goreleaser_version=v2.17.0
if command -v goreleaser >/dev/null 2>&1 || [ -x "$gobin/goreleaser" ]; then
	say "goreleaser present"
else
	say "installing goreleaser $goreleaser_version into $gobin (a few minutes, once)"
	GOFLAGS=-buildvcs=false go install "github.com/goreleaser/goreleaser/v2@$goreleaser_version"
fi
