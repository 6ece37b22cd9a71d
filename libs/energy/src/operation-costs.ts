import * as t from 'io-ts';

/**
 * Energy per arithmetic operation in picojoules. Defaults: Horowitz, "Computing's energy problem", ISSCC 2014,
 * 45 nm, as cited by the paper (libs/energy/ENERGY.md).
 */
export const OperationCosts = t.readonly(
  t.type({ fp32Mult: t.number, fp32Add: t.number, int32Mult: t.number, int32Add: t.number, int8Mult: t.number, int8Add: t.number }),
);
export type OperationCosts = t.TypeOf<typeof OperationCosts>;

/** Horowitz 45 nm energies (pJ). */
export const HOROWITZ_45NM: OperationCosts = { fp32Mult: 3.7, fp32Add: 0.9, int32Mult: 3.1, int32Add: 0.1, int8Mult: 0.2, int8Add: 0.03 };

/**
 * How the arithmetic is charged: per-operation costs, the exact 8-bit multiplier's power (the reference the
 * chosen multiplier's power is scaled against), and the width of the accumulation in quantized layers.
 */
export const EnergyModel = t.readonly(
  t.type({ costs: OperationCosts, exactPowerMw: t.number, accumulator: t.keyof({ int32: null, int8: null, fp32: null }) }),
);
export type EnergyModel = t.TypeOf<typeof EnergyModel>;

/** The default model: Horowitz costs, mul8u_1JFF at 0.391 mW as the exact reference, 32-bit integer accumulation (libs/energy/ENERGY.md). */
export const DEFAULT_ENERGY_MODEL: EnergyModel = { costs: HOROWITZ_45NM, exactPowerMw: 0.391, accumulator: 'int32' };

/**
 * Energy of one 8-bit multiplication on a multiplier of the given power: the exact 8-bit cost scaled by power.
 * @example int8MultEnergy(DEFAULT_ENERGY_MODEL, 0.391) === 0.2
 */
export const int8MultEnergy = (model: EnergyModel, powerMw: number): number => (model.costs.int8Mult * powerMw) / model.exactPowerMw;

/**
 * Energy of one addition of a quantized layer's accumulation.
 * @example accumulatorAddEnergy(DEFAULT_ENERGY_MODEL) === 0.1
 */
export const accumulatorAddEnergy = (model: EnergyModel): number =>
  model.accumulator === 'int32' ? model.costs.int32Add : model.accumulator === 'int8' ? model.costs.int8Add : model.costs.fp32Add;
