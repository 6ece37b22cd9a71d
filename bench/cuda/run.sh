#!/bin/sh
# GPU benchmark of the fused CUDA LUT kernels on a CUDA host with nvcc (the device run, bench/device/run.sh, uses the
# binary scripts/pack-device.sh builds instead: no nvcc there). From the repo root:
#   bench/cuda/run.sh [multipliers dir (../shared/multipliers)] [reps (50)] [out dir (bench/results)]
# Builds $TMPDIR/cuda-lut-bench/bench, checks bit-exact sums against a CPU reference for every table and the fused
# float path against the host build of the quantization specification, times the fused kernels (each table layout +
# exact-multiply twin), writes <out>/cuda-<gpu>.json; where python3 has torch with CUDA, adds PyTorch fp32 timings.
set -eu
cd "$(dirname "$0")/../.."
TABLES="${1:-../shared/multipliers}"
REPS="${2:-50}"
OUT_DIR="${3:-bench/results}"
BUILD="${TMPDIR:-/tmp}/cuda-lut-bench"
mkdir -p "$BUILD" "$OUT_DIR"
sh bench/cuda/build.sh "$BUILD/bench"
status=0
"$BUILD"/bench "$TABLES" "$OUT_DIR" "$REPS" > "$BUILD"/bench.log 2>&1 || status=$?
cat "$BUILD"/bench.log
[ "$status" -eq 0 ] || exit "$status"
RESULT="$(sed -n 's/^wrote //p' "$BUILD"/bench.log)"
if python3 -c 'import torch' 2>/dev/null; then
  python3 bench/cuda/torch_bench.py "$RESULT" "$REPS"
else
  echo "PyTorch comparison skipped: python3 with torch not found"
fi
