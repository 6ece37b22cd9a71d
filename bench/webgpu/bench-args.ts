import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Options shared by the GPU bench scripts: `--lut-dir`, `--out`, `--quick`, `--batch`, `--tables`, `--shapes`. */
export interface BenchArgs {
  readonly lutDir: string;
  readonly outDir: string;
  readonly quick: boolean;
  /** `--batch 64,256`: the batch sizes the kernel bench runs (default 64). */
  readonly batches: readonly number[];
  /** `--tables mul8u_1JFF,mul8u_NGR`: the tables conformance checks (default: every table in the directory). */
  readonly tables: readonly string[] | undefined;
  /** `--shapes N`: the kernel bench's first N shapes only (a rehearsal on a software adapter). */
  readonly shapes: number | undefined;
}

const positiveInts = (name: string, text: string): readonly number[] => {
  const values = text.split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`${name}: '${text}' is not a list of positive integers`);
  return values;
};

const flag = (argv: readonly string[], name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

/** `--lut-dir` > $APPROX_DARTS_LUT_DIR > ../shared/multipliers; `--out` > $OUT > bench/results. */
export const benchArgs = (argv: readonly string[] = process.argv.slice(2)): BenchArgs => ({
  lutDir: resolve(flag(argv, '--lut-dir') ?? process.env['APPROX_DARTS_LUT_DIR'] ?? '../shared/multipliers'),
  outDir: resolve(flag(argv, '--out') ?? process.env['OUT'] ?? 'bench/results'),
  quick: argv.includes('--quick'),
  batches: positiveInts('--batch', flag(argv, '--batch') ?? '64'),
  tables: flag(argv, '--tables')?.split(','),
  shapes: flag(argv, '--shapes') === undefined ? undefined : positiveInts('--shapes', flag(argv, '--shapes') ?? '')[0],
});

/** Writes `value` as `file` by a rename, so a step killed at its time limit leaves the last complete version. */
export const writeJsonAtomically = (file: string, value: unknown): void => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
};

/** A small seeded generator (mulberry32): the same cases on every run and host. */
export const seeded = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** A file-name-safe GPU name for bench/results/webgpu-<gpu>.json. */
export const gpuSlug = (adapter: string): string => adapter.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'unknown';
