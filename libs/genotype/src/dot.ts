import type { Genotype, GenotypeCell } from './genotype';

const quote = (s: string): string => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;

// States numbered as the genotype text and its JSON number them (0, 1 the inputs, 2.. the intermediate nodes), the
// inputs also named as the DARTS paper draws them (c_{k-2}, c_{k-1}).
const stateLabel = (state: number, inputs: number): string => (state < inputs ? `state ${state} (c_{k-${inputs - state}})` : `state ${state}`);

const cellToDot = (name: string, cell: GenotypeCell, inputs: number): string => {
  const id = (state: number | 'out'): string => quote(`${name}_${state}`);
  const states = inputs + cell.nodes.length;
  const lines = [
    `  subgraph ${quote(`cluster_${name}`)} {`,
    `    label=${quote(`${name} cell`)};`,
    ...Array.from({ length: states }, (_, s) =>
      s < inputs
        ? `    ${id(s)} [label=${quote(stateLabel(s, inputs))}, shape=box, style=filled, fillcolor=darkseagreen2];`
        : `    ${id(s)} [label=${quote(stateLabel(s, inputs))}, shape=box, style=filled, fillcolor=lightblue];`,
    ),
    `    ${id('out')} [label="c_{k}", shape=box, style=filled, fillcolor=palegoldenrod];`,
    ...cell.nodes.flatMap((edges, node) => edges.map((e) => `    ${id(e.input)} -> ${id(inputs + node)} [label=${quote(e.multiplier === undefined ? e.op : `${e.op}@${e.multiplier}`)}];`)),
    ...cell.concat.map((s) => `    ${id(s)} -> ${id('out')} [color=gray];`),
    '  }',
  ];
  return lines.join('\n');
};

/**
 * A Graphviz rendering of both cells (two clusters), for `dot -Tpng`. `inputs` is the topology's input count.
 * @example genotypeToDot(DARTS_V2).startsWith('digraph genotype {') === true
 */
export const genotypeToDot = (genotype: Genotype, inputs: number = 2): string =>
  [
    'digraph genotype {',
    '  rankdir=LR;',
    '  node [fontname="Helvetica"]; edge [fontname="Helvetica", fontsize=10];',
    cellToDot('normal', genotype.normal, inputs),
    cellToDot('reduce', genotype.reduce, inputs),
    '}',
    '',
  ].join('\n');
