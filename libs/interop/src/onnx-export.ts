import { multiplierOf, type Macro, type Operation } from '@approx-darts/search-space';
import type { Genotype } from '@approx-darts/genotype';
import type { Padding, PreprocessWiring } from '@approx-darts/network-plan';
import { affineFor, quantizeValue, rangeOf, type AffineParams, type QuantMode } from '@approx-darts/quantization';
import { evalLayout, type EvalLayout } from './eval-layout';
import { graphBuilder, type GraphBuilder } from './onnx-graph';
import { OnnxDataType, type OnnxModel } from './onnx-proto';
import { convToOihw, paramOf, type NamedTensor, type ParamValues } from './named-tensor';

/** Names of the node metadata an approximate convolution carries (docs/INTEROP.md). */
export const ONNX_META = {
  multiplier: 'approx_darts.multiplier',
  quantization: 'approx_darts.quantization',
  role: 'approx_darts.role',
} as const;

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 10;
/** BN epsilon of every network here (PyTorch's default, libs/networks/src/search-network/batch-norm.ts). */
const BN_EPSILON = 1e-5;

export interface OnnxExportOptions {
  readonly genotype: Genotype;
  readonly macro: Macro;
  readonly padding: Padding;
  /** Every parameter of the trained evaluation network by logical name (a training checkpoint's `param/` entries). */
  readonly params: ParamValues;
  /** The run's multiplier (null = fp32): the ops it binds become quantize-dequantize convolutions tagged with it. */
  readonly multiplier: string | null;
  readonly quantization: QuantMode;
  readonly perChannelWeights?: boolean;
  readonly resolution?: number;
  readonly producerVersion?: string;
  /** Model-level metadata (genotype text, run directory, ...). */
  readonly metadata?: Readonly<Record<string, string>>;
}

type Pads = readonly [number, number, number, number];

interface Ctx {
  readonly g: GraphBuilder;
  readonly o: OnnxExportOptions;
  readonly layout: EvalLayout;
}

const param = (c: Ctx, name: string): NamedTensor => paramOf(c.o.params, name);

/** A conv filter as an OIHW initializer. */
const filter = (c: Ctx, name: string, depthwise: boolean): { readonly name: string; readonly t: NamedTensor } => {
  const t = convToOihw(param(c, name), depthwise);
  return { name: c.g.floats(name, t.shape, t.data), t };
};

const batchNorm = (c: Ctx, x: string, path: string): string =>
  c.g.node(
    'BatchNormalization',
    path,
    ['weight', 'bias', 'running_mean', 'running_var'].map((k) => {
      const t = param(c, `${path}.${k}`);
      return c.g.floats(`${path}.${k}`, t.shape, t.data);
    }).reduce<string[]>((inputs, n) => [...inputs, n], [x]),
    { epsilon: { float: BN_EPSILON } },
  );

interface ConvSpec {
  readonly weight: string;
  readonly depthwise: boolean;
  readonly stride: number;
  readonly dilation: number;
  readonly pads: Pads;
  readonly multiplier: string | undefined;
}

/** `x ~ scale * q + min` as ONNX ops: Sub(min), QuantizeLinear / DequantizeLinear (zero point 0), Add(min). */
const fakeQuantize = (c: Ctx, x: string, name: string, p: AffineParams): string => {
  const min = c.g.floats(`${name}.min`, [], Float32Array.of(p.min));
  const scale = c.g.floats(`${name}.scale`, [], Float32Array.of(p.scale));
  const zero = c.g.uint8s(`${name}.zero_point`, [], Uint8Array.of(0));
  const shifted = c.g.node('Sub', `${name}.shifted`, [x, min]);
  const q = c.g.node('QuantizeLinear', `${name}.q`, [shifted, scale, zero], {}, { props: [{ key: ONNX_META.role, value: 'activation codes' }] });
  const dq = c.g.node('DequantizeLinear', `${name}.dq`, [q, scale, zero]);
  return c.g.node('Add', `${name}.fq`, [dq, min]);
};

/** The 8-bit codes of a filter (OIHW) and its affine maps: one per tensor or per output channel (axis 0). */
const quantizedFilter = (t: NamedTensor, mode: QuantMode, perChannel: boolean): { readonly codes: Uint8Array; readonly params: readonly AffineParams[] } => {
  const channels = perChannel ? (t.shape[0] as number) : 1;
  const per = t.data.length / channels;
  const params = Array.from({ length: channels }, (_, ch) => affineFor(rangeOf(t.data, ch * per, (ch + 1) * per), mode));
  const codes = Uint8Array.from(t.data, (v, i) => quantizeValue(params[Math.floor(i / per)] as AffineParams, v));
  return { codes, params };
};

/**
 * One convolution: exact, or approximate (the op binds a multiplier). An approximate one pads its input with 0.0
 * explicitly first (padding is 0.0 before quantization, libs/quantization/SPEC.md), fake-quantizes it with the
 * recorded range, and reads its filter as 8-bit codes through DequantizeLinear: the Conv then computes the exact
 * products of the fake-quantized operands, which is what the engine computes with the exact table (mul8u_1JFF); the
 * multiplier's name on the Conv node says which table replaces those products.
 */
const conv = (c: Ctx, x: string, s: ConvSpec): string => {
  const k = param(c, s.weight).shape[0] as number;
  const channels = param(c, s.weight).shape[s.depthwise ? 2 : 3] as number;
  const attrs = (pads: Pads) => ({ kernel_shape: [k, k], strides: [s.stride, s.stride], dilations: [s.dilation, s.dilation], pads: [...pads], group: s.depthwise ? channels : 1 });
  if (s.multiplier === undefined) {
    const w = filter(c, s.weight, s.depthwise);
    return c.g.node('Conv', s.weight, [x, w.name], attrs(s.pads));
  }
  const record = param(c, `${s.weight}.input_range`);
  if (!((record.data[2] ?? 0) > 0))
    throw new Error(`${s.weight} has no recorded input range (the network was never trained): export it with --multiplier fp32, or train it first`);
  const padded = s.pads.some((p) => p !== 0)
    ? c.g.node('Pad', `${s.weight}.pad`, [x, c.g.int64s(`${s.weight}.pads`, [0, 0, s.pads[0], s.pads[1], 0, 0, s.pads[2], s.pads[3]])], { mode: 'constant' })
    : x;
  const xq = fakeQuantize(c, padded, `${s.weight}.input`, affineFor({ min: record.data[0] as number, max: record.data[1] as number }, c.o.quantization));
  const oihw = convToOihw(param(c, s.weight), s.depthwise);
  const { codes, params } = quantizedFilter(oihw, c.o.quantization, c.o.perChannelWeights === true);
  const perChannel = params.length > 1;
  const scaleDims = perChannel ? [params.length] : [];
  const wCodes = c.g.uint8s(`${s.weight}.codes`, oihw.shape, codes);
  const wScale = c.g.floats(`${s.weight}.scale`, scaleDims, Float32Array.from(params, (p) => p.scale));
  const wZero = c.g.uint8s(`${s.weight}.zero_point`, scaleDims, new Uint8Array(params.length));
  const wMin = c.g.floats(`${s.weight}.min`, perChannel ? [params.length, 1, 1, 1] : [], Float32Array.from(params, (p) => p.min));
  const wDq = c.g.node('DequantizeLinear', `${s.weight}.dq`, [wCodes, wScale, wZero], perChannel ? { axis: 0 } : {}, { props: [{ key: ONNX_META.role, value: 'weight codes' }] });
  const w = c.g.node('Add', `${s.weight}.fq`, [wDq, wMin]);
  return c.g.node('Conv', s.weight, [xq, w], attrs([0, 0, 0, 0]), {
    doc: `approximate convolution: every product of the fake-quantized operands is ${s.multiplier}(activation code, weight code) of the table`,
    props: [
      { key: ONNX_META.multiplier, value: s.multiplier },
      { key: ONNX_META.quantization, value: c.o.quantization },
    ],
  });
};

const padsOf = (c: Ctx, path: string): Pads => c.layout.layer(path).pads;

/** ReLU, depthwise (stride, dilation), pointwise, BN: a dil_conv, or one half of a sep_conv. */
const depthwisePointwise = (c: Ctx, x: string, path: string, stride: number, dilation: number, multiplier: string | undefined): string => {
  const r = c.g.node('Relu', `${path}.relu`, [x]);
  const d = conv(c, r, { weight: `${path}.depthwise`, depthwise: true, stride, dilation, pads: padsOf(c, `${path}.depthwise`), multiplier });
  const p = conv(c, d, { weight: `${path}.pointwise`, depthwise: false, stride: 1, dilation: 1, pads: [0, 0, 0, 0], multiplier });
  return batchNorm(c, p, `${path}.bn`);
};

/** ReLU, two 1x1 stride-2 convs (the second on the input shifted by a pixel and padded back), concat, BN. */
const factorizedReduce = (c: Ctx, x: string, path: string): string => {
  const r = c.g.node('Relu', `${path}.relu`, [x]);
  const a = conv(c, r, { weight: `${path}.conv_1`, depthwise: false, stride: 2, dilation: 1, pads: [0, 0, 0, 0], multiplier: undefined });
  const big = Number.MAX_SAFE_INTEGER;
  const shifted = c.g.node('Slice', `${path}.shift`, [r, c.g.int64s(`${path}.shift.starts`, [1, 1]), c.g.int64s(`${path}.shift.ends`, [big, big]), c.g.int64s(`${path}.shift.axes`, [2, 3])]);
  const b = conv(c, shifted, { weight: `${path}.conv_2`, depthwise: false, stride: 2, dilation: 1, pads: [0, 0, 1, 1], multiplier: undefined });
  return batchNorm(c, c.g.node('Concat', `${path}.concat`, [a, b], { axis: 1 }), `${path}.bn`);
};

const reluConvBn = (c: Ctx, x: string, path: string, stride: number, multiplier: string | undefined): string => {
  const r = c.g.node('Relu', `${path}.relu`, [x]);
  return batchNorm(c, conv(c, r, { weight: `${path}.conv`, depthwise: false, stride, dilation: 1, pads: padsOf(c, `${path}.conv`), multiplier }), `${path}.bn`);
};

const preprocess = (c: Ctx, x: string, p: PreprocessWiring): string => (p.kind === 'factorized_reduce' ? factorizedReduce(c, x, p.path) : reluConvBn(c, x, p.path, 1, undefined));

const operation = (c: Ctx, x: string, op: Operation, path: string, stride: number): string => {
  const m = multiplierOf(op);
  switch (op.kind) {
    case 'none':
      throw new Error(`${path}: a 'none' edge has no place in a derived network`);
    case 'skip':
      return stride === 1 ? x : factorizedReduce(c, x, path);
    case 'pool': {
      const l = c.layout.layer(`${path}.pool`);
      const attrs = { kernel_shape: [op.kernel, op.kernel], strides: [stride, stride], pads: [...l.pads] };
      return op.pool === 'max' ? c.g.node('MaxPool', `${path}.pool`, [x], attrs) : c.g.node('AveragePool', `${path}.pool`, [x], { ...attrs, count_include_pad: 0 });
    }
    case 'sep_conv':
      return depthwisePointwise(c, depthwisePointwise(c, x, `${path}.op1`, stride, 1, m), `${path}.op2`, 1, 1, m);
    case 'dil_conv':
      return depthwisePointwise(c, x, path, stride, op.dilation, m);
    case 'conv':
      return reluConvBn(c, x, path, stride, m);
  }
};

/**
 * The trained evaluation network as an ONNX model (opset 17, NCHW float32 input `images` [N, 3, R, R], output
 * `logits` [N, classes]): inference mode (BN with the running statistics), no drop path, no auxiliary head, every
 * pad explicit. Approximate convolutions are quantize-dequantize graphs tagged with their multiplier (`ONNX_META`).
 */
export const exportOnnx = (o: OnnxExportOptions): OnnxModel => {
  const layout = evalLayout(o.genotype, o.macro, o.padding, o.multiplier, o.resolution);
  const g = graphBuilder();
  const c: Ctx = { g, o, layout };
  const input = 'images';
  const stemW = filter(c, 'stem.conv', false);
  const stem = batchNorm(c, g.node('Conv', 'stem.conv', [input, stemW.name], { kernel_shape: [3, 3], strides: [1, 1], pads: [...layout.layer('stem.conv').pads] }), 'stem.bn');
  let [s0, s1] = [stem, stem];
  for (const { wiring } of layout.cells) {
    const states = [preprocess(c, s0, wiring.preprocess[0]), preprocess(c, s1, wiring.preprocess[1])];
    for (const [n, edges] of wiring.nodes.entries()) {
      const terms = edges.map((e) => operation(c, states[e.input] as string, e.op, e.path, e.stride));
      states.push(terms.length === 1 ? (terms[0] as string) : g.node(terms.length === 2 ? 'Add' : 'Sum', `${wiring.path}.node${n + 2}`, terms));
    }
    [s0, s1] = [s1, g.node('Concat', `${wiring.path}.out`, wiring.concat.map((i) => states[i] as string), { axis: 1 })];
  }
  const pooled = g.node('Flatten', 'global_pooling.flat', [g.node('GlobalAveragePool', 'global_pooling', [s1])], { axis: 1 });
  const fc = param(c, 'classifier.weight');
  const bias = param(c, 'classifier.bias');
  g.node('Gemm', 'logits', [pooled, g.floats('classifier.weight', fc.shape, fc.data), g.floats('classifier.bias', bias.shape, bias.data)]);
  const r = layout.resolution;
  const tensorType = (dims: readonly ({ readonly dimValue: number } | { readonly dimParam: string })[]) => ({ tensorType: { elemType: OnnxDataType.float, shape: { dim: dims } } });
  return {
    irVersion: ONNX_IR_VERSION,
    producerName: 'approx-darts',
    producerVersion: o.producerVersion ?? '0.1.0',
    docString: 'DARTS evaluation network (docs/INTEROP.md)',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    metadataProps: [
      { key: 'approx_darts.padding', value: o.padding },
      { key: ONNX_META.multiplier, value: o.multiplier ?? 'fp32' },
      { key: ONNX_META.quantization, value: o.quantization },
      ...Object.entries(o.metadata ?? {}).map(([key, value]) => ({ key, value })),
    ],
    graph: {
      name: 'approx_darts_eval_network',
      node: g.nodes,
      initializer: g.initializers,
      input: [{ name: input, type: tensorType([{ dimParam: 'N' }, { dimValue: 3 }, { dimValue: r }, { dimValue: r }]) }],
      output: [{ name: 'logits', type: tensorType([{ dimParam: 'N' }, { dimValue: o.macro.classes }]) }],
    },
  };
};
