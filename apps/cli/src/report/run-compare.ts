import type { EpochRecord, EpochMetrics } from '@approx-darts/run';

/** What `compare` knows of one run directory. */
export interface ComparedRun {
  readonly dir: string;
  readonly kind: 'search' | 'train';
  /** The run's configuration file (run-config.json or config.json) as JSON. */
  readonly config: unknown;
  readonly metrics: readonly unknown[];
}

type Flat = Readonly<Record<string, string>>;

const MAX_CELL = 60;

/** A value as one table cell: arrays and objects as compact JSON, cut at 60 characters (the op sets of a space are long). */
const cell = (v: unknown): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s;
};

/**
 * A configuration flattened to dotted keys (`plan.weights.lr.lr`); arrays are leaves, so an op set or a genotype
 * differs as one setting.
 * @example flatten({ a: { b: 1, c: [1, 2] } }) // { 'a.b': '1', 'a.c': '[1,2]' }
 */
export const flatten = (v: unknown, prefix = ''): Flat => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { [prefix || 'value']: cell(v) };
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => Object.entries(flatten(x, prefix ? `${prefix}.${k}` : k))));
};

/** The settings whose values are not the same in every run (a key one run lacks differs), in key order. */
export const differingSettings = (configs: readonly unknown[]): readonly { readonly key: string; readonly values: readonly string[] }[] => {
  const flats = configs.map((c) => flatten(c));
  const keys = [...new Set(flats.flatMap((f) => Object.keys(f)))].sort();
  return keys.map((key) => ({ key, values: flats.map((f) => f[key] ?? '(absent)') })).filter((r) => new Set(r.values).size > 1);
};

const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(2)}`);

/** A run's results: epochs done, final and best accuracy (validation for a search, test for training), time. */
export const resultsOf = (r: ComparedRun): Readonly<Record<string, string>> => {
  if (r.kind === 'search') {
    const m = r.metrics as readonly EpochRecord[];
    const last = m.at(-1);
    return {
      epochs: String(m.length),
      'final train acc %': pct(last?.train.accuracy),
      'final valid acc %': pct(last?.valid.accuracy),
      'best valid acc %': pct(m.length ? Math.max(...m.map((x) => x.valid.accuracy)) : undefined),
      'E / E_ref': last?.multipliers === undefined ? '—' : last.multipliers.energyRatio.toFixed(4),
      'time s': m.reduce((s, x) => s + x.seconds, 0).toFixed(1),
    };
  }
  const m = r.metrics as readonly EpochMetrics[];
  const last = m.at(-1);
  return {
    epochs: String(m.length),
    'final train acc %': pct(last?.trainAccuracy),
    'final test acc %': pct(last?.testAccuracy),
    'best test acc %': pct(m.length ? Math.max(...m.map((x) => x.testAccuracy)) : undefined),
    'time s': m.reduce((s, x) => s + x.seconds, 0).toFixed(1),
  };
};

const table = (header: readonly string[], rows: readonly (readonly string[])[]): string =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`)].join('\n');

/**
 * Markdown: the runs (named by directory), the settings that differ between them, and each run's results side by side.
 * @example compareMarkdown([]).startsWith('# Runs compared') === true
 */
export const compareMarkdown = (runs: readonly ComparedRun[]): string => {
  const names = runs.map((r, i) => `${i + 1}: ${r.dir}`);
  const columns = runs.map((_, i) => `run ${i + 1}`);
  const settings = differingSettings(runs.map((r) => ({ kind: r.kind, ...(r.config as object) })));
  const results = runs.map(resultsOf);
  const resultKeys = [...new Set(results.flatMap((x) => Object.keys(x)))];
  return [
    '# Runs compared',
    '',
    ...names.map((n) => `- ${n}`),
    '',
    '## Settings that differ',
    '',
    settings.length === 0 ? 'none: every setting is the same' : table(['setting', ...columns], settings.map((s) => [s.key, ...s.values])),
    '',
    '## Results',
    '',
    table(['', ...columns], resultKeys.map((k) => [k, ...results.map((x) => x[k] ?? '—')])),
    '',
  ].join('\n');
};
