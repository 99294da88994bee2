#!/usr/bin/env bash
# Make a Docker engine reachable for hardhull's integration tests.
#
# Idempotent. First, as root on Debian, it installs what the tests need
# beside the engine when missing (busybox-static, which they copy into FROM
# scratch images, and procps, whose ps the engine runs for `top`), engine
# or no engine. When `docker info` works it then only prints the engine
# version; otherwise it installs docker.io when missing, starts dockerd in
# the background and waits for it. It never stops a running engine.
#
# Environment:
#   DOCKERD_WAIT  seconds to wait for the engine (default 60)
#   DOCKERD_LOG   dockerd's log file (default ${TMPDIR:-/tmp}/hardhull-dockerd.log)
#   DOCKER_UP_BUSYBOX_PATHS  where busybox may be (default /bin/busybox /usr/bin/busybox)
set -euo pipefail

wait_s="${DOCKERD_WAIT:-60}"
log="${DOCKERD_LOG:-${TMPDIR:-/tmp}/hardhull-dockerd.log}"
default_host="unix:///var/run/docker.sock"

say() { printf 'docker-up: %s\n' "$*" >&2; }

engine_version() {
	docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null || true
}

ready() { docker info >/dev/null 2>&1; }

# What the tests need beside the engine, whether or not an engine is
# already running: the static busybox they copy into FROM scratch images,
# and ps for the engine's `top`.
test_missing=()
have_busybox=false
for p in ${DOCKER_UP_BUSYBOX_PATHS:-/bin/busybox /usr/bin/busybox}; do
	[ -x "$p" ] && have_busybox=true
done
$have_busybox || test_missing+=(busybox-static)
command -v ps >/dev/null 2>&1 || test_missing+=(procps)
if [ "${#test_missing[@]}" -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "installing ${test_missing[*]} from Debian"
		apt-get update
		DEBIAN_FRONTEND=noninteractive apt-get install -y "${test_missing[@]}"
	else
		say "the tests need ${test_missing[*]}: apt-get install ${test_missing[*]} (as root)"
	fi
fi

if command -v docker >/dev/null 2>&1 && ready; then
	say "engine up at ${DOCKER_HOST:-$default_host}: $(engine_version)"
	exit 0
fi

# Starting a local daemon cannot help a client pointed elsewhere.
if [ -n "${DOCKER_HOST:-}" ] && [ "$DOCKER_HOST" != "$default_host" ]; then
	say "cannot reach Docker engine at $DOCKER_HOST and it is not the local default socket; not starting one"
	exit 1
fi

if [ "$(id -u)" != 0 ]; then
	say "no Docker engine at $default_host; starting one needs root (sudo $0)"
	exit 1
fi

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker >/dev/null 2>&1 || missing+=(docker.io)
$have_busybox || missing+=(busybox-static)
command -v ps >/dev/null 2>&1 || missing+=(procps)
if [ "${#missing[@]}" -gt 0 ]; then
	command -v apt-get >/dev/null 2>&1 || {
		say "missing ${missing[*]} and no apt-get to install them"
		exit 1
	}
	say "installing ${missing[*]} from Debian"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io busybox-static procps
fi

# wait_up PID SECONDS: 0 once the engine answers; 1 if dockerd PID exits or
# time runs out.
wait_up() {
	local pid="$1" deadline=$((SECONDS + $2))
	while [ "$SECONDS" -lt "$deadline" ]; do
		ready && return 0
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			return 1
		fi
		sleep 1
	done
	ready
}

# A dockerd that is already starting (another job, or a service manager)
# is waited for, not duplicated.
if [ -S /var/run/docker.sock ] && pid="$(cat /var/run/docker.pid 2>/dev/null)" && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
	say "dockerd (pid $pid) is running; waiting up to ${wait_s}s for it"
	if wait_up "$pid" "$wait_s"; then
		say "engine up: $(engine_version)"
		exit 0
	fi
	say "dockerd (pid $pid) did not answer within ${wait_s}s"
	exit 1
fi

mkdir -p "$(dirname "$log")"
start_dockerd() {
	say "starting dockerd $* (log: $log)"
	# setsid: dockerd outlives this script and its job's process group.
	setsid dockerd "$@" >>"$log" 2>&1 </dev/null &
	dockerd_pid=$!
}

# cgroupfs works with or without systemd as init.
base=(--exec-opt native.cgroupdriver=cgroupfs)
start_dockerd "${base[@]}"
start=$SECONDS
if ! wait_up "$dockerd_pid" "$wait_s"; then
	left=$((wait_s - (SECONDS - start)))
	# dockerd exits early when overlay2 cannot stack on the host's
	# filesystem (overlay on overlay) or iptables is unavailable; vfs and no
	# iptables always work, only slower and without NAT.
	if ! kill -0 "$dockerd_pid" 2>/dev/null && [ "$left" -gt 5 ]; then
		extra=(--storage-driver=vfs)
		if grep -qi 'iptables' "$log"; then
			extra+=(--iptables=false)
		fi
		say "dockerd exited; retrying with ${extra[*]}"
		start_dockerd "${base[@]}" "${extra[@]}"
		if wait_up "$dockerd_pid" "$left"; then
			say "engine up: $(engine_version)"
			exit 0
		fi
	fi
	say "Docker engine did not come up within ${wait_s}s; last lines of $log:"
	tail -n 40 "$log" >&2 || true
	exit 1
fi
say "engine up: $(engine_version)"
