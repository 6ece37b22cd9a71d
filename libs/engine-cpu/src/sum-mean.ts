import * as tf from '@tensorflow/tfjs-core';
import type { FastKernel } from './fast-kernel';
import { cpuBackendOf, inputOf, valuesOf } from './cpu-tensor';

// tfjs-backend-cpu reduces by first transposing the reduced axes innermost (a full element-wise transpose) and, for
// Mean, dividing every element before summing. Batch norm reduces NHWC over [0,1,2] (per channel) and the loss over
// trailing axes; after merging adjacent axes every such reduction is [outer, reduced, inner] with outer or inner
// possibly 1, which is summed in place with float64 accumulators.

/** The reduction as [outer, reduced, inner] sizes, or undefined when the reduced axes are not one consecutive block. */
const blockOf = (shape: readonly number[], axes: readonly number[]): readonly [number, number, number] | undefined => {
  const reduced = new Set(axes);
  // Size-1 axes can be treated as either kind; skip them so e.g. [N,1,1,C] over [0,1,2] stays one block.
  const kinds = shape.map((d, i) => (d === 1 ? 'any' : reduced.has(i) ? 'r' : 'k'));
  const first = kinds.indexOf('r'), last = kinds.lastIndexOf('r');
  if (first < 0) return [tf.util.sizeFromShape([...shape]), 1, 1];
  if (kinds.slice(first, last + 1).includes('k')) return undefined;
  const prod = (a: number, b: number): number => tf.util.sizeFromShape(shape.slice(a, b));
  return [prod(0, first), prod(first, last + 1), prod(last + 1, shape.length)];
};

const reduceKernel = (kernelName: string, mean: boolean): FastKernel => ({
  kernelName,
  make: (original) => (args) => {
    const x = inputOf(args, 'x');
    if (x.dtype !== 'float32') return original(args);
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const block = blockOf(x.shape, axes);
    if (block === undefined) return original(args);
    const [outer, red, inner] = block;
    const [outShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
    const backend = cpuBackendOf(args);
    const xv = valuesOf(backend, x);
    const out = new Float32Array(outer * inner);
    const div = mean ? red : 1;
    if (inner === 1) {
      for (let o = 0; o < outer; o++) {
        let s = 0;
        const base = o * red;
        for (let r = 0; r < red; r++) s += xv[base + r]!;
        out[o] = s / div;
      }
    } else {
      const acc = new Float64Array(inner);
      for (let o = 0; o < outer; o++) {
        acc.fill(0);
        for (let r = 0, p = o * red * inner; r < red; r++, p += inner) for (let i = 0; i < inner; i++) acc[i]! += xv[p + i]!;
        for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i]! / div;
      }
    }
    const shape = keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    return backend.makeTensorInfo(shape, 'float32', out);
  },
});

/** Float32 `Sum` over one consecutive block of axes. */
export const sumKernel = reduceKernel(tf.Sum, false);
/** Float32 `Mean` over one consecutive block of axes. */
export const meanKernel = reduceKernel(tf.Mean, true);
