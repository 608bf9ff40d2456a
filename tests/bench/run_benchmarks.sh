#!/usr/bin/env bash
# Generates, once, the 2,000 runs x 5 params x 10 metrics x 500 steps MLflow stores (10 M
# points, about 500 MB of files) and a 200 runs x 20 tags x 5,000 steps TensorBoard logdir
# (20 M scalar events, 1.05 GB), then prints what the issues' targets ask for: runs listing
# through runlens-cli (wall time, warm cache; peak memory), the in-process scan, and the
# history of one metric. Usage: tests/bench/run_benchmarks.sh [BUILD_DIR] [DATA_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
data=${2:-${TMPDIR:-/tmp}/runlens-bench}
template=${RUNLENS_FIXTURES:-$root/../shared/fixtures}/mlflow/v3_11/mlflow.db
cmake --build "$build" --target runlens-cli mlflow_generate tfevents_generate optuna_generate bench_scan bench_neptune_export bench_user_path bench_cache_bytes >/dev/null

if [[ ! -f $data/done ]]; then
    rm -rf "$data" && mkdir -p "$data"
    echo "generating $data (once) ..."
    "$build/tests/bench/mlflow_generate" --out "$data" --runs 2000 --params 5 --metrics 10 --steps 500 \
        --sqlite "$data/mlflow.db" --sqlite-template "$template"
    touch "$data/done"
fi
if [[ ! -f $data/tensorboard/done ]]; then
    rm -rf "$data/tensorboard"
    "$build/tests/bench/tfevents_generate" --out "$data/tensorboard" --runs 200 --tags 20 --steps 5000
    touch "$data/tensorboard/done"
fi
echo "data: $(du -sh "$data/mlruns" | cut -f1) file store, $(du -sh "$data/mlflow.db" | cut -f1) SQLite; $(nproc) cores"

cli=$build/app/runlens-cli
export XDG_CACHE_HOME=$data/cache-home  # the CLI's cache (index, series): never the user's
time_cli() {  # label, then the command; warm cache: one run first, then the best of 5
    local label=$1; shift
    "$@" >/dev/null
    local best=999999 rss=0
    for _ in 1 2 3 4 5; do
        local out
        out=$( { /usr/bin/time -f '%e %M' "$@" >/dev/null; } 2>&1 | tail -1)
        local secs=${out% *} kb=${out#* }
        best=$(awk -v a="$best" -v b="$secs" 'BEGIN{print (b<a)?b:a}')
        (( kb > rss )) && rss=$kb
    done
    printf '%-58s %6.2f s   peak RSS %4d MB\n' "$label" "$best" $((rss / 1024))
}
# --no-cache: every file read again (what the first open costs); then the same with the cache.
time_cli "runlens-cli runs mlruns --format json --no-cache" "$cli" runs "$data/mlruns" --format json --no-cache
time_cli "runlens-cli runs mlruns --format json (cache warm)" "$cli" runs "$data/mlruns" --format json
time_cli "runlens-cli runs mlflow.db --format json" "$cli" runs "$data/mlflow.db" --format json
time_cli "runlens-cli runs mlflow.db --format json --metric-stats" "$cli" runs "$data/mlflow.db" --format json --metric-stats
run=$("$cli" runs "$data/mlflow.db" --format csv | sed -n 2p | cut -d, -f2)
time_cli "runlens-cli history mlflow.db --run ID --metric metric_0" "$cli" history "$data/mlflow.db" --run "$run" --metric metric_0
if [[ ! -f $data/optuna/done ]]; then
    "$build/tests/bench/optuna_generate" --out "$data/optuna" --trials 10000 --params 10 --steps 100 \
        --sqlite-template "${RUNLENS_FIXTURES:-$root/../shared/fixtures}/optuna/sqlite/optuna.db"
    touch "$data/optuna/done"
fi
time_cli "runlens-cli runs optuna.db --format json (10,000 trials)" "$cli" runs "$data/optuna/optuna.db" --format json
time_cli "runlens-cli runs journal.log --format json (10,000 trials)" "$cli" runs "$data/optuna/journal.log" --format json
time_cli "runlens-cli runs tensorboard --format json --no-cache (every point, every CRC)" "$cli" runs "$data/tensorboard" --format json --no-cache
time_cli "runlens-cli runs tensorboard --format json (series cache warm)" "$cli" runs "$data/tensorboard" --format json
# neptune-exporter Parquet: 1,000 runs x 10 series x 1,000 steps, written once by the bench.
"$build/tests/bench/bench_neptune_export" "$data/neptune"
time_cli "runlens-cli runs neptune/data --format json (1,000 runs)" "$cli" runs "$data/neptune/data" --format json
echo "in-process (bench_scan):"
"$build/tests/bench/bench_scan" "$data/mlruns"
"$build/tests/bench/bench_scan" "$data/mlflow.db"
"$build/tests/bench/bench_scan" "$data/tensorboard"
"$build/tests/bench/bench_scan" "$data/optuna/optuna.db"
"$build/tests/bench/bench_scan" "$data/optuna/journal.log"
echo "the series cache's bytes a point, and what an open project holds (bench_cache_bytes):"
for project in "$data/optuna/optuna.db" "$data/optuna/journal.log"; do
    "$build/tests/bench/bench_cache_bytes" --no-cache "$project"
    "$build/tests/bench/bench_cache_bytes" "$project"
done
echo "the path a user takes on the main window (bench_user_path, offscreen):"
export QT_QPA_PLATFORM=offscreen
"$build/tests/bench/bench_user_path" "$data/mlruns"
"$build/tests/bench/bench_user_path" "$data/mlflow.db"
"$build/tests/bench/bench_user_path" "$data/tensorboard" --filter "name > 'run_100'" --metric train/metric_0
