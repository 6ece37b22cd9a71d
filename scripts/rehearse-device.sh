#!/usr/bin/env bash
# Runs the device script (bench/device/run.sh) on a simulated GPU host, as root: a copy of what the device call
# sends (the files git tracks or would track, plus the carried dist/ and .device-bundle/), in a mount namespace where
# Node.js, npm, npx, every node_modules folder outside the copy and the system's Vulkan loader are hidden, with
# SwiftShader (Debian's chromium-common) as the only Vulkan driver. Usage, after scripts/pack-device.sh:
#   bash scripts/rehearse-device.sh OUT_DIR [SCALE]     SCALE: rehearsal (default, tiny sizes) or full
# PACK_DIR (default the repo root): where pack-device.sh put dist/ and .device-bundle/.
# The device script's exit code is this script's; its files land in OUT_DIR.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=$(realpath -m "${1:?usage: rehearse-device.sh OUT_DIR [SCALE]}")
scale=${2:-rehearsal}
[ "$(id -u)" = 0 ] || { echo "rehearse-device.sh: needs root (a mount namespace hides Node.js and the Vulkan loader)"; exit 2; }
pack=$(realpath -m "${PACK_DIR:-.}")
for p in "$pack/dist/approx-darts.mjs" "$pack/.device-bundle/node.xz"; do
  [ -e "$p" ] || { echo "rehearse-device.sh: $p is missing: run scripts/pack-device.sh first"; exit 2; }
done
icd=/usr/lib/chromium/vk_swiftshader_icd.json
[ -f "$icd" ] || { echo "rehearse-device.sh: $icd is missing (apt-get install chromium-common)"; exit 2; }

sim=$(mktemp -d /tmp/simulated-device.XXXXXX)
trap 'rm -rf "$sim"' EXIT
mkdir -p "$sim/repo" "$out"
git ls-files -co --exclude-standard -z | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$sim/repo" -xf -
rm -rf "$sim/repo/dist" "$sim/repo/.device-bundle"
cp -r "$pack/dist" "$pack/.device-bundle" "$sim/repo/"

# What must not be reachable there: Node.js and npm wherever PATH could find them, global node_modules, and the
# system's Vulkan loader (the carried one must be the one that loads).
hide=()
for p in /usr/bin/node /usr/bin/nodejs /usr/bin/npm /usr/bin/npx /usr/local/bin/node /usr/local/bin/npm /usr/local/bin/npx; do
  [ -e "$p" ] && hide+=("$p")
done
for p in /usr/lib/x86_64-linux-gnu/libvulkan.so.1*; do
  [ -e "$p" ] && [ ! -L "$p" ] && hide+=("$p")
done
dirs=()
for d in /usr/lib/node_modules /usr/local/lib/node_modules /usr/share/nodejs "$HOME/.npm"; do
  [ -d "$d" ] && dirs+=("$d")
done

rc=0
unshare -m bash -s -- "$sim/repo" "$out" "$scale" "$icd" "${#hide[@]}" "${hide[@]}" "${dirs[@]}" <<'INNER' || rc=$?
set -euo pipefail
repo=$1 out=$2 scale=$3 icd=$4 n=$5
shift 5
mount --make-rprivate /
for ((i = 0; i < n; i++)); do mount --bind /dev/null "$1"; shift; done
for d in "$@"; do mount -t tmpfs -o size=1m tmpfs "$d"; done
! command -v node > /dev/null 2>&1 || ! node --version > /dev/null 2>&1 || { echo "node is still reachable"; exit 3; }
cd "$repo"
exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$repo/.home" LANG=C.UTF-8 \
  OUT="$out" DEVICE_SCALE="$scale" DEVICE_WORK="$repo/.work" DEVICE_ICD_CANDIDATES="$icd" \
  ${DEVICE_BUDGET_S:+DEVICE_BUDGET_S=$DEVICE_BUDGET_S} bash bench/device/run.sh
INNER
exit "$rc"
