#!/usr/bin/env bash
# Wall time and peak memory of `hardhull scan` over the shared corpus, plus
# start-up time when no content scan is needed. Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CORPUS:-../shared/corpus/repos}
[ -d "$corpus" ] || { echo "corpus not found at $corpus" >&2; exit 1; }
bin=$(mktemp -d)/hardhull
go build -trimpath -o "$bin" ./cmd/hardhull
files=$(find "$corpus" -type f \( -iname '*dockerfile*' -o -iname '*containerfile*' -o -iname '*compose*.y*ml' -o -name '*.dockerignore' -o -name '.dockerignore' \) | wc -l)
runs=${RUNS:-5}
tf=$(mktemp)
best=999999
peak=0
for _ in $(seq "$runs"); do
	/usr/bin/time -o "$tf" -f '%e %M' "$bin" scan "$corpus" --format json -o /dev/null >/dev/null 2>&1 || true
	out=$(tail -1 "$tf")
	t=$(echo "$out" | awk '{print $1}'); m=$(echo "$out" | awk '{print $2}')
	best=$(awk -v a="$best" -v b="$t" 'BEGIN{print (b<a)?b:a}')
	peak=$(awk -v a="$peak" -v b="$m" 'BEGIN{print (b>a)?b:a}')
done
start=999999
tmp=$(mktemp -d); printf 'FROM scratch\n' > "$tmp/Dockerfile"
for _ in $(seq 20); do
	/usr/bin/time -o "$tf" -f '%e' "$bin" scan "$tmp/Dockerfile" -o /dev/null >/dev/null 2>&1 || true
	t=$(tail -1 "$tf")
	start=$(awk -v a="$start" -v b="$t" 'BEGIN{print (b<a)?b:a}')
done
echo "| measure | value |"
echo "|---|---|"
echo "| corpus files (Dockerfiles, compose, ignore files) | $files |"
echo "| best wall time of $runs full scans | ${best} s |"
echo "| files/s | $(awk -v f="$files" -v t="$best" 'BEGIN{printf "%.0f", (t>0)?f/t:0}') |"
echo "| peak RSS | $((peak / 1024)) MiB |"
echo "| start-up, one-line Dockerfile (best of 20) | ${start} s |"
echo "| cores | $(nproc) |"
