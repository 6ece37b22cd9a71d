/** The name meaning "no approximation": float32 arithmetic, no table (the paper's reference). */
export const FP32 = 'fp32';

/**
 * Whether a multiplier name means exact float arithmetic rather than a table.
 * @example isFp32('FP32') === true
 */
export const isFp32 = (name: string): boolean => name.toLowerCase() === FP32;

/** A multiplier of the paper with its Table I row (errors in %, power in mW at 45 nm, 1 V). */
export interface PaperMultiplier {
  readonly name: string;
  readonly powerMw: number;
  readonly mrePct: number;
  readonly epPct: number;
  readonly maePct: number;
  readonly wcePct: number;
}

/** Table I of ApproxDARTS (Pinos, Sekanina, Mrazek 2024), as printed (2 decimals). */
export const paperMultipliers: readonly PaperMultiplier[] = [
  { name: 'mul8u_1JFF', powerMw: 0.391, mrePct: 0, epPct: 0, maePct: 0, wcePct: 0 },
  { name: 'mul8u_2AC', powerMw: 0.311, mrePct: 1.25, epPct: 98.12, maePct: 0.04, wcePct: 0.12 },
  { name: 'mul8u_NGR', powerMw: 0.276, mrePct: 1.9, epPct: 96.37, maePct: 0.07, wcePct: 0.25 },
  { name: 'mul8u_DM1', powerMw: 0.195, mrePct: 4.73, epPct: 98.16, maePct: 0.2, wcePct: 0.89 },
];

/** Power of the exact 8-bit multiplier (mul8u_1JFF), the reference for scaling 8-bit multiplication energy. */
export const EXACT_POWER_MW = 0.391;

/**
 * The paper's power figure of a multiplier, if it is one of the four.
 * @example paperPowerMw('mul8u_NGR') === 0.276
 */
export const paperPowerMw = (name: string): number | undefined => paperMultipliers.find((m) => m.name === name)?.powerMw;
