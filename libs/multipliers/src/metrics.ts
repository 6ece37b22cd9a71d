import * as t from 'io-ts';
import { ComputedMetricsEntry } from './metadata';
import { OPERANDS, TABLE_ENTRIES, type MultiplierTable } from './table';

/** EvoApproxLib normalizes MAE% and WCE% by 2^16 (not by the largest product 65025). */
const FULL_SCALE = 2 ** 16;

/**
 * Error metrics of a table against exact multiplication, with the conventions of `multipliers.json`
 * (EvoApproxLib's): over all 65536 pairs; MRE and WCRE only over pairs whose exact product is nonzero.
 * The same fields as the json's computed entry, plus the bias.
 */
export const MultiplierMetrics = t.readonly(t.intersection([ComputedMetricsEntry, t.type({ bias: t.number })]));
export type MultiplierMetrics = t.TypeOf<typeof MultiplierMetrics>;

/**
 * Computes every error metric of a table in one pass.
 * @example multiplierMetrics(exactTable()).mre_pct === 0
 */
export const multiplierMetrics = (table: MultiplierTable): MultiplierMetrics => {
  const p = table.products;
  let errors = 0, absSum = 0, sqSum = 0, signedSum = 0, wce = 0, relSum = 0, relMax1Sum = 0, wcre = 0, maxOut = 0;
  let commutative = true;
  for (let a = 0; a < OPERANDS; a++) {
    for (let b = 0; b < OPERANDS; b++) {
      const approx = p[a * OPERANDS + b] ?? 0;
      const exact = a * b;
      const diff = approx - exact;
      const abs = Math.abs(diff);
      if (diff !== 0) errors++;
      absSum += abs;
      sqSum += diff * diff;
      signedSum += diff;
      if (abs > wce) wce = abs;
      if (approx > maxOut) maxOut = approx;
      relMax1Sum += abs / Math.max(exact, 1);
      if (exact !== 0) {
        relSum += abs / exact;
        if (abs / exact > wcre) wcre = abs / exact;
      }
      if (approx !== p[b * OPERANDS + a]) commutative = false;
    }
  }
  const nonzero = (OPERANDS - 1) * (OPERANDS - 1);
  const mae = absSum / TABLE_ENTRIES;
  return {
    ep_pct: (100 * errors) / TABLE_ENTRIES,
    mae_abs: mae,
    mae_pct: (100 * mae) / FULL_SCALE,
    mae_pct_of_65025: (100 * mae) / nonzero,
    wce_abs: wce,
    wce_pct: (100 * wce) / FULL_SCALE,
    wce_pct_of_65025: (100 * wce) / nonzero,
    mre_pct: (100 * relSum) / nonzero,
    mre_pct_incl_zero_products_denominator_max1: (100 * relMax1Sum) / TABLE_ENTRIES,
    wcre_pct: 100 * wcre,
    mse: sqSum / TABLE_ENTRIES,
    bias: signedSum / TABLE_ENTRIES,
    commutative,
    max_output: maxOut,
  };
};
