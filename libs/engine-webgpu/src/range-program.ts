import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Threads per workgroup of the range reduction (a power of two: the tree reduction halves it). */
export const rangeWorkgroup = 256;

/**
 * Min/max of `values` viewed as `[rows, channels]` (channel = flat index % channels), on the GPU.
 * Output `[partials, channels, 2]` (min, max): workgroup (p, c) reduces rows p, p + partials, ... of channel c.
 * `pairs` reads an earlier output instead (`[rows, channels, 2]` min/max pairs), so a second pass with
 * `partials = 1` finishes a large per-tensor reduction. NaN never wins a comparison, so it is skipped like in
 * `rangeOf`; an empty selection stays (+inf, -inf), which `affineOf` reads as [0, 0].
 * @example rangeProgram({ rows: 1 << 20, channels: 1, partials: 256, pairs: false }) // first pass over an activation
 */
export const rangeProgram = (o: { readonly rows: number; readonly channels: number; readonly partials: number; readonly pairs: boolean }): WebGPUProgram => ({
  variableNames: ['values'],
  outputShape: [o.partials, o.channels, 2],
  // Not flat (y is used), so tfjs calls main() and leaves the indexing to this shader.
  dispatchLayout: { x: [0], y: [1] },
  dispatch: [o.partials, o.channels, 1],
  workgroupSize: [rangeWorkgroup, 1, 1],
  uniforms: 'rows : i32, channels : i32, partials : i32,',
  shaderKey: `approxRange_${o.pairs ? 'pairs' : 'values'}`,
  getUserCode: () => `
  var<workgroup> los : array<f32, ${rangeWorkgroup}>;
  var<workgroup> his : array<f32, ${rangeWorkgroup}>;

  fn main() {
    let p = i32(workgroupId.x);
    let c = i32(workgroupId.y);
    let lid = i32(localIndex);
    var lo = uniforms.INFINITY;
    var hi = -uniforms.INFINITY;
    for (var r = p * ${rangeWorkgroup} + lid; r < uniforms.rows; r = r + uniforms.partials * ${rangeWorkgroup}) {
      ${
        o.pairs
          ? `let a = values[(r * uniforms.channels + c) * 2];
      let b = values[(r * uniforms.channels + c) * 2 + 1];`
          : `let a = values[r * uniforms.channels + c];
      let b = a;`
      }
      if (a < lo) { lo = a; }
      if (b > hi) { hi = b; }
    }
    los[lid] = lo;
    his[lid] = hi;
    workgroupBarrier();
    for (var s = ${rangeWorkgroup / 2}; s > 0; s = s >> 1u) {
      if (lid < s) {
        if (los[lid + s] < los[lid]) { los[lid] = los[lid + s]; }
        if (his[lid + s] > his[lid]) { his[lid] = his[lid + s]; }
      }
      workgroupBarrier();
    }
    if (lid == 0) {
      result[(p * uniforms.channels + c) * 2] = los[0];
      result[(p * uniforms.channels + c) * 2 + 1] = his[0];
    }
  }
`,
});

/** The uniform values `rangeProgram` declares, in order. */
export const rangeUniforms = (o: { readonly rows: number; readonly channels: number; readonly partials: number }): { type: string; data: number[] }[] => [
  { type: 'int32', data: [o.rows] },
  { type: 'int32', data: [o.channels] },
  { type: 'int32', data: [o.partials] },
];
