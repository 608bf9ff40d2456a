#!/usr/bin/env bash
# Installs what RunLens needs to build, test and run on Debian 12, if anything is missing.
# Needs root (apt-get) only when something has to be installed.
set -euo pipefail
packages=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libgl-dev
    libsqlite3-dev libyaml-cpp-dev rapidjson-dev zlib1g-dev libzip-dev libsnappy-dev libzstd-dev qtkeychain-qt6-dev
    fonts-dejavu-core xvfb xauth time
    dpkg-dev desktop-file-utils appstream
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
