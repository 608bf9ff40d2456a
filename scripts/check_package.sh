#!/usr/bin/env bash
# Builds the Debian package from a configured build folder and checks it as a user's machine
# would: the desktop entry and AppStream metainfo validate, the package unpacks, and the
# runlens-cli inside it runs.   scripts/check_package.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
desktop-file-validate "$root/resources/io.github.runlens.RunLens.desktop"
appstreamcli validate --no-net "$root/resources/io.github.runlens.RunLens.metainfo.xml"
cd "$build"
rm -f runlens_*.deb
cpack -G DEB >/dev/null
deb=$(ls runlens_*_amd64.deb)
echo "built $deb"
dpkg-deb --info "$deb" | grep -E "Package|Version|Depends"
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg -x "$deb" "$unpacked"
for f in usr/bin/runlens usr/bin/runlens-cli usr/libexec/runlens/runlens-draw usr/share/applications/io.github.runlens.RunLens.desktop \
         usr/share/metainfo/io.github.runlens.RunLens.metainfo.xml \
         usr/share/icons/hicolor/scalable/apps/io.github.runlens.RunLens.svg usr/share/runlens/demo; do
    [[ -e $unpacked/$f ]] || { echo "missing from the package: $f" >&2; exit 1; }
done
"$unpacked/usr/bin/runlens-cli" --version
"$unpacked/usr/bin/runlens-cli" runs "$unpacked/usr/share/runlens/demo" --format csv >"$unpacked/runs.csv"
echo "the packaged runlens-cli lists $(($(wc -l <"$unpacked/runs.csv") - 1)) demo runs"
# Pictures come from runlens-draw in libexec, which the packaged runlens-cli runs.
QT_QPA_PLATFORM=offscreen "$unpacked/usr/bin/runlens-cli" chart "$unpacked/usr/share/runlens/demo" \
    --metric loss --out "$unpacked/loss.png"
file "$unpacked/loss.png" | grep -q "PNG image" || { echo "the packaged chart wrote no PNG" >&2; exit 1; }
echo "the packaged runlens-cli draws a chart"
ls -l "$deb"
