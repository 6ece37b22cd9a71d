import { concatOf, edgesOf, type OpSet, type SearchSpace, type Topology } from '@approx-darts/search-space';
import type { Alphas } from './alphas';
import type { GenotypeCell, Genotype } from './genotype';
import { opSetsToKeep } from './genotype-ops';
import { softmax } from './softmax';

interface Candidate {
  readonly input: number;
  readonly op: string;
  readonly weight: number;
}

// The best non-`none` op of one edge (first in column order on ties, as DARTS's strict `>` does).
const bestOp = (ops: OpSet, row: readonly number[], input: number): Candidate | undefined =>
  softmax(row).reduce<Candidate | undefined>((best, weight, column) => {
    const op = ops[column];
    if (op === undefined || op.kind === 'none') return best;
    return best === undefined || weight > best.weight ? { input, op: op.name, weight } : best;
  }, undefined);

/**
 * Derives one cell by the DARTS rule: per node, rank incoming edges by their strongest non-`none` softmax weight,
 * keep the top `edgesPerNode` (stable: earlier predecessor first on ties) and give each its best non-`none` op.
 * @example deriveCell(DARTS_OP_SET, DARTS_TOPOLOGY, zeroAlphas(DARTS_SPACE).normal).nodes[0]
 *   // [{ op: 'max_pool_3x3', input: 0 }, { op: 'max_pool_3x3', input: 1 }]
 */
export const deriveCell = (ops: OpSet, topology: Topology, rows: readonly (readonly number[])[]): GenotypeCell => {
  const edges = edgesOf(topology);
  const nodes = concatOf(topology).map((state) =>
    edges
      .filter((e) => e.to === state)
      .flatMap((e) => {
        const best = bestOp(ops, rows[e.index] ?? [], e.from);
        return best === undefined ? [] : [best];
      })
      // Array.prototype.sort is stable, so ties keep predecessor order.
      .sort((a, b) => b.weight - a.weight)
      .slice(0, topology.edgesPerNode)
      .map(({ op, input }) => ({ op, input })),
  );
  return { nodes, concat: concatOf(topology) };
};

/**
 * Derives the genotype of a search space from its alphas (decode them with `decodeAlphas(space)` first). The
 * genotype carries the space's op sets when its op names alone could not rebuild them (`opSetsToKeep`).
 * @example derive(DARTS_SPACE)(zeroAlphas(DARTS_SPACE)).normal.concat // [2, 3, 4, 5]
 */
export const derive =
  (space: SearchSpace) =>
  (alphas: Alphas): Genotype => {
    const cells = { normal: deriveCell(space.normal, space.topology, alphas.normal), reduce: deriveCell(space.reduce, space.topology, alphas.reduce) };
    const ops = opSetsToKeep(space);
    return ops === undefined ? cells : { ...cells, ops };
  };
