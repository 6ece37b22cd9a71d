import { cellSlots, concatOf, edgesOf, type CellSlot, type SearchSpace } from '@approx-darts/search-space';
import type { Layer, NetworkPlan, Shape } from './layer';
import { add, bn, conv, globalAvgPool, linear, type Block } from './layers';
import { factorizedReduce, operationBlock, reluConvBn } from './darts-blocks';

/** The search network's BN has no affine parameters (except the stem's) and every pool is followed by BN. */
const SEARCH_MODE = { affine: false, bnAfterPool: true } as const;

const searchCell = (space: SearchSpace, slot: CellSlot, s0: Shape, s1: Shape): Block => {
  const path = `cells.${slot.index}`;
  const { topology } = space;
  const pre0 = slot.reductionPrev ? factorizedReduce(`${path}.preprocess0`, s0, slot.c, false) : reluConvBn(`${path}.preprocess0`, s0, slot.c, false);
  const pre1 = reluConvBn(`${path}.preprocess1`, s1, slot.c, false);
  const states: Shape[] = [pre0.output, pre1.output];
  const ops = slot.reduction ? space.reduce : space.normal;
  const layers: Layer[] = [...pre0.layers, ...pre1.layers];
  for (const to of concatOf(topology)) {
    const incoming = edgesOf(topology).filter((e) => e.to === to);
    let out: Shape | undefined;
    for (const edge of incoming) {
      const input = states[edge.from] as Shape;
      const stride = slot.reduction && edge.from < topology.inputs ? 2 : 1;
      const edgePath = `${path}.edges.${edge.index}`;
      const blocks = ops.map((op) => operationBlock(edgePath, op, input, stride, SEARCH_MODE));
      out = blocks[0]?.output ?? input;
      layers.push(...blocks.flatMap((b) => b.layers), add(`${edgePath}.mix`, out, ops.length, true));
    }
    const node = out ?? states[1] as Shape;
    layers.push(add(`${path}.node${to}`, node, incoming.length));
    states.push(node);
  }
  const last = states[states.length - 1] as Shape;
  return { layers, output: [topology.nodes * slot.c, last[1], last[2]] };
};

/**
 * Every layer of the DARTS search network of a search space at a square input `resolution` (default 32):
 * stem, each cell's preprocessing, every candidate op on every edge, the mixed-op and node sums, the classifier.
 * Architecture weights (alphas) are not layer parameters.
 * @example searchNetworkPlan(DARTS_SPACE).layers.reduce((s, l) => s + l.params, 0) === 1930618
 */
export const searchNetworkPlan = (space: SearchSpace, resolution = 32): NetworkPlan => {
  const { channels, stemMultiplier, classes } = space.macro;
  const input: Shape = [3, resolution, resolution];
  const stem = conv('stem.conv', input, { kind: 'conv', outChannels: stemMultiplier * channels, kernel: 3, pad: 1 }, { multiplier: null });
  // DARTS's search stem uses a default (affine) BatchNorm2d, unlike the rest of the search network.
  const layers: Layer[] = [stem, bn('stem.bn', stem.output, true)];
  let [s0, s1] = [stem.output, stem.output];
  for (const slot of cellSlots(space.macro, { normal: space.topology.nodes, reduce: space.topology.nodes })) {
    const cell = searchCell(space, slot, s0, s1);
    layers.push(...cell.layers);
    [s0, s1] = [s1, cell.output];
  }
  layers.push(globalAvgPool('global_pooling', s1), linear('classifier', s1[0], classes));
  return { input, classes, layers };
};
