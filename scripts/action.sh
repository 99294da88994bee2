#!/usr/bin/env bash
# The logic of the hardhull GitHub Action (action.yml): download a released
# hardhull binary for the runner, verify it against the release's checksums
# file, then run `hardhull scan` with the action's inputs. No Go toolchain
# is needed on the runner.
#
# Inputs (environment, set by action.yml):
#   HH_VERSION      release tag (v1.2.3) or "latest" (default latest)
#   HH_PATH         what to scan (default .)
#   HH_FORMAT       report format (default sarif)
#   HH_OUTPUT       report file (default hardhull.<ext>)
#   HH_FAIL_ON      severity threshold for a failing exit (default medium)
#   HH_SEVERITY     severities to show (passed as --severity when set)
#   HH_UPLOAD_SARIF "true": also write SARIF for upload, whatever HH_FORMAT is
#   HH_SARIF_FILE   where that SARIF goes (default hardhull.sarif)
#   HH_ARGS         extra arguments for hardhull scan, split on whitespace
# Where releases come from (overridable for mirrors and tests):
#   HH_DOWNLOAD_URL base of release downloads (default https://github.com/hardhull/hardhull/releases/download)
#   HH_API_URL      releases API, for "latest" (default https://api.github.com/repos/hardhull/hardhull/releases)
# From the runner: RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT,
# GITHUB_PATH, GITHUB_WORKSPACE, GITHUB_TOKEN (optional, for the API).
#
# Exit status: hardhull's (0 clean, 1 findings at or above fail-on, 2 input
# errors); 3 when the binary cannot be had or does not match its checksum.
set -euo pipefail

say() { printf 'hardhull-action: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 3; }

version="${HH_VERSION:-latest}"
download="${HH_DOWNLOAD_URL:-https://github.com/hardhull/hardhull/releases/download}"
api="${HH_API_URL:-https://api.github.com/repos/hardhull/hardhull/releases}"
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"

fetch() { # fetch URL FILE
	local auth=()
	if [ -n "${GITHUB_TOKEN:-}" ] && [[ "$1" == "$api"* ]]; then
		auth=(-H "Authorization: Bearer $GITHUB_TOKEN")
	fi
	curl -fsSL --retry 3 --proto '=https,http' "${auth[@]}" -o "$2" "$1" || die "download failed: $1"
}

if [ "$version" = latest ]; then
	fetch "$api/latest" "$tmp/hardhull-latest.json"
	# Compact or indented JSON alike: the first "tag_name": "..." pair.
	version=$(grep -o '"tag_name"[[:space:]]*:[[:space:]]*"[^"]*"' "$tmp/hardhull-latest.json" | head -n1 | sed 's/.*"\([^"]*\)"$/\1/' || true)
	[ -n "$version" ] || die "no tag_name in $api/latest"
	say "latest release is $version"
fi
case "$version" in
v[0-9]*) ;;
*) die "version must be a release tag like v1.2.3 or \"latest\", not \"$version\"" ;;
esac

os="${RUNNER_OS:-$(uname -s)}"
case "$os" in
Linux | linux) os=linux ;;
macOS | Darwin | darwin) os=darwin ;;
Windows | windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
*) die "unsupported runner OS $os" ;;
esac
arch="${RUNNER_ARCH:-$(uname -m)}"
case "$arch" in
X64 | x86_64 | amd64) arch=amd64 ;;
ARM64 | aarch64 | arm64) arch=arm64 ;;
*) die "unsupported runner architecture $arch" ;;
esac

# Names as .goreleaser.yaml writes them.
v="${version#v}"
ext=tar.gz exe=hardhull
if [ "$os" = windows ]; then ext=zip exe=hardhull.exe; fi
archive="hardhull_${v}_${os}_${arch}.${ext}"
sums="hardhull_${v}_checksums.txt"

dir="$tmp/hardhull-$version-$os-$arch"
mkdir -p "$dir"
if [ ! -x "$dir/$exe" ]; then
	say "downloading $archive ($version)"
	fetch "$download/$version/$sums" "$dir/$sums"
	fetch "$download/$version/$archive" "$dir/$archive"
	want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$dir/$sums")
	[ -n "$want" ] || die "$archive is not listed in $sums"
	if command -v sha256sum >/dev/null 2>&1; then
		got=$(sha256sum "$dir/$archive" | awk '{ print $1 }')
	else
		got=$(shasum -a 256 "$dir/$archive" | awk '{ print $1 }')
	fi
	if [ "$got" != "$want" ]; then
		rm -f "$dir/$archive"
		die "checksum mismatch for $archive: got $got, $sums says $want"
	fi
	say "sha256 $got verified against $sums"
	if [ "$ext" = zip ]; then
		(cd "$dir" && { unzip -oq "$archive" "$exe" 2>/dev/null || tar -xf "$archive" "$exe"; })
	else
		tar -xzf "$dir/$archive" -C "$dir" "$exe"
	fi
	chmod +x "$dir/$exe"
	rm -f "$dir/$archive"
fi
[ -z "${GITHUB_PATH:-}" ] || echo "$dir" >>"$GITHUB_PATH"
hh="$dir/$exe"
"$hh" version >&2

format="${HH_FORMAT:-sarif}"
case "$format" in
sarif) def=hardhull.sarif ;;
json | gitlab-codequality | gitlab-sast) def=hardhull.json ;;
markdown | md) def=hardhull.md ;;
html) def=hardhull.html ;;
junit) def=hardhull.junit.xml ;;
*) def=hardhull.txt ;;
esac
output="${HH_OUTPUT:-$def}"

args=(scan "${HH_PATH:-.}" --format "$format" -o "$output" --fail-on "${HH_FAIL_ON:-medium}")
[ -z "${HH_SEVERITY:-}" ] || args+=(--severity "$HH_SEVERITY")
# shellcheck disable=SC2206 # extra arguments are meant to split
[ -z "${HH_ARGS:-}" ] || args+=(${HH_ARGS})

cd "${GITHUB_WORKSPACE:-.}"
mkdir -p "$(dirname "$output")"
say "hardhull ${args[*]}"
set +e
"$hh" "${args[@]}"
code=$?
set -e

sarif=""
if [ "${HH_UPLOAD_SARIF:-false}" = true ]; then
	if [ "$format" = sarif ]; then
		sarif="$output"
	else
		sarif="${HH_SARIF_FILE:-hardhull.sarif}"
		mkdir -p "$(dirname "$sarif")"
		# The gate is the first run's; this one only writes the SARIF log.
		set +e
		"$hh" scan "${HH_PATH:-.}" --format sarif -o "$sarif" --fail-on critical >/dev/null
		c2=$?
		set -e
		[ "$c2" -le 1 ] || say "SARIF run exited $c2"
	fi
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
	{
		echo "exit-code=$code"
		echo "report=$output"
		echo "sarif-file=$sarif"
		echo "hardhull=$hh"
	} >>"$GITHUB_OUTPUT"
fi
say "exit $code (0 clean, 1 findings at or above ${HH_FAIL_ON:-medium}, 2 input errors)"
exit "$code"
