#!/usr/bin/env bash
# Saves the README's screenshots: the app under Xvfb on the demo project, toured by its own
# --screenshots option (the table with two runs compared and the charts; the parallel
# coordinates with a brush), into docs/screenshots/.   tests/screenshots.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
out=$root/docs/screenshots
settings=$(mktemp -d)
trap 'rm -rf "$settings"' EXIT
mkdir -p "$out"
XDG_CONFIG_HOME=$settings XDG_CACHE_HOME=$settings xvfb-run -a -s "-screen 0 1600x1000x24" \
    "$build/app/runlens" --screenshots "$out" "$root/resources/demo"
ls -l "$out"
