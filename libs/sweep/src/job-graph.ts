import * as E from 'fp-ts/Either';
import type { Axes, FlagValue, Flags, Resources, Stage, StageKind, SweepFile } from './sweep-file';

/** One command of the sweep: what it runs, where it writes, and which jobs must have succeeded first. */
export interface Job {
  /** Stable across runs and file edits that keep its axis values: `stage__key=value__...`, keys sorted. */
  readonly id: string;
  readonly stage: string;
  readonly kind: StageKind;
  /** Position within its stage: the Slurm array task index. */
  readonly index: number;
  /** The axis values that identify it, its upstream jobs' included. */
  readonly params: Readonly<Record<string, FlagValue>>;
  /** The multiplier of the search group it descends from (the report's first column). */
  readonly searchedWith: string;
  /** train and eval: the multiplier the network was trained with. */
  readonly trainedWith?: string;
  /** eval: the multipliers it evaluates under. */
  readonly evaluatedUnder?: readonly string[];
  readonly deps: readonly string[];
  /** Absolute run directory. */
  readonly runDir: string;
  /** The `approx-darts` arguments (without `--resume`: the job script adds it when a checkpoint exists). */
  readonly args: readonly string[];
  /** search and train write checkpoints: a restarted job continues with `--resume`. */
  readonly resumable: boolean;
  /** eval prints its JSON: the script writes stdout to this file in the run directory, atomically. */
  readonly stdoutFile?: string;
  readonly resources: Resources;
}

/** The jobs of a sweep in stage order (every job after its dependencies). */
export interface JobGraph {
  readonly name: string;
  /** The sweep directory: jobs/, runs/, logs/. */
  readonly root: string;
  /** Where the commands run, so relative paths in the file (`data`, `lut-dir`) mean what they mean to its author. */
  readonly workdir: string;
  readonly stages: readonly { readonly name: string; readonly kind: StageKind; readonly resources: Resources; readonly jobs: readonly string[] }[];
  readonly jobs: readonly Job[];
}

export const EVAL_OUTPUT = 'eval.json';
/** What `sweep pick` writes next to the chosen genotype. */
export const SELECTION_FILE = 'selection.json';

const safe = (v: FlagValue): string => String(v).replace(/[^A-Za-z0-9._-]/g, '_');

/** `stage__a=1__b=x`: keys sorted so the order of axes in the file does not change it. */
export const jobId = (stage: string, params: Readonly<Record<string, FlagValue>>): string =>
  [stage, ...Object.keys(params).sort().map((k) => `${safe(k)}=${safe(params[k]!)}`)].join('__');

/** Every combination of the axes, the first axis varying slowest (as nested loops in file order). */
export const product = (axes: Axes): readonly Readonly<Record<string, FlagValue>>[] =>
  Object.entries(axes).reduce<readonly Readonly<Record<string, FlagValue>>[]>(
    (acc, [key, values]) => acc.flatMap((partial) => values.map((v) => ({ ...partial, [key]: v }))),
    [{}],
  );

/** `--flag value` pairs; `true` is a bare flag and `false` its `--no-` form, as commander reads them. */
export const flagArgs = (flags: Readonly<Record<string, FlagValue | boolean>>): readonly string[] =>
  Object.entries(flags).flatMap(([k, v]) => (v === true ? [`--${k}`] : v === false ? [`--no-${k}`] : [`--${k}`, String(v)]));

const axesOf = (s: Stage): Axes => ('axes' in s && s.axes !== undefined ? s.axes : {});
const flagsOf = (s: Stage): Flags => ('flags' in s && s.flags !== undefined ? s.flags : {});
const resourcesOf = (s: Stage): Resources => s.resources ?? {};

type Draft = Omit<Job, 'index' | 'runDir'>;

/**
 * Expands a sweep file into its job graph under `root` (an absolute directory), its commands run from `workdir`
 * (default `root`). Pure: the same file and root always give the same jobs, ids, commands and dependencies.
 */
export const expandSweep = (file: SweepFile, root: string, workdir: string = root): E.Either<string, JobGraph> => {
  const byStage = new Map<string, readonly Draft[]>();
  const runDirOf = (id: string): string => `${root}/runs/${id}`;
  const common = file.common ?? {};
  for (const stage of file.stages) {
    const axes = axesOf(stage);
    const fixed = { ...common, ...flagsOf(stage) };
    let drafts: readonly Draft[];
    switch (stage.kind) {
      case 'search':
        drafts = product(axes).map((params) => {
          const id = jobId(stage.name, params);
          return {
            id, stage: stage.name, kind: 'search', params, searchedWith: String(params['multiplier']), deps: [],
            args: ['search', ...flagArgs({ ...fixed, ...params }), '--out', runDirOf(id)], resumable: true, resources: resourcesOf(stage),
          };
        });
        break;
      case 'select': {
        const groups = new Map<string, { params: Record<string, FlagValue>; members: Draft[] }>();
        for (const up of byStage.get(stage.from)!) {
          const params = Object.fromEntries(stage.groupBy.map((g) => [g, up.params[g]!]));
          const key = jobId(stage.name, params);
          const group = groups.get(key) ?? { params, members: [] };
          group.members.push(up);
          groups.set(key, group);
        }
        drafts = [...groups.entries()].map(([id, g]) => ({
          id, stage: stage.name, kind: 'select', params: g.params, searchedWith: String(g.params['multiplier']), deps: g.members.map((m) => m.id),
          args: ['sweep', 'pick', '--out', runDirOf(id), ...g.members.map((m) => runDirOf(m.id))], resumable: false, resources: resourcesOf(stage),
        }));
        break;
      }
      case 'train':
        drafts = byStage.get(stage.from)!.flatMap((up) =>
          (stage.multipliers?.[up.searchedWith] ?? [up.searchedWith]).flatMap((trained) =>
            product(axes).map((own) => {
              const params = { ...up.params, ...own, trained };
              const id = jobId(stage.name, params);
              return {
                id, stage: stage.name, kind: 'train' as const, params, searchedWith: up.searchedWith, trainedWith: trained, deps: [up.id],
                args: ['train', '--genotype', `${runDirOf(up.id)}/genotype.json`, ...flagArgs({ ...fixed, ...own, multiplier: trained }), '--out', runDirOf(id)],
                resumable: true, resources: resourcesOf(stage),
              };
            }),
          ),
        );
        break;
      case 'eval':
        drafts = byStage.get(stage.from)!.map((up) => {
          const under = stage.under?.[up.trainedWith!] ?? [up.trainedWith!];
          const id = jobId(stage.name, up.params);
          return {
            id, stage: stage.name, kind: 'eval', params: up.params, searchedWith: up.searchedWith, trainedWith: up.trainedWith!, evaluatedUnder: under,
            deps: [up.id], args: ['eval', '--checkpoint', runDirOf(up.id), '--multiplier', under.join(','), ...flagArgs(fixed), '--json'],
            resumable: false, stdoutFile: EVAL_OUTPUT, resources: resourcesOf(stage),
          };
        });
        break;
    }
    if (stage.kind === 'train') {
      const up = byStage.get(stage.from)![0];
      const clash = Object.keys(axes).find((k) => up !== undefined && k in up.params);
      if (clash !== undefined) return E.left(`stage '${stage.name}': axis '${clash}' is already an axis of the jobs of '${stage.from}' (rename it, or select first)`);
    }
    byStage.set(stage.name, drafts);
  }
  const jobs = file.stages.flatMap((s) => byStage.get(s.name)!.map((d, index): Job => ({ ...d, index, runDir: runDirOf(d.id) })));
  const ids = new Set<string>();
  for (const j of jobs) {
    if (ids.has(j.id)) return E.left(`stage '${j.stage}': two jobs get the id '${j.id}' (axis values that differ only in characters outside [A-Za-z0-9._-])`);
    ids.add(j.id);
  }
  return E.right({
    name: file.name,
    root,
    workdir,
    stages: file.stages.map((s) => ({ name: s.name, kind: s.kind, resources: resourcesOf(s), jobs: byStage.get(s.name)!.map((d) => d.id) })),
    jobs,
  });
};

/**
 * How many jobs `expandSweep` would make of a file, counted without making them (a grid of 20 axes of 3 values has
 * 3^20 jobs: building them first runs out of memory). Assumes a file that `decodeSweepFile` accepted.
 * @example countJobs({ name: 'x', stages: [{ name: 's', kind: 'search', axes: { multiplier: ['fp32', 'mul8u_NGR'], seed: [1, 2, 3] } }] }) === 6
 */
export const countJobs = (file: SweepFile): number => {
  // Per stage: how many of its jobs descend from a search on each multiplier (train's `multipliers` is keyed by it).
  const bySearched = new Map<string, ReadonlyMap<string, number>>();
  const size = (axes: Axes): number => Object.values(axes).reduce((n, v) => n * v.length, 1);
  const total = (m: ReadonlyMap<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  let jobs = 0;
  for (const stage of file.stages) {
    const searched = new Map<string, number>();
    const add = (m: Map<string, number>, k: string, n: number): void => void m.set(k, (m.get(k) ?? 0) + n);
    switch (stage.kind) {
      case 'search': {
        const others = size(Object.fromEntries(Object.entries(stage.axes).filter(([k]) => k !== 'multiplier')));
        for (const m of stage.axes['multiplier'] ?? []) add(searched, String(m), others);
        break;
      }
      case 'select': {
        const source = file.stages.find((s) => s.name === stage.from);
        const axes = source !== undefined && 'axes' in source && source.axes !== undefined ? source.axes : {};
        const others = size(Object.fromEntries(stage.groupBy.filter((g) => g !== 'multiplier').map((g) => [g, axes[g] ?? []])));
        for (const m of axes['multiplier'] ?? []) add(searched, String(m), others);
        break;
      }
      case 'train': {
        const own = size(axesOf(stage));
        for (const [m, n] of bySearched.get(stage.from) ?? new Map<string, number>()) {
          add(searched, m, n * (stage.multipliers?.[m] ?? [m]).length * own);
        }
        break;
      }
      case 'eval':
        for (const [m, n] of bySearched.get(stage.from) ?? new Map<string, number>()) add(searched, m, n);
        break;
    }
    bySearched.set(stage.name, searched);
    jobs += total(searched);
  }
  return jobs;
};
