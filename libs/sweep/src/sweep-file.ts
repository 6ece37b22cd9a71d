import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { unknownKeyProblem } from '@approx-darts/search-space';

/** A value of a grid axis or a fixed flag: what the flag would be given on the command line. */
export const FlagValue = t.union([t.string, t.number]);
export type FlagValue = t.TypeOf<typeof FlagValue>;

/** Fixed flags of a stage, named as on the command line without `--` (`batch-size`); `true` is a bare flag, `false` its `--no-` form. */
export const Flags = t.readonly(t.record(t.string, t.union([t.string, t.number, t.boolean])));
export type Flags = t.TypeOf<typeof Flags>;

/** Grid axes: flag name -> the values it takes; a stage runs once per combination. */
export const Axes = t.readonly(t.record(t.string, t.readonlyArray(FlagValue)));
export type Axes = t.TypeOf<typeof Axes>;

/** What one job of a stage asks the scheduler for (Slurm's names; the local launcher reads only `gpus`). */
export const Resources = t.readonly(
  t.partial({
    gpus: t.number,
    cpus: t.number,
    /** Memory per node, Slurm's syntax (`16G`). */
    mem: t.string,
    /** Wall-clock limit, Slurm's syntax (`12:00:00`, `1-00:00:00`). */
    time: t.string,
    partition: t.string,
    account: t.string,
    /** Further `#SBATCH` lines, verbatim (`--constraint=a100`). */
    sbatch: t.readonlyArray(t.string),
  }),
);
export type Resources = t.TypeOf<typeof Resources>;

const common = { name: t.string };
const optional = { flags: Flags, resources: Resources };

/** Bi-level searches, one per combination of `axes` (which must include `multiplier`). */
export const SearchStage = t.readonly(t.intersection([t.type({ ...common, kind: t.literal('search'), axes: Axes }), t.partial(optional)]));
/** Picks, per group of searches sharing the `groupBy` axes, the one whose last epoch has the best validation accuracy. */
export const SelectStage = t.readonly(
  t.intersection([t.type({ ...common, kind: t.literal('select'), from: t.string, groupBy: t.readonlyArray(t.string) }), t.partial({ resources: Resources })]),
);
/**
 * Trains each genotype of `from` once per combination of `axes`; by default on the multiplier it was searched with,
 * or, where `multipliers` names that multiplier, once on each listed one (the FP32-searched cell on every table).
 */
export const TrainStage = t.readonly(
  t.intersection([
    t.type({ ...common, kind: t.literal('train'), from: t.string }),
    t.partial({ ...optional, axes: Axes, multipliers: t.readonly(t.record(t.string, t.readonlyArray(t.string))) }),
  ]),
);
/** Re-evaluates each trained network of `from` on the test split, under its own multiplier or the ones `under` lists for it. */
export const EvalStage = t.readonly(
  t.intersection([
    t.type({ ...common, kind: t.literal('eval'), from: t.string }),
    t.partial({ ...optional, under: t.readonly(t.record(t.string, t.readonlyArray(t.string))) }),
  ]),
);
export const Stage = t.union([SearchStage, SelectStage, TrainStage, EvalStage]);
export type Stage = t.TypeOf<typeof Stage>;
export type StageKind = Stage['kind'];

/** A sweep file: an experiment grid as stages that feed each other, plus flags every command gets. */
export const SweepFile = t.readonly(
  t.intersection([
    t.type({ name: t.string, stages: t.readonlyArray(Stage) }),
    t.partial({
      /** Flags given to every job of the stages that accept them (`data`, `engine`, `lut-dir`). */
      common: Flags,
    }),
  ]),
);
export type SweepFile = t.TypeOf<typeof SweepFile>;

/** Flags the sweep itself sets on each command; a file may not set them. */
export const RESERVED_FLAGS: readonly string[] = ['out', 'resume', 'genotype', 'checkpoint', 'json'];

/** Which stage kinds a stage may draw from. */
const SOURCES: Readonly<Record<StageKind, readonly StageKind[]>> = { search: [], select: ['search'], train: ['select', 'search'], eval: ['train'] };

const NAME = /^[a-z][a-z0-9-]*$/;

const flagsOf = (s: Stage): Flags => ('flags' in s && s.flags !== undefined ? s.flags : {});
const axesOf = (s: Stage): Axes => ('axes' in s && s.axes !== undefined ? s.axes : {});

/** The rules the codec cannot say: names, sources, axes; the first problem as `stages[i]...: what`. */
const check = (file: SweepFile): E.Either<string, SweepFile> => {
  if (!NAME.test(file.name)) return E.left(`name: '${file.name}' must be lower-case letters, digits and '-'`);
  if (file.stages.length === 0) return E.left('stages: a sweep needs at least one stage');
  const seen = new Map<string, StageKind>();
  for (const [i, s] of file.stages.entries()) {
    const at = `stages[${i}] (${s.name})`;
    if (!NAME.test(s.name)) return E.left(`stages[${i}].name: '${s.name}' must be lower-case letters, digits and '-'`);
    if (seen.has(s.name)) return E.left(`${at}: a second stage named '${s.name}'`);
    if ('from' in s) {
      const source = seen.get(s.from);
      if (source === undefined) return E.left(`${at}.from: '${s.from}' is not an earlier stage`);
      if (!SOURCES[s.kind].includes(source)) return E.left(`${at}.from: ${/^[aeiou]/.test(s.kind) ? 'an' : 'a'} ${s.kind} stage cannot draw from the ${source} stage '${s.from}'`);
    }
    for (const key of [...Object.keys(flagsOf(s)), ...Object.keys(axesOf(s)), ...Object.keys(file.common ?? {})]) {
      if (RESERVED_FLAGS.includes(key)) return E.left(`${at}: '${key}' is set by the sweep, not the file`);
      if (key.startsWith('-')) return E.left(`${at}: flag '${key}' must be named without its leading '--'`);
    }
    for (const [axis, values] of Object.entries(axesOf(s))) {
      if (values.length === 0) return E.left(`${at}.axes.${axis}: an axis needs at least one value`);
      if (new Set(values.map(String)).size !== values.length) return E.left(`${at}.axes.${axis}: a value is repeated`);
      if (axis in flagsOf(s)) return E.left(`${at}.axes.${axis}: also a fixed flag of the stage`);
    }
    if (s.kind === 'search' && !('multiplier' in s.axes)) return E.left(`${at}.axes: a search stage needs a 'multiplier' axis (the report groups by it)`);
    if (s.kind === 'train' && 'multiplier' in axesOf(s)) return E.left(`${at}.axes.multiplier: a trained multiplier comes from its search, or from 'multipliers'`);
    if (s.kind === 'select') {
      const source = file.stages.find((x) => x.name === s.from);
      const missing = s.groupBy.find((g) => !(g in axesOf(source!)));
      if (missing !== undefined) return E.left(`${at}.groupBy: '${missing}' is not an axis of '${s.from}'`);
      if (!s.groupBy.includes('multiplier')) return E.left(`${at}.groupBy: must include 'multiplier' (a group is searched on one table)`);
    }
    seen.set(s.name, s.kind);
  }
  return E.right(file);
};

const STAGE_CODECS = { search: SearchStage, select: SelectStage, train: TrainStage, eval: EvalStage } as const;

/** `a.b.0.c` from io-ts's context, without the union/intersection member indices (array indices become `[i]`). */
const pathOf = (e: t.ValidationError, prefix: string): string => {
  let path = prefix;
  for (const c of e.context) {
    if (c.key === '') continue;
    path += /^\d+$/.test(c.key) ? '' : `${path === '' ? '' : '.'}${c.key}`;
  }
  return path === '' ? '(top)' : path;
};

const MEMBERS = new Set(['UnionType', 'IntersectionType']);

/** What the key of an error expects: the type at its own key, not the union member tried last (`string, number or boolean`, not `string`). */
const expectedOf = (e: t.ValidationError): string => {
  let at = e.context[e.context.length - 1];
  for (const [i, c] of e.context.entries()) {
    const parent = e.context[i - 1]?.type as { _tag?: string } | undefined;
    if (i > 0 && !MEMBERS.has(parent?._tag ?? '')) at = c;
  }
  const name = at?.type.name ?? 'valid';
  const parts = name.replace(/^\((.*)\)$/, '$1').split(' | ');
  return parts.length > 1 && parts.every((p) => /^\w+$/.test(p)) ? `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}` : name;
};

const firstProblem = (errs: t.Errors, prefix: string): string => {
  const e = errs[0]!;
  return `${pathOf(e, prefix)}: ${e.message ?? `${JSON.stringify(e.value)} is not ${expectedOf(e)}`}`;
};

/** Decodes a parsed sweep file; a problem is one line naming the place in the file. */
export const decodeSweepFile = (u: unknown): E.Either<string, SweepFile> =>
  pipe(
    t.type({ stages: t.readonlyArray(t.unknown) }).decode(u),
    E.mapLeft((errs) => firstProblem(errs, '')),
    E.chain(({ stages }) => {
      for (const [i, s] of stages.entries()) {
        const kind = (s as { kind?: unknown } | null)?.kind;
        if (typeof kind !== 'string' || !(kind in STAGE_CODECS)) return E.left(`stages[${i}].kind: ${JSON.stringify(kind)} is not one of search, select, train, eval`);
        const decoded = STAGE_CODECS[kind as StageKind].decode(s);
        if (E.isLeft(decoded)) return E.left(firstProblem(decoded.left, `stages[${i}]`));
      }
      return pipe(SweepFile.decode(u), E.mapLeft((errs) => firstProblem(errs, '')));
    }),
    // A misspelled key (`flag` for `flags`, `comon`) would be dropped and the job run without it: hours of the wrong run.
    E.chainFirst(() => {
      const problem = unknownKeyProblem(SweepFile, u);
      return problem === undefined ? E.right(undefined) : E.left(problem);
    }),
    E.chain(check),
  );
