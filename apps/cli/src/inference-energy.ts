import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import type { Genotype } from '@approx-darts/genotype';
import type { Macro } from '@approx-darts/search-space';
import { evalNetworkPlan } from '@approx-darts/network-plan';
import { networkEnergyByLayer } from '@approx-darts/energy';
import { edgeMultipliers, FP32_CHOICE } from '@approx-darts/genotype';
import { EXACT_MULTIPLIER } from '@approx-darts/multipliers';
import { CliError } from './cli-error';
import { multiplierPower } from './options/multiplier-option';

/** The arithmetic energy of one inference of the trained network with its sep/dil convs on `multiplier`. */
export interface InferenceEnergy {
  readonly multiplier: string;
  readonly powerMw: number | null;
  readonly energyUj: number;
  readonly fp32EnergyUj: number;
  readonly exact8EnergyUj: number;
  readonly savingVsFp32Pct: number;
  readonly savingVsExact8Pct: number;
}

/** Energy of the network of `genotype` and `macro` on a multiplier, from @approx-darts/energy. */
export const inferenceEnergy = async (genotype: Genotype, macro: Macro, multiplier: string, lutDir: string | undefined): Promise<InferenceEnergy> => {
  const { name, powerMw } = await multiplierPower(multiplier, lutDir);
  const plan = pipe(
    evalNetworkPlan(genotype, {
      channels: macro.channels,
      cells: macro.cells,
      classes: macro.classes,
      stemMultiplier: macro.stemMultiplier,
      auxiliary: false,
      // fp32 still marks the approximable layers (on the exact table) so the exact-8-bit baseline means the same thing.
      multiplier: powerMw === null ? EXACT_MULTIPLIER : name,
    }),
    E.getOrElseW((e) => {
      throw new CliError(`energy of the trained network: ${e.message}`);
    }),
  );
  // Edges that name their own multiplier (an energy-aware search) are charged at its power.
  const edgePowers = new Map(
    await Promise.all(
      edgeMultipliers(genotype)
        .filter((m) => m !== FP32_CHOICE)
        .map(async (m) => [m, (await multiplierPower(m, lutDir)).powerMw] as const),
    ),
  );
  const energy = networkEnergyByLayer(plan, (m) => (m !== null && edgePowers.has(m) ? (edgePowers.get(m) ?? null) : powerMw));
  return {
    multiplier: name,
    powerMw,
    energyUj: energy.energyPj / 1e6,
    fp32EnergyUj: energy.fp32EnergyPj / 1e6,
    exact8EnergyUj: energy.exact8EnergyPj / 1e6,
    savingVsFp32Pct: energy.savingVsFp32Pct,
    savingVsExact8Pct: energy.savingVsExact8Pct,
  };
};
