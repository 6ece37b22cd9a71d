#!/usr/bin/env bash
# The one call on a GPU host (docs/GPU.md): every GPU figure this project needs, from the bundles alone.
#   bash bench/device/run.sh          from the root of the device's copy, with dist/ and .device-bundle/ carried
# Needs no Node.js, no node_modules, no network and no root: scripts/pack-device.sh packed Node, the Vulkan loader,
# the tables, a CIFAR-10 subset and the prebuilt CUDA bench; everything is unpacked under $DEVICE_WORK.
# Every step runs under `timeout`, the whole within DEVICE_BUDGET_S (540 s); a failed step never stops the next.
# $OUT gets at most three files, rewritten after every step: summary.json (per step: exit code, seconds, status,
# reason, figures; the adapter and GPU), log.txt (every step's output), results.tar.gz (each step's files).
# DEVICE_SCALE=rehearsal runs the same steps on tiny sizes (test/device/device-run.test.ts, on SwiftShader).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
OUT=${OUT:-$ROOT/bench/results/device}
WORK=${DEVICE_WORK:-/tmp/approx-darts-device}
BUDGET=${DEVICE_BUDGET_S:-540}
SCALE=${DEVICE_SCALE:-full}
BUNDLE=$ROOT/.device-bundle
mkdir -p "$OUT" "$WORK"
: > "$WORK/steps.jsonl"
: > "$OUT/log.txt"
T0=$SECONDS

# Sizes. Full: the paper's search network (8 cells, C = 16) at batch 64 and 256 on the carried subset (512 images a
# batch file, 2,560 for training), each search one epoch of bi-level steps with no warm-up.
if [ "$SCALE" = rehearsal ]; then
  CONFORMANCE_ARGS=(--quick --tables mul8u_1JFF,mul8u_NGR)
  KERNEL_ARGS=(--quick --batch 2 --shapes 1)
  CUDA_REPS=3
  TORCH_ARGS=(--channels 4 --cells 3 --steps 1)
  TORCH_BATCHES=(4)
  SEARCHES=("fp32 4 16" "mul8u_NGR 4 16" "mul8u_NGR 8 16")
  NET_ARGS=(--cells 2 --channels 2)
else
  CONFORMANCE_ARGS=()
  KERNEL_ARGS=(--batch 64,256)
  CUDA_REPS=50
  TORCH_ARGS=(--channels 16 --cells 8 --steps 5)
  TORCH_BATCHES=(64 256)
  SEARCHES=("fp32 64 1024" "mul8u_NGR 64 1024" "mul8u_NGR 256 2048")
  NET_ARGS=(--cells 8 --channels 16)
fi

log() { printf '%s\n' "$*" | tee -a "$OUT/log.txt"; }
json_str() { # a JSON string of $1 (quotes, backslashes, control characters escaped)
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\t'/\\t}
  s=${s//$'\r'/}
  printf '"%s"' "$s"
}

# summary.json from steps.jsonl: the carried Node's summarize.mjs embeds each step's figures; without Node (setup
# failed) the step lines alone. results.tar.gz: the step folders, without checkpoints (weights are not figures).
publish() {
  if [ -x "$WORK/bin/node" ] && "$WORK/bin/node" "$ROOT/bench/device/summarize.mjs" "$WORK" "$OUT/summary.json.tmp" 2>> "$OUT/log.txt"; then
    mv "$OUT/summary.json.tmp" "$OUT/summary.json"
  else
    { printf '{"complete": false, "note": "written without Node: figures are in results.tar.gz", "steps": ['; paste -sd, "$WORK/steps.jsonl"; printf ']}\n'; } > "$OUT/summary.json"
  fi
  tar -C "$WORK" --exclude=checkpoint --exclude=bin --exclude=root --exclude=inputs -czf "$OUT/results.tar.gz.tmp" . 2>/dev/null && mv "$OUT/results.tar.gz.tmp" "$OUT/results.tar.gz"
}

# step NAME LIMIT_S COMMAND...: runs COMMAND in $WORK/NAME under timeout (the smaller of LIMIT_S and what the budget
# has left), records exit code, seconds and status. A command that exits 2 said why it could not run: status
# "skipped", with the last line of its output as the reason.
step() {
  local name=$1 limit=$2
  shift 2
  local left=$((BUDGET - (SECONDS - T0) - 15))
  local dir="$WORK/$name"
  mkdir -p "$dir"
  if [ "$left" -lt 5 ]; then
    record "$name" null 0 skipped "no time left in the ${BUDGET} s budget"
    return
  fi
  [ "$limit" -le "$left" ] || limit=$left
  log "== $name (limit ${limit} s): $*"
  local t=$SECONDS rc
  (cd "$dir" && timeout -k 5 "$limit" "$@") > "$dir/output.txt" 2>&1
  rc=$?
  tee -a "$OUT/log.txt" < "$dir/output.txt" | tail -n 40
  local status=ok reason=""
  case $rc in
    0) ;;
    2) status=skipped reason=$(grep -v '^\s*$' "$dir/output.txt" | tail -n 1) ;;
    124 | 137) status=timeout reason="stopped at its ${limit} s limit" ;;
    *) status=failed reason=$(grep -v '^\s*$' "$dir/output.txt" | tail -n 1) ;;
  esac
  record "$name" "$rc" $((SECONDS - t)) "$status" "$reason"
  log "== $name: $status (exit $rc) after $((SECONDS - t)) s"
}
record() { # NAME RC SECONDS STATUS REASON
  printf '{"name": %s, "exitCode": %s, "seconds": %s, "status": %s, "reason": %s}\n' "$(json_str "$1")" "$2" "$3" "$(json_str "$4")" "$(json_str "$5")" >> "$WORK/steps.jsonl"
  publish
}
skip() { mkdir -p "$WORK/$1"; record "$1" null 0 skipped "$2"; log "== $1: skipped: $2"; }

# 1. The host as found: who runs, disk, GPUs, the loader and driver libraries the linker knows, whether Node exists.
host_facts() {
  echo "id: $(id)"
  df -h "$ROOT" /tmp | sed 's/^/df: /'
  if node --version > /dev/null 2>&1; then echo "node on PATH: $(command -v node) $(node --version)"; else echo "node on PATH: none that runs"; fi
  echo "python3: $(command -v python3 || echo none)"
  if command -v nvidia-smi > /dev/null; then nvidia-smi -L | sed 's/^/gpu: /'; else echo "no gpu: nvidia-smi not found"; fi
  ldconfig -p 2> /dev/null | grep -E 'libvulkan|libGLX|libEGL|libnvidia|libcuda' | sed 's/^/ldconfig: /' || true
  for d in /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d /usr/local/share/vulkan/icd.d; do
    [ -d "$d" ] && ls "$d" | sed "s|^|icd: $d/|"
  done
  return 0
}
export ROOT WORK BUNDLE
export -f host_facts
step host 20 bash -c host_facts

# 2. The carried runtime, unpacked under $WORK (no root needed): Node, the Vulkan/GL loaders (LD_LIBRARY_PATH),
# Dawn, the tables, the CIFAR subset, the CUDA bench.
setup_runtime() {
  set -e
  [ -s "$BUNDLE/node.xz" ] || { echo "no $BUNDLE/node.xz: run scripts/pack-device.sh and carry .device-bundle"; exit 1; }
  mkdir -p "$WORK/bin" "$WORK/root" "$WORK/inputs"
  xz -d -c "$BUNDLE/node.xz" > "$WORK/bin/node"
  chmod +x "$WORK/bin/node"
  for f in "$BUNDLE"/gl/*.deb; do dpkg-deb -x "$f" "$WORK/root" 2> /dev/null || (cd "$WORK/root" && ar p "$f" data.tar.xz | tar -xJ); done
  dawn="$ROOT/dist/node_modules/webgpu/dist/linux-x64/dawn.node"
  [ -f "$dawn" ] || xz -d -k "$dawn.xz"
  tar -C "$WORK/inputs" -xJf "$BUNDLE/tables.tar.xz"
  tar -C "$WORK/inputs" -xJf "$BUNDLE/cifar.tar.xz"
  if [ -f "$BUNDLE/cuda-lut-bench.xz" ]; then xz -d -c "$BUNDLE/cuda-lut-bench.xz" > "$WORK/bin/cuda-lut-bench" && chmod +x "$WORK/bin/cuda-lut-bench"; fi
  "$WORK/bin/node" --version
  ls "$WORK/root/usr/lib/x86_64-linux-gnu" | grep -E 'vulkan|GL'
  cat "$BUNDLE/pack.json"
}
export -f setup_runtime
step setup 60 bash -c setup_runtime
export PATH="$WORK/bin:$PATH"
export LD_LIBRARY_PATH="$WORK/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$WORK}
TABLES="$WORK/inputs/multipliers"
DATA=$(ls -d "$WORK"/inputs/cifar-10-* 2> /dev/null | head -n 1)
CLI=("$WORK/bin/node" "$ROOT/dist/approx-darts.mjs")

# 3. The Vulkan driver: among the manifests that exist (an explicit VK_DRIVER_FILES that exists wins), the first
# that names a library the linker can load. A variable naming an absent file turns the loader's own search off, so
# none is set when no manifest is found.
choose_icd() {
  local candidates=${DEVICE_ICD_CANDIDATES:-${VK_DRIVER_FILES:+$VK_DRIVER_FILES:}/usr/share/vulkan/icd.d/nvidia_icd.json:/etc/vulkan/icd.d/nvidia_icd.json:/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json:/usr/local/share/vulkan/icd.d/nvidia_icd.json}
  local f lib d
  IFS=: read -r -a files <<< "$candidates"
  # then whatever other manifests the loader's directories hold (a driver may name its file differently)
  for d in /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d /usr/local/share/vulkan/icd.d; do
    [ -z "${DEVICE_ICD_CANDIDATES:-}" ] && [ -d "$d" ] && for f in "$d"/*.json; do [ -f "$f" ] && files+=("$f"); done
  done
  for f in "${files[@]}"; do
    [ -f "$f" ] || { echo "absent: $f"; continue; }
    lib=$(sed -n 's/.*"library_path"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | head -n 1)
    case $lib in ./* | ../*) lib="$(dirname "$f")/$lib" ;; esac
    if "$WORK/bin/node" -e 'try { process.dlopen({ exports: {} }, process.argv[1]); } catch (e) { if (!/self-register|not a valid|undefined symbol: napi/i.test(e.message)) { console.log(e.message); process.exit(1); } }' "$lib"; then
      echo "chosen: $f (library $lib loads)"
      echo "$f" > "$WORK/icd"
      return 0
    fi
    echo "refused: $f names $lib, which does not load"
  done
  echo "no manifest among the candidates names a library that loads; the Vulkan loader searches its own directories"
  return 0
}
export -f choose_icd
step vulkan-driver 20 bash -c choose_icd
if [ -s "$WORK/icd" ]; then export VK_DRIVER_FILES; VK_DRIVER_FILES=$(cat "$WORK/icd"); unset VK_ICD_FILENAMES; else unset VK_DRIVER_FILES VK_ICD_FILENAMES; fi

# 4. doctor, required to start webgpu: exit 2 says why not, and every webgpu step is skipped with that reason.
step doctor 60 "${CLI[@]}" doctor --json --engine webgpu --lut-dir "$TABLES" --data "$DATA"
webgpu_problem=""
if ! grep -q '"status": "ok"' <(grep '"name": "doctor"' "$WORK/steps.jsonl"); then
  webgpu_problem="webgpu unavailable: $(tail -n 1 "$WORK/doctor/output.txt")"
fi
webgpu_step() { # NAME LIMIT COMMAND...
  if [ -n "$webgpu_problem" ]; then skip "$1" "$webgpu_problem"; else step "$@"; fi
}

# 5. WGSL conformance: every table, both layouts, bit for bit against the reference accumulation.
webgpu_step webgpu-conformance 90 "$WORK/bin/node" "$ROOT/dist/bench-webgpu-conformance.mjs" --lut-dir "$TABLES" --out . "${CONFORMANCE_ARGS[@]}"

# 6. webgpu searches: one epoch of first-order bi-level steps, profiled (images/s, dispatches per step). The pair at
# the first batch size comes first (the figures the README compares with PyTorch); the rest after the CUDA steps.
search_step() { # MULTIPLIER BATCH LIMIT
  webgpu_step "search-$1-b$2" 90 "${CLI[@]}" search --engine webgpu --data "$DATA" --lut-dir "$TABLES" --multiplier "$1" \
    --preset paper "${NET_ARGS[@]}" --batch-size "$2" --limit "$3" --epochs 1 --warmup-epochs 0 --profile --out run
}
for s in "${SEARCHES[@]:0:2}"; do search_step $s; done

# 7. The PyTorch DARTS search step on the GPU (the peer for images/s), synchronized.
for b in "${TORCH_BATCHES[@]}"; do
  if command -v python3 > /dev/null && python3 -c 'import torch' 2> /dev/null; then
    step "pytorch-step-b$b" 60 python3 "$ROOT/bench/pytorch/darts_search_step.py" --device cuda --batch "$b" "${TORCH_ARGS[@]}"
  else
    skip "pytorch-step-b$b" "python3 with torch not found"
  fi
done

# 8. The CUDA LUT kernels: bit-exact on every table, then T MAC/s on the search and evaluation shapes and the dense
# 3x3 conv (batch 256, C = 128, 32x32); PyTorch's fp32 convolution on the same shapes beside them.
if [ -x "$WORK/bin/cuda-lut-bench" ]; then
  step cuda-lut 120 "$WORK/bin/cuda-lut-bench" "$TABLES" . "$CUDA_REPS"
  cuda_json=$(ls "$WORK"/cuda-lut/cuda-*.json 2> /dev/null | head -n 1)
  if [ -n "$cuda_json" ] && command -v python3 > /dev/null && python3 -c 'import torch' 2> /dev/null; then
    step cuda-lut-pytorch 60 python3 "$ROOT/bench/cuda/torch_bench.py" "$cuda_json" "$CUDA_REPS"
  else
    skip cuda-lut-pytorch "$([ -z "$cuda_json" ] && echo 'no CUDA LUT result to compare with' || echo 'python3 with torch not found')"
  fi
else
  skip cuda-lut "the CUDA bench was not packed (no nvcc where scripts/pack-device.sh ran)"
  skip cuda-lut-pytorch "no CUDA LUT result to compare with"
fi

for s in "${SEARCHES[@]:2}"; do search_step $s; done

# 9. The webgpu kernel bench: exact tfjs conv against the approximate kernels, both table layouts.
webgpu_step webgpu-kernels 90 "$WORK/bin/node" "$ROOT/dist/bench-webgpu.mjs" --lut-dir "$TABLES" --out . "${KERNEL_ARGS[@]}"

log "== done in $((SECONDS - T0)) s of ${BUDGET} s"
printf '{"name": "total", "exitCode": 0, "seconds": %s, "status": "ok", "reason": ""}\n' $((SECONDS - T0)) >> "$WORK/steps.jsonl"
publish
grep -q '"status": "failed"' "$WORK/steps.jsonl" && exit 1
exit 0
