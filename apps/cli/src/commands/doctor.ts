import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { probeEngines, type ProbeResult } from '@approx-darts/engines';
import { addonStatus } from '@approx-darts/cuda-lut';
import { cpuNativeStatus } from '@approx-darts/cpu-native';
import { join } from 'node:path';
import { lutSearchPath, SHARED_BESIDE_INSTALL } from '@approx-darts/io';
import { dataSearchPath } from '@approx-darts/cifar10';
import { checkDataDirectory, checkLutDirectory, type ContentCheck } from '../doctor/content-checks';
import { CliError } from '../cli-error';

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
  /** The CIFAR-10 subset in the shared folder beside the repository (what the README's examples pass as --data). */
  readonly sharedSubset: Location;
}

/** The shared subset's directory (DESIGN.md section 6). */
export const SHARED_CIFAR_SUBSET = join(SHARED_BESIDE_INSTALL, 'datasets', 'cifar-10-partial');

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
  sharedSubset: (await locate([SHARED_CIFAR_SUBSET], checkDataDirectory))[0]!,
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
    `shared CIFAR-10 subset (pass it as --data ${r.sharedSubset.path}):`,
    ...renderLocation(r.sharedSubset),
  ].join('\n');

export const register = (program: Command): void => {
  program
    .command('doctor')
    .description('Report which engines, kernels, multiplier tables and datasets are usable here')
    .option('--json', 'print the report as JSON')
    .option('--lut-dir <dir>', 'extra directory to look for multiplier tables in')
    .option('--data <dir>', 'CIFAR-10 directory to check')
    .option('--engine <name>', 'exit 2 after the report when this engine (cpu, webgpu, tensorflow) cannot start here')
    .action(async (opts: { json?: boolean; lutDir?: string; data?: string; engine?: string }) => {
      const report = await diagnose({ ...(opts.lutDir ? { lutDir: opts.lutDir } : {}), ...(opts.data ? { data: opts.data } : {}) });
      const wanted = opts.engine === undefined ? undefined : report.engines.find((e) => e.name === opts.engine);
      if (opts.engine !== undefined && wanted === undefined)
        throw new CliError(`--engine: '${opts.engine}' is not one of ${report.engines.map((e) => e.name).join(', ')}`);
      process.stdout.write(`${opts.json ? JSON.stringify(report, null, 2) : render(report)}\n`);
      // A script that needs one engine (the GPU run, docs/GPU.md) learns from the exit code alone whether to go on.
      if (wanted !== undefined && !wanted.available) throw new CliError(`engine ${wanted.name} is not available: ${wanted.detail}`, 2);
    });
};
