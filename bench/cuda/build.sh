#!/bin/sh
# Builds the standalone CUDA LUT benchmark (bench/cuda/bench.cu) as one static binary for Hopper (sm_90: H100, H200),
# with PTX beside it for newer GPUs. Usage: bench/cuda/build.sh OUTPUT_FILE; nvcc from $NVCC, PATH or /usr/local/cuda.
set -eu
cd "$(dirname "$0")/../.."
NVCC="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
S=kernels/cuda-lut/src
"$NVCC" -O3 -std=c++17 -gencode 'arch=compute_90,code=[sm_90,compute_90]' -cudart static -Xcompiler -ffp-contract=off \
  -o "$1" bench/cuda/bench.cu $S/cuda/*.cu $S/native/ops.cc
