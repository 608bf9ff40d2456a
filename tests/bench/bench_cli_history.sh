#!/usr/bin/env bash
# Issue 19's "runlens-cli history of one tag of one run (50,000 points) from the cache: under
# 20 ms for the whole process": wall time from fork to exit of each runlens-cli command, the
# median and best of REPEAT (default 21) runs after one to warm the cache, with peak RSS.
# Without LOGDIR, generates 3 runs x 50 tags x 50,000 steps (383 MB) in a temporary folder.
# CLI=path/to/runlens-cli measures another build's (an older one's, for a before/after).
#   tests/bench/bench_cli_history.sh [BUILD_DIR] [LOGDIR RUN TAG]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
logdir=${2:-} run=${3:-run_001} tag=${4:-train/metric_10}
repeat=${REPEAT:-21}
[[ -n ${CLI:-} ]] || cmake --build "$build" --target runlens-cli tfevents_generate >/dev/null
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if [[ -z $logdir ]]; then
    logdir=$scratch/logdir
    "$build/tests/bench/tfevents_generate" --out "$logdir" --runs 3 --tags 50 --steps 50000 >/dev/null
fi
export XDG_CACHE_HOME=${XDG_CACHE_HOME:-$scratch/cache-home}
cli=${CLI:-$build/app/runlens-cli}
"$cli" runs "$logdir" >/dev/null  # writes the cache if it is not there yet
measure() {  # label, then the command
    local label=$1; shift
    "$@" >/dev/null
    local rss
    rss=$( { /usr/bin/time -f '%M' "$@" >/dev/null; } 2>&1 | tail -1)
    local times=()
    for ((i = 0; i < repeat; ++i)); do
        local t0 t1
        t0=$(date +%s%N)
        "$@" >/dev/null
        t1=$(date +%s%N)
        times+=($(((t1 - t0) / 10000)))  # hundredths of a ms
    done
    local sorted median best
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    median=$(echo "$sorted" | sed -n "$(((repeat + 1) / 2))p")
    best=$(echo "$sorted" | head -1)
    printf '%-46s median %6.1f ms  best %6.1f ms  peak RSS %4d MB\n' "$label" \
        "$(awk -v t="$median" 'BEGIN{print t / 100}')" "$(awk -v t="$best" 'BEGIN{print t / 100}')" \
        $((rss / 1024))
}
points=$("$cli" history "$logdir" --run "$run" --metric "$tag" | tail -n +2 | wc -l)
echo "$logdir, $run $tag: $points points; median of $repeat, $(nproc) cores"
measure "runlens-cli --version" "$cli" --version
measure "runlens-cli runs (reopen, cache warm)" "$cli" runs "$logdir"
measure "runlens-cli history --format csv (cache)" "$cli" history "$logdir" --run "$run" --metric "$tag"
measure "runlens-cli history --format json (cache)" "$cli" history "$logdir" --run "$run" --metric "$tag" --format json
