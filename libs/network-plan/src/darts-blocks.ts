import { multiplierOf, type Operation } from '@approx-darts/search-space';
import type { Shape } from './layer';
import { bn, conv, pool, type Block } from './layers';
import { paramPaths, type PreprocessWiring } from './cell-wiring';
import type { Padding } from './padding';

const EXACT = { multiplier: null } as const;

/** How a network treats its ops: the search network's BN is non-affine and follows every pool; where windows pad (default 'same'). */
export interface BlockMode {
  readonly affine: boolean;
  readonly bnAfterPool: boolean;
  readonly padding?: Padding;
}

/** A ReLU-conv-BN's kernel, stride and arithmetic; the default is the 1x1 exact preprocessing of a cell input. */
export interface ConvBnSpec {
  readonly kernel?: number;
  readonly stride?: number;
  readonly multiplier?: string | null;
  readonly padding?: Padding;
}

/**
 * ReLU, k x k conv (padded as `spec.padding` says, default 'same'), BN: the preprocessing of a cell input (1x1, exact) and the plain `conv` op.
 * @example reluConvBn('pre', [48, 32, 32], 16, true).output // [16, 32, 32]
 */
export const reluConvBn = (path: string, input: Shape, outChannels: number, affine: boolean, spec: ConvBnSpec = {}): Block => {
  const { kernel = 1, stride = 1, multiplier = null, padding = 'same' } = spec;
  const c = conv(`${path}.conv`, input, { kind: 'conv', outChannels, kernel, stride, padding }, { multiplier });
  return { layers: [c, bn(`${path}.bn`, c.output, affine)], output: c.output };
};

/**
 * FactorizedReduce: two 1x1 stride-2 convs to half the channels each (the second on the input shifted by a pixel),
 * concatenated, then BN (exact arithmetic).
 * @example factorizedReduce('fr', [64, 32, 32], 32, true).output // [32, 16, 16]
 */
export const factorizedReduce = (path: string, input: Shape, outChannels: number, affine: boolean): Block => {
  const half = Math.floor(outChannels / 2);
  const c1 = conv(`${path}.conv_1`, input, { kind: 'conv', outChannels: half, kernel: 1, stride: 2 }, EXACT);
  const c2 = conv(`${path}.conv_2`, input, { kind: 'conv', outChannels: half, kernel: 1, stride: 2, shift: 1 }, EXACT);
  const output: Shape = [2 * half, c1.output[1], c1.output[2]];
  return { layers: [c1, c2, bn(`${path}.bn`, output, affine)], output };
};

/** One (depthwise k x k, pointwise 1x1, BN) stack; approximate when the op has a multiplier. */
const depthwisePointwise = (
  path: string,
  input: Shape,
  op: { readonly kernel: number; readonly multiplier: string | null },
  stride: number,
  dilation: number,
  affine: boolean,
  padding: Padding,
): Block => {
  const arithmetic = { multiplier: op.multiplier };
  const channels = input[0];
  const dw = conv(
    `${path}.depthwise`,
    input,
    { kind: 'depthwise', outChannels: channels, kernel: op.kernel, stride, dilation, groups: channels, padding },
    arithmetic,
  );
  const pw = conv(`${path}.pointwise`, dw.output, { kind: 'pointwise', outChannels: channels, kernel: 1 }, arithmetic);
  return { layers: [dw, pw, bn(`${path}.bn`, pw.output, affine)], output: pw.output };
};

/** The layers of a cell input's preprocessing to `channels` (exact arithmetic). */
export const preprocessBlock = (p: PreprocessWiring, input: Shape, channels: number, affine: boolean): Block =>
  p.kind === 'factorized_reduce' ? factorizedReduce(p.path, input, channels, affine) : reluConvBn(p.path, input, channels, affine);

/**
 * The layers of one operation at `path` (its parameter path, libs/network-plan/src/cell-wiring.ts) applied to `input`
 * with the given stride (docs/DARTS.md), on the op's multiplier.
 * `none` and the identity skip do no arithmetic and give no layers; a stride-2 skip is a FactorizedReduce.
 * @example operationBlock('e', { kind: 'sep_conv', name: 'sep_conv_3x3', kernel: 3 }, [16, 32, 32], 1, { affine: true, bnAfterPool: false }).layers.length === 6
 */
export const operationBlock = (path: string, op: Operation, input: Shape, stride: number, mode: BlockMode): Block => {
  const p = path;
  const padding = mode.padding ?? 'same';
  const strided: Shape = [input[0], Math.ceil(input[1] / stride), Math.ceil(input[2] / stride)];
  switch (op.kind) {
    case 'none':
      return { layers: [], output: strided };
    case 'skip':
      return stride === 1 ? { layers: [], output: input } : factorizedReduce(p, input, input[0], mode.affine);
    case 'pool': {
      const pl = pool(`${p}.pool`, input, op.pool, op.kernel, stride, 0, padding);
      return { layers: mode.bnAfterPool ? [pl, bn(`${p}.bn`, pl.output, false)] : [pl], output: pl.output };
    }
    case 'conv':
      return reluConvBn(p, input, input[0], mode.affine, { kernel: op.kernel, stride, multiplier: multiplierOf(op) ?? null, padding });
    case 'sep_conv':
    case 'dil_conv': {
      const spec = { kernel: op.kernel, multiplier: multiplierOf(op) ?? null };
      if (op.kind === 'dil_conv') return depthwisePointwise(p, input, spec, stride, op.dilation, mode.affine, padding);
      const first = depthwisePointwise(paramPaths.sepStack(p, 0), input, spec, stride, 1, mode.affine, padding);
      const second = depthwisePointwise(paramPaths.sepStack(p, 1), first.output, spec, 1, 1, mode.affine, padding);
      return { layers: [...first.layers, ...second.layers], output: second.output };
    }
  }
};

