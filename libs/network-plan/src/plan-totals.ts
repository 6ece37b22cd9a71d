import type { Layer, NetworkPlan } from './layer';

const sum = (layers: readonly Layer[], f: (l: Layer) => number): number => layers.reduce((s, l) => s + f(l), 0);

/** Totals of a plan: parameters (main network and auxiliary head apart, as DARTS reports), MACs, approximate MACs. */
export interface PlanTotals {
  readonly params: number;
  readonly paramsAuxiliary: number;
  readonly macs: number;
  readonly approxMacs: number;
  readonly macsAuxiliary: number;
}

/**
 * Sums a plan; `params` and `macs` exclude the auxiliary head (it is dropped at inference).
 * @example planTotals({ input: [3, 32, 32], classes: 10, layers: [] }).params === 0
 */
export const planTotals = (plan: NetworkPlan): PlanTotals => {
  const main = plan.layers.filter((l) => !l.auxiliary);
  const aux = plan.layers.filter((l) => l.auxiliary);
  return {
    params: sum(main, (l) => l.params),
    paramsAuxiliary: sum(aux, (l) => l.params),
    macs: sum(main, (l) => l.macs),
    approxMacs: sum(main, (l) => (l.approximate ? l.macs : 0)),
    macsAuxiliary: sum(aux, (l) => l.macs),
  };
};
