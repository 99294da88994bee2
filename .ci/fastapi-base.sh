#!/usr/bin/env bash
# Make the base image the FastAPI end-to-end test builds on, from Debian's
# own packages: no registry is needed, only a Debian mirror.
#
#   hardhull-e2e/python-fastapi:bookworm
#     debootstrap --variant=minbase bookworm with python3, python3-fastapi,
#     python3-uvicorn, python3-pydantic and python-is-python3 (the
#     template's HEALTHCHECK and CMD call `python`), apt lists and caches
#     removed, imported with `docker import`.
#
# Idempotent: when the image exists it does nothing. Needs root (debootstrap
# does) and a running engine (.ci/docker-up.sh). Installs debootstrap from
# apt when it is missing.
#
# Environment:
#   DEBIAN_MIRROR  mirror to bootstrap from (default http://deb.debian.org/debian)
#   TMPDIR         where the root filesystem is assembled (default /var/tmp)
set -euo pipefail

image=hardhull-e2e/python-fastapi:bookworm
suite=bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
packages=python3,python3-fastapi,python3-uvicorn,python3-pydantic,python-is-python3

say() { printf 'fastapi-base: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

if docker image inspect "$image" >/dev/null 2>&1; then
	say "$image exists: $(docker image inspect --format '{{.Id}} {{.Created}}' "$image")"
	exit 0
fi
docker info >/dev/null 2>&1 || die "no Docker engine; run .ci/docker-up.sh first"
[ "$(id -u)" = 0 ] || die "debootstrap needs root (sudo $0)"

t0=$(now)
if ! command -v debootstrap >/dev/null 2>&1; then
	command -v apt-get >/dev/null 2>&1 || die "debootstrap is missing and there is no apt-get to install it"
	say "installing debootstrap"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap debian-archive-keyring
fi

root=$(mktemp -d "${TMPDIR:-/var/tmp}/hardhull-fastapi-base.XXXXXX")
# A failed debootstrap can leave /proc or /sys mounted inside the target:
# unmount them first, and never let rm cross into another filesystem.
cleanup() {
	local m
	for m in $(awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount -l "$m" || true
	done
	rm -rf --one-file-system "$root"
}
trap cleanup EXIT

t=$(now)
say "debootstrap --variant=minbase $suite $mirror (+ $packages) into $root"
debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" \
	|| die "debootstrap failed (see $root/debootstrap/debootstrap.log above)"
say "debootstrap: $(since "$t")"

# What the runtime stage needs, checked here so a missing piece fails now
# rather than halfway through the test's build.
for f in /bin/sh /usr/bin/python /usr/sbin/groupadd /usr/sbin/useradd /usr/sbin/nologin; do
	[ -e "$root$f" ] || [ -L "$root$f" ] || die "$f missing from the root filesystem"
done
chroot "$root" python -c 'import fastapi, uvicorn, pydantic; print("fastapi", fastapi.__version__, "uvicorn", uvicorn.__version__, "pydantic", pydantic.VERSION)' >&2 \
	|| die "python3-fastapi does not import in the root filesystem"

# Package indexes, downloaded .debs and logs are not part of an image; the
# engine mounts its own /dev.
rm -rf --one-file-system "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* \
	"$root"/var/cache/debconf/*-old "$root"/var/log/* "$root"/dev/*
mkdir -p "$root/var/lib/apt/lists/partial"

t=$(now)
tar --numeric-owner -C "$root" -c . | docker import \
	-c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
	-c 'CMD ["python3"]' \
	-m "debootstrap --variant=minbase --include=$packages $suite" \
	- "$image" >/dev/null || die "docker import failed"
say "docker import: $(since "$t")"
say "$image: $(docker image inspect --format '{{.Id}} {{.Size}} bytes' "$image")"
say "total: $(since "$t0")"
