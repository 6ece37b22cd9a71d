// Plain reference for the tests: the definition of the accumulation and of the fused float result,
// written as directly as possible (no tiling, no keys), to compare the GPU kernels against.
import { type ConvGeometry, tensorSizes } from './geometry';

/** SUM over each window of table[qx*256+qw]; outside the image x reads padCode. */
export const referenceAccumulation = (g: ConvGeometry, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array): Int32Array => {
  const out = new Int32Array(tensorSizes(g).out);
  const mult = g.outChannels / g.inChannels;
  for (let n = 0; n < g.batch; n++)
    for (let oh = 0; oh < g.outHeight; oh++)
      for (let ow = 0; ow < g.outWidth; ow++)
        for (let oc = 0; oc < g.outChannels; oc++) {
          let sum = 0;
          for (let kh = 0; kh < g.filterHeight; kh++)
            for (let kw = 0; kw < g.filterWidth; kw++) {
              const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
              const iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth;
              const inside = ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth;
              const channels = g.kind === 'conv2d' ? Array.from({ length: g.inChannels }, (_, c) => c) : [Math.floor(oc / mult)];
              for (const c of channels) {
                const qx = inside ? (x[((n * g.inHeight + ih) * g.inWidth + iw) * g.inChannels + c] ?? 0) : padCode;
                const wi = g.kind === 'conv2d' ? ((kh * g.filterWidth + kw) * g.inChannels + c) * g.outChannels + oc : (kh * g.filterWidth + kw) * g.outChannels + oc;
                sum += table[qx * 256 + (w[wi] ?? 0)] ?? 0;
              }
            }
          out[((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels + oc] = sum;
        }
  return out;
};

/** Per-tensor asymmetric fake quantization (DESIGN §3) of `v` into codes, and its {scale, lo}. */
export const quantizeTensor = (v: Float32Array): { readonly codes: Uint8Array; readonly scale: number; readonly lo: number } => {
  const lo = v.reduce((a, b) => Math.min(a, b), Infinity);
  const hi = v.reduce((a, b) => Math.max(a, b), -Infinity);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { codes: Uint8Array.from(v, (e) => Math.min(255, Math.max(0, Math.round((e - lo) / scale)))), scale, lo };
};

/** Small NHWC geometry with the output size of SAME-style padding for the given options. */
export const smallGeometry = (o: {
  readonly kind: 'conv2d' | 'depthwise';
  readonly batch: number; readonly size: number; readonly inC: number; readonly outC: number;
  readonly k: number; readonly stride: number; readonly dilation: number; readonly pad: number;
}): ConvGeometry => {
  const span = (o.k - 1) * o.dilation + 1;
  const out = Math.floor((o.size + 2 * o.pad - span) / o.stride) + 1;
  return {
    kind: o.kind, batch: o.batch, inHeight: o.size, inWidth: o.size, inChannels: o.inC,
    filterHeight: o.k, filterWidth: o.k, outChannels: o.outC,
    strideHeight: o.stride, strideWidth: o.stride, dilationHeight: o.dilation, dilationWidth: o.dilation,
    padTop: o.pad, padLeft: o.pad, outHeight: out, outWidth: out,
  };
};
