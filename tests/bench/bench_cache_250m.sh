#!/usr/bin/env bash
# Issue 19: a TensorBoard logdir far larger than memory would allow at 24 bytes a point.
# Generates RUNS x TAGS x STEPS (default 100 x 50 x 50,000 = 250 M points, 13.4 GB) under
# DATA_DIR, then measures with /usr/bin/time: runlens-cli runs without the cache (every point
# in memory, as before the series cache), the first open writing the cache, the reopen, one
# tag's history from the cache and without it, and the cache's bytes a point. Deletes the
# logdir and the cache afterwards unless KEEP=1.
#   tests/bench/bench_cache_250m.sh [BUILD_DIR] [DATA_DIR] [RUNS TAGS STEPS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
data=${2:-${TMPDIR:-/tmp}/runlens-bench-250m}
runs=${3:-100} tags=${4:-50} steps=${5:-50000}
cmake --build "$build" --target runlens-cli tfevents_generate >/dev/null
logdir=$data/logdir
if [[ ! -f $logdir/done ]]; then
    rm -rf "$logdir"
    "$build/tests/bench/tfevents_generate" --out "$logdir" --runs "$runs" --tags "$tags" --steps "$steps"
    touch "$logdir/done"
fi
export XDG_CACHE_HOME=$data/cache-home
rm -rf "$XDG_CACHE_HOME"
cli=$build/app/runlens-cli
measure() {  # label, then the command
    local label=$1; shift
    local out
    out=$( { /usr/bin/time -f '%e %M' "$@" >/dev/null; } 2>&1 | tail -1)
    printf '%-52s %7.2f s   peak RSS %5d MB\n' "$label" "${out% *}" $((${out#* } / 1024))
}
points=$((runs * tags * steps))
run=$(printf "run_%03d" $((runs / 2)))
measure "runs --no-cache (every point in memory)" "$cli" runs "$logdir" --no-cache
measure "runs, first open (writes the cache)" "$cli" runs "$logdir"
measure "runs, reopen (cache warm)" "$cli" runs "$logdir"
measure "runs, reopen again" "$cli" runs "$logdir"
# A reopen another day: nothing of the cache in memory (root only: drops the whole page cache).
if sync && (echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null; then
    measure "runs, reopen, page cache dropped" "$cli" runs "$logdir"
fi
measure "history of one tag ($steps points), cache" "$cli" history "$logdir" --run "$run" --metric train/metric_10
measure "history of one tag, --no-cache (that run only)" "$cli" history "$logdir" --run "$run" --metric train/metric_10 --no-cache
measure "runlens-cli --version (process start alone)" "$cli" --version
bytes=$(du -sb "$XDG_CACHE_HOME" | cut -f1)
awk -v b="$bytes" -v p="$points" 'BEGIN { printf "cache: %.2f GB, %.2f bytes a point\n", b / 1e9, b / p }'
if [[ ${KEEP:-0} != 1 ]]; then rm -rf "$data"; fi
