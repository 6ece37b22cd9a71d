#!/usr/bin/env bash
# The one command for a GPU host (see docs/GPU.md), from the repo root of the device's copy:
#   bash bench/webgpu/run-on-device.sh [LUT_DIR] [DATA_DIR]
# Needs: .gpu-runtime/ (bash ../shared/tools/pack-gpu-runtime.sh), dist/ (node scripts/bundle.mjs --xz-dawn), and the
# shared files copied into the repo (default .device-bundle/multipliers and .device-bundle/cifar-10-partial).
# Writes everything under $OUT (default bench/results/device): doctor, conformance, benchmark, search runs, logs.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
LUT_DIR=${1:-${APPROX_DARTS_LUT_DIR:-.device-bundle/multipliers}}
DATA_DIR=${2:-${APPROX_DARTS_DATA:-.device-bundle/cifar-10-partial}}
EPOCHS=${EPOCHS:-3}
OUT=${OUT:-bench/results/device}
mkdir -p "$OUT"
export APPROX_DARTS_LUT_DIR=$LUT_DIR OUT

# shellcheck disable=SC1091
source .gpu-runtime/setup.sh > "$OUT/setup.log" 2>&1; cat "$OUT/setup.log"
export PATH=/tmp/gpu-runtime/bin:$PATH
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
dawn=dist/node_modules/webgpu/dist/linux-x64/dawn.node
[ -f "$dawn" ] || xz -d -k "$dawn.xz"

status=0
step() { # name, command...: runs one step, logs it, keeps going on failure
  local name=$1; shift
  echo "== $name: $*" | tee -a "$OUT/steps.log"
  local t0=$SECONDS
  "$@" > >(tee "$OUT/$name.log") 2>&1
  local rc=$?
  echo "== $name: exit $rc after $((SECONDS - t0)) s" | tee -a "$OUT/steps.log"
  [ $rc -eq 0 ] || status=1
}

step doctor node dist/approx-darts.mjs doctor --json --lut-dir "$LUT_DIR" --data "$DATA_DIR"
step conformance node dist/bench-webgpu-conformance.mjs --lut-dir "$LUT_DIR" --out "$OUT"
step bench node dist/bench-webgpu.mjs --lut-dir "$LUT_DIR" --out "$OUT"
for m in fp32 mul8u_NGR; do
  # The paper's search network (8 cells, C = 16) on the shared subset, fp32 and the approximate multiplier.
  step "search-$m" node dist/approx-darts.mjs search --engine webgpu --data "$DATA_DIR" --lut-dir "$LUT_DIR" \
    --multiplier "$m" --preset paper --cells 8 --channels 16 --batch-size 64 --epochs "$EPOCHS" --out "$OUT/search-$m"
done
node dist/approx-darts.mjs search --help > "$OUT/search-help.txt" 2>&1 || true
exit $status
