import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fc, test } from '@fast-check/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuNativeStatus, loadCpuNative } from '@approx-darts/cpu-native';
import { nativeStepKernels } from '../../libs/engine-cpu/src/native/native-step-kernels';
import { batchNormTrainCpuConfig, batchNormTrainGradCpuConfig } from '../../libs/kernels/src/batch-norm-cpu';
import { weightedSumCpuConfig, weightedSumWeightGradCpuConfig } from '../../libs/kernels/src/weighted-sum-cpu';
import { reluBackwardCpuConfig } from '../../libs/kernels/src/relu-backward-cpu';
import { maxPoolGradKernel } from '../../libs/engine-cpu/src/max-pool-grad';
import { avgPoolGradKernel } from '../../libs/engine-cpu/src/avg-pool-grad';

// The native step kernels (kernels/cpu-native/src/native/step_kernels.cc) against the kernels they override: the
// fused batch norm, weighted sum and ReLU gradient of this package and tfjs's Relu, Add and pooling bit for bit; the
// pooling gradients against cpu-fast's (the average one within float rounding: it sums in another order).

const loaded = loadCpuNative();
const reason = loaded.ok ? undefined : cpuNativeStatus().detail;
if (reason !== undefined) console.warn(`skipped: native step kernels: ${reason}`);

const noFallback: tf.KernelFunc = () => {
  throw new Error('the native kernel fell back');
};

const nativeKernel = (name: string): tf.KernelFunc => {
  if (!loaded.ok) throw new Error('addon not loaded');
  const k = nativeStepKernels(loaded.addon).find((c) => c.kernelName === name);
  if (k === undefined) throw new Error(`no native kernel ${name}`);
  return k.make(noFallback);
};

const originals = new Map<string, tf.KernelFunc>();
beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const name of [tf.Relu, tf.Add, tf.MaxPool, tf.AvgPool, tf.MaxPoolGrad, tf.AvgPoolGrad]) {
    const original = tf.getKernel(name, 'cpu')?.kernelFunc;
    if (original === undefined) throw new Error(`no tfjs kernel for ${name}`);
    originals.set(name, original);
  }
});

type Inputs = tf.NamedTensorInfoMap | tf.TensorInfo[];

const run = (f: tf.KernelFunc, inputs: Inputs, attrs: tf.NamedAttrMap = {}): Float32Array[] => {
  const res = f({ inputs: inputs as tf.NamedTensorInfoMap, backend: tf.backend(), attrs });
  return (Array.isArray(res) ? res : [res]).map((info) => {
    const t = tf.engine().makeTensorFromTensorInfo(info);
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return v;
  });
};

const bits = (vs: Float32Array[]): number[][] => vs.map((v) => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length)));

const expectSame = (native: Float32Array[], reference: Float32Array[]): void => expect(bits(native)).toEqual(bits(reference));

const rand = (shape: readonly number[], seed: number, lo = -1, hi = 1): tf.Tensor => tf.randomUniform([...shape], lo, hi, 'float32', seed);

const shapeArb = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 17 }));

describe.skipIf(reason !== undefined)('native step kernels equal the kernels they override', () => {
  test.prop([shapeArb, fc.nat(1000), fc.boolean()], { numRuns: 30 })('BatchNormTrain and BatchNormTrainGrad, bit for bit', (shape, seed, affine) => {
    const c = shape[3];
    const x = rand(shape, seed, -2, 3);
    const [rm, rv] = [rand([c], seed + 1), rand([c], seed + 2, 0.5, 2)];
    const [gamma, beta] = affine ? [rand([c], seed + 3), rand([c], seed + 4)] : [tf.zeros([0]), tf.zeros([0])];
    const attrs = { epsilon: 1e-5, momentum: 0.1 };
    const inputs = { x, runningMean: rm, runningVar: rv, gamma, beta };
    const reference = run(batchNormTrainCpuConfig('cpu').kernelFunc, inputs, attrs);
    expectSame(run(nativeKernel('BatchNormTrain'), inputs, attrs), reference);
    const stats = tf.tensor2d(reference[1] as Float32Array, [5, c]);
    const dy = rand(shape, seed + 5);
    const gradInputs = { dy, x, stats };
    expectSame(run(nativeKernel('BatchNormTrainGrad'), gradInputs), run(batchNormTrainGradCpuConfig('cpu').kernelFunc, gradInputs));
    tf.dispose([x, rm, rv, gamma, beta, stats, dy]);
  });

  test.prop([shapeArb, fc.integer({ min: 1, max: 7 }), fc.nat(1000)], { numRuns: 30 })('WeightedSum and WeightedSumWeightGrad', (shape, k, seed) => {
    const weights = rand([2, 8], seed);
    const xs = Array.from({ length: k }, (_, j) => rand(shape, seed + 1 + j));
    const indices = Array.from({ length: k }, (_, j) => (j * 5) % 16);
    expectSame(run(nativeKernel('WeightedSum'), [weights, ...xs], { indices }), run(weightedSumCpuConfig('cpu').kernelFunc, [weights, ...xs], { indices }));
    const dy = rand(shape, seed + 99);
    const gradAttrs = { indices, weightsShape: [2, 8] };
    const native = run(nativeKernel('WeightedSumWeightGrad'), [dy, ...xs], gradAttrs)[0] as Float32Array;
    const reference = run(weightedSumWeightGradCpuConfig('cpu').kernelFunc, [dy, ...xs], gradAttrs)[0] as Float32Array;
    // float64 dot products, summed in another order when split over threads: equal to float32 rounding
    native.forEach((v, i) => expect(Math.abs(v - (reference[i] as number))).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(reference[i] as number))));
    tf.dispose([weights, ...xs, dy]);
  });

  test.prop([shapeArb, fc.nat(1000)], { numRuns: 30 })('Relu, ReluBackward and same-shape Add, bit for bit', (shape, seed) => {
    const x = rand(shape, seed);
    const dy = rand(shape, seed + 1);
    expectSame(run(nativeKernel(tf.Relu), { x }), run(originals.get(tf.Relu) as tf.KernelFunc, { x }));
    expectSame(run(nativeKernel('ReluBackward'), { dy, x }), run(reluBackwardCpuConfig('cpu').kernelFunc, { dy, x }));
    expectSame(run(nativeKernel(tf.Add), { a: x, b: dy }), run(originals.get(tf.Add) as tf.KernelFunc, { a: x, b: dy }));
    tf.dispose([x, dy]);
  });

  it('ReluBackward keeps NaN and the sign of a zero product, as the TypeScript kernel does', () => {
    const x = tf.tensor1d([Number.NaN, -1, 0, 2]);
    const dy = tf.tensor1d([1, -3, -2, 5]);
    expectSame(run(nativeKernel('ReluBackward'), { dy, x }), run(reluBackwardCpuConfig('cpu').kernelFunc, { dy, x }));
    tf.dispose([x, dy]);
  });

  test.prop([shapeArb, fc.constantFrom(1, 3), fc.constantFrom(1, 2), fc.constantFrom<'same' | 'valid'>('same', 'valid'), fc.nat(1000)], { numRuns: 40 })(
    'MaxPool, AvgPool and their gradients',
    (shape, k, stride, pad, seed) => {
      if (pad === 'valid' && (shape[1] < k || shape[2] < k)) return;
      // every other case on a few levels only, so that windows hold ties and the argmax rule decides
      const x = seed % 2 === 0 ? rand(shape, seed) : tf.tidy(() => tf.round(tf.mul(rand(shape, seed), 2)));
      const attrs = { filterSize: [k, k], strides: [stride, stride], pad };
      const info = tf.backend_util.computePool2DInfo(shape, [k, k], [stride, stride], 1, pad);
      // a 1x1 pool keeping the shape is tfjs's Identity (signed zeros and NaN kept): the native kernel hands it back
      const identity = k === 1 && info.outShape.every((d, i) => d === shape[i]);
      for (const name of [tf.MaxPool, tf.AvgPool])
        if (identity) expect(() => run(nativeKernel(name), { x }, attrs)).toThrow(/fell back/);
        else expectSame(run(nativeKernel(name), { x }, attrs), run(originals.get(name) as tf.KernelFunc, { x }, attrs));
      const y = run(originals.get(tf.MaxPool) as tf.KernelFunc, { x }, attrs)[0] as Float32Array;
      const dy = rand(info.outShape, seed + 1);
      const output = tf.tensor(y, info.outShape);
      const maxInputs = { dy, input: x, output };
      expectSame(run(nativeKernel(tf.MaxPoolGrad), maxInputs, attrs), run(maxPoolGradKernel.make(originals.get(tf.MaxPoolGrad) as tf.KernelFunc), maxInputs, attrs));
      const native = run(nativeKernel(tf.AvgPoolGrad), { dy, input: x }, attrs)[0] as Float32Array;
      const reference = run(avgPoolGradKernel.make(originals.get(tf.AvgPoolGrad) as tf.KernelFunc), { dy, input: x }, attrs)[0] as Float32Array;
      native.forEach((v, i) => expect(Math.abs(v - (reference[i] as number))).toBeLessThanOrEqual(1e-6));
      tf.dispose([x, dy, output]);
    },
  );

  it('hands broadcasting Adds to the kernel registered before', () => {
    const a = tf.ones([2, 3]);
    const b = tf.ones([3]);
    expect(() => run(nativeKernel(tf.Add), { a, b })).toThrow(/fell back/);
    tf.dispose([a, b]);
  });
});
