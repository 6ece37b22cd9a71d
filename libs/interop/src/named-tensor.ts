/** A float32 array with its shape: one parameter of a network, by logical name (what checkpoints store). */
export interface NamedTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Parameters by logical name (`cells.0.pre0.conv`, libs/network-plan/src/cell-wiring.ts). */
export type ParamValues = Readonly<Record<string, NamedTensor>>;

/** The parameter `name`, or an error naming it. */
export const paramOf = (params: ParamValues, name: string): NamedTensor => {
  const p = params[name];
  if (p === undefined) throw new Error(`the network has no parameter ${name}`);
  return p;
};

/**
 * `data` of shape `shape` with its axes permuted: axis i of the result is axis `perm[i]` of the input.
 * @example Array.from(transpose({ shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }, [1, 0]).data) // [1, 4, 2, 5, 3, 6]
 */
export const transpose = (t: NamedTensor, perm: readonly number[]): NamedTensor => {
  const shape = perm.map((p) => t.shape[p] as number);
  const inStrides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(t.data.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let from = 0;
    for (let i = 0; i < shape.length; i++) from += (index[i] as number) * (inStrides[perm[i] as number] as number);
    out[o] = t.data[from] as number;
    for (let i = shape.length - 1; i >= 0; i--) {
      index[i] = (index[i] as number) + 1;
      if ((index[i] as number) < (shape[i] as number)) break;
      index[i] = 0;
    }
  }
  return { shape, data: out };
};

/** HWIO (tfjs conv filters) to OIHW (ONNX, PyTorch); a depthwise `[kh, kw, c, 1]` filter becomes `[c, 1, kh, kw]`. */
export const convToOihw = (t: NamedTensor, depthwise: boolean): NamedTensor => transpose(t, depthwise ? [2, 3, 0, 1] : [3, 2, 0, 1]);

/** OIHW back to HWIO (or `[c, 1, kh, kw]` back to `[kh, kw, c, 1]`). */
export const oihwToConv = (t: NamedTensor, depthwise: boolean): NamedTensor => transpose(t, depthwise ? [2, 3, 0, 1] : [2, 3, 1, 0]);
