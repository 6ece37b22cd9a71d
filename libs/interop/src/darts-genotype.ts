import { flattenCell, printPythonGenotype, type Genotype } from '@approx-darts/genotype';

/** A genotype with its edges' own multipliers dropped: DARTS's 2-tuple form (`zip(*genotype.normal)` reads it). */
const withoutMultipliers = (g: Genotype): Genotype => ({
  normal: { nodes: g.normal.nodes.map((n) => n.map(({ op, input }) => ({ op, input }))), concat: g.normal.concat },
  reduce: { nodes: g.reduce.nodes.map((n) => n.map(({ op, input }) => ({ op, input }))), concat: g.reduce.concat },
});

const pyList = (values: readonly (string | null)[]): string => `[${values.map((v) => (v === null ? 'None' : `'${v}'`)).join(', ')}]`;

/**
 * A `genotypes.py`-style module: DARTS's `Genotype` namedtuple and the genotype `name` in its 2-tuple form, then
 * `<name>_MULTIPLIERS`, the table each edge's approximable op runs on, edge by edge in the order of the lists
 * (None: no approximable op, or exact float), so DARTS's code reads the architecture and tool flows the tables.
 * @example dartsGenotypeModule(DARTS_V2, 'DARTS_V2', 'fp32', () => false).includes("DARTS_V2 = Genotype(normal=[('sep_conv_3x3', 0)") === true
 */
export const dartsGenotypeModule = (g: Genotype, name: string, runMultiplier: string, approximable: (cell: 'normal' | 'reduce', op: string) => boolean): string => {
  const multipliers = (cell: 'normal' | 'reduce'): string =>
    pyList(flattenCell(g[cell]).map((e) => (!approximable(cell, e.op) ? null : (e.multiplier ?? runMultiplier) === 'fp32' ? null : (e.multiplier ?? runMultiplier))));
  return [
    '# Written by `approx-darts export --format darts` (docs/INTEROP.md).',
    'from collections import namedtuple',
    '',
    "Genotype = namedtuple('Genotype', 'normal normal_concat reduce reduce_concat')",
    '',
    `${name} = ${printPythonGenotype(withoutMultipliers(g))}`,
    '',
    '# The approximate multiplier of each edge above, in the same order (None: exact float arithmetic).',
    `${name}_MULTIPLIERS = dict(normal=${multipliers('normal')}, reduce=${multipliers('reduce')})`,
    '',
  ].join('\n');
};
