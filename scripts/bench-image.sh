#!/usr/bin/env bash
# Benchmarks the image loader on a generated image: the full walk against
# the decompress-only floor, each in its own process so that peak RSS is
# measured per mode. Prints a markdown table.
#
#   scripts/bench-image.sh [SIZE] [LAYERS] [FILES]     # default 1GiB 20 50000
#
# The generated image goes to the OS temp dir (BENCH_DIR to override) and is
# reused when it already exists; it is never part of the repository.
set -euo pipefail

size=${1:-1GiB}
layers=${2:-20}
files=${3:-50000}
runs=${RUNS:-3}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/hardhull-bench}
img="$dir/image-$size-$layers-$files.tar"
bin="$dir/image.test"

cd "$(dirname "$0")/.."
mkdir -p "$dir"
if [[ ! -s $img ]]; then
	echo "generating $img" >&2
	go run ./tools/imagegen -o "$img" -size "$size" -layers "$layers" -files "$files"
fi
go test -c -o "$bin" ./internal/image
# Both modes read the image from the page cache, not the first from disk.
cat "$img" >/dev/null

timer=(/usr/bin/time -v)
if [[ ! -x /usr/bin/time ]]; then
	timer=()
	echo "note: /usr/bin/time not found; peak RSS from the benchmark's own VmHWM" >&2
fi

# run NAME prints "ns/op MB/s peakRSS-KiB" for one benchmark in a fresh process.
run() {
	local out
	out=$(HARDHULL_BENCH_IMAGE="$img" "${timer[@]}" "$bin" -test.run '^$' \
		-test.bench "^$1\$" -test.benchtime "${runs}x" 2>&1)
	local ns mbs rss
	ns=$(awk '/^Benchmark/ {for (i = 1; i <= NF; i++) if ($(i+1) == "ns/op") print $i}' <<<"$out")
	mbs=$(awk '/^Benchmark/ {for (i = 1; i <= NF; i++) if ($(i+1) == "MB/s") print $i}' <<<"$out")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' <<<"$out")
	if [[ -z $rss ]]; then
		rss=$(awk '/^Benchmark/ {for (i = 1; i <= NF; i++) if ($(i+1) == "peakRSS-MiB") print int($i * 1024)}' <<<"$out")
	fi
	if [[ -z $ns ]]; then
		echo "$out" >&2
		return 1
	fi
	echo "$ns $mbs $rss"
}

# Alternate the modes and keep each one's fastest round: on a shared
# machine the slowest rounds measure the neighbours. Peak RSS is the worst.
rounds=${ROUNDS:-2}
floor_ns=0 walk_ns=0 floor_rss=0 walk_rss=0
for ((r = 0; r < rounds; r++)); do
	read -r ns mbs rss < <(run BenchmarkDecompressFloor)
	if ((floor_ns == 0 || ns < floor_ns)); then floor_ns=$ns floor_mbs=$mbs; fi
	((rss > floor_rss)) && floor_rss=$rss
	read -r ns mbs rss < <(run BenchmarkWalk)
	if ((walk_ns == 0 || ns < walk_ns)); then walk_ns=$ns walk_mbs=$mbs; fi
	((rss > walk_rss)) && walk_rss=$rss
done

stored=$(du -m "$img" | cut -f1)
echo "Image: $(basename "$img") ($stored MiB stored, $layers layers, $files files), $(nproc) CPUs, best of $rounds rounds of $runs runs each"
echo
echo "| mode | wall time (s) | MB/s (uncompressed) | peak RSS (MiB) |"
echo "|---|---:|---:|---:|"
awk -v ns="$floor_ns" -v mbs="$floor_mbs" -v rss="$floor_rss" 'BEGIN {printf "| decompress-only floor | %.2f | %s | %.0f |\n", ns/1e9, mbs, rss/1024}'
awk -v ns="$walk_ns" -v mbs="$walk_mbs" -v rss="$walk_rss" 'BEGIN {printf "| full walk | %.2f | %s | %.0f |\n", ns/1e9, mbs, rss/1024}'
awk -v a="$walk_ns" -v b="$floor_ns" 'BEGIN {printf "\nfull walk / floor: %.2fx (goal: at most 1.5x; peak RSS goal: under 150 MiB)\n", a/b}'
