import type { Command } from 'commander';
import { resolve } from 'node:path';
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { pipe } from 'fp-ts/function';
import { PAPER_EVAL_MACRO } from '@approx-darts/search-space';
import { overrideTrainPlan, trainPlanPreset, type TrainPlan } from '@approx-darts/schedule';
import { isFp32 } from '@approx-darts/multipliers';
import { NonFiniteLossError, runTraining, RUN_FILES, type EpochMetrics, type TrainRunConfig } from '@approx-darts/backend';
import { CliError } from '../cli-error';
import { DATA_OPTION, loadDataOption } from '../options/data-option';
import { createProgress, type Progress } from '../progress';
import { writeTrainReport } from '../report/train-report';
import { loadGenotypeOption } from '../options/genotype-option';
import { decodeFlags, NonNegativeIntFromString, PositiveIntFromString } from '../options/flags';
import { activateEngine } from '../options/engine-option';
import { PROFILE_OPTION, profileOption } from '../options/profile-option';
import { loadBinding } from '../options/multiplier-option';
import { inferenceEnergy } from '../inference-energy';

/** The flags of `train` after commander, checked: numbers parsed, enums checked. */
const TrainFlags = t.intersection([
  t.type({
    genotype: t.string,
    multiplier: t.string,
    channels: PositiveIntFromString,
    cells: PositiveIntFromString,
    preset: t.keyof({ paper: null, darts: null, tiny: null }),
    engine: t.string,
    seed: NonNegativeIntFromString,
    auxiliary: t.boolean,
    quantization: t.keyof({ asymmetric: null, symmetric: null }),
    out: t.string,
  }),
  t.partial({
    data: t.string,
    lutDir: t.string,
    epochs: PositiveIntFromString,
    batchSize: PositiveIntFromString,
    limit: PositiveIntFromString,
    testLimit: PositiveIntFromString,
    resume: t.boolean,
    profile: t.boolean,
  }),
]);
type TrainFlags = t.TypeOf<typeof TrainFlags>;

const planOf = (flags: TrainFlags): TrainPlan => {
  const base = pipe(
    trainPlanPreset(flags.preset),
    O.getOrElseW(() => {
      throw new CliError(`--preset: unknown preset '${flags.preset}'`);
    }),
  );
  return pipe(
    overrideTrainPlan(base, {
      ...(flags.epochs !== undefined ? { epochs: flags.epochs } : {}),
      ...(flags.batchSize !== undefined ? { batchSize: flags.batchSize } : {}),
      ...(flags.auxiliary ? {} : { auxiliaryWeight: 0 }),
    }),
    E.getOrElseW((problem) => {
      throw new CliError(`training plan: ${problem}`);
    }),
  );
};

/** Draws one bar per phase of an epoch (train, then test) from the training hooks. */
const progressHooks = () => {
  let bar: Progress | undefined;
  let epoch = { epoch: 0, epochs: 0 };
  return {
    onEpochStart: (i: { readonly epoch: number; readonly epochs: number }) => {
      epoch = i;
    },
    onPhaseStart: (phase: 'train' | 'test', images: number) => {
      bar?.stop();
      bar = createProgress({ total: images, label: `epoch ${epoch.epoch + 1}/${epoch.epochs} ${phase}` });
    },
    onBatch: (_phase: 'train' | 'test', progress: { readonly loss: number; readonly accuracy: number }, images: number) =>
      bar?.tick(images, { loss: progress.loss, acc: progress.accuracy }),
    onEpochEnd: (m: EpochMetrics) => {
      bar?.stop();
      bar = undefined;
      process.stderr.write(
        `epoch ${m.epoch + 1}/${m.epochs}: train loss ${m.trainLoss.toFixed(4)} acc ${(100 * m.trainAccuracy).toFixed(2)}%, ` +
          `test loss ${m.testLoss.toFixed(4)} acc ${(100 * m.testAccuracy).toFixed(2)}%, lr ${m.lr.toPrecision(4)}, ${m.seconds.toFixed(1)} s\n`,
      );
    },
  };
};

const runTrain = async (opts: Record<string, unknown>): Promise<void> => {
  const flags = decodeFlags(TrainFlags, opts);
  const genotype = await loadGenotypeOption(flags.genotype);
  const plan = planOf(flags);
  const multiplier = isFp32(flags.multiplier) ? 'fp32' : flags.multiplier;
  const binding = await loadBinding(multiplier, flags.lutDir, flags.quantization);
  const engine = await activateEngine(flags.engine);
  const data = await loadDataOption(flags.data);
  const config: TrainRunConfig = {
    genotype,
    macro: { ...PAPER_EVAL_MACRO, cells: flags.cells, channels: flags.channels },
    plan,
    multiplier: binding?.table.name ?? 'fp32',
    quantization: flags.quantization,
    seed: flags.seed,
    auxiliary: flags.auxiliary,
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    ...(flags.testLimit !== undefined ? { testLimit: flags.testLimit } : {}),
  };
  const runDir = resolve(flags.out);
  process.stderr.write(`training ${flags.genotype} on ${config.multiplier} (${engine.name} engine) into ${runDir}\n`);
  const profile = profileOption(flags.profile);
  let result;
  try {
    result = await runTraining({ runDir, config, data, binding, resume: flags.resume === true, hooks: progressHooks(), ...(profile.profiler !== undefined ? { profiler: profile.profiler } : {}) });
  } catch (e) {
    if (e instanceof NonFiniteLossError) {
      throw new CliError(`training stopped: ${e.message}. The last good checkpoint is kept in ${resolve(runDir, RUN_FILES.checkpoint)} (rerun with --resume after lowering the learning rate)`);
    }
    throw new CliError(e instanceof Error ? e.message : String(e));
  }
  await profile.finish(runDir);
  const energy = await inferenceEnergy(genotype, config.macro, config.multiplier, flags.lutDir);
  const report = await writeTrainReport(runDir, { config, metrics: result.metrics, parameters: result.parameters, energy, engine: engine.name });
  const last = result.metrics[result.metrics.length - 1];
  process.stdout.write(
    `${last ? `test accuracy ${(100 * last.testAccuracy).toFixed(2)}% after ${result.metrics.length} epochs, ` : ''}` +
      `${result.parameters} parameters, ${energy.energyUj.toFixed(3)} uJ per inference on ${energy.multiplier}\nreport: ${report}\n`,
  );
};

export const register = (program: Command): void => {
  program
    .command('train')
    .description('Train the network derived from a genotype (approximate sep/dil convs on the chosen multiplier)')
    .requiredOption('--genotype <file-or-name>', 'genotype file (JSON or DARTS Python text) or DARTS_V1 / DARTS_V2')
    .option(...DATA_OPTION)
    .option('--multiplier <name>', 'mul8u_XXX (or a .bin path) for every sep/dil conv (or the ops the genotype\'s op sets bind), or fp32', 'fp32')
    .option('--lut-dir <dir>', 'directory searched first for multiplier tables')
    .option('--channels <C>', 'initial channels', '32')
    .option('--cells <L>', 'cells', '20')
    .option('--epochs <n>', 'epochs (default: the preset)')
    .option('--batch-size <n>', 'batch size (default: the preset)')
    .option('--limit <n>', 'train on a stratified subset of n images (and test on n unless --test-limit)')
    .option('--test-limit <n>', 'evaluate on a stratified subset of n test images')
    .option('--preset <name>', 'training plan: paper, darts or tiny', 'paper')
    .option('--engine <name>', 'compute engine: auto, cpu, webgpu, tensorflow', 'cpu')
    .option('--quantization <mode>', 'asymmetric or symmetric activation quantization', 'asymmetric')
    .option('--seed <n>', 'seed of the initialization, data order, augmentation and drop path', '0')
    .option('--no-auxiliary', 'train without the auxiliary head')
    .requiredOption('--out <dir>', 'run directory (config.json, metrics.jsonl, checkpoint/, report.md)')
    .option('--resume', 'continue the run in --out from its last checkpoint')
    .option(...PROFILE_OPTION)
    .action(runTrain);
};
