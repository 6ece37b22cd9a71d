import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import type { Genotype } from '@approx-darts/genotype';
import type { Macro } from '@approx-darts/search-space';
import { evalNetworkPlan } from '@approx-darts/network-plan';
import { networkEnergy } from '@approx-darts/energy';
import { EXACT_MULTIPLIER, isFp32 } from '@approx-darts/multipliers';
import { loadMultiplierTable, MultiplierFileError } from '@approx-darts/io';
import { EngineName, EngineUnavailableError, selectEngine, type ApproxBinding, type EngineInfo } from '@approx-darts/backend';
import { CliError } from '../cli-error';
import { multiplierPower } from './energy';

// Flag parsing and resources shared by `train` and `eval`.

const intFromString = (name: string, min: number) =>
  new t.Type<number, string, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min,
    (u, c) => (typeof u === 'string' && /^\d+$/.test(u) && Number(u) >= min ? t.success(Number(u)) : t.failure(u, c, `expected an integer >= ${min}`)),
    String,
  );
/** A flag holding a positive integer. */
export const PositiveIntFromString = intFromString('PositiveIntFromString', 1);
/** A flag holding an integer >= 0 (seeds). */
export const NonNegativeIntFromString = intFromString('NonNegativeIntFromString', 0);

/** Decodes commander's option object with a codec; every failing flag is named with the value it got. */
export const decodeFlags = <A>(codec: t.Decoder<unknown, A>, opts: Record<string, unknown>): A =>
  pipe(
    codec.decode(opts),
    E.getOrElseW((errs) => {
      const bad = errs.map((e) => {
        const key = e.context.find((c) => c.key !== '' && Number.isNaN(Number(c.key)))?.key ?? '?';
        const flag = key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
        return `--${flag}: '${String(e.value)}' is not valid${e.message ? ` (${e.message})` : ''}`;
      });
      throw new CliError([...new Set(bad)].join('; '));
    }),
  );

/** `--engine`, activated; an unavailable engine is a CliError with the probe's reason (exit 2). */
export const activateEngine = async (name: string): Promise<EngineInfo> => {
  const engine = pipe(
    EngineName.decode(name),
    E.getOrElseW(() => {
      throw new CliError(`--engine: '${name}' is not one of auto, cpu, webgpu, tensorflow`);
    }),
  );
  try {
    return await selectEngine(engine);
  } catch (e) {
    if (e instanceof EngineUnavailableError) throw new CliError(e.message, 2);
    throw e;
  }
};

/** The approximate binding of `--multiplier` (null for fp32); a bad table is a CliError naming the file. */
export const loadBinding = async (multiplier: string, lutDir: string | undefined, quantization: ApproxBinding['quantization']): Promise<ApproxBinding | null> => {
  if (isFp32(multiplier)) return null;
  try {
    const table = await loadMultiplierTable(multiplier, { lutDir });
    return { table, quantization, perChannelWeights: false };
  } catch (e) {
    if (e instanceof MultiplierFileError) throw new CliError(`--multiplier ${multiplier}: ${e.message}`);
    throw e;
  }
};

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
  const energy = networkEnergy(plan, powerMw);
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
