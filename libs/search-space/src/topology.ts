import * as t from 'io-ts';

/**
 * The shape of a cell: input nodes (outputs of previous cells), intermediate nodes, and how many incoming
 * edges each intermediate node keeps when a genotype is derived. Everything about edges is derived from this value.
 */
export const Topology = t.readonly(t.type({ inputs: t.number, nodes: t.number, edgesPerNode: t.number }));
export type Topology = t.TypeOf<typeof Topology>;

/** DARTS: 2 inputs, 4 intermediate nodes, top-2 edges per node. */
export const DARTS_TOPOLOGY: Topology = { inputs: 2, nodes: 4, edgesPerNode: 2 };

/** A directed edge of the cell DAG: `from` is a state index, `to` an intermediate node (state index `inputs + node`). */
export interface Edge {
  readonly index: number;
  readonly from: number;
  readonly to: number;
}

/**
 * All edges of a cell in DARTS order (node by node, predecessors in increasing order): the row order of alphas.
 * @example edgesOf(DARTS_TOPOLOGY).length === 14
 */
export const edgesOf = (topology: Topology): readonly Edge[] =>
  concatOf(topology)
    .flatMap((to) => Array.from({ length: to }, (_, from) => ({ from, to })))
    .map(({ from, to }, index) => ({ index, from, to }));

/**
 * Indices of the states concatenated into the cell output (all intermediate nodes).
 * @example concatOf(DARTS_TOPOLOGY) // [2, 3, 4, 5]
 */
export const concatOf = (topology: Topology): readonly number[] =>
  Array.from({ length: topology.nodes }, (_, i) => topology.inputs + i);
