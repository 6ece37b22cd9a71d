import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { DARTS_EVAL_MACRO, DARTS_SPACE, bindMultiplier, convOp, extendOps } from '@approx-darts/search-space';
import { DARTS_V1, DARTS_V2, type Genotype } from '@approx-darts/genotype';
import { exactTable } from '@approx-darts/multipliers';
import { ApproxConv2D, ApproxDepthwiseConv2D } from '@approx-darts/kernels';
import { disposeParams } from '../search-network/params';
import { AUXILIARY_PREFIX, buildEvalNetwork, countEvalParameters } from './eval-network';
import { dropPath, dropPathAt } from './drop-path';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tiny = { cells: 3, channels: 4, stemMultiplier: 3, classes: 10 };

describe('evaluation network', () => {
  it('has the parameter count DARTS reports for DARTS_V2, C=36, 20 cells (3,349,342 without the auxiliary head)', () => {
    const net = buildEvalNetwork({ genotype: DARTS_V2, macro: DARTS_EVAL_MACRO, seed: 0, auxiliary: true, approx: null });
    expect(countEvalParameters(net)).toBe(3_349_342);
    // The auxiliary head exists but is not counted.
    expect([...net.store.entries.keys()].some((k) => k.startsWith(AUXILIARY_PREFIX))).toBe(true);
    disposeParams(net.store);
  });

  it('produces logits, auxiliary logits in training only, and gradients for every weight', () => {
    const net = buildEvalNetwork({ genotype: DARTS_V1, macro: tiny, seed: 1, auxiliary: true, approx: null });
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const evaluated = net.forward(x, 'eval');
    expect(evaluated.logits.shape).toEqual([2, 10]);
    expect(evaluated.auxLogits).toBeUndefined();
    const { grads } = tf.variableGrads(() => {
      const train = net.forward(x, 'train', { probability: 0.2, random: () => 0.5 });
      expect(train.auxLogits?.shape).toEqual([2, 10]);
      return tf.sum(train.logits) as tf.Scalar;
    }, [...net.weights]);
    // Every weight except the auxiliary head's (not in this loss) receives a gradient.
    const main = net.weights.filter((w) => !w.name.includes(`/${AUXILIARY_PREFIX}`));
    for (const w of main) expect(grads[w.name], w.name).toBeDefined();
    disposeParams(net.store);
  });

  it('records a moving input range per sep/dil convolution in training', () => {
    const net = buildEvalNetwork({ genotype: DARTS_V2, macro: tiny, seed: 2, auxiliary: false, approx: null });
    const ranges = [...net.store.entries.values()].filter((e) => e.name.endsWith('.input_range'));
    // DARTS_V2: 5 sep convs (2 halves x 2 convs) + 1 dil conv (2 convs) per normal cell; cell 0 is the only
    // normal cell of 3 (reductions at 1 and 2), and the reduction cell has pools and skips only.
    expect(ranges).toHaveLength(5 * 4 + 2);
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    net.forward(x, 'train');
    const after1 = ranges.map((r) => Array.from(r.variable.dataSync()));
    for (const [min, max, seen] of after1) {
      expect(seen).toBe(1);
      expect(min).toBeLessThanOrEqual(max!);
    }
    // Depthwise inputs follow a ReLU, so their recorded minimum is 0.
    const dw = ranges.findIndex((r) => r.name.endsWith('op1.depthwise.input_range'));
    expect(after1[dw]![0]).toBe(0);
    // A second batch moves the record by the momentum: 0.9 * first + 0.1 * second, where `second` is what the same
    // (unchanged) weights record on that batch alone, i.e. a twin network's first record.
    const x2 = tf.randomNormal([2, 32, 32, 3], 0, 2, 'float32', 5) as tf.Tensor4D;
    net.forward(x2, 'train');
    const after2 = ranges.map((r) => Array.from(r.variable.dataSync()));
    const twin = buildEvalNetwork({ genotype: DARTS_V2, macro: tiny, seed: 2, auxiliary: false, approx: null });
    twin.forward(x2, 'train');
    const twinRanges = [...twin.store.entries.values()].filter((e) => e.name.endsWith('.input_range')).map((r) => Array.from(r.variable.dataSync()));
    after2.forEach(([min, max, seen], i) => {
      expect(seen).toBe(2);
      expect(min).toBeCloseTo(0.9 * after1[i]![0]! + 0.1 * twinRanges[i]![0]!, 4);
      expect(max).toBeCloseTo(0.9 * after1[i]![1]! + 0.1 * twinRanges[i]![1]!, 4);
    });
    disposeParams(twin.store);
    // Inference reads the record but never changes it.
    net.forward(x, 'eval');
    expect(ranges.map((r) => Array.from(r.variable.dataSync()))).toEqual(after2);
    disposeParams(net.store);
  });

  it('rejects a genotype op the space does not have', () => {
    const bad = { ...DARTS_V2, normal: { ...DARTS_V2.normal, nodes: [[{ op: 'conv_7x1_1x7', input: 0 }], ...DARTS_V2.normal.nodes.slice(1)] } };
    expect(() => buildEvalNetwork({ genotype: bad, macro: tiny, seed: 0, auxiliary: false, approx: null })).toThrow(
      /^genotype: normal.nodes\[0\]\[0\].op 'conv_7x1_1x7' is not a name the vocabulary reads/,
    );
  });
});

describe('per-op approximation', () => {
  const binding = { table: exactTable(), quantization: 'asymmetric', perChannelWeights: false } as const;
  // The approximate kernels one inference dispatches.
  const approxKernels = async (genotype: Genotype): Promise<{ readonly depthwise: number; readonly dense: number }> => {
    const net = buildEvalNetwork({ genotype, macro: tiny, seed: 3, auxiliary: false, approx: binding });
    const x = tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 6) as tf.Tensor4D;
    const info = await tf.profile(() => net.forward(x, 'eval').logits);
    disposeParams(net.store);
    return { depthwise: info.kernels.filter((k) => k.name === ApproxDepthwiseConv2D).length, dense: info.kernels.filter((k) => k.name === ApproxConv2D).length };
  };

  it('names alone: every sep/dil conv; op sets binding dil_conv_3x3 only: that one; a plain conv runs approximate too', async () => {
    // DARTS_V2's one normal cell of 3: five sep_conv_3x3 (two depthwise-pointwise halves each) and one dil_conv_3x3.
    expect(await approxKernels(DARTS_V2)).toEqual({ depthwise: 11, dense: 11 });
    const dilOnly = bindMultiplier('mul8u_NGR', { ops: ['dil_conv_3x3'] })(DARTS_SPACE);
    expect(await approxKernels({ ...DARTS_V2, ops: dilOnly })).toEqual({ depthwise: 1, dense: 1 });
    const withConv = bindMultiplier('mul8u_NGR', { ops: ['conv_3x3'] })(extendOps([convOp(3)])(DARTS_SPACE));
    const convEdge = { ...DARTS_V2, normal: { ...DARTS_V2.normal, nodes: [[{ op: 'conv_3x3', input: 0 }, { op: 'skip_connect', input: 1 }], ...DARTS_V2.normal.nodes.slice(1)] }, ops: withConv };
    expect(await approxKernels(convEdge)).toEqual({ depthwise: 0, dense: 1 });
  });
});

describe('drop path', () => {
  it('zeroes dropped samples and scales kept ones by 1/keep', () => {
    const x = tf.ones([4, 1, 1, 2]) as tf.Tensor4D;
    const draws = [0.1, 0.9, 0.5, 0.79];
    const y = Array.from(dropPath(x, 0.2, () => draws.shift()!).dataSync());
    expect(y).toEqual([1.25, 1.25, 0, 0, 1.25, 1.25, 1.25, 1.25]);
  });

  it('rises linearly over training', () => {
    expect(dropPathAt(0.3, 0, 600)).toBe(0);
    expect(dropPathAt(0.3, 300, 600)).toBeCloseTo(0.15);
  });
});
