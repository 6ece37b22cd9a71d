"""PyTorch fp32 timings (TF32 off, cuDNN) for the shapes of a cuda-lut benchmark result; adds them
and the ratios LUT/PyTorch to that JSON file. Usage: torch_bench.py bench/results/cuda-<gpu>.json [reps]"""
import json
import statistics
import sys

import torch

path, reps = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 50
if not torch.cuda.is_available():
    print(f"PyTorch comparison skipped: torch {torch.__version__} sees no CUDA device", file=sys.stderr)
    sys.exit(2)
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.backends.cudnn.benchmark = True
result = json.load(open(path))
print(f"\n{'shape':38} {'pytorch fp32 ms':>16} {'best LUT / torch':>17}")
for s in result["shapes"]:
    x = torch.randn(s["batch"], s["inChannels"], s["size"], s["size"], device="cuda").to(memory_format=torch.channels_last)
    groups = s["inChannels"] if s["kind"] == "depthwise" else 1
    w = torch.randn(s["outChannels"], s["inChannels"] // groups, s["kernel"], s["kernel"], device="cuda")
    def conv():
        return torch.nn.functional.conv2d(x, w, stride=s["stride"], padding=s["pad"], dilation=s["dilation"], groups=groups)
    for _ in range(5):
        conv()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        conv()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b))
    ms = statistics.median(times)
    best = min(v for k, v in s["ms"].items() if k != "exact-multiply")
    s["ms"]["pytorch-fp32"] = ms
    s["lutOverPytorch"] = best / ms
    s["pytorchTmacPerS"] = s["macs"] / ms / 1e9
    print(f"{s['name']:38} {ms:16.4f} {best / ms:17.2f}")
result["pytorch"] = torch.__version__
json.dump(result, open(path, "w"), indent=2)
print(f"updated {path}")
