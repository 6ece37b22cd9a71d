import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { pipe } from 'fp-ts/function';
import { stratifiedLimit } from '@approx-darts/cifar10';
import { formatGenotype, genotypeToDot } from '@approx-darts/genotype';
import { BiLevelPlan, overrideSearchPlan, searchPlanPreset } from '@approx-darts/schedule';
import { approxDartsSpace, DARTS_SEARCH_MACRO, DARTS_SPACE, multiplierOf, SearchSpace } from '@approx-darts/search-space';
import { isFp32 } from '@approx-darts/multipliers';
import { writeJsonAtomic } from '@approx-darts/run-store';
import { runSearch, SEARCH_FILES, SearchDivergedError, SearchResumeError, type EpochRecord } from '@approx-darts/backend';
import { CliError } from '../cli-error';
import { DATA_OPTION, loadDataOption } from '../options/data-option';
import { createProgress, type Progress } from '../progress';
import { decodeFlags, NonNegativeIntFromString, PositiveIntFromString } from '../options/flags';
import { activateEngine } from '../options/engine-option';
import { PROFILE_OPTION, profileOption } from '../options/profile-option';
import { loadBinding } from '../options/multiplier-option';
import { loadSpaceBindings, loadSpaceFile, type SpaceBindings } from '../options/space-option';

/** The flags of `search` after commander, checked. */
const SearchFlags = t.intersection([
  t.type({
    preset: t.keyof({ paper: null, darts: null, tiny: null }),
    engine: t.string,
    seed: NonNegativeIntFromString,
    order: t.keyof({ first: null, second: null }),
    out: t.string,
  }),
  t.partial({
    multiplier: t.string,
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
);
export type SearchRunConfig = t.TypeOf<typeof SearchRunConfig>;

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
  return pipe(
    overrideSearchPlan(base, { epochs, warmupEpochs, order: flags.order, ...(flags.batchSize !== undefined ? { batchSize: flags.batchSize } : {}) }),
    E.getOrElseW((problem) => {
      throw new CliError(`search plan: ${problem}`);
    }),
  );
};

/**
 * The searched space and how its ops multiply. Without --space: the DARTS space at the preset's size, ApproxDARTS
 * on --multiplier (required). With --space FILE: the file's space and macro (--cells/--channels override it; the
 * preset's size does not), its ops on their own tables, or --multiplier's by `loadSpaceBindings`'s rule.
 */
const spaceOf = async (flags: SearchFlags): Promise<{ readonly space: SearchSpace } & SpaceBindings> => {
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

/** Refuses an out dir that holds another run (or this run, without --resume); writes the config otherwise. */
const claimRunDir = async (dir: string, config: SearchRunConfig, resume: boolean): Promise<void> => {
  const path = join(dir, RUN_CONFIG_FILE);
  const existing = await readFile(path, 'utf8').then(
    (s) => s,
    () => undefined,
  );
  if (existing !== undefined) {
    const decoded = pipe(
      E.tryCatch(() => JSON.parse(existing) as unknown, () => 'not JSON'),
      E.chain((j) => pipe(SearchRunConfig.decode(j), E.mapLeft(() => 'not a search run config'))),
    );
    if (E.isLeft(decoded)) throw new CliError(`${path}: ${decoded.left}; choose another --out`);
    if (JSON.stringify(SearchRunConfig.encode(decoded.right)) !== JSON.stringify(SearchRunConfig.encode(config)))
      throw new CliError(`${dir} holds a search run with a different configuration (${path}); choose another --out${resume ? ' or resume with the same flags' : ''}`);
    if (!resume) throw new CliError(`${dir} already holds this search run; pass --resume to continue it, or choose another --out`);
    return;
  }
  await mkdir(dir, { recursive: true });
  await writeJsonAtomic(path, SearchRunConfig.encode(config));
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
  const plan = planOf(flags);
  const { space, label, bindingOf } = await spaceOf(flags);
  const data = await loadDataOption(flags.data);
  const engine = await activateEngine(flags.engine);
  const limit = flags.limit ?? PRESET_SHAPES[flags.preset].limit;
  if (limit !== null && limit > data.train.count) throw new CliError(`--limit ${limit}: the data set has only ${data.train.count} training images`);
  const config: SearchRunConfig = { kind: 'approx-darts-search', multiplier: label, space, plan, seed: flags.seed, limit, engine: engine.name };
  const runDir = resolve(flags.out);
  await claimRunDir(runDir, config, flags.resume === true);
  process.stderr.write(
    `searching ${space.macro.cells} cells (${space.topology.nodes} nodes, ${space.normal.length} normal / ${space.reduce.length} reduce ops), ` +
      `C=${space.macro.channels} on ${config.multiplier} (${engine.name} engine), ` +
      `${limit ?? data.train.count} images, ${plan.epochs} epochs (${plan.warmupEpochs} warm-up), batch ${plan.batchSize}, ${plan.order} order, into ${runDir}\n`,
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
      outDir: runDir,
      resume: flags.resume === true,
      ...progressHooks(),
    });
  } catch (e) {
    if (e instanceof SearchDivergedError || e instanceof SearchResumeError) throw new CliError(e.message);
    throw e;
  }
  await profile.finish(runDir);
  const plots = await writeCellPlots(runDir, genotypeToDot(result.genotype, space.topology.inputs));
  process.stdout.write(
    `${formatGenotype(result.genotype, space.topology.inputs)}\n` +
      `genotype: ${join(runDir, SEARCH_FILES.genotype)}\n` +
      `alphas: ${join(runDir, SEARCH_FILES.alphaPlot)}\ncells: ${plots.join(', ')}\nmetrics: ${join(runDir, SEARCH_FILES.metrics)}\n`,
  );
};

export const register = (program: Command): void => {
  program
    .command('search')
    .description('Search a normal and a reduction cell (bi-level DARTS with approximate convolutions)')
    .option(...DATA_OPTION)
    .option('--multiplier <name>', 'mul8u_XXX (or a .bin path) for every sep/dil conv, or fp32; with --space: the table of the ops the space binds (of every sep/dil/conv op if it binds none), default their own')
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
    .requiredOption('--out <dir>', 'run directory (run-config.json, metrics.jsonl, genotype.json, alphas.svg, checkpoint/)')
    .option('--resume', 'continue the run in --out from its last checkpoint')
    .option(...PROFILE_OPTION)
    .action(runSearchCommand);
};
