import type { Command } from 'commander';
import { resolve } from 'node:path';
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { reductionCellsOf } from '@approx-darts/search-space';
import { PresetName, trainSettings, withLrWarmup, type TrainPreset } from '@approx-darts/schedule';
import { isFp32 } from '@approx-darts/multipliers';
import { DivergedError, inRunDirectory, loadTrainCheckpoint, reconcileResume, runTraining, RUN_FILES, TrainRunConfig, type EpochMetrics, type FlagOfField } from '@approx-darts/run';
import { dataIdentity } from '@approx-darts/cifar10';
import { CliError } from '../cli-error';
import { DATA_OPTION, loadDataOption } from '../options/data-option';
import { createProgress, type Progress } from '../progress';
import { writeTrainReport } from '../report/train-report';
import { loadGenotypeOption } from '../options/genotype-option';
import { decodeFlags, DirectoryPath, NonNegativeIntFromString, PositiveIntFromString } from '../options/flags';
import { applyOptimizerFlags, OPTIMIZER_OPTIONS, OptimizerFlags, peakLr } from '../options/plan-flags';
import { activateEngine } from '../options/engine-option';
import { PROFILE_OPTION, profileOption } from '../options/profile-option';
import { loadBinding } from '../options/multiplier-option';
import { loadEdgeBindings } from '../options/multipliers-option';
import { inferenceEnergy } from '../inference-energy';
import { PADDING_OPTION, PaddingFlag } from '../options/padding-option';
import { loadDartsWeights } from '../interop/darts-weights';

/** The flags of `train` after commander, checked: numbers parsed, enums checked. */
const TrainFlags = t.intersection([
  t.type({
    genotype: t.string,
    multiplier: t.string,
    preset: PresetName,
    engine: t.string,
    seed: NonNegativeIntFromString,
    auxiliary: t.boolean,
    quantization: t.keyof({ asymmetric: null, symmetric: null }),
    padding: PaddingFlag,
    out: DirectoryPath,
  }),
  OptimizerFlags,
  t.partial({
    channels: PositiveIntFromString,
    cells: PositiveIntFromString,
    data: t.string,
    lutDir: t.string,
    epochs: PositiveIntFromString,
    batchSize: PositiveIntFromString,
    limit: PositiveIntFromString,
    testLimit: PositiveIntFromString,
    resume: t.boolean,
    profile: t.boolean,
    initFrom: t.string,
  }),
]);
type TrainFlags = t.TypeOf<typeof TrainFlags>;

/** The preset (libs/schedule) with the flags applied: the plan and the evaluation network's size. */
const settingsOf = (flags: TrainFlags): TrainPreset => {
  const { plan, macro } = pipe(
    trainSettings(flags.preset, {
      ...(flags.epochs !== undefined ? { epochs: flags.epochs } : {}),
      ...(flags.batchSize !== undefined ? { batchSize: flags.batchSize } : {}),
      ...(flags.cells !== undefined ? { cells: flags.cells } : {}),
      ...(flags.channels !== undefined ? { channels: flags.channels } : {}),
      auxiliary: flags.auxiliary,
    }),
    E.getOrElseW((problem) => {
      throw new CliError(`training plan: ${problem}`);
    }),
  );
  const optimizer = applyOptimizerFlags(plan.optimizer, flags, 'training');
  if (flags.warmupEpochs !== undefined && flags.warmupEpochs >= plan.epochs)
    throw new CliError(`--warmup-epochs ${flags.warmupEpochs}: must be fewer than the ${plan.epochs} epochs`);
  return { plan: { ...plan, optimizer: { ...optimizer, lr: withLrWarmup(optimizer.lr, flags.warmupEpochs ?? 0) } }, macro };
};

/** Which flag sets which field of the training config (for messages about a resume). */
const TRAIN_FLAGS: FlagOfField = [
  ['genotype', '--genotype'],
  ['macro', '--cells / --channels'],
  ['macro.cells', '--cells'],
  ['macro.channels', '--channels'],
  ['plan', '--preset'],
  ['plan.epochs', '--epochs'],
  ['plan.batchSize', '--batch-size'],
  ['plan.auxiliaryWeight', '--no-auxiliary'],
  ['plan.optimizer.weightDecay', '--weight-decay'],
  ['plan.optimizer.momentum', '--momentum'],
  ['multiplier', '--multiplier'],
  ['quantization', '--quantization'],
  ['padding', '--padding'],
  ['initFrom', '--init-from'],
  ['seed', '--seed'],
  ['auxiliary', '--no-auxiliary'],
  ['limit', '--limit'],
  ['testLimit', '--test-limit'],
];
/** What --resume may change: the learning rate and the clip, the remedies of a divergence. */
const TRAIN_RESUMABLE: FlagOfField = [
  ['plan.optimizer.lr', '--lr'],
  ['plan.optimizer.gradClip', '--grad-clip'],
];

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

/**
 * The config a --resume continues with: the checkpoint's, with an explicit --lr / --grad-clip applied and recorded
 * in its history; any other difference is refused, naming the field and its flag.
 */
const resumedConfig = async (runDir: string, requested: TrainRunConfig, flags: TrainFlags): Promise<TrainRunConfig> => {
  const existing = await loadTrainCheckpoint(runDir).catch((e: unknown) => {
    throw new CliError(`--out ${flags.out}: ${e instanceof Error ? e.message : String(e)}`);
  });
  if (existing === undefined) return requested;
  const explicit = TRAIN_RESUMABLE.filter(([, flag]) => (flag === '--lr' ? flags.lr : flags.gradClip) !== undefined).map(([p]) => p);
  const { config } = reconcileResume(
    runDir,
    TrainRunConfig.encode(existing.meta.config) as Record<string, unknown>,
    TrainRunConfig.encode(requested) as Record<string, unknown>,
    { run: 'training', mutable: TRAIN_RESUMABLE, explicit, flags: TRAIN_FLAGS },
    existing.meta.epoch,
  );
  return pipe(
    TrainRunConfig.decode(config),
    E.getOrElseW(() => {
      throw new CliError(`${runDir}: the resumed configuration is not valid`);
    }),
  );
};

const runTrain = async (opts: Record<string, unknown>): Promise<void> => {
  const flags = decodeFlags(TrainFlags, opts);
  const genotype = await loadGenotypeOption(flags.genotype);
  const { plan, macro } = settingsOf(flags);
  // The auxiliary head reads the 8x8 map after the second reduction cell; one cell has only one reduction.
  if (flags.auxiliary && reductionCellsOf(macro).length < 2)
    throw new CliError(`--cells ${macro.cells}: the auxiliary head needs two reduction cells, so at least 2 cells; pass more --cells or --no-auxiliary`);
  const multiplier = isFp32(flags.multiplier) ? 'fp32' : flags.multiplier;
  const binding = await loadBinding(multiplier, flags.lutDir, flags.quantization);
  const edgeBindings = await loadEdgeBindings(genotype, flags.lutDir, flags.quantization);
  const engine = await activateEngine(flags.engine);
  const data = await loadDataOption(flags.data);
  const init = flags.initFrom === undefined ? undefined : await loadDartsWeights(flags.initFrom, '--init-from', { genotype, macro, seed: flags.seed, padding: flags.padding });
  const requested: TrainRunConfig = {
    genotype,
    macro,
    plan,
    multiplier: binding?.table.name ?? 'fp32',
    quantization: flags.quantization,
    padding: flags.padding,
    ...(init !== undefined && flags.initFrom !== undefined ? { initFrom: { file: resolve(flags.initFrom), sha256: init.sha256 } } : {}),
    seed: flags.seed,
    auxiliary: flags.auxiliary,
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    ...(flags.testLimit !== undefined ? { testLimit: flags.testLimit } : {}),
    data: dataIdentity(data),
  };
  const runDir = resolve(flags.out);
  const { config, result } = await inRunDirectory({ dir: runDir, kind: 'train', flag: flags.out }, async () => {
    const config = flags.resume === true ? await resumedConfig(runDir, requested, flags) : requested;
    process.stderr.write(`training ${flags.genotype} on ${config.multiplier} (${engine.name} engine), lr ${peakLr(config.plan.optimizer.lr)}, into ${runDir}\n`);
    try {
      const profile = profileOption(flags.profile);
      const result = await runTraining({ runDir, config, data, binding, edgeBindings, resume: flags.resume === true, ...(init !== undefined ? { initialParams: init.params } : {}), hooks: progressHooks(), ...(profile.profiler !== undefined ? { profiler: profile.profiler } : {}) });
      await profile.finish(runDir);
      return { config, result };
    } catch (e) {
      if (e instanceof DivergedError) {
        const lr = peakLr(config.plan.optimizer.lr);
        throw new CliError(
          `training stopped: ${e.message}. The last good checkpoint is kept in ${resolve(runDir, RUN_FILES.checkpoint)}; ` +
            `to continue with a lower rate: rerun the same command with --resume --lr ${lr / 2} (now ${lr})`,
        );
      }
      throw new CliError(e instanceof Error ? e.message : String(e));
    }
  });
  const energy = await inferenceEnergy(genotype, config.macro, config.multiplier, flags.lutDir);
  const report = await writeTrainReport(runDir, { config, metrics: result.metrics, parameters: result.parameters, energy, engine: engine.name });
  const last = result.metrics[result.metrics.length - 1];
  process.stdout.write(
    `${last ? `test accuracy ${(100 * last.testAccuracy).toFixed(2)}% after ${result.metrics.length} epochs, ` : ''}` +
      `${result.parameters} parameters, ${energy.energyUj.toFixed(3)} uJ per inference on ${energy.multiplier}\nreport: ${report}\n`,
  );
};

export const register = (program: Command): void => {
  const cmd = program
    .command('train')
    .description('Train the network derived from a genotype (approximate sep/dil convs on the chosen multiplier)')
    .requiredOption('--genotype <file-or-name>', 'genotype file (JSON or DARTS Python text) or DARTS_V1 / DARTS_V2')
    .option(...DATA_OPTION)
    .option('--multiplier <name>', 'mul8u_XXX (or a .bin path) for every sep/dil conv (or the ops the genotype\'s op sets bind), or fp32', 'fp32')
    .option('--lut-dir <dir>', 'directory searched first for multiplier tables')
    .option('--channels <C>', 'initial channels (default: the preset; 32 paper, 36 darts)')
    .option('--cells <L>', 'cells (default: the preset, 20)')
    .option('--epochs <n>', 'epochs (default: the preset)')
    .option('--batch-size <n>', 'batch size (default: the preset)')
    .option('--limit <n>', 'train on a stratified subset of n images (and test on n unless --test-limit)')
    .option('--test-limit <n>', 'evaluate on a stratified subset of n test images')
    .option('--preset <name>', 'training plan and network: paper (C=32), darts (C=36, the original DARTS plan) or tiny (the paper network, 2 epochs)', 'paper')
    .option('--engine <name>', 'compute engine: auto, cpu, webgpu, tensorflow', 'cpu')
    .option('--quantization <mode>', 'asymmetric or symmetric activation quantization', 'asymmetric')
    .option(...PADDING_OPTION)
    .option('--init-from <file.npz>', "start from DARTS-trained weights (a state_dict as .npz, docs/INTEROP.md) instead of the seeded init; use the padding they were trained with (DARTS's: --padding symmetric)")
    .option('--seed <n>', 'seed of the initialization, data order, augmentation and drop path', '0')
    .option('--no-auxiliary', 'train without the auxiliary head')
    .requiredOption('--out <dir>', 'run directory (config.json, metrics.jsonl, checkpoint/, report.md)')
    .option('--resume', 'continue the run in --out from its last checkpoint (with the same flags; --lr and --grad-clip may change)')
    .option('--warmup-epochs <n>', 'ramp the learning rate linearly from 0 over the first n epochs')
    .option(...PROFILE_OPTION);
  for (const [flag, help] of OPTIMIZER_OPTIONS) cmd.option(flag, help);
  cmd.action(runTrain);
};
