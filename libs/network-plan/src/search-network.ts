import { cellSlots, type CellSlot, type SearchSpace } from '@approx-darts/search-space';
import type { Layer, NetworkPlan, Shape } from './layer';
import { add, bn, conv, globalAvgPool, linear, type Block } from './layers';
import { operationBlock, preprocessBlock } from './darts-blocks';
import { searchCellWiring } from './cell-wiring';
import type { Padding } from './padding';

/** The search network's BN has no affine parameters (except the stem's) and every pool is followed by BN. */
const SEARCH_MODE = { affine: false, bnAfterPool: true } as const;

const searchCell = (space: SearchSpace, slot: CellSlot, s0: Shape, s1: Shape, padding: Padding): Block => {
  const wiring = searchCellWiring(space.topology, slot.reduction ? space.reduce : space.normal, slot);
  const { path } = wiring;
  const [pre0, pre1] = [preprocessBlock(wiring.preprocess[0], s0, slot.c, false), preprocessBlock(wiring.preprocess[1], s1, slot.c, false)];
  const states: Shape[] = [pre0.output, pre1.output];
  const layers: Layer[] = [...pre0.layers, ...pre1.layers];
  for (const { to, edges } of wiring.nodes) {
    let out: Shape | undefined;
    for (const edge of edges) {
      const input = states[edge.from] as Shape;
      const blocks = edge.candidates.map((c) => operationBlock(c.path, c.op, input, edge.stride, { ...SEARCH_MODE, padding }));
      out = blocks[0]?.output ?? input;
      layers.push(...blocks.flatMap((b) => b.layers), add(`${path}.edges.${edge.index}.mix`, out, edge.candidates.length, true));
    }
    const node = out ?? (states[1] as Shape);
    layers.push(add(`${path}.node${to}`, node, edges.length));
    states.push(node);
  }
  const last = states[states.length - 1] as Shape;
  return { layers, output: [wiring.concat.length * slot.c, last[1], last[2]] };
};

/**
 * Every layer of the DARTS search network of a search space at a square input `resolution` (default 32):
 * stem, each cell's preprocessing, every candidate op on every edge, the mixed-op and node sums, the classifier.
 * Architecture weights (alphas) are not layer parameters.
 * @example searchNetworkPlan(DARTS_SPACE).layers.reduce((s, l) => s + l.params, 0) === 1930618
 */
export const searchNetworkPlan = (space: SearchSpace, resolution = 32, padding: Padding = 'same'): NetworkPlan => {
  const { channels, stemMultiplier, classes } = space.macro;
  const input: Shape = [3, resolution, resolution];
  const stem = conv('stem.conv', input, { kind: 'conv', outChannels: stemMultiplier * channels, kernel: 3, pad: 1 }, { multiplier: null });
  // DARTS's search stem uses a default (affine) BatchNorm2d, unlike the rest of the search network.
  const layers: Layer[] = [stem, bn('stem.bn', stem.output, true)];
  let [s0, s1] = [stem.output, stem.output];
  for (const slot of cellSlots(space.macro, { normal: space.topology.nodes, reduce: space.topology.nodes })) {
    const cell = searchCell(space, slot, s0, s1, padding);
    layers.push(...cell.layers);
    [s0, s1] = [s1, cell.output];
  }
  layers.push(globalAvgPool('global_pooling', s1), linear('classifier', s1[0], classes));
  return { input, classes, layers };
};
