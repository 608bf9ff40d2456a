#!/usr/bin/env bash
# Time from launching `runlens resources/demo` to the window's first paint and to the
# project shown in it (under Xvfb, fresh settings), best and median of 5; and
# `runlens-cli --version`.   tests/bench/bench_startup.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
settings=$(mktemp -d)
trap 'rm -rf "$settings"' EXIT
run() {
    XDG_CONFIG_HOME=$settings XDG_CACHE_HOME=$settings xvfb-run -a -s "-screen 0 1600x1000x24" bash -c '
        start=$(date +%s%3N)
        out=$("$0" --startup-time "$1")
        paint=$(echo "$out" | awk "/first paint/ {print \$3}")
        shown=$(echo "$out" | awk "/project shown/ {print \$3}")
        echo "$((paint - start)) $((shown - start))"' "$build/app/runlens" "$root/resources/demo"
}
paints=(); shows=()
for _ in 1 2 3 4 5; do
    read -r p s < <(run)
    paints+=("$p"); shows+=("$s")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
best() { printf '%s\n' "$@" | sort -n | head -1; }
echo "runlens resources/demo: first paint median $(median "${paints[@]}") ms (best $(best "${paints[@]}")), project shown median $(median "${shows[@]}") ms (best $(best "${shows[@]}"))"
t0=$(date +%s%N); for _ in 1 2 3 4 5 6 7 8 9 10; do "$build/app/runlens-cli" --version >/dev/null; done; t1=$(date +%s%N)
echo "runlens-cli --version: $(( (t1 - t0) / 10000000 )) ms each (mean of 10)"
