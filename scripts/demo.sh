#!/usr/bin/env bash
# Quick start 1: installs what is missing, builds, and opens RunLens on the demo project.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
if [[ -z ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]]; then
    echo "no display: starting RunLens under Xvfb (set DISPLAY to see the window)" >&2
    exec xvfb-run -a -s "-screen 0 1600x1000x24" "$root/build/app/runlens" "$root/resources/demo"
fi
exec "$root/build/app/runlens" "$root/resources/demo"
