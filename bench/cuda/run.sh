#!/bin/sh
# GPU benchmark of the fused CUDA LUT kernels, for a CUDA host without Node.js. From the repo root:
#   bench/cuda/run.sh [multipliers dir (../shared/multipliers)] [reps (50)]
# Builds $TMPDIR/cuda-lut-bench/bench with nvcc, checks bit-exact sums against a CPU reference for every
# table and the fused float path against the host build of the quantization specification, times the fused
# kernels (each table layout + exact-multiply twin), and writes bench/results/cuda-<gpu>.json; when python3 has
# torch, adds PyTorch fp32 timings (TF32 off) and ratios.
# Targets on an H200: dense >= 2.5 T MAC/s on the large case; depthwise within 2x of PyTorch fp32.
set -eu
cd "$(dirname "$0")/../.."
TABLES="${1:-../shared/multipliers}"
REPS="${2:-50}"
NVCC="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
BUILD="${TMPDIR:-/tmp}/cuda-lut-bench"
mkdir -p "$BUILD" bench/results
S=kernels/cuda-lut/src
"$NVCC" -O3 -std=c++17 -gencode 'arch=compute_90,code=[sm_90,compute_90]' -cudart static -Xcompiler -ffp-contract=off \
  -o "$BUILD"/bench bench/cuda/bench.cu $S/cuda/*.cu $S/native/ops.cc
"$BUILD"/bench "$TABLES" bench/results "$REPS" | tee "$BUILD"/bench.log
RESULT="$(sed -n 's/^wrote //p' "$BUILD"/bench.log)"
if python3 -c 'import torch' 2>/dev/null; then
  python3 bench/cuda/torch_bench.py "$RESULT" "$REPS"
else
  echo "PyTorch comparison skipped: python3 with torch not found"
fi
