#!/usr/bin/env bash
# Quick start 2: installs what is missing, builds, and runs every test (CTest).
# The tests read the real tracker files in ../shared/fixtures (override: RUNLENS_FIXTURES).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${RUNLENS_FIXTURES:-$root/../shared/fixtures}
[[ -d $fixtures/mlflow ]] || { echo "test fixtures not found at $fixtures (set RUNLENS_FIXTURES)" >&2; exit 1; }
"$root/scripts/build.sh" -DRUNLENS_FIXTURES="$(cd "$fixtures" && pwd)"
cd "$root/build"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 600 -j "$(nproc)"
