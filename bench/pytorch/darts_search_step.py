"""The DARTS search network and its first-order bi-level step in PyTorch, written for this repository's peer
benchmark (bench/pytorch-peer.ts): the same operations, shapes and optimizers as libs/network-plan's search network
and libs/run's architectureStep + weightStep, so the images/s of the two are comparable.

Usage: python3 darts_search_step.py --channels 4 --cells 3 --batch 16 --steps 3 --threads 2 [--device cpu|cuda]
Prints one JSON line: {"torch": version, "device": name, "threads": n, "batch": b, "secondsPerStep": s,
"imagesPerSecond": ips}. On cuda every timed span ends in a synchronize (kernels run asynchronously), TF32 is off
(fp32 as on the cpu), and a host without a CUDA device exits 2 with one line saying so.
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# Candidate operations of the default space (docs/DARTS.md); 'none' contributes nothing and is skipped in the sum,
# as libs/networks/src/search-network/mixed-op.ts does.
OPS = ["none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"]


class ReluConvBn(nn.Module):
    def __init__(self, cin, cout, kernel=1, stride=1, pad=0):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride, pad, bias=False)
        self.bn = nn.BatchNorm2d(cout, affine=False)

    def forward(self, x):
        return self.bn(self.conv(F.relu(x)))


class DepthwisePointwise(nn.Module):
    """ReLU, depthwise kxk (stride, dilation), pointwise 1x1, non-affine batch norm."""

    def __init__(self, c, kernel, stride, dilation):
        super().__init__()
        pad = dilation * (kernel - 1) // 2
        self.dw = nn.Conv2d(c, c, kernel, stride, pad, dilation=dilation, groups=c, bias=False)
        self.pw = nn.Conv2d(c, c, 1, bias=False)
        self.bn = nn.BatchNorm2d(c, affine=False)

    def forward(self, x):
        return self.bn(self.pw(self.dw(F.relu(x))))


class FactorizedReduce(nn.Module):
    """ReLU, two 1x1 stride-2 convolutions (the second on the input shifted by one pixel), concatenated, batch norm."""

    def __init__(self, cin, cout):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout // 2, 1, 2, bias=False)
        self.c2 = nn.Conv2d(cin, cout - cout // 2, 1, 2, bias=False)
        self.bn = nn.BatchNorm2d(cout, affine=False)

    def forward(self, x):
        x = F.relu(x)
        return self.bn(torch.cat([self.c1(x), self.c2(x[:, :, 1:, 1:])], dim=1))


class Pool(nn.Module):
    def __init__(self, c, stride, kind):
        super().__init__()
        # average pooling divides by the in-image positions only (count_include_pad=False)
        self.pool = nn.MaxPool2d(3, stride, 1) if kind == "max" else nn.AvgPool2d(3, stride, 1, count_include_pad=False)
        self.bn = nn.BatchNorm2d(c, affine=False)

    def forward(self, x):
        return self.bn(self.pool(x))


def operation(name, c, stride):
    if name == "max_pool_3x3":
        return Pool(c, stride, "max")
    if name == "avg_pool_3x3":
        return Pool(c, stride, "avg")
    if name == "skip_connect":
        return nn.Identity() if stride == 1 else FactorizedReduce(c, c)
    if name.startswith("sep_conv"):
        k = int(name[-1])
        return nn.Sequential(DepthwisePointwise(c, k, stride, 1), DepthwisePointwise(c, k, 1, 1))
    if name.startswith("dil_conv"):
        return DepthwisePointwise(c, int(name[-1]), stride, 2)
    raise ValueError(name)


class MixedOp(nn.Module):
    def __init__(self, c, stride):
        super().__init__()
        self.index = [i for i, name in enumerate(OPS) if name != "none"]
        self.ops = nn.ModuleList(operation(OPS[i], c, stride) for i in self.index)

    def forward(self, x, weights):
        return sum(weights[i] * op(x) for i, op in zip(self.index, self.ops))


class Cell(nn.Module):
    def __init__(self, c_pp, c_p, c, reduction, reduction_prev, steps=4):
        super().__init__()
        self.pre0 = FactorizedReduce(c_pp, c) if reduction_prev else ReluConvBn(c_pp, c)
        self.pre1 = ReluConvBn(c_p, c)
        self.reduction = reduction
        self.steps = steps
        self.edges = nn.ModuleList()
        for i in range(steps):
            for j in range(2 + i):
                self.edges.append(MixedOp(c, 2 if reduction and j < 2 else 1))

    def forward(self, s0, s1, weights):
        states = [self.pre0(s0), self.pre1(s1)]
        offset = 0
        for i in range(self.steps):
            states.append(sum(self.edges[offset + j](h, weights[offset + j]) for j, h in enumerate(states)))
            offset += len(states) - 1
        return torch.cat(states[-self.steps :], dim=1)


class SearchNetwork(nn.Module):
    def __init__(self, c, cells, classes=10, steps=4, stem_multiplier=3):
        super().__init__()
        c_curr = stem_multiplier * c
        # the stem's batch norm is affine, unlike the rest of the search network
        self.stem = nn.Sequential(nn.Conv2d(3, c_curr, 3, padding=1, bias=False), nn.BatchNorm2d(c_curr))
        c_pp, c_p, c_curr = c_curr, c_curr, c
        self.cells = nn.ModuleList()
        reduction_prev = False
        for i in range(cells):
            reduction = i in (cells // 3, 2 * cells // 3)
            if reduction:
                c_curr *= 2
            self.cells.append(Cell(c_pp, c_p, c_curr, reduction, reduction_prev, steps))
            reduction_prev = reduction
            c_pp, c_p = c_p, steps * c_curr
        self.classifier = nn.Linear(c_p, classes)
        edges = sum(2 + i for i in range(steps))
        self.alphas_normal = nn.Parameter(1e-3 * torch.randn(edges, len(OPS)))
        self.alphas_reduce = nn.Parameter(1e-3 * torch.randn(edges, len(OPS)))

    def weights(self):
        return [p for n, p in self.named_parameters() if not n.startswith("alphas")]

    def forward(self, x):
        s0 = s1 = self.stem(x)
        wn, wr = F.softmax(self.alphas_normal, dim=-1), F.softmax(self.alphas_reduce, dim=-1)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1, wr if cell.reduction else wn)
        return self.classifier(F.adaptive_avg_pool2d(s1, 1).flatten(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--channels", type=int, default=16)
    ap.add_argument("--cells", type=int, default=8)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    a = ap.parse_args()
    if a.device == "cuda" and not torch.cuda.is_available():
        print(f"no CUDA device: torch {torch.__version__} sees none (built with CUDA {torch.version.cuda})", file=sys.stderr)
        sys.exit(2)
    device = torch.device(a.device)
    if a.device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = True
    sync = torch.cuda.synchronize if a.device == "cuda" else (lambda: None)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = SearchNetwork(a.channels, a.cells).to(device)
    # The paper's plan (libs/schedule/src/presets.ts): SGD lr 0.1, momentum 0.9, weight decay 3e-4 for the weights;
    # Adam lr 1e-4, betas (0.5, 0.999), weight decay 1e-3 for the alphas.
    w_opt = torch.optim.SGD(net.weights(), lr=0.1, momentum=0.9, weight_decay=3e-4)
    a_opt = torch.optim.Adam([net.alphas_normal, net.alphas_reduce], lr=1e-4, betas=(0.5, 0.999), weight_decay=1e-3)
    x = torch.randn(a.batch, 3, 32, 32, device=device)
    y = torch.arange(a.batch, device=device) % 10

    def step():
        # first order: the architecture step on one batch, then the weight step on another (the same tensors here,
        # as in bench/lean-step.ts). Like libs/run's architectureStep, the architecture step differentiates with
        # respect to the alphas only (no weight gradients).
        a_opt.zero_grad()
        alphas = [net.alphas_normal, net.alphas_reduce]
        for p, g in zip(alphas, torch.autograd.grad(F.cross_entropy(net(x), y), alphas)):
            p.grad = g
        a_opt.step()
        w_opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        w_opt.step()

    for _ in range(a.warmup):
        step()
    sync()
    start = time.perf_counter()
    for _ in range(a.steps):
        step()
    sync()
    seconds = (time.perf_counter() - start) / a.steps
    name = torch.cuda.get_device_name(device) if a.device == "cuda" else "cpu"
    print(json.dumps({"torch": torch.__version__, "device": name, "threads": torch.get_num_threads(), "batch": a.batch,
                      "channels": a.channels, "cells": a.cells, "secondsPerStep": seconds, "imagesPerSecond": 2 * a.batch / seconds}))


if __name__ == "__main__":
    main()
