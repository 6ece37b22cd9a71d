import type { Layer, NetworkPlan } from '@approx-darts/network-plan';
import { accumulatorAddEnergy, DEFAULT_ENERGY_MODEL, int8MultEnergy, type EnergyModel } from './operation-costs';
import { layerOperations } from './operation-counts';

/** The arithmetic of one layer: its counts, where they run, and the energy in picojoules. */
export interface LayerEnergy {
  readonly path: string;
  readonly kind: Layer['kind'];
  readonly approximate: boolean;
  readonly mults: number;
  readonly adds: number;
  readonly energyPj: number;
}

/** A network's arithmetic energy for one inference, with the two baselines the paper compares against. */
export interface NetworkEnergy {
  readonly layers: readonly LayerEnergy[];
  readonly mults: number;
  readonly adds: number;
  readonly approxMults: number;
  readonly approxAdds: number;
  readonly energyPj: number;
  /** Everything in float32. */
  readonly fp32EnergyPj: number;
  /** The same layers quantized, on the exact 8-bit multiplier. */
  readonly exact8EnergyPj: number;
  readonly savingVsFp32Pct: number;
  readonly savingVsExact8Pct: number;
}

/** Energy (pJ) of a layer run with its multiplications on a multiplier of `powerMw`, or in float32 when null (or when the layer is exact). */
export const layerEnergy = (layer: Layer, powerMw: number | null, model: EnergyModel): number => {
  const { mults, adds } = layerOperations(layer);
  const { costs } = model;
  return layer.approximate && powerMw !== null
    ? mults * int8MultEnergy(model, powerMw) + adds * accumulatorAddEnergy(model)
    : mults * costs.fp32Mult + adds * costs.fp32Add;
};

const saving = (energy: number, baseline: number): number => (baseline === 0 ? 0 : 100 * (1 - energy / baseline));

/**
 * Arithmetic energy of one inference of a planned network. Layers marked approximate run quantized: 8-bit
 * multiplications at the int8 cost scaled by the multiplier's power relative to the exact one, additions at the
 * accumulator's width; every other layer runs in float32. `powerMw` null means the whole network is float32.
 * The auxiliary head is left out (it is dropped at inference).
 * @example networkEnergy({ input: [3, 32, 32], classes: 10, layers: [] }, 0.276).energyPj === 0
 */
export const networkEnergy = (plan: NetworkPlan, powerMw: number | null, model: EnergyModel = DEFAULT_ENERGY_MODEL): NetworkEnergy =>
  networkEnergyByLayer(plan, () => powerMw, model);

/**
 * `networkEnergy` with each approximate layer on its own multiplier: `powerOf(layer.multiplier)` gives its power
 * (null: that layer runs in float32). A genotype whose edges carry multipliers (an energy-aware search) plans each
 * layer on its edge's table, so its energy is the sum of its layers' on their own tables.
 * @example networkEnergyByLayer({ input: [3, 32, 32], classes: 10, layers: [] }, (m) => (m === 'mul8u_NGR' ? 0.276 : 0.391)).energyPj === 0
 */
export const networkEnergyByLayer = (plan: NetworkPlan, powerOf: (multiplier: string | null) => number | null, model: EnergyModel = DEFAULT_ENERGY_MODEL): NetworkEnergy => {
  const layers = plan.layers.filter((l) => !l.auxiliary);
  const per = layers.map((l): LayerEnergy => {
    const { mults, adds } = layerOperations(l);
    const powerMw = l.approximate ? powerOf(l.multiplier) : null;
    return { path: l.path, kind: l.kind, approximate: l.approximate && powerMw !== null, mults, adds, energyPj: layerEnergy(l, powerMw, model) };
  });
  const total = (f: (l: LayerEnergy) => number): number => per.reduce((s, l) => s + f(l), 0);
  const energyPj = total((l) => l.energyPj);
  const fp32EnergyPj = layers.reduce((s, l) => s + layerEnergy(l, null, model), 0);
  const exact8EnergyPj = layers.reduce((s, l) => s + layerEnergy(l, model.exactPowerMw, model), 0);
  return {
    layers: per,
    mults: total((l) => l.mults),
    adds: total((l) => l.adds),
    approxMults: total((l) => (l.approximate ? l.mults : 0)),
    approxAdds: total((l) => (l.approximate ? l.adds : 0)),
    energyPj,
    fp32EnergyPj,
    exact8EnergyPj,
    savingVsFp32Pct: saving(energyPj, fp32EnergyPj),
    savingVsExact8Pct: saving(energyPj, exact8EnergyPj),
  };
};
