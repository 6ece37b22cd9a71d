import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import { CELL_TYPES, formatIssues, issue, type CellType, type Issue, type SearchSpace } from '@approx-darts/search-space';
import type { Genotype } from './genotype';

const cellIssues = (space: SearchSpace, genotype: Genotype, cell: CellType): readonly Issue[] => {
  const { inputs, nodes, edgesPerNode } = space.topology;
  const { nodes: cellNodes, concat } = genotype[cell];
  const ops = new Map(space[cell].map((op) => [op.name, op]));
  const count = cellNodes.length === nodes ? [] : [issue([cell, 'nodes'], `has ${cellNodes.length} nodes, expected ${nodes}`)];
  const edges = cellNodes.flatMap((edgesIn, node) => {
    const state = inputs + node;
    const k = edgesIn.length === edgesPerNode ? [] : [issue([cell, 'nodes', node], `has ${edgesIn.length} edges, expected ${edgesPerNode}`)];
    return [
      ...k,
      ...edgesIn.flatMap((edge, e) => {
        const at = [cell, 'nodes', node, e];
        const op = ops.get(edge.op);
        return [
          ...(op === undefined
            ? [issue([...at, 'op'], `'${edge.op}' is not an operation of the ${cell} op set`)]
            : op.kind === 'none'
              ? [issue([...at, 'op'], `is '${edge.op}', which a derived cell never keeps`)]
              : []),
          ...(Number.isInteger(edge.input) && edge.input >= 0 && edge.input < state
            ? []
            : [issue([...at, 'input'], `must be an earlier state 0..${state - 1} of node ${state}, got ${edge.input}`)]),
        ];
      }),
    ];
  });
  const states = inputs + nodes;
  const out = concat.flatMap((s, i) =>
    Number.isInteger(s) && s >= 0 && s < states
      ? concat.indexOf(s) === i
        ? []
        : [issue([cell, 'concat', i], `repeats state ${s}`)]
      : [issue([cell, 'concat', i], `must be a state 0..${states - 1}, got ${s}`)],
  );
  // An empty concat makes a cell with no output: the network's next concat fails deep inside training.
  const empty = concat.length === 0 ? [issue([cell, 'concat'], 'is empty: the cell would output nothing (list at least one state)')] : [];
  return [...count, ...edges, ...empty, ...out];
};

/**
 * Every problem of a genotype against a space: unknown or `none` ops, inputs not earlier than their node,
 * wrong node or edge counts, bad or no concat states (empty when valid).
 * @example genotypeIssues(DARTS_SPACE)(DARTS_V2).length === 0
 */
export const genotypeIssues =
  (space: SearchSpace) =>
  (genotype: Genotype): readonly Issue[] =>
    CELL_TYPES.flatMap((cell) => cellIssues(space, genotype, cell));

/**
 * Validates a genotype against a space, one readable line per problem.
 * @example validateGenotype(DARTS_SPACE)(DARTS_V2) // right(DARTS_V2)
 */
export const validateGenotype =
  (space: SearchSpace) =>
  (genotype: Genotype): E.Either<string, Genotype> =>
    pipe(genotypeIssues(space)(genotype), (issues) => (issues.length === 0 ? E.right(genotype) : E.left(formatIssues(issues))));
