import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Threads per workgroup of the per-channel reductions (a power of two: the tree reduction halves it). */
const workgroup = 256;
const elementwise = 256;

/** A tree sum of `name[lid]` over the workgroup, left in `name[0]` (every thread reaches the barriers). */
const treeSum = (name: string): string => `
    for (var s = ${workgroup / 2}; s > 0; s = s >> 1u) {
      if (lid < s) { ${name}[lid] = ${name}[lid] + ${name}[lid + s]; }
      workgroupBarrier();
    }`;

/**
 * `BatchNormTrain`'s statistics: one workgroup per channel of `x` viewed as `[rows, channels]` writes column c of the
 * `[5, channels]` output: mean, invStd, the updated running mean and running variance, gamma (batch-norm-names.ts). The
 * variance is the mean of squared deviations from the already reduced mean (two passes, no cancellation).
 */
export const batchNormStatsProgram = (channels: number, affine: boolean): WebGPUProgram => ({
  variableNames: affine ? ['x', 'runningMean', 'runningVar', 'gamma'] : ['x', 'runningMean', 'runningVar'],
  outputShape: [5, channels],
  // Not flat (y is used), so tfjs calls main() and leaves the indexing to this shader.
  dispatchLayout: { x: [0], y: [1] },
  dispatch: [channels, 1, 1],
  workgroupSize: [workgroup, 1, 1],
  uniforms: 'rows : i32, channels : i32, epsilon : f32, momentum : f32, unbiased : f32,',
  shaderKey: `approxBatchNormStats_${affine}`,
  getUserCode: () => `
  var<workgroup> partial : array<f32, ${workgroup}>;

  fn main() {
    let c = i32(workgroupId.x);
    let lid = i32(localIndex);
    var sum = 0.0;
    for (var r = lid; r < uniforms.rows; r = r + ${workgroup}) { sum = sum + x[r * uniforms.channels + c]; }
    partial[lid] = sum;
    workgroupBarrier();
    ${treeSum('partial')}
    let mean = partial[0] / f32(uniforms.rows);
    workgroupBarrier();
    var squares = 0.0;
    for (var r = lid; r < uniforms.rows; r = r + ${workgroup}) {
      let d = x[r * uniforms.channels + c] - mean;
      squares = squares + d * d;
    }
    partial[lid] = squares;
    workgroupBarrier();
    ${treeSum('partial')}
    if (lid == 0) {
      let variance = partial[0] / f32(uniforms.rows);
      result[c] = mean;
      result[uniforms.channels + c] = 1.0 / sqrt(variance + uniforms.epsilon);
      result[2 * uniforms.channels + c] = runningMean[c] * (1.0 - uniforms.momentum) + mean * uniforms.momentum;
      result[3 * uniforms.channels + c] = runningVar[c] * (1.0 - uniforms.momentum) + variance * uniforms.unbiased;
      result[4 * uniforms.channels + c] = ${affine ? 'gamma[c]' : '1.0'};
    }
  }
`,
});

/** `y = (x - mean) * invStd [* gamma + beta]` from the statistics, one thread per element. */
export const batchNormApplyProgram = (shape: readonly number[], affine: boolean): WebGPUProgram => {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    variableNames: affine ? ['x', 'stats', 'beta'] : ['x', 'stats'],
    outputShape: [size],
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(size / elementwise), 1, 1],
    workgroupSize: [elementwise, 1, 1],
    size: true,
    uniforms: 'channels : i32,',
    shaderKey: `approxBatchNormApply_${affine}`,
    getUserCode: () => `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let c = index % uniforms.channels;
      let normalized = (x[index] - stats[c]) * stats[uniforms.channels + c];
      result[index] = ${affine ? 'normalized * stats[4 * uniforms.channels + c] + beta[c]' : 'normalized'};
    }
  }
`,
  };
};

/** Row `row` of a `[rows, channels]` tensor as a `[channels]` one (the running statistics out of `stats`). */
export const rowProgram = (channels: number, row: number): WebGPUProgram => ({
  variableNames: ['rows'],
  outputShape: [channels],
  dispatchLayout: { x: [0] },
  dispatch: [Math.ceil(channels / elementwise), 1, 1],
  workgroupSize: [elementwise, 1, 1],
  size: true,
  shaderKey: `approxRow_${row}`,
  getUserCode: () => `
  fn main(index : i32) {
    if (index < uniforms.size) { result[index] = rows[${row} * uniforms.size + index]; }
  }
`,
});

/** `BatchNormTrainGrad`'s sums: per channel, sum dy and sum dy * xhat, into a `[2, channels]` output. */
export const batchNormGradSumsProgram = (channels: number): WebGPUProgram => ({
  variableNames: ['dy', 'x', 'stats'],
  outputShape: [2, channels],
  dispatchLayout: { x: [0], y: [1] },
  dispatch: [channels, 1, 1],
  workgroupSize: [workgroup, 1, 1],
  uniforms: 'rows : i32, channels : i32,',
  shaderKey: 'approxBatchNormGradSums',
  getUserCode: () => `
  var<workgroup> dySums : array<f32, ${workgroup}>;
  var<workgroup> dyXhatSums : array<f32, ${workgroup}>;

  fn main() {
    let c = i32(workgroupId.x);
    let lid = i32(localIndex);
    let mean = stats[c];
    let invStd = stats[uniforms.channels + c];
    var a = 0.0;
    var b = 0.0;
    for (var r = lid; r < uniforms.rows; r = r + ${workgroup}) {
      let i = r * uniforms.channels + c;
      a = a + dy[i];
      b = b + dy[i] * (x[i] - mean) * invStd;
    }
    dySums[lid] = a;
    dyXhatSums[lid] = b;
    workgroupBarrier();
    for (var s = ${workgroup / 2}; s > 0; s = s >> 1u) {
      if (lid < s) {
        dySums[lid] = dySums[lid] + dySums[lid + s];
        dyXhatSums[lid] = dyXhatSums[lid] + dyXhatSums[lid + s];
      }
      workgroupBarrier();
    }
    if (lid == 0) {
      result[c] = dySums[0];
      result[uniforms.channels + c] = dyXhatSums[0];
    }
  }
`,
});

/** `dx = gamma * invStd * (dy - sum dy / n - xhat * sum(dy xhat) / n)`, one thread per element. */
export const batchNormGradDxProgram = (shape: readonly number[]): WebGPUProgram => {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    variableNames: ['dy', 'x', 'stats', 'sums'],
    outputShape: [size],
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(size / elementwise), 1, 1],
    workgroupSize: [elementwise, 1, 1],
    size: true,
    uniforms: 'channels : i32, rows : i32,',
    shaderKey: 'approxBatchNormGradDx',
    getUserCode: () => `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let c = index % uniforms.channels;
      let invStd = stats[uniforms.channels + c];
      let xhat = (x[index] - stats[c]) * invStd;
      let n = f32(uniforms.rows);
      let scale = stats[4 * uniforms.channels + c] * invStd;
      result[index] = scale * (dy[index] - sums[c] / n - xhat * sums[uniforms.channels + c] / n);
    }
  }
`,
  };
};
