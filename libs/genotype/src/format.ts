import type { Genotype, GenotypeCell } from './genotype';

const cellText = (name: string, cell: GenotypeCell, inputs: number): string =>
  [
    `${name} cell (output = concat of states ${cell.concat.join(', ')})`,
    ...cell.nodes.map((edges, node) => `  state ${inputs + node} = ${edges.map((e) => `${e.op}${e.multiplier === undefined ? '' : `@${e.multiplier}`}(${e.input})`).join(' + ')}`),
  ].join('\n');

/**
 * A readable multi-line summary of a genotype: per intermediate state, the sum of its kept edges.
 * @example formatGenotype(DARTS_V2).split('\n')[1] === '  state 2 = sep_conv_3x3(0) + sep_conv_3x3(1)'
 */
export const formatGenotype = (genotype: Genotype, inputs: number = 2): string =>
  `${cellText('normal', genotype.normal, inputs)}\n${cellText('reduce', genotype.reduce, inputs)}`;
