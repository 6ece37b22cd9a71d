import * as t from 'io-ts';
import { CellOpSets } from '@approx-darts/search-space';

/**
 * One kept edge of a derived cell: the operation (by name) applied to state `input`. `multiplier`, when present, is
 * the table this edge's approximable op runs on (an energy-aware search derives one per edge; `fp32` = exact);
 * absent, the op runs on the run's single multiplier.
 */
export const GenotypeEdge = t.readonly(t.intersection([t.type({ op: t.string, input: t.number }), t.partial({ multiplier: t.string })]));
export type GenotypeEdge = t.TypeOf<typeof GenotypeEdge>;

/** A derived cell, nested per intermediate node: `nodes[i]` lists the edges into node i (k of them). */
export const GenotypeCell = t.readonly(t.type({ nodes: t.readonlyArray(t.readonlyArray(GenotypeEdge)), concat: t.readonlyArray(t.number) }));
export type GenotypeCell = t.TypeOf<typeof GenotypeCell>;

/**
 * A genotype: the derived normal and reduction cells. `ops` holds the op sets of the space it was derived from, so
 * that its op names can be built: absent, a name is read by the vocabulary (`operationFromName`), as DARTS's
 * published genotypes are. `derive` keeps them only when names alone would lose something (see `opSetsToKeep`).
 */
export const Genotype = t.readonly(t.intersection([t.type({ normal: GenotypeCell, reduce: GenotypeCell }), t.partial({ ops: CellOpSets })]));
export type Genotype = t.TypeOf<typeof Genotype>;

/**
 * A cell's edges in the flat DARTS order (node by node), as published genotypes list them.
 * @example flattenCell({ nodes: [[{ op: 'skip_connect', input: 0 }]], concat: [2] }) // [{ op: 'skip_connect', input: 0 }]
 */
export const flattenCell = (cell: GenotypeCell): readonly GenotypeEdge[] => cell.nodes.flat();

/**
 * Groups a flat edge list into nodes of `k` edges (the caller checks that the length is a multiple of k).
 * @example groupEdges([{ op: 'a', input: 0 }, { op: 'b', input: 1 }], 2).length === 1
 */
export const groupEdges = (edges: readonly GenotypeEdge[], k: number): readonly (readonly GenotypeEdge[])[] =>
  Array.from({ length: Math.ceil(edges.length / k) }, (_, node) => edges.slice(node * k, node * k + k));

/**
 * The number of edges per node of a genotype (that of its first node; validation checks the rest agree).
 * @example edgesPerNodeOf(DARTS_V2) === 2
 */
export const edgesPerNodeOf = (genotype: Genotype): number => genotype.normal.nodes[0]?.length ?? genotype.reduce.nodes[0]?.length ?? 0;
