import { isApproximable, multiplierOf, type Operation } from './operation';
import { CELL_TYPES, type CellOpSets } from './search-space';

/**
 * Whether any op of the op sets is bound to a multiplier (the sets carry an approximation pattern).
 * @example bindsAnyMultiplier(approxDartsSpace('mul8u_NGR')) === true && bindsAnyMultiplier(DARTS_SPACE) === false
 */
export const bindsAnyMultiplier = (sets: CellOpSets): boolean => CELL_TYPES.some((cell) => sets[cell].some((op) => multiplierOf(op) !== undefined));

/**
 * The table an op runs on in a run of these op sets, given the run's multiplier choice (`--multiplier`):
 * - `undefined`: as bound (each bound op on its own table, the others exact);
 * - `null` (fp32): every op exact;
 * - a table name: every bound op on that table (the sets' approximation pattern kept, the table swapped); sets that
 *   bind nothing get it on every approximable op, which is ApproxDARTS on the DARTS space (docs/DARTS.md).
 * Undefined means exact arithmetic.
 * @example runMultiplierOf(DARTS_SPACE, 'mul8u_NGR')(sepConv(3)) === 'mul8u_NGR' && runMultiplierOf(DARTS_SPACE, 'mul8u_NGR')(DARTS_OPERATIONS.skip_connect) === undefined
 */
export const runMultiplierOf = (sets: CellOpSets, multiplier: string | null | undefined): ((op: Operation) => string | undefined) => {
  if (multiplier === undefined) return multiplierOf;
  if (multiplier === null) return () => undefined;
  const pattern = bindsAnyMultiplier(sets) ? (op: Operation) => multiplierOf(op) !== undefined : isApproximable;
  return (op) => (pattern(op) ? multiplier : undefined);
};
