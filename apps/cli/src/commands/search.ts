import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { pipe } from 'fp-ts/function';
import { DataIdentity, dataIdentity, stratifiedLimit } from '@approx-darts/cifar10';
import { formatGenotype, genotypeToDot } from '@approx-darts/genotype';
import { BiLevelPlan, overrideSearchPlan, searchPlanPreset } from '@approx-darts/schedule';
import { approxDartsSpace, DARTS_SEARCH_MACRO, DARTS_SPACE, multiplierOf, SearchSpace } from '@approx-darts/search-space';
import { isFp32 } from '@approx-darts/multipliers';
import { CHECKPOINT_JSON, ConfigHistory, writeJsonAtomic } from '@approx-darts/run-store';
import { runSearch, SEARCH_FILES, SearchDivergedError, SearchResumeError, SearchSetupError, type EpochRecord } from '@approx-darts/backend';
import { CliError } from '../cli-error';
import { DATA_OPTION, loadDataOption } from '../options/data-option';
import { createProgress, type Progress } from '../progress';
import { decodeFlags, DirectoryPath, NonNegativeIntFromString, NonNegativeNumberFromString, PositiveIntFromString, PositiveNumberFromString } from '../options/flags';
import { applyOptimizerFlags, OPTIMIZER_OPTIONS, OptimizerFlags, peakLr, withPeakLr } from '../options/plan-flags';
import { describeDifferences, reconcileResume, type FlagOfField } from '../run-dir/reconcile-config';
import { hasCheckpoint, inRunDirectory } from '../run-dir/run-directory';
import { activateEngine } from '../options/engine-option';
import { PROFILE_OPTION, profileOption } from '../options/profile-option';
import { loadBinding } from '../options/multiplier-option';
import { loadSpaceBindings, loadSpaceFile, type SpaceBindings } from '../options/space-option';
import { loadMultiplierSearch, parseMultiplierList } from '../options/multipliers-option';
import type { MultiplierSearch } from '@approx-darts/backend';

/** The flags of `search` after commander, checked. */
const SearchFlags = t.intersection([
  t.type({
    preset: t.keyof({ paper: null, darts: null, tiny: null }),
    engine: t.string,
    seed: NonNegativeIntFromString,
    order: t.keyof({ first: null, second: null }),
    out: DirectoryPath,
  }),
  OptimizerFlags,
  t.partial({
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

/** What a search run is, saved as `run-config.json`: a different one in the same directory is refused. */
export const SearchRunConfig = t.readonly(
  t.intersection([
    t.type({
      kind: t.literal('approx-darts-search'),
      multiplier: t.string,
      space: SearchSpace,
      plan: BiLevelPlan,
      seed: t.number,
      /** Training images used (stratified subset), null = all. */
      limit: t.union([t.number, t.null]),
      engine: t.string,
    }),
    /** An energy-aware search (--multipliers, --energy-weight); absent in single-multiplier runs. */
    t.partial({ energy: t.readonly(t.type({ multipliers: t.readonlyArray(t.string), weight: t.number })) }),
  ]),
);
export type SearchRunConfig = t.TypeOf<typeof SearchRunConfig>;
/** The run config as stored: plus the data's identity and the changes resumes made (absent in older runs). */
export const StoredSearchRunConfig = t.intersection([SearchRunConfig, t.partial({ data: DataIdentity, history: ConfigHistory })]);
export type StoredSearchRunConfig = t.TypeOf<typeof StoredSearchRunConfig>;

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
  ['limit', '--limit'],
  ['engine', '--engine'],
];
/** What --resume may change: the learning rates and the clip, the remedies of a divergence. */
const SEARCH_RESUMABLE: FlagOfField = [
  ['plan.weights.lr', '--lr'],
  ['plan.architecture.lr', '--arch-lr'],
  ['plan.weights.gradClip', '--grad-clip'],
];

export const RUN_CONFIG_FILE = 'run-config.json';

/**
 * The tiny preset: the README demo on 2 CPU cores, about 3 minutes there. 3 cells, C = 4, 64 + 64 images, the tiny
 * plan (2 epochs, the first weights-only, batch 16).
 */
const PRESET_SHAPES: Readonly<Record<SearchFlags['preset'], { readonly cells: number; readonly channels: number; readonly limit: number | null }>> = {
  paper: { cells: DARTS_SEARCH_MACRO.cells, channels: DARTS_SEARCH_MACRO.channels, limit: null },
  darts: { cells: DARTS_SEARCH_MACRO.cells, channels: DARTS_SEARCH_MACRO.channels, limit: null },
  tiny: { cells: 3, channels: 4, limit: 128 },
};

const planOf = (flags: SearchFlags): BiLevelPlan => {
  const base = pipe(
    searchPlanPreset(flags.preset),
    O.getOrElseW(() => {
      throw new CliError(`--preset: unknown preset '${flags.preset}'`);
    }),
  );
  // --epochs scales the warm-up with the run (paper: 15 of 50), so a short run still searches.
  const epochs = flags.epochs ?? base.epochs;
  const warmupEpochs = flags.epochs === undefined ? base.warmupEpochs : Math.floor((base.warmupEpochs * epochs) / base.epochs);
  const planned = pipe(
    overrideSearchPlan(base, { epochs, warmupEpochs: flags.warmupEpochs ?? warmupEpochs, order: flags.order, ...(flags.batchSize !== undefined ? { batchSize: flags.batchSize } : {}) }),
    E.getOrElseW((problem) => {
      throw new CliError(`search plan: ${problem}`);
    }),
  );
  const weights = applyOptimizerFlags(planned.weights, flags, 'weights');
  const architecture = flags.archLr === undefined ? planned.architecture : { ...planned.architecture, lr: withPeakLr(planned.architecture.lr, flags.archLr) };
  return { ...planned, weights, architecture };
};

/**
 * The searched space and how its ops multiply. Without --space: the DARTS space at the preset's size, ApproxDARTS
 * on --multiplier (required). With --space FILE: the file's space and macro (--cells/--channels override it; the
 * preset's size does not), its ops on their own tables, or --multiplier's by `loadSpaceBindings`'s rule.
 */
const spaceOf = async (flags: SearchFlags): Promise<{ readonly space: SearchSpace; readonly multipliers?: MultiplierSearch } & SpaceBindings> => {
  if (flags.multipliers !== undefined) {
    if (flags.multiplier !== undefined) throw new CliError('--multipliers: give either --multiplier (one table for every op) or --multipliers (a set to choose from), not both');
    if (flags.space !== undefined) throw new CliError('--multipliers: not supported with --space yet (it searches the DARTS space)');
    const names = parseMultiplierList(flags.multipliers);
    const shape = PRESET_SHAPES[flags.preset];
    const space = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells: flags.cells ?? shape.cells, channels: flags.channels ?? shape.channels } };
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
  const shape = PRESET_SHAPES[flags.preset];
  const base = binding === null ? DARTS_SPACE : approxDartsSpace(binding.table.name);
  const space = { ...base, macro: { ...base.macro, cells: flags.cells ?? shape.cells, channels: flags.channels ?? shape.channels } };
  return { space, label: binding?.table.name ?? 'fp32', bindingOf: (op) => (binding !== null && multiplierOf(op) !== undefined ? binding : null) };
};

/** The committed epochs of a search checkpoint, from its index alone (0 when there is none). */
const checkpointEpoch = async (dir: string): Promise<number> => {
  const text = await readFile(join(dir, SEARCH_FILES.checkpoint, CHECKPOINT_JSON), 'utf8').catch(() => undefined);
  const epoch = text === undefined ? undefined : (JSON.parse(text) as { meta?: { epoch?: unknown } }).meta?.epoch;
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
  const { config, change } = reconcileResume(`${dir} (${path})`, recorded, wanted, { run: 'search', mutable: SEARCH_RESUMABLE, explicit, flags: SEARCH_FLAGS }, await checkpointEpoch(dir));
  const result = pipe(
    StoredSearchRunConfig.decode(config),
    E.getOrElseW(() => {
      throw new CliError(`${path}: the resumed configuration is not valid`);
    }),
  );
  if (change !== undefined) await writeJsonAtomic(path, StoredSearchRunConfig.encode(result));
  return result;
};

/** One progress bar per epoch, and a line per finished epoch. */
const progressHooks = () => {
  let bar: Progress | undefined;
  return {
    onEpochStart: (e: { readonly epoch: number; readonly epochs: number; readonly images: number; readonly warmup: boolean }) => {
      bar = createProgress({ total: e.images, label: `epoch ${e.epoch + 1}/${e.epochs}${e.warmup ? ' (warm-up)' : ''}` });
    },
    onStep: (e: { readonly images: number; readonly train: { readonly loss: number } }) => bar?.tick(e.images, { loss: e.train.loss }),
    onEpoch: (r: EpochRecord) => {
      bar?.stop();
      bar = undefined;
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
  const requestedPlan = planOf(flags);
  const { space, label, bindingOf, multipliers } = await spaceOf(flags);
  const data = await loadDataOption(flags.data);
  const engine = await activateEngine(flags.engine);
  const limit = flags.limit ?? PRESET_SHAPES[flags.preset].limit;
  if (limit !== null && limit > data.train.count) throw new CliError(`--limit ${limit}: the data set has only ${data.train.count} training images`);
  const requested: StoredSearchRunConfig = {
    kind: 'approx-darts-search',
    multiplier: label,
    space,
    plan: requestedPlan,
    seed: flags.seed,
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
        records: data.train,
        ...(limit !== null ? { indices: stratifiedLimit(data.train.labels, limit, flags.seed) } : {}),
        bindingOf,
        ...(multipliers !== undefined ? { multipliers } : {}),
        outDir: runDir,
        // claimRunConfig decided: continue the checkpoint if there is one, else start fresh (dropping the metrics of
        // a first epoch that never committed).
        resume: true,
        ...progressHooks(),
      });
    } catch (e) {
      if (e instanceof SearchDivergedError) {
        const [lr, archLr] = [peakLr(plan.weights.lr), peakLr(plan.architecture.lr)];
        throw new CliError(`${e.message}; to continue with lower rates: rerun the same command with --resume --lr ${lr / 2} (now ${lr}) or --arch-lr ${archLr / 2} (now ${archLr})`);
      }
      if (e instanceof SearchSetupError) throw new CliError(limit !== null ? `--limit ${limit}: ${e.message}` : e.message);
      if (e instanceof SearchResumeError) throw new CliError(e.message);
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
    .option('--preset <name>', 'search plan and size: paper, darts (8 cells, C=16, all images) or tiny (3 cells, C=4, 128 images, 2 epochs, batch 16; about 3 minutes on 2 cores)', 'paper')
    .option('--epochs <n>', 'epochs (default: the preset; the warm-up scales with it)')
    .option('--cells <n>', 'cells of the search network (default: the preset, or the --space macro)')
    .option('--channels <C>', 'initial channels (default: the preset, or the --space macro)')
    .option('--batch-size <n>', 'batch size (default: the preset)')
    .option('--limit <n>', 'search on a stratified subset of n training images, split between weights and architecture')
    .option('--engine <name>', 'compute engine: auto, cpu, webgpu, tensorflow', 'cpu')
    .option('--seed <n>', 'seed of the initialization, split, data order and augmentation', '0')
    .option('--order <order>', 'architecture gradient: first or second (unrolled) order', 'first')
    .option('--warmup-epochs <n>', 'weights-only epochs before the architecture is searched (default: the preset, scaled with --epochs)')
    .requiredOption('--out <dir>', 'run directory (run-config.json, metrics.jsonl, genotype.json, alphas.svg, checkpoint/)')
    .option('--resume', 'continue the run in --out from its last checkpoint (with the same flags; --lr, --arch-lr and --grad-clip may change)')
    .option(...PROFILE_OPTION);
  for (const [flag, help] of OPTIMIZER_OPTIONS) cmd.option(flag, help);
  cmd.option('--arch-lr <rate>', 'learning rate of the architecture (Adam; default: the preset); may change on --resume').action(runSearchCommand);
};
