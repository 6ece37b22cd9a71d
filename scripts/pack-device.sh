#!/usr/bin/env bash
# Packs everything the GPU run (bench/device/run.sh, docs/GPU.md) needs on a host with no Node.js, no node_modules
# and no network, into two ignored folders that the device call carries:
#   dist/            the CLI and bench bundles, Dawn (dawn.node, xz), the CUDA addon where built (scripts/bundle.mjs)
#   .device-bundle/  node.xz (this machine's Node.js), gl/*.deb (Vulkan and GL loaders, unpacked there without root),
#                    tables.tar.xz (every multiplier table), cifar.tar.xz (the first $CIFAR_RECORDS images of each
#                    shared CIFAR-10 batch, a subset in the reader's format), cuda-lut-bench.xz (bench/cuda/bench.cu,
#                    static, sm_90; absent without nvcc), pack.json (what is inside)
# Run from the repo root with ../shared beside it. XZ_LEVEL (default 6) trades pack time for size; PACK_DIR (default
# the repo root) is where dist/ and .device-bundle/ go.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SHARED=${SHARED:-../shared}
XZ_LEVEL=${XZ_LEVEL:-6}
CIFAR_RECORDS=${CIFAR_RECORDS:-512}
PACK_DIR=$(realpath -m "${PACK_DIR:-.}")
B=$PACK_DIR/.device-bundle
xzc() { xz -T2 "-$XZ_LEVEL" -c; }

node scripts/bundle.mjs --xz-dawn --minify --out "$PACK_DIR/dist" > /dev/null
rm -rf "$B"
mkdir -p "$B/gl"
xzc < "$(readlink -f "$(command -v node)")" > "$B/node.xz"

lists=$(mktemp -d)
mkdir -p "$lists/partial"
apt_o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
apt-get "${apt_o[@]}" update > /dev/null
(cd "$B/gl" && apt-get "${apt_o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 > /dev/null)
rm -rf "$lists"

tar -C "$SHARED" -cf - multipliers | xzc > "$B/tables.tar.xz"

# The reader takes any record count in its subset layout (data_batch_1.<tag>.bin ... test_batch.<tag>.bin).
stage=$(mktemp -d)
tag="first$CIFAR_RECORDS"
mkdir -p "$stage/cifar-10-$tag"
for f in "$SHARED"/datasets/cifar-10-partial/*.first1017.bin; do
  name=$(basename "$f" .first1017.bin)
  head -c $((CIFAR_RECORDS * 3073)) "$f" > "$stage/cifar-10-$tag/$name.$tag.bin"
done
cp "$SHARED/datasets/cifar-10-partial/batches.meta.txt" "$stage/cifar-10-$tag/"
tar -C "$stage" -cf - "cifar-10-$tag" | xzc > "$B/cifar.tar.xz"
rm -rf "$stage"

cuda=absent
if command -v nvcc > /dev/null || [ -x /usr/local/cuda/bin/nvcc ]; then
  sh bench/cuda/build.sh "$B/cuda-lut-bench"
  xzc < "$B/cuda-lut-bench" > "$B/cuda-lut-bench.xz"
  rm "$B/cuda-lut-bench"
  cuda=built
fi

cat > "$B/pack.json" <<JSON
{
  "commit": "$(git rev-parse HEAD)$(git diff --quiet HEAD -- . ':!dist' 2>/dev/null || echo '+changes')",
  "packed": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "node": "$(node --version)",
  "cifar": "cifar-10-$tag",
  "cudaBench": "$cuda"
}
JSON
du -sh "$PACK_DIR/dist" "$B"
du -sbc "$PACK_DIR/dist" "$B" | tail -1 | awk '{printf "carried: %.1f MiB (the device call carries at most 64 MiB)\n", $1 / 1048576}'
