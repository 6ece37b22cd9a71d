import { resolve } from 'node:path';

/** Options shared by the GPU bench scripts: `--lut-dir`, `--out`, `--layouts`, env fallbacks for the device. */
export interface BenchArgs {
  readonly lutDir: string;
  readonly outDir: string;
  readonly quick: boolean;
}

const flag = (argv: readonly string[], name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

/** `--lut-dir` > $APPROX_DARTS_LUT_DIR > ../shared/multipliers; `--out` > $OUT > bench/results. */
export const benchArgs = (argv: readonly string[] = process.argv.slice(2)): BenchArgs => ({
  lutDir: resolve(flag(argv, '--lut-dir') ?? process.env['APPROX_DARTS_LUT_DIR'] ?? '../shared/multipliers'),
  outDir: resolve(flag(argv, '--out') ?? process.env['OUT'] ?? 'bench/results'),
  quick: argv.includes('--quick'),
});

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
