#!/usr/bin/env bash
# Quick start 2: installs what is missing, builds, and runs every test (CTest).
# The tests read the tracker-written files in tests/data; the third-party ones (W&B public
# runs, TensorBoard public fixtures) in ../shared/fixtures when it is there (override:
# RUNLENS_THIRD_PARTY_FIXTURES), else those tests say SKIP.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
third=${RUNLENS_THIRD_PARTY_FIXTURES:-$root/../shared/fixtures}
args=()
if [[ -d $third ]]; then
    args+=(-DRUNLENS_THIRD_PARTY_FIXTURES="$(cd "$third" && pwd)")
else
    echo "third-party fixtures not found at $third: their tests will be skipped" >&2
fi
"$root/scripts/build.sh" -DRUNLENS_FIXTURES="$root/tests/data" "${args[@]}"
cd "$root/build"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 600 -j "$(nproc)"
