import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import '@approx-darts/kernels';
import { exactTable } from '@approx-darts/multipliers';
import { buildEvalNetwork, disposeParams, restoreParams, snapshotParams } from '@approx-darts/networks';
import { EVERY_OP, MACRO, relativeError, trainedNetwork } from './every-op-network';
import { decodeOnnxModel, encodeOnnxModel, exportOnnx, ONNX_META, type ParamValues } from '@approx-darts/interop';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const macro = MACRO;
const exact = { table: exactTable(), quantization: 'asymmetric', perChannelWeights: false } as const;

const images = tf.randomUniform([3, 32, 32, 3], -1, 1, 'float32', 11) as tf.Tensor4D;

const ortLogits = async (bytes: Uint8Array, x: tf.Tensor4D): Promise<Float32Array> => {
  const session = await ort.InferenceSession.create(bytes);
  const nchw = tf.transpose(x, [0, 3, 1, 2]);
  const out = await session.run({ images: new ort.Tensor('float32', Float32Array.from(await nchw.data()), nchw.shape) });
  await session.release();
  return out['logits']!.data as Float32Array;
};

describe('approx-darts ONNX export, run in ONNX Runtime for Node', () => {
  for (const padding of ['same', 'symmetric'] as const) {
    it(`gives the engine's fp32 logits within 1e-5 relative (${padding} padding)`, async () => {
      const net = trainedNetwork(padding);
      const params = (await snapshotParams(net.store)) as ParamValues;
      const ours = (await net.forward(images, 'eval').logits.data()) as Float32Array;
      const bytes = encodeOnnxModel(exportOnnx({ genotype: EVERY_OP, macro, padding, params, multiplier: null, quantization: 'asymmetric' }));
      const theirs = await ortLogits(bytes, images);
      expect(theirs.length).toBe(ours.length);
      expect(relativeError(theirs, ours)).toBeLessThan(1e-5);
      disposeParams(net.store);
    });
  }

  it.each(['symmetric', 'same'] as const)('writes an approximate model whose mul8u_1JFF graph (quantize-dequantize around each approximate conv) is the engine on the exact table (%s padding)', async (padding) => {
    const trained = trainedNetwork(padding);
    const params = (await snapshotParams(trained.store)) as ParamValues;
    disposeParams(trained.store);
    const net = buildEvalNetwork({ genotype: EVERY_OP, macro, seed: 5, auxiliary: false, approx: exact, padding });
    restoreParams(net.store, params);
    const ours = (await net.forward(images, 'eval').logits.data()) as Float32Array;
    const model = exportOnnx({ genotype: EVERY_OP, macro, padding, params, multiplier: 'mul8u_1JFF', quantization: 'asymmetric' });
    const theirs = await ortLogits(encodeOnnxModel(model), images);
    expect(relativeError(theirs, ours)).toBeLessThan(1e-5);
    // ...and not by accident: the fp32 graph of the same weights is measurably further off.
    const fp32 = await ortLogits(encodeOnnxModel(exportOnnx({ genotype: EVERY_OP, macro, padding, params, multiplier: null, quantization: 'asymmetric' })), images);
    expect(relativeError(fp32, ours)).toBeGreaterThan(1e-4);
    disposeParams(net.store);
  });

  it('tags every approximate convolution with its multiplier, and writes explicit pads', () => {
    const net = buildEvalNetwork({ genotype: EVERY_OP, macro, seed: 5, auxiliary: false, approx: null, padding: 'same' });
    tf.tidy(() => void net.forward(images, 'train'));
    return snapshotParams(net.store).then((params) => {
      const model = decodeOnnxModel(encodeOnnxModel(exportOnnx({ genotype: EVERY_OP, macro, padding: 'same', params, multiplier: 'mul8u_NGR', quantization: 'asymmetric' })));
      const convs = model.graph.node.filter((n) => n.opType === 'Conv');
      const tagged = convs.filter((n) => (n.metadataProps ?? []).some((p) => p.key === ONNX_META.multiplier && p.value === 'mul8u_NGR'));
      // Depthwise-pointwise stacks: 8 in the normal cell (three sep convs of 2, two dil convs), 6 in each of the two
      // reduction cells: 20 stacks, 40 convolutions, each with its input quantized once.
      expect(tagged.length).toBe(40);
      expect(convs.length - tagged.length).toBeGreaterThan(0);
      expect(model.graph.node.filter((n) => n.opType === 'QuantizeLinear').length).toBe(40);
      // A stride-2 3x3 max pool on an even map pads 0 before / 1 after under 'same'.
      const pool = model.graph.node.find((n) => n.opType === 'MaxPool' && n.name.startsWith('cells.1.'));
      expect(pool?.attribute.find((a) => a.name === 'pads')?.ints).toEqual([0, 0, 1, 1]);
      disposeParams(net.store);
    });
  });
});
