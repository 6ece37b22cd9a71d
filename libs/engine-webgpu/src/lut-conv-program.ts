import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { ConvGeometry } from '@approx-darts/approx-conv';
import type { QuantMode } from '@approx-darts/quantization';
import { lutLookupWgsl } from './lut-packing';
import { affineWgsl, dequantizeWgsl, opaqueZeroDeclaration, opaqueZeroUniform } from './quantize-wgsl';

/** The fields of a `ConvGeometry` these programs read; any ConvGeometry fits. */
export type ConvWindow = Pick<
  ConvGeometry,
  'kind' | 'batch' | 'outHeight' | 'outWidth' | 'outChannels' | 'strideHeight' | 'strideWidth' | 'dilationHeight' | 'dilationWidth' | 'padTop' | 'padLeft'
>;

/**
 * Where the table is read from: `packed` = straight from the packed storage buffer (two entries per word);
 * `workgroup` = each workgroup owns one output channel, so its weight codes are fixed, and it copies the table
 * columns of the next `lutTile` weights into workgroup memory before the threads gather from them.
 */
export type LutLayout = 'packed' | 'workgroup';
/** `accumulate`: int32 sums of table products (the AccumulateFn contract); `dequantize`: float output (libs/quantization/SPEC.md). */
export type LutOutput = 'accumulate' | 'dequantize';

export interface LutConvSpec {
  readonly layout: LutLayout;
  readonly output: LutOutput;
  /** Only read by `dequantize` (how xRange/wRange become affine maps). */
  readonly mode: QuantMode;
}

/** Table columns a `workgroup`-layout workgroup holds at once: 8 x 256 x 4 bytes = 8 KiB of workgroup memory. */
export const lutTile = 8;
/** Threads per workgroup in both layouts. */
export const lutWorkgroup = 64;

// Activation code of term k (k runs over the window the way referenceAccumulate sums it; the order does not
// matter for an integer sum). Positions outside the image read padCode (libs/quantization/SPEC.md: padding before quantization).
// `accumulate` reads codes; `dequantize` reads the float operands and quantizes each read with the same WGSL
// quantizer (quantize-wgsl.ts), so no separate code pass is dispatched: codes are a pure function of value and range.
const termCodeWgsl = (kind: ConvWindow['kind'], output: LutOutput): string => `
  ${
    output === 'accumulate'
      ? `fn activationCodeAt(i : i32) -> i32 { return x[i]; }
  fn weightCodeAt(i : i32) -> i32 { return w[i]; }`
      : `var<private> px : vec2<f32>;
  var<private> pw : vec2<f32>;
  fn activationCodeAt(i : i32) -> i32 { return quantizeCode(x[i], px); }
  fn weightCodeAt(i : i32) -> i32 { return quantizeCode(w[i], pw); }`
  }

  fn termCode(k : i32, b : i32, oy : i32, ox : i32, oc : i32, padCode : i32) -> i32 {
    let inH = uniforms.xShape.y;
    let inW = uniforms.xShape.z;
    let inC = uniforms.xShape.w;
    let fw = uniforms.wShape.y;
    ${
      kind === 'conv2d'
        ? `let c = k % inC;
    let rs = k / inC;`
        : `let c = oc / uniforms.wShape.w;
    let rs = k;`
    }
    let r = rs / fw;
    let s = rs - r * fw;
    let iy = oy * uniforms.strides.x + r * uniforms.dilations.x - uniforms.pads.x;
    let ix = ox * uniforms.strides.y + s * uniforms.dilations.y - uniforms.pads.y;
    if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) { return padCode; }
    return activationCodeAt(((b * inH + iy) * inW + ix) * inC + c);
  }

  fn termCount() -> i32 {
    return uniforms.wShape.x * uniforms.wShape.y${kind === 'conv2d' ? ' * uniforms.xShape.w' : ''};
  }

  // HWIO conv2d and [fh, fw, inC, mult] depthwise filters both put term k of output channel oc at k * outC + oc.
  fn weightCode(k : i32, oc : i32) -> i32 {
    return weightCodeAt(k * uniforms.outShape.w + oc);
  }
`;

const outputWgsl = (spec: LutConvSpec): string =>
  spec.output === 'accumulate'
    ? `
  fn activationPadCode() -> i32 { return uniforms.padCode; }
  fn setRanges(oc : i32) {}
  fn writeOut(index : i32, oc : i32, acc : i32, sumX : i32, sumW : i32, terms : i32) {
    result[index] = acc;
  }
`
    : `
  ${affineWgsl(spec.mode)}
  ${dequantizeWgsl}
  fn activationPadCode() -> i32 { return quantizeCode(0.0, px); }
  // The affine maps of the activation and of output channel oc's weights, read once per invocation.
  fn setRanges(oc : i32) {
    px = affineOf(xRange[0], xRange[1]);
    let cw = min(oc, uniforms.wRangeShape.x - 1);
    pw = affineOf(wRange[cw * 2], wRange[cw * 2 + 1]);
  }
  // SPEC.md step 7 of @approx-darts/quantization (x ~ sx qx + mx, w ~ sw qw + mw), bit for bit.
  fn writeOut(index : i32, oc : i32, acc : i32, sumX : i32, sumW : i32, terms : i32) {
    result[index] = dequantizeSum(px, pw, acc, sumX, sumW, terms);
  }
`;

const packedMain = `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let coords = getCoordsFromIndex(index);
      let oc = coords.w;
      setRanges(oc);
      let padCode = activationPadCode();
      let terms = termCount();
      var acc = 0;
      var sumX = 0;
      var sumW = 0;
      for (var k = 0; k < terms; k = k + 1) {
        let qx = termCode(k, coords.x, coords.y, coords.z, oc, padCode);
        let qw = weightCode(k, oc);
        acc = acc + lutAt(qx, qw);
        sumX = sumX + qx;
        sumW = sumW + qw;
      }
      writeOut(index, oc, acc, sumX, sumW, terms);
    }
  }
`;

const workgroupMain = `
  var<workgroup> columns : array<i32, ${lutTile * 256}>;

  fn main() {
    let oc = i32(workgroupId.y);
    let pixels = uniforms.outShape.x * uniforms.outShape.y * uniforms.outShape.z;
    let pixel = i32(workgroupId.x) * ${lutWorkgroup} + i32(localIndex);
    // Threads past the last pixel still load columns and meet the barriers; they only skip the write.
    let p = min(pixel, pixels - 1);
    let plane = uniforms.outShape.y * uniforms.outShape.z;
    let b = p / plane;
    let oy = (p - b * plane) / uniforms.outShape.z;
    let ox = p - b * plane - oy * uniforms.outShape.z;
    setRanges(oc);
    let padCode = activationPadCode();
    let terms = termCount();
    var acc = 0;
    var sumX = 0;
    var sumW = 0;
    for (var t0 = 0; t0 < terms; t0 = t0 + ${lutTile}) {
      for (var e = i32(localIndex); e < ${lutTile * 256}; e = e + ${lutWorkgroup}) {
        let k = t0 + (e >> 8u);
        if (k < terms) { columns[e] = lutAt(e & 255, weightCode(k, oc)); }
      }
      workgroupBarrier();
      for (var j = 0; j < ${lutTile}; j = j + 1) {
        let k = t0 + j;
        if (k < terms) {
          let qx = termCode(k, b, oy, ox, oc, padCode);
          acc = acc + columns[j * 256 + qx];
          sumX = sumX + qx;
          sumW = sumW + weightCode(k, oc);
        }
      }
      workgroupBarrier();
    }
    if (pixel < pixels) {
      writeOut(p * uniforms.outShape.w + oc, oc, acc, sumX, sumW, terms);
    }
  }
`;

/**
 * The WGSL LUT convolution for the tfjs webgpu backend. Inputs, in order: `x` (NHWC) and `w` (HWIO, or
 * [fh, fw, inC, mult]) — int32 codes for `accumulate`, float32 operands for `dequantize`, which quantizes them under
 * `xRange` ([1, 2] min/max) and `wRange` ([1 or outC, 2]), its last inputs — and `lut` (int32[32768], `packLut`).
 * Output NHWC, int32 or float32.
 * @example lutConvProgram(geometry, { layout: 'packed', output: 'accumulate', mode: 'asymmetric' })
 */
export const lutConvProgram = (g: ConvWindow, spec: LutConvSpec): WebGPUProgram => {
  const outputShape = [g.batch, g.outHeight, g.outWidth, g.outChannels];
  const pixels = g.batch * g.outHeight * g.outWidth;
  const flat = spec.layout === 'packed';
  return {
    variableNames: spec.output === 'accumulate' ? ['x', 'w', 'lut'] : ['x', 'w', 'lut', 'xRange', 'wRange'],
    outputShape,
    dispatchLayout: flat ? { x: [0, 1, 2, 3] } : { x: [0, 1, 2], y: [3] },
    dispatch: flat ? [Math.ceil((pixels * g.outChannels) / lutWorkgroup), 1, 1] : [Math.ceil(pixels / lutWorkgroup), g.outChannels, 1],
    workgroupSize: [lutWorkgroup, 1, 1],
    size: flat,
    uniforms: `strides : vec2<i32>, dilations : vec2<i32>, pads : vec2<i32>, ${spec.output === 'accumulate' ? 'padCode : i32,' : opaqueZeroDeclaration}`,
    shaderKey: `approxLutConv_${g.kind}_${spec.layout}_${spec.output}_${spec.mode}`,
    getUserCode: () => [lutLookupWgsl, termCodeWgsl(g.kind, spec.output), outputWgsl(spec), flat ? packedMain : workgroupMain].join('\n'),
  };
};

/** The uniform values `lutConvProgram` declares, in order (`padCode` for `accumulate`, the opaque 0 for `dequantize`). */
export const lutConvUniforms = (g: ConvWindow, output: LutOutput, padCode = 0): { type: string; data: number[] }[] => [
  { type: 'int32', data: [g.strideHeight, g.strideWidth] },
  { type: 'int32', data: [g.dilationHeight, g.dilationWidth] },
  { type: 'int32', data: [g.padTop, g.padLeft] },
  output === 'accumulate' ? { type: 'int32', data: [padCode] } : opaqueZeroUniform,
];
