import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { probeEngines, type ProbeResult } from '@approx-darts/engines';
import { addonStatus } from '@approx-darts/cuda-lut';
import { cpuNativeStatus } from '@approx-darts/cpu-native';
import { lutSearchPath } from '@approx-darts/io';
import { dataSearchPath } from '@approx-darts/cifar10';
import { checkDataDirectory, checkLutDirectory, type ContentCheck } from '../doctor/content-checks';

interface Location {
  readonly path: string;
  readonly exists: boolean;
  /** The cheap checks of its contents (absent when it does not exist). */
  readonly contents?: ContentCheck;
}

interface DoctorReport {
  readonly node: string;
  readonly platform: string;
  readonly engines: readonly ProbeResult[];
  readonly cudaAddon: ReturnType<typeof addonStatus>;
  readonly cpuNative: ReturnType<typeof cpuNativeStatus>;
  readonly multiplierDirs: readonly Location[];
  readonly dataDirs: readonly Location[];
}

const locate = (paths: readonly string[], check: (dir: string) => Promise<ContentCheck>): Promise<readonly Location[]> =>
  Promise.all(paths.map(async (path) => (existsSync(path) ? { path, exists: true, contents: await check(path) } : { path, exists: false })));

/** Every probe reports its reason instead of throwing, so doctor always completes. */
export const diagnose = async (opts: { readonly lutDir?: string; readonly data?: string }): Promise<DoctorReport> => ({
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  engines: await probeEngines(),
  cudaAddon: addonStatus(),
  cpuNative: cpuNativeStatus(),
  multiplierDirs: await locate(lutSearchPath({ lutDir: opts.lutDir }), checkLutDirectory),
  dataDirs: await locate(dataSearchPath({ data: opts.data }), checkDataDirectory),
});

const mark = (ok: boolean): string => (ok ? 'ok  ' : 'no  ');

/** A directory's line (ok only when it exists and its contents pass), then one indented line per problem. */
const renderLocation = (l: Location): readonly string[] =>
  l.contents === undefined
    ? [`  ${mark(false)}${l.path} (does not exist)`]
    : [`  ${l.contents.ok ? mark(true) : 'BAD '}${l.path} (${l.contents.summary})`, ...l.contents.problems.slice(0, 10).map((p) => `        ${p}`), ...(l.contents.problems.length > 10 ? [`        and ${l.contents.problems.length - 10} more`] : [])];

const render = (r: DoctorReport): string =>
  [
    `node       ${r.node} (${r.platform})`,
    'engines:',
    ...r.engines.map((e) => `  ${mark(e.available)}${e.name.padEnd(11)}${e.detail}`),
    `cuda addon ${mark(r.cudaAddon.built && r.cudaAddon.devices > 0)}${r.cudaAddon.detail}`,
    // without the native addon the cpu engine runs its TypeScript kernels; the line says why it is missing
    `cpu native ${mark(r.cpuNative.built)}${r.cpuNative.built ? r.cpuNative.detail : `${r.cpuNative.detail}; the cpu engine uses its TypeScript kernels`}`,
    // which accumulation the approximate convolution's table lookups take (APPROX_DARTS_LUT_PATH forces one)
    ...(r.cpuNative.lutPath === undefined ? [] : [`           approximate convolution by ${r.cpuNative.lutPath}`]),
    'multiplier tables looked for in:',
    ...r.multiplierDirs.flatMap(renderLocation),
    'CIFAR-10 looked for in:',
    ...r.dataDirs.flatMap(renderLocation),
  ].join('\n');

export const register = (program: Command): void => {
  program
    .command('doctor')
    .description('Report which engines, kernels, multiplier tables and datasets are usable here')
    .option('--json', 'print the report as JSON')
    .option('--lut-dir <dir>', 'extra directory to look for multiplier tables in')
    .option('--data <dir>', 'CIFAR-10 directory to check')
    .action(async (opts: { json?: boolean; lutDir?: string; data?: string }) => {
      const report = await diagnose({ ...(opts.lutDir ? { lutDir: opts.lutDir } : {}), ...(opts.data ? { data: opts.data } : {}) });
      process.stdout.write(`${opts.json ? JSON.stringify(report, null, 2) : render(report)}\n`);
    });
};
