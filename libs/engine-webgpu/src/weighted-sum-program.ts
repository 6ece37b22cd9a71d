import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

const elementwise = 256;
const workgroup = 256;

/**
 * tfjs-webgpu asks Dawn for the default 8 storage buffers per shader stage, the output included: a program reads at
 * most 7 tensors. A weighted sum over more candidates is a chain of programs, each adding a chunk to the running sum.
 */
export const maxProgramInputs = 7;

const indexUniforms = (k: number): string => Array.from({ length: k }, (_, j) => `i${j} : i32,`).join(' ');

/**
 * One chunk of `WeightedSum`: `[acc +] sum_j w[i_j] * x_j` over `k` candidates (names x0..x(k-1)), one thread per
 * element, the flat weight indices `i_j` as uniforms. `accumulate` reads the previous chunk's sum as `acc`.
 */
export const weightedSumProgram = (size: number, k: number, accumulate: boolean): WebGPUProgram => {
  const names = Array.from({ length: k }, (_, j) => `x${j}`);
  const terms = names.map((n, j) => `sum = sum + w[uniforms.i${j}] * ${n}[index];`).join('\n      ');
  return {
    variableNames: [...(accumulate ? ['acc'] : []), 'w', ...names],
    outputShape: [size],
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(size / elementwise), 1, 1],
    workgroupSize: [elementwise, 1, 1],
    size: true,
    uniforms: indexUniforms(k),
    shaderKey: `approxWeightedSum_${k}_${accumulate}`,
    getUserCode: () => `
  fn main(index : i32) {
    if (index < uniforms.size) {
      var sum = ${accumulate ? 'acc[index]' : '0.0'};
      ${terms}
      result[index] = sum;
    }
  }
`,
  };
};

/**
 * One chunk of `WeightedSumWeightGrad`: workgroup i (one per weight) writes `[acc[i] +] sum over the chunk's
 * candidates j with i_j == i of sum(dy * x_j)`, so weights no candidate of the chunk uses pass through (or are 0).
 */
export const weightedSumWeightGradProgram = (weights: number, k: number, accumulate: boolean): WebGPUProgram => {
  const names = Array.from({ length: k }, (_, j) => `x${j}`);
  const terms = names
    .map(
      (n, j) => `if (uniforms.i${j} == i) {
      for (var r = lid; r < uniforms.elements; r = r + ${workgroup}) { sum = sum + dy[r] * ${n}[r]; }
    }`,
    )
    .join('\n    ');
  return {
    variableNames: [...(accumulate ? ['acc'] : []), 'dy', ...names],
    outputShape: [weights, 1],
    dispatchLayout: { x: [0], y: [1] },
    dispatch: [weights, 1, 1],
    workgroupSize: [workgroup, 1, 1],
    uniforms: `elements : i32, ${indexUniforms(k)}`,
    shaderKey: `approxWeightedSumWeightGrad_${k}_${accumulate}`,
    getUserCode: () => `
  var<workgroup> partial : array<f32, ${workgroup}>;

  fn main() {
    let i = i32(workgroupId.x);
    let lid = i32(localIndex);
    var sum = 0.0;
    ${terms}
    partial[lid] = sum;
    workgroupBarrier();
    for (var s = ${workgroup / 2}; s > 0; s = s >> 1u) {
      if (lid < s) { partial[lid] = partial[lid] + partial[lid + s]; }
      workgroupBarrier();
    }
    if (lid == 0) { result[i] = ${accumulate ? 'acc[i] + ' : ''}partial[0]; }
  }
`,
  };
};
