import * as t from 'io-ts';

/** One kept edge of a derived cell: the operation (by name) applied to state `input`. */
export const GenotypeEdge = t.readonly(t.type({ op: t.string, input: t.number }));
export type GenotypeEdge = t.TypeOf<typeof GenotypeEdge>;

/** A derived cell, nested per intermediate node: `nodes[i]` lists the edges into node i (k of them). */
export const GenotypeCell = t.readonly(t.type({ nodes: t.readonlyArray(t.readonlyArray(GenotypeEdge)), concat: t.readonlyArray(t.number) }));
export type GenotypeCell = t.TypeOf<typeof GenotypeCell>;

/** A genotype: the derived normal and reduction cells. */
export const Genotype = t.readonly(t.type({ normal: GenotypeCell, reduce: GenotypeCell }));
export type Genotype = t.TypeOf<typeof Genotype>;
