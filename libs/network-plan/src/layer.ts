import * as t from 'io-ts';

/** A feature map shape [channels, height, width] (a linear layer's features are [n, 1, 1]). */
export const Shape = t.readonly(t.tuple([t.number, t.number, t.number]));
export type Shape = t.TypeOf<typeof Shape>;

/**
 * Layer kinds that do arithmetic. ReLU, concatenation, identity and zero ops do none and are not listed.
 * `conv` is a dense convolution, `depthwise`/`pointwise` the halves of a separable one.
 */
export const LayerKind = t.keyof({ conv: null, depthwise: null, pointwise: null, linear: null, bn: null, pool: null, add: null });
export type LayerKind = t.TypeOf<typeof LayerKind>;

/**
 * One layer of a network: where it is, its geometry at the planned input size, its weights and multiply-accumulates.
 * `macs` counts the multiply-accumulates of conv/linear layers only (0 for bn, pool and add: the energy model counts
 * their arithmetic from the shapes). `terms` is the number of summands of an add (1 otherwise); a `weighted` add is
 * the search network's mixed op, which scales each term by its architecture weight before summing.
 */
export const Layer = t.readonly(
  t.type({
    path: t.string,
    kind: LayerKind,
    input: Shape,
    output: Shape,
    kernel: t.number,
    stride: t.number,
    dilation: t.number,
    /** Zeros around the input of a conv or pool, ONNX's order `[top, left, bottom, right]` (libs/network-plan/src/padding.ts). */
    pads: t.readonly(t.tuple([t.number, t.number, t.number, t.number])),
    groups: t.number,
    params: t.number,
    macs: t.number,
    bias: t.boolean,
    affine: t.boolean,
    pool: t.union([t.literal('max'), t.literal('avg'), t.null]),
    terms: t.number,
    weighted: t.boolean,
    approximate: t.boolean,
    multiplier: t.union([t.string, t.null]),
    auxiliary: t.boolean,
  }),
);
export type Layer = t.TypeOf<typeof Layer>;

/** A whole network as a list of layers in execution order, with the input it was planned for. */
export const NetworkPlan = t.readonly(t.type({ input: Shape, classes: t.number, layers: t.readonlyArray(Layer) }));
export type NetworkPlan = t.TypeOf<typeof NetworkPlan>;

/** Layer fields every constructor shares; the constructors in `layers.ts` fill in the rest. */
export const layerDefaults = {
  kernel: 1,
  stride: 1,
  dilation: 1,
  pads: [0, 0, 0, 0] as const,
  groups: 1,
  params: 0,
  macs: 0,
  bias: false,
  affine: false,
  pool: null,
  terms: 1,
  weighted: false,
  approximate: false,
  multiplier: null,
  auxiliary: false,
} as const;
