#!/usr/bin/env bash
# Prepare what the engine audit's real-engine tests need besides a running
# engine: subordinate id ranges for user namespace remapping, so that a
# second dockerd of the tests' own can start with "userns-remap":
# "nobody:nogroup". Idempotent: existing entries are left alone. The tests
# judge a recorded /info answer instead when these are missing.
set -euo pipefail

say() { printf 'engine-test-setup: %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
	say "not root; userns-remap tests will use recorded engine answers"
	exit 0
fi
command -v ip >/dev/null 2>&1 || {
	say "installing iproute2 (the tests make a bridge for their TCP daemon)"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y iproute2
}

add_range() { # file name
	if ! grep -q "^$2:" "$1" 2>/dev/null; then
		echo "$2:231072:65536" >>"$1"
		say "added $2:231072:65536 to $1"
	fi
}
add_range /etc/subuid nobody
add_range /etc/subgid nobody
add_range /etc/subgid nogroup
