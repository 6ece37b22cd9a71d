"""This project's own PyTorch version of DARTS's CIFAR evaluation network (NetworkCIFAR), for the interop tests.

Its modules carry DARTS's state_dict names and layouts (docs/INTEROP.md: stem.0 / stem.1, cells.i.preprocess0,
cells.i._ops.j, classifier; SepConv's Sequential positions 1, 2, 3, 5, 6, 7, DilConv's 1, 2, 3), so loading an
exported state_dict with strict=True checks every name and shape. Padding is PyTorch's symmetric (k - 1) * d / 2, as
in DARTS: weights exported from a `--padding symmetric` run compute the same logits here. Inference only: no
auxiliary head, no drop path.

Usage: python3 darts_network.py WEIGHTS.npz GENOTYPE.py NAME IMAGES.npy C CELLS CLASSES OUT.npy
"""
import sys

import numpy as np
import torch
from torch import nn


def relu_conv_bn(c_in, c_out):
    return nn.Sequential(nn.ReLU(inplace=False), nn.Conv2d(c_in, c_out, 1, bias=False), nn.BatchNorm2d(c_out))


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.relu = nn.ReLU(inplace=False)
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        r = self.relu(x)
        return self.bn(torch.cat([self.conv_1(r), self.conv_2(r[:, :, 1:, 1:])], dim=1))


class Preprocess(nn.Module):
    """ReLU, 1x1 conv, BN under the name `op` (DARTS's ReLUConvBN)."""

    def __init__(self, c_in, c_out):
        super().__init__()
        self.op = relu_conv_bn(c_in, c_out)

    def forward(self, x):
        return self.op(x)


def depthwise_pointwise(c, k, stride, dilation):
    pad = (k - 1) * dilation // 2
    return [
        nn.ReLU(inplace=False),
        nn.Conv2d(c, c, k, stride=stride, padding=pad, dilation=dilation, groups=c, bias=False),
        nn.Conv2d(c, c, 1, bias=False),
        nn.BatchNorm2d(c),
    ]


class Stacked(nn.Module):
    """sep_conv (two depthwise-pointwise-BN stacks) or dil_conv (one, dilated) under the name `op`."""

    def __init__(self, layers):
        super().__init__()
        self.op = nn.Sequential(*layers)

    def forward(self, x):
        return self.op(x)


class Identity(nn.Module):
    def forward(self, x):
        return x


def operation(name, c, stride):
    if name == 'skip_connect':
        return Identity() if stride == 1 else FactorizedReduce(c, c)
    if name == 'max_pool_3x3':
        return nn.MaxPool2d(3, stride=stride, padding=1)
    if name == 'avg_pool_3x3':
        return nn.AvgPool2d(3, stride=stride, padding=1, count_include_pad=False)
    kind, size = name.rsplit('_', 1)
    k = int(size.split('x')[0])
    if kind == 'sep_conv':
        return Stacked(depthwise_pointwise(c, k, stride, 1) + depthwise_pointwise(c, k, 1, 1))
    if kind == 'dil_conv':
        return Stacked(depthwise_pointwise(c, k, stride, 2))
    raise ValueError(f'no operation {name}')


class Cell(nn.Module):
    def __init__(self, edges, concat, c_pp, c_p, c, reduction, reduction_prev):
        super().__init__()
        self.preprocess0 = FactorizedReduce(c_pp, c) if reduction_prev else Preprocess(c_pp, c)
        self.preprocess1 = Preprocess(c_p, c)
        self.inputs = [i for _, i in edges]
        self._ops = nn.ModuleList([operation(op, c, 2 if reduction and i < 2 else 1) for op, i in edges])
        self.concat = list(concat)

    def forward(self, s0, s1):
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        for n in range(len(self._ops) // 2):
            a, b = 2 * n, 2 * n + 1
            states.append(self._ops[a](states[self.inputs[a]]) + self._ops[b](states[self.inputs[b]]))
        return torch.cat([states[i] for i in self.concat], dim=1)


class NetworkCIFAR(nn.Module):
    def __init__(self, c, classes, cells, genotype, stem_multiplier=3):
        super().__init__()
        c_cur = stem_multiplier * c
        self.stem = nn.Sequential(nn.Conv2d(3, c_cur, 3, padding=1, bias=False), nn.BatchNorm2d(c_cur))
        c_pp, c_p, c_cur = c_cur, c_cur, c
        reductions = {cells // 3, 2 * cells // 3}
        self.cells = nn.ModuleList()
        reduction_prev = False
        for i in range(cells):
            reduction = i in reductions
            if reduction:
                c_cur *= 2
            edges, concat = (genotype.reduce, genotype.reduce_concat) if reduction else (genotype.normal, genotype.normal_concat)
            self.cells.append(Cell(edges, concat, c_pp, c_p, c_cur, reduction, reduction_prev))
            reduction_prev = reduction
            c_pp, c_p = c_p, len(concat) * c_cur
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_p, classes)

    def forward(self, x):
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        return self.classifier(self.global_pooling(s1).flatten(1))


def main(argv):
    weights, genotype_file, name, images, c, cells, classes, out = argv
    scope = {}
    with open(genotype_file) as f:
        exec(f.read(), scope)  # the exported genotypes.py: a Genotype namedtuple and `name`
    net = NetworkCIFAR(int(c), int(classes), int(cells), scope[name])
    state = {k: torch.from_numpy(v) for k, v in np.load(weights).items()}
    net.load_state_dict(state, strict=True)
    net.eval()
    with torch.no_grad():
        logits = net(torch.from_numpy(np.load(images)))
    np.save(out, logits.numpy())


if __name__ == '__main__':
    main(sys.argv[1:])
