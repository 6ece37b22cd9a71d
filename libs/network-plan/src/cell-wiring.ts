import { concatOf, edgesOf, type CellSlot, type Operation, type Topology } from '@approx-darts/search-space';
import type { GenotypeCell, GenotypeEdge } from '@approx-darts/genotype';

/**
 * The parameter paths of every network, in one place: the plan's layers and the tfjs parameter store
 * (libs/networks) are named from these, so a path means the same weights on both sides and in checkpoints.
 */
export const paramPaths = {
  cell: (index: number): string => `cells.${index}`,
  /** The preprocessing of cell input 0 or 1. */
  preprocess: (cell: string, input: number): string => `${cell}.pre${input}`,
  /** Candidate `opIndex` of a search edge; the index keeps two ops of one name apart. */
  candidate: (cell: string, edge: number, opIndex: number, op: Operation): string => `${cell}.edges.${edge}.${opIndex}_${op.name}`,
  /** Kept edge `k` of intermediate node `node` (0-based) of a derived cell. */
  keptEdge: (cell: string, node: number, k: number, op: Operation): string => `${cell}.nodes.${node}.${k}_${op.name}`,
  /** The k-th (0-based) depthwise-pointwise stack of a separable convolution. */
  sepStack: (op: string, k: number): string => `${op}.op${k + 1}`,
} as const;

/** How a cell input is brought to the cell's C channels: FactorizedReduce after a reduction, else ReLU-conv1x1-BN. */
export interface PreprocessWiring {
  readonly path: string;
  readonly kind: 'factorized_reduce' | 'relu_conv_bn';
  /** Channels coming in; the cell's C go out. */
  readonly inChannels: number;
}

const preprocessOf = (cell: string, slot: CellSlot): readonly [PreprocessWiring, PreprocessWiring] => [
  { path: paramPaths.preprocess(cell, 0), kind: slot.reductionPrev ? 'factorized_reduce' : 'relu_conv_bn', inChannels: slot.cPrevPrev },
  { path: paramPaths.preprocess(cell, 1), kind: 'relu_conv_bn', inChannels: slot.cPrev },
];

/** Edges from a cell input of a reduction cell run at stride 2. */
const strideOf = (slot: CellSlot, from: number, inputs: number): number => (slot.reduction && from < inputs ? 2 : 1);

/** One edge of a search cell: its candidate ops, each with its path and index in the op set (= its alpha column). */
export interface SearchEdgeWiring {
  readonly index: number;
  readonly from: number;
  readonly stride: number;
  readonly candidates: readonly { readonly opIndex: number; readonly op: Operation; readonly path: string }[];
}

/** A search cell as data: preprocessing, each intermediate node (state `to`) with its edges, and the concatenated states. */
export interface SearchCellWiring {
  readonly path: string;
  readonly reduction: boolean;
  readonly channels: number;
  readonly preprocess: readonly [PreprocessWiring, PreprocessWiring];
  readonly nodes: readonly { readonly to: number; readonly edges: readonly SearchEdgeWiring[] }[];
  readonly concat: readonly number[];
}

/**
 * The wiring of one DARTS search cell over an op set: every edge of the topology carries every op.
 * @example searchCellWiring(DARTS_SPACE.topology, DARTS_SPACE.normal, { index: 0, reduction: false, reductionPrev: false, cPrevPrev: 48, cPrev: 48, c: 16, out: 64 }).nodes.map((n) => n.edges.length) // [2, 3, 4, 5]
 */
export const searchCellWiring = (topology: Topology, ops: readonly Operation[], slot: CellSlot): SearchCellWiring => {
  if (topology.inputs !== 2) throw new Error(`search cells take 2 inputs, the topology has ${topology.inputs}`);
  const path = paramPaths.cell(slot.index);
  const edges = edgesOf(topology);
  return {
    path,
    reduction: slot.reduction,
    channels: slot.c,
    preprocess: preprocessOf(path, slot),
    nodes: concatOf(topology).map((to) => ({
      to,
      edges: edges
        .filter((e) => e.to === to)
        .map((e) => ({
          index: e.index,
          from: e.from,
          stride: strideOf(slot, e.from, topology.inputs),
          candidates: ops.map((op, opIndex) => ({ opIndex, op, path: paramPaths.candidate(path, e.index, opIndex, op) })),
        })),
    })),
    concat: concatOf(topology),
  };
};

/** One kept edge of a derived cell. */
export interface KeptEdgeWiring {
  readonly input: number;
  readonly stride: number;
  readonly op: Operation;
  readonly path: string;
}

/** A derived (evaluation) cell as data: preprocessing, each node's kept edges, and the concatenated states. */
export interface EvalCellWiring {
  readonly path: string;
  readonly channels: number;
  readonly preprocess: readonly [PreprocessWiring, PreprocessWiring];
  readonly nodes: readonly (readonly KeptEdgeWiring[])[];
  readonly concat: readonly number[];
}

/** Cell input states (outputs of the two previous cells), as in DARTS. */
const CELL_INPUTS = 2;

/**
 * The wiring of one genotype cell, or why it cannot be wired: an edge reading a state that does not exist yet, an
 * unknown op (`opOf` returns undefined), a node without edges, or a concat naming a missing state. `opOf` gives the
 * operation an edge runs (on its own multiplier when the edge names one).
 */
export const evalCellWiring = (cell: GenotypeCell, slot: CellSlot, opOf: (edge: GenotypeEdge) => Operation | undefined): { readonly ok: true; readonly wiring: EvalCellWiring } | { readonly ok: false; readonly problem: string } => {
  const path = paramPaths.cell(slot.index);
  const nodes: KeptEdgeWiring[][] = [];
  for (const [n, edges] of cell.nodes.entries()) {
    if (edges.length === 0) return { ok: false, problem: `${path} node ${n}: no incoming edges` };
    const kept: KeptEdgeWiring[] = [];
    for (const [k, edge] of edges.entries()) {
      if (edge.input < 0 || edge.input >= n + CELL_INPUTS) return { ok: false, problem: `${path} node ${n}: edge from state ${edge.input}, which does not exist yet` };
      const op = opOf(edge);
      if (op === undefined) return { ok: false, problem: `unknown operation '${edge.op}'` };
      kept.push({ input: edge.input, stride: strideOf(slot, edge.input, CELL_INPUTS), op, path: paramPaths.keptEdge(path, n, k, op) });
    }
    nodes.push(kept);
  }
  if (cell.concat.length === 0 || cell.concat.some((i) => i < 0 || i >= nodes.length + CELL_INPUTS))
    return { ok: false, problem: `${path}: concat ${JSON.stringify(cell.concat)} names a missing state` };
  return { ok: true, wiring: { path, channels: slot.c, preprocess: preprocessOf(path, slot), nodes, concat: cell.concat } };
};
