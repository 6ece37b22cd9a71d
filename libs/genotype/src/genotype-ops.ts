import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { pipe } from 'fp-ts/function';
import {
  CELL_TYPES,
  DARTS_SPACE,
  VOCABULARY,
  exactOp,
  formatIssues,
  isApproximable,
  isNamedCanonically,
  issue,
  multiplierOf,
  multipliersOf,
  operationFromName,
  runMultiplierOf,
  withMultiplier,
  type CellOpSets,
  type CellType,
  type Issue,
  type Operation,
  type SearchSpace,
} from '@approx-darts/search-space';
import { edgesPerNodeOf, type Genotype } from './genotype';

/**
 * The op sets a genotype derived from `sets` must carry, or undefined when its names say everything a network
 * needs: every op is what its name reads as (`isNamedCanonically`) and the sets bind either no multiplier or one
 * table to every approximable op, which is the pattern a run gives to names by default (`runMultiplierOf`). So
 * DARTS and ApproxDARTS genotypes stay in DARTS's plain form.
 * @example opSetsToKeep(DARTS_SPACE) === undefined && opSetsToKeep(extendOps([{ kind: 'sep_conv', name: 'wide', kernel: 9 }])(DARTS_SPACE)) !== undefined
 */
export const opSetsToKeep = (sets: CellOpSets): CellOpSets | undefined => {
  const ops = CELL_TYPES.flatMap((cell) => sets[cell]);
  const tables = multipliersOf(sets);
  const defaultPattern = tables.length === 0 || (tables.length === 1 && ops.every((op) => !isApproximable(op) || multiplierOf(op) !== undefined));
  return ops.every(isNamedCanonically) && defaultPattern ? undefined : { normal: sets.normal, reduce: sets.reduce };
};

const usedNames = (genotype: Genotype, cell: 'normal' | 'reduce'): readonly string[] => [...new Set(genotype[cell].nodes.flatMap((edges) => edges.map((e) => e.op)))];

const undefinedOps = (genotype: Genotype): readonly Issue[] =>
  CELL_TYPES.flatMap((cell) =>
    genotype[cell].nodes.flatMap((edges, node) =>
      edges.flatMap((edge, e) => {
        const at = [cell, 'nodes', node, e, 'op'];
        if (genotype.ops !== undefined)
          return genotype.ops[cell].some((op) => op.name === edge.op) ? [] : [issue(at, `'${edge.op}' is not an operation of the genotype's ops.${cell}`)];
        return O.isSome(operationFromName(edge.op)) ? [] : [issue(at, `'${edge.op}' is not a name the vocabulary reads (${VOCABULARY}) and the genotype carries no ops`)];
      }),
    ),
  );

/**
 * The op sets a genotype's names refer to: its own `ops`, or else the vocabulary's reading of the names it uses
 * (exact ops, in order of first use). Names neither defines are reported with their path, one per line.
 * @example genotypeOperations(DARTS_V2).right.reduce.map((o) => o.name) // ['max_pool_3x3', 'skip_connect']
 */
export const genotypeOperations = (genotype: Genotype): E.Either<string, CellOpSets> => {
  const problems = undefinedOps(genotype);
  if (problems.length > 0) return E.left(formatIssues(problems));
  if (genotype.ops !== undefined) return E.right(genotype.ops);
  const read = (cell: 'normal' | 'reduce'): readonly Operation[] => usedNames(genotype, cell).flatMap((name) => {
      const op = operationFromName(name);
      return O.isSome(op) ? [op.value] : [];
    });
  return E.right({ normal: read('normal'), reduce: read('reduce') });
};

/**
 * The op of one cell type by name (`sets` from `genotypeOperations`, which guarantees every used name is there).
 * @example operationNamed(DARTS_SPACE, 'normal', 'sep_conv_3x3')?.kind === 'sep_conv'
 */
export const operationNamed = (sets: CellOpSets, cell: CellType, name: string): Operation | undefined => sets[cell].find((op) => op.name === name);

/**
 * The genotype's ops as a run builds them: each looked up by cell type and name, bound to the table it runs on
 * under the run's `multiplier` (`runMultiplierOf`: null = exact; a table goes to the ops its op sets bind, or to
 * every approximable op when they bind none or it has none), exact otherwise. Undefined for a name the cell lacks.
 * @example runOperations(DARTS_V2, 'mul8u_NGR').right('normal', 'sep_conv_3x3').multiplier === 'mul8u_NGR'
 */
export const runOperations = (genotype: Genotype, multiplier: string | null): E.Either<string, (cell: CellType, name: string) => Operation | undefined> =>
  pipe(
    genotypeOperations(genotype),
    E.map((sets) => {
      const tableOf = runMultiplierOf(sets, multiplier);
      return (cell, name) => {
        const op = operationNamed(sets, cell, name);
        const table = op === undefined ? undefined : tableOf(op);
        return op === undefined ? undefined : table === undefined ? exactOp(op) : withMultiplier(table)(op);
      };
    }),
  );

/**
 * The space a genotype implies on its own: its op sets (or the vocabulary's reading of its names), 2 inputs, its
 * normal cell's node count and edges per node, DARTS's search macro. What `genotype show` checks a genotype against
 * when no space is given, so a genotype of any space shows without it.
 * @example impliedSpace(DARTS_V2).right.topology // { inputs: 2, nodes: 4, edgesPerNode: 2 }
 */
export const impliedSpace = (genotype: Genotype): E.Either<string, SearchSpace> =>
  pipe(
    genotypeOperations(genotype),
    E.map((sets) => ({ ...DARTS_SPACE, ...sets, topology: { inputs: 2, nodes: genotype.normal.nodes.length, edgesPerNode: edgesPerNodeOf(genotype) } })),
  );
