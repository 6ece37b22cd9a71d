import type { Macro } from '@approx-darts/search-space';
import type { Genotype } from '@approx-darts/genotype';
import type { Padding } from '@approx-darts/network-plan';
import { evalLayout } from './eval-layout';
import { convToOihw, oihwToConv, transpose, type NamedTensor, type ParamValues } from './named-tensor';
import type { NpyArray } from './npz';

/** How one of our parameters sits in DARTS's `NetworkCIFAR.state_dict()`: its name there and its layout. */
interface DartsName {
  readonly ours: string;
  readonly darts: string;
  readonly layout: 'conv' | 'depthwise' | 'linear' | 'vector';
}

const BN_FIELDS = ['weight', 'bias', 'running_mean', 'running_var'] as const;

const bn = (ours: string, darts: string): DartsName[] => BN_FIELDS.map((f) => ({ ours: `${ours}.${f}`, darts: `${darts}.${f}`, layout: 'vector' }));
const convName = (ours: string, darts: string, depthwise = false): DartsName => ({ ours, darts: `${darts}.weight`, layout: depthwise ? 'depthwise' : 'conv' });
const reluConvBn = (ours: string, darts: string): DartsName[] => [convName(`${ours}.conv`, `${darts}.op.1`), ...bn(`${ours}.bn`, `${darts}.op.2`)];
const factorizedReduce = (ours: string, darts: string): DartsName[] => [convName(`${ours}.conv_1`, `${darts}.conv_1`), convName(`${ours}.conv_2`, `${darts}.conv_2`), ...bn(`${ours}.bn`, `${darts}.bn`)];
/** A depthwise-pointwise-BN stack at DARTS Sequential positions `at` (depthwise), `at + 1` (pointwise), `at + 2` (BN). */
const stack = (ours: string, darts: string, at: number): DartsName[] => [
  convName(`${ours}.depthwise`, `${darts}.op.${at}`, true),
  convName(`${ours}.pointwise`, `${darts}.op.${at + 1}`),
  ...bn(`${ours}.bn`, `${darts}.op.${at + 2}`),
];

/**
 * Every parameter of the evaluation network with its DARTS name (model.py's NetworkCIFAR and operations.py's
 * modules, docs/INTEROP.md): `stem.0`/`stem.1`, `cells.i.preprocess{0,1}` (`.op.1`/`.op.2` or FactorizedReduce's
 * `conv_1`/`conv_2`/`bn`), `cells.i._ops.j` with j the edge's position in the genotype's flat list (SepConv's
 * Sequential holds its layers at 1, 2, 3 and 5, 6, 7; DilConv's at 1, 2, 3), `classifier`, and the auxiliary head's
 * `auxiliary_head.features.{2,3,5,6}` and `auxiliary_head.classifier`. Throws on an op DARTS does not have.
 */
export const dartsNames = (genotype: Genotype, macro: Macro, auxiliary: boolean): readonly DartsName[] => {
  const layout = evalLayout(genotype, macro, 'same' satisfies Padding, null);
  const names: DartsName[] = [convName('stem.conv', 'stem.0'), ...bn('stem.bn', 'stem.1')];
  for (const { slot, wiring } of layout.cells) {
    const cell = `cells.${slot.index}`;
    for (const [i, p] of wiring.preprocess.entries())
      names.push(...(p.kind === 'factorized_reduce' ? factorizedReduce(p.path, `${cell}.preprocess${i}`) : reluConvBn(p.path, `${cell}.preprocess${i}`)));
    if (wiring.nodes.some((edges) => edges.length !== 2)) throw new Error(`${cell}: DARTS cells have 2 edges per node`);
    wiring.nodes.flat().forEach((e, j) => {
      const at = `${cell}._ops.${j}`;
      switch (e.op.kind) {
        case 'sep_conv':
          names.push(...stack(`${e.path}.op1`, at, 1), ...stack(`${e.path}.op2`, at, 5));
          break;
        case 'dil_conv':
          names.push(...stack(e.path, at, 1));
          break;
        case 'skip':
          if (e.stride === 2) names.push(...factorizedReduce(e.path, at));
          break;
        case 'pool':
          break;
        default:
          throw new Error(`${e.path}: DARTS has no '${e.op.name}' operation`);
      }
    });
  }
  names.push({ ours: 'classifier.weight', darts: 'classifier.weight', layout: 'linear' }, { ours: 'classifier.bias', darts: 'classifier.bias', layout: 'vector' });
  if (auxiliary)
    names.push(
      convName('auxiliary.conv1', 'auxiliary_head.features.2'),
      ...bn('auxiliary.bn1', 'auxiliary_head.features.3'),
      convName('auxiliary.conv2', 'auxiliary_head.features.5'),
      ...bn('auxiliary.bn2', 'auxiliary_head.features.6'),
      { ours: 'auxiliary.classifier.weight', darts: 'auxiliary_head.classifier.weight', layout: 'linear' },
      { ours: 'auxiliary.classifier.bias', darts: 'auxiliary_head.classifier.bias', layout: 'vector' },
    );
  return names;
};

const toDarts = (t: NamedTensor, layout: DartsName['layout']): NamedTensor =>
  layout === 'conv' || layout === 'depthwise' ? convToOihw(t, layout === 'depthwise') : layout === 'linear' ? transpose(t, [1, 0]) : t;
const fromDarts = (t: NamedTensor, layout: DartsName['layout']): NamedTensor =>
  layout === 'conv' || layout === 'depthwise' ? oihwToConv(t, layout === 'depthwise') : layout === 'linear' ? transpose(t, [1, 0]) : t;

/**
 * The network's weights as DARTS's `state_dict` (OIHW filters, `[out, in]` classifier), each BN with its
 * `num_batches_tracked` (0: running statistics here follow momentum 0.1, which never reads it).
 */
export const toDartsStateDict = (params: ParamValues, genotype: Genotype, macro: Macro, auxiliary: boolean): Record<string, NpyArray> => {
  const out: Record<string, NpyArray> = {};
  for (const n of dartsNames(genotype, macro, auxiliary)) {
    const p = params[n.ours];
    if (p === undefined) throw new Error(`the network has no parameter ${n.ours} (DARTS ${n.darts})`);
    out[n.darts] = toDarts(p, n.layout);
    if (n.darts.endsWith('.running_var')) out[n.darts.replace(/running_var$/, 'num_batches_tracked')] = { shape: [], data: new BigInt64Array(1) };
  }
  return out;
};

/**
 * Our parameters from a DARTS `state_dict` (the other way): every name the network needs must be there with
 * DARTS's shape; `num_batches_tracked` and anything else DARTS keeps are ignored. Throws naming the first mismatch.
 */
export const fromDartsStateDict = (dict: Readonly<Record<string, NpyArray>>, genotype: Genotype, macro: Macro, auxiliary: boolean, expected: (ours: string) => readonly number[] | undefined): Record<string, NamedTensor> => {
  const out: Record<string, NamedTensor> = {};
  for (const n of dartsNames(genotype, macro, auxiliary)) {
    const a = dict[n.darts];
    if (a === undefined) throw new Error(`no ${n.darts} (our ${n.ours}): the weights are not of this genotype and size`);
    if (!(a.data instanceof Float32Array)) throw new Error(`${n.darts} is not floating point`);
    const ours = fromDarts({ shape: a.shape, data: a.data }, n.layout);
    const want = expected(n.ours);
    if (want !== undefined && (want.length !== ours.shape.length || want.some((d, i) => d !== ours.shape[i])))
      throw new Error(`${n.darts} has shape [${a.shape.join(', ')}], this network needs [${toDarts({ shape: want, data: new Float32Array(want.reduce((x, y) => x * y, 1)) }, n.layout).shape.join(', ')}]`);
    out[n.ours] = ours;
  }
  return out;
};
