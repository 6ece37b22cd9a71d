import type { Command } from 'commander';
import { PADDING_OPTION, PaddingFlag } from '../options/padding-option';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { dataIdentity, stratifiedLimit } from '@approx-darts/cifar10';
import { formatGenotype, genotypeToDot } from '@approx-darts/genotype';
import { PresetName, SEARCH_PRESETS, searchSettings, type SearchPreset } from '@approx-darts/schedule';
import { approxDartsSpace, DARTS_SPACE, multiplierOf, SearchSpace } from '@approx-darts/search-space';
import { isFp32 } from '@approx-darts/multipliers';
import { readCheckpointMeta, writeJsonAtomic } from '@approx-darts/run-store';
import { describeDifferences, DivergedError, hasCheckpoint, inRunDirectory, reconcileResume, ResumeError, RUN_CONFIG_FILE, runSearch, SEARCH_FILES, SetupError, StoredSearchRunConfig, type EpochRecord, type FlagOfField, type PassProgress, type StepEvent } from '@approx-darts/run';
import { CliError } from '../cli-error';
import { DATA_OPTION, loadDataOption } from '../options/data-option';
import { createProgress, type Progress } from '../progress';
import { imagesLeft, runEstimateField } from '../run-estimate';
import { decodeFlags, DirectoryPath, NonNegativeIntFromString, NonNegativeNumberFromString, PositiveIntFromString, PositiveNumberFromString } from '../options/flags';
import { applyOptimizerFlags, OPTIMIZER_OPTIONS, OptimizerFlags, peakLr, withPeakLr } from '../options/plan-flags';
import { activateEngine } from '../options/engine-option';
import { PROFILE_OPTION, profileOption } from '../options/profile-option';
import { loadBinding } from '../options/multiplier-option';
import { loadSpaceBindings, loadSpaceFile, type SpaceBindings } from '../options/space-option';
import { loadMultiplierSearch, parseMultiplierList } from '../options/multipliers-option';
import type { MultiplierSearch } from '@approx-darts/run';

/** The flags of `search` after commander, checked. */
const SearchFlags = t.intersection([
  t.type({
    engine: t.string,
    seed: NonNegativeIntFromString,
    padding: PaddingFlag,
    out: DirectoryPath,
  }),
  OptimizerFlags,
  t.partial({
    preset: PresetName,
    logEvery: PositiveIntFromString,
    order: t.keyof({ first: null, second: null }),
    archLr: PositiveNumberFromString,
    multiplier: t.string,
    multipliers: t.string,
    energyWeight: NonNegativeNumberFromString,
    space: t.string,
    data: t.string,
    lutDir: t.string,
    epochs: PositiveIntFromString,
    cells: PositiveIntFromString,
    channels: PositiveIntFromString,
    batchSize: PositiveIntFromString,
    limit: PositiveIntFromString,
    resume: t.boolean,
    profile: t.boolean,
  }),
]);
type SearchFlags = t.TypeOf<typeof SearchFlags>;

/** Which flag sets which field of the search run config (for messages about a resume). */
const SEARCH_FLAGS: FlagOfField = [
  ['multiplier', '--multiplier'],
  ['energy.multipliers', '--multipliers'],
  ['energy.weight', '--energy-weight'],
  ['energy', '--multipliers / --energy-weight'],
  ['space', '--space / --multiplier'],
  ['space.macro.cells', '--cells'],
  ['space.macro.channels', '--channels'],
  ['plan', '--preset'],
  ['plan.epochs', '--epochs'],
  ['plan.warmupEpochs', '--warmup-epochs / --epochs'],
  ['plan.batchSize', '--batch-size'],
  ['plan.order', '--order'],
  ['plan.weights.weightDecay', '--weight-decay'],
  ['plan.weights.momentum', '--momentum'],
  ['seed', '--seed'],
  ['padding', '--padding'],
  ['limit', '--limit'],
  ['engine', '--engine'],
];
/** What --resume may change: the learning rates and the clip, the remedies of a divergence. */
const SEARCH_RESUMABLE: FlagOfField = [
  ['plan.weights.lr', '--lr'],
  ['plan.architecture.lr', '--arch-lr'],
  ['plan.weights.gradClip', '--grad-clip'],
];


/** What a search preset runs, in the words of its --preset help (derived from the preset, so the two cannot drift apart). */
export const describeSearchPreset = (name: PresetName): string => {
  const { plan, macro, limit } = SEARCH_PRESETS[name];
  return `${macro.cells} cells, C=${macro.channels}, ${limit === null ? 'all' : limit} images, ${plan.epochs} epochs (${plan.warmupEpochs} warm-up), batch ${plan.batchSize}`;
};

/**
 * The preset a search runs: the named one; without --preset, tiny on the cpu engine (and auto, which may pick it),
 * where the paper's search takes weeks, and paper on the GPU engines. The choice is printed, never silent.
 */
const presetOf = (flags: SearchFlags): PresetName => {
  if (flags.preset !== undefined) return flags.preset;
  const preset: PresetName = flags.engine === 'webgpu' || flags.engine === 'tensorflow' ? 'paper' : 'tiny';
  process.stderr.write(
    preset === 'tiny'
      ? `no --preset: on the ${flags.engine} engine this runs the tiny preset (${describeSearchPreset('tiny')}); --preset paper runs the paper's search (${describeSearchPreset('paper')}), which takes weeks on a CPU\n`
      : `no --preset: on the ${flags.engine} engine this runs the paper preset (${describeSearchPreset('paper')})\n`,
  );
  return preset;
};

/** The preset (libs/schedule) with the flags applied: plan, search network size and image limit. */
const settingsOf = (flags: SearchFlags): SearchPreset => {
  const { plan, macro, limit } = pipe(
    searchSettings(presetOf(flags), {
      ...(flags.epochs !== undefined ? { epochs: flags.epochs } : {}),
      ...(flags.warmupEpochs !== undefined ? { warmupEpochs: flags.warmupEpochs } : {}),
      ...(flags.batchSize !== undefined ? { batchSize: flags.batchSize } : {}),
      ...(flags.order !== undefined ? { order: flags.order } : {}),
      ...(flags.cells !== undefined ? { cells: flags.cells } : {}),
      ...(flags.channels !== undefined ? { channels: flags.channels } : {}),
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    }),
    E.getOrElseW((problem) => {
      throw new CliError(`search plan: ${problem}`);
    }),
  );
  const weights = applyOptimizerFlags(plan.weights, flags, 'weights');
  const architecture = flags.archLr === undefined ? plan.architecture : { ...plan.architecture, lr: withPeakLr(plan.architecture.lr, flags.archLr) };
  return { plan: { ...plan, weights, architecture }, macro, limit };
};

/**
 * The searched space and how its ops multiply. Without --space: the DARTS space at the preset's size, ApproxDARTS
 * on --multiplier (required). With --space FILE: the file's space and macro (--cells/--channels override it; the
 * preset's size does not), its ops on their own tables, or --multiplier's by `loadSpaceBindings`'s rule.
 */
const spaceOf = async (flags: SearchFlags, settings: SearchPreset): Promise<{ readonly space: SearchSpace; readonly multipliers?: MultiplierSearch } & SpaceBindings> => {
  if (flags.multipliers !== undefined) {
    if (flags.multiplier !== undefined) throw new CliError('--multipliers: give either --multiplier (one table for every op) or --multipliers (a set to choose from), not both');
    if (flags.space !== undefined) throw new CliError('--multipliers: not supported with --space yet (it searches the DARTS space)');
    const names = parseMultiplierList(flags.multipliers);
    const space = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, ...settings.macro } };
    const multipliers = await loadMultiplierSearch(names, space, flags.energyWeight ?? 0, flags.lutDir);
    return { space, multipliers, label: multipliers.names.join(','), bindingOf: () => null };
  }
  if (flags.energyWeight !== undefined) throw new CliError('--energy-weight: needs --multipliers (the set whose energy it weighs)');
  if (flags.space !== undefined) {
    const space = await loadSpaceFile(flags.space, '--space', { cells: flags.cells, channels: flags.channels });
    return { space, ...(await loadSpaceBindings(space, flags.multiplier, flags.lutDir, flags.space)) };
  }
  if (flags.multiplier === undefined) throw new CliError('--multiplier: required without --space (mul8u_XXX, a .bin path, or fp32)');
  const binding = await loadBinding(isFp32(flags.multiplier) ? 'fp32' : flags.multiplier, flags.lutDir, 'asymmetric');
  const base = binding === null ? DARTS_SPACE : approxDartsSpace(binding.table.name);
  const space = { ...base, macro: { ...base.macro, ...settings.macro } };
  return { space, label: binding?.table.name ?? 'fp32', bindingOf: (op) => (binding !== null && multiplierOf(op) !== undefined ? binding : null) };
};

/** The committed epochs of a search checkpoint, from its index alone (0 when there is none). */
const checkpointEpoch = async (dir: string): Promise<number> => {
  const meta = await readCheckpointMeta(join(dir, SEARCH_FILES.checkpoint)).catch((e: unknown) => {
    throw new CliError(`${e instanceof Error ? e.message : String(e)}; the checkpoint cannot be resumed (restore it, or start again in another --out)`);
  });
  const epoch = (meta as { epoch?: unknown } | undefined)?.epoch;
  return typeof epoch === 'number' ? epoch : 0;
};

/**
 * The config this start runs with, written to `run-config.json`. A directory without a checkpoint starts fresh
 * (a leftover config of a failed or killed first epoch is replaced). One with a checkpoint is continued only with
 * --resume and the same config, except the learning rates and clip given explicitly, recorded in its history;
 * any other difference is refused, naming the field.
 */
const claimRunConfig = async (dir: string, requested: StoredSearchRunConfig, flags: SearchFlags): Promise<StoredSearchRunConfig> => {
  const path = join(dir, RUN_CONFIG_FILE);
  const existing = await readFile(path, 'utf8').then(
    (s) => s,
    () => undefined,
  );
  const decoded =
    existing === undefined
      ? undefined
      : pipe(
          E.tryCatch(() => JSON.parse(existing) as unknown, () => 'not JSON'),
          E.chain((j) => pipe(StoredSearchRunConfig.decode(j), E.mapLeft(() => 'not a search run config'))),
        );
  if (decoded !== undefined && E.isLeft(decoded)) throw new CliError(`${path}: ${decoded.left}; choose another --out`);
  if (decoded === undefined || !(await hasCheckpoint(dir))) {
    await writeJsonAtomic(path, StoredSearchRunConfig.encode(requested));
    return requested;
  }
  const recorded = StoredSearchRunConfig.encode(decoded.right) as Record<string, unknown>;
  const wanted = StoredSearchRunConfig.encode(requested) as Record<string, unknown>;
  if (flags.resume !== true) {
    const differences = describeDifferences(recorded, wanted, SEARCH_FLAGS);
    throw new CliError(
      differences.length > 0
        ? `${dir} holds a search run with a different configuration (${path}): ${differences.join('; ')}; choose another --out`
        : `${dir} already holds this search run; pass --resume to continue it, or choose another --out`,
    );
  }
  const explicit = SEARCH_RESUMABLE.filter(([, flag]) => (flag === '--lr' ? flags.lr : flag === '--arch-lr' ? flags.archLr : flags.gradClip) !== undefined).map(([p]) => p);
  const epoch = await checkpointEpoch(dir);
  const { config, change } = reconcileResume(`${dir} (${path})`, recorded, wanted, { run: 'search', mutable: SEARCH_RESUMABLE, explicit, flags: SEARCH_FLAGS }, epoch);
  const result = pipe(
    StoredSearchRunConfig.decode(config),
    E.getOrElseW(() => {
      throw new CliError(`${path}: the resumed configuration is not valid`);
    }),
  );
  if (change !== undefined) await writeJsonAtomic(path, StoredSearchRunConfig.encode(result));
  return result;
};

/** One progress bar per epoch, and a line per finished epoch; every progress line carries the whole run's estimate. */
const progressHooks = (warmupEpochs: number, logEvery: number) => {
  let bar: Progress | undefined;
  let validation: Progress | undefined;
  // the run as this process runs it (a resumed run counts from its first epoch here)
  let run: { readonly start: number; readonly imagesTotal: number; imagesDone: number } | undefined;
  return {
    onEpochStart: (e: { readonly epoch: number; readonly epochs: number; readonly images: number; readonly warmup: boolean }) => {
      // a warm-up epoch trains the weight half only, a search epoch both halves (twice the images)
      const searchImages = e.warmup ? 2 * e.images : e.images;
      run ??= { start: Date.now(), imagesTotal: imagesLeft({ epoch: e.epoch, epochs: e.epochs, warmupEpochs, searchImages }), imagesDone: 0 };
      bar = createProgress({ total: e.images, label: `epoch ${e.epoch + 1}/${e.epochs}${e.warmup ? ' (warm-up)' : ''}`, plainEveryTicks: logEvery });
    },
    onStep: (e: StepEvent) => {
      if (run !== undefined) run.imagesDone += e.images;
      const estimate = run === undefined ? {} : runEstimateField({ elapsedSeconds: (Date.now() - run.start) / 1000, imagesDone: run.imagesDone, imagesTotal: run.imagesTotal });
      const acc = e.scalars['train/accuracy'];
      bar?.tick(e.images, { step: e.globalStep, loss: e.train.loss, ...(acc !== undefined && Number.isFinite(acc) ? { acc } : {}), ...estimate });
    },
    onValidStart: (e: { readonly epoch: number; readonly images: number }) => {
      bar?.stop();
      bar = undefined;
      validation = createProgress({ total: e.images, label: `validation ${e.epoch + 1}`, plainEveryTicks: logEvery });
    },
    onValidBatch: (p: PassProgress, images: number) => validation?.tick(images, { loss: p.loss, acc: p.accuracy }),
    onEpoch: (r: EpochRecord) => {
      validation?.stop();
      validation = undefined;
      process.stderr.write(
        `epoch ${r.epoch + 1}: train loss ${r.train.loss.toFixed(4)} acc ${(100 * r.train.accuracy).toFixed(1)}%, ` +
          `valid loss ${r.valid.loss.toFixed(4)} acc ${(100 * r.valid.accuracy).toFixed(1)}%, ${r.seconds.toFixed(1)} s, ${r.imagesPerSecond.toFixed(1)} img/s\n`,
      );
    },
  };
};

/** cells.dot always; cells.svg when Graphviz's `dot` is installed. */
const writeCellPlots = async (dir: string, dot: string): Promise<readonly string[]> => {
  const dotPath = join(dir, 'cells.dot');
  await writeFile(dotPath, dot);
  const rendered = spawnSync('dot', ['-Tsvg', dotPath, '-o', join(dir, 'cells.svg')], { stdio: 'ignore' });
  return rendered.status === 0 ? [dotPath, join(dir, 'cells.svg')] : [dotPath];
};

const runSearchCommand = async (opts: Record<string, unknown>): Promise<void> => {
  const flags = decodeFlags(SearchFlags, opts);
  const settings = settingsOf(flags);
  const requestedPlan = settings.plan;
  const { space, label, bindingOf, multipliers } = await spaceOf(flags, settings);
  const data = await loadDataOption(flags.data);
  const engine = await activateEngine(flags.engine);
  const { limit } = settings;
  if (limit !== null && limit > data.train.count) throw new CliError(`--limit ${limit}: the data set has only ${data.train.count} training images`);
  const requested: StoredSearchRunConfig = {
    kind: 'approx-darts-search',
    multiplier: label,
    space,
    plan: requestedPlan,
    seed: flags.seed,
    padding: flags.padding,
    limit,
    engine: engine.name,
    data: dataIdentity(data),
    ...(multipliers !== undefined ? { energy: { multipliers: multipliers.names, weight: multipliers.energyWeight } } : {}),
  };
  const runDir = resolve(flags.out);
  await inRunDirectory({ dir: runDir, kind: 'search', flag: flags.out }, async () => {
    const config = await claimRunConfig(runDir, requested, flags);
    const { plan } = config;
    process.stderr.write(
      `searching ${space.macro.cells} cells (${space.topology.nodes} nodes, ${space.normal.length} normal / ${space.reduce.length} reduce ops), ` +
        `C=${space.macro.channels} on ${config.multiplier} (${engine.name} engine), ` +
        `${limit ?? data.train.count} images, ${plan.epochs} epochs (${plan.warmupEpochs} warm-up), batch ${plan.batchSize}, ${plan.order} order, ` +
        `lr ${peakLr(plan.weights.lr)} / arch-lr ${peakLr(plan.architecture.lr)}, into ${runDir}\n`,
    );
    const profile = profileOption(flags.profile);
    let result;
    try {
      result = await runSearch({
        ...(profile.profiler !== undefined ? { profiler: profile.profiler } : {}),
        space,
        plan,
        seed: flags.seed,
        padding: config.padding ?? 'same',
        records: data.train,
        ...(limit !== null ? { indices: stratifiedLimit(data.train.labels, limit, flags.seed) } : {}),
        bindingOf,
        ...(multipliers !== undefined ? { multipliers } : {}),
        outDir: runDir,
        // claimRunConfig decided: continue the checkpoint if there is one, else start fresh (dropping the metrics of
        // a first epoch that never committed).
        resume: true,
        ...progressHooks(plan.warmupEpochs, flags.logEvery ?? 10),
      });
    } catch (e) {
      if (e instanceof DivergedError) {
        const [lr, archLr] = [peakLr(plan.weights.lr), peakLr(plan.architecture.lr)];
        throw new CliError(`${e.message}; to continue with lower rates: rerun the same command with --resume --lr ${lr / 2} (now ${lr}) or --arch-lr ${archLr / 2} (now ${archLr})`);
      }
      if (e instanceof SetupError) throw new CliError(limit !== null ? `--limit ${limit}: ${e.message}` : e.message);
      if (e instanceof ResumeError) throw new CliError(e.message);
      throw e;
    }
    await profile.finish(runDir);
    const plots = await writeCellPlots(runDir, genotypeToDot(result.genotype, space.topology.inputs));
    process.stdout.write(
      `${formatGenotype(result.genotype, space.topology.inputs)}\n` +
        `genotype: ${join(runDir, SEARCH_FILES.genotype)}\n` +
        `alphas: ${join(runDir, SEARCH_FILES.alphaPlot)}\n${multipliers !== undefined ? `multipliers: ${join(runDir, SEARCH_FILES.multiplierPlot)}\n` : ''}cells: ${plots.join(', ')}\nmetrics: ${join(runDir, SEARCH_FILES.metrics)}\n`,
    );
  });
};

export const register = (program: Command): void => {
  const cmd = program
    .command('search')
    .description('Search a normal and a reduction cell (bi-level DARTS with approximate convolutions)')
    .option(...DATA_OPTION)
    .option('--multiplier <name>', 'mul8u_XXX (or a .bin path) for every sep/dil conv, or fp32; with --space: the table of the ops the space binds (of every sep/dil/conv op if it binds none), default their own')
    .option('--multipliers <list>', 'energy-aware search: a comma-separated set (mul8u_XXX or XXX, fp32) each sep/dil conv chooses from (docs/ENERGY-SEARCH.md)')
    .option('--energy-weight <L>', 'with --multipliers: the architecture loss is L_val + L * E / E_ref (default 0)')
    .option('--space <file>', 'search space JSON (op sets per cell type, topology, macro; see `approx-darts space init`); default the DARTS space')
    .option('--lut-dir <dir>', 'directory searched first for multiplier tables')
    .option(
      '--preset <name>',
      `search plan and size: paper (${describeSearchPreset('paper')}), darts (${describeSearchPreset('darts')}) or tiny (${describeSearchPreset('tiny')}); default tiny on the cpu and auto engines, paper on webgpu and tensorflow`,
    )
    .option('--epochs <n>', 'epochs (default: the preset; the warm-up scales with it)')
    .option('--cells <n>', 'cells of the search network (default: the preset, or the --space macro)')
    .option('--channels <C>', 'initial channels (default: the preset, or the --space macro)')
    .option('--batch-size <n>', 'batch size (default: the preset)')
    .option('--limit <n>', 'search on a stratified subset of n training images, split between weights and architecture')
    .option('--engine <name>', 'compute engine: auto, cpu, webgpu, tensorflow', 'cpu')
    .option('--seed <n>', 'seed of the initialization, split, data order and augmentation', '0')
    .option(...PADDING_OPTION)
    .option('--order <order>', 'architecture gradient: first or second (unrolled) order (default: the preset, first)')
    .option('--warmup-epochs <n>', 'weights-only epochs before the architecture is searched (default: the preset, scaled with --epochs)')
    .requiredOption('--out <dir>', 'run directory (run-config.json, metrics.jsonl, genotype.json, alphas.svg, checkpoint/)')
    .option('--resume', 'continue the run in --out from its last checkpoint (with the same flags; --lr, --arch-lr and --grad-clip may change)')
    .option('--log-every <steps>', 'when stderr is not a terminal: a progress line every this many steps (default 10)')
    .option(...PROFILE_OPTION);
  for (const [flag, help] of OPTIMIZER_OPTIONS) cmd.option(flag, help);
  cmd.option('--arch-lr <rate>', 'learning rate of the architecture (Adam; default: the preset); may change on --resume').action(runSearchCommand);
};
