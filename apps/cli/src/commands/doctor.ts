import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { probeEngines, probeGpuJs, type ProbeResult } from '@approx-darts/backend';
import { addonStatus } from '@approx-darts/cuda-lut';
import { lutSearchPath } from '@approx-darts/io';
import { dataSearchPath } from '@approx-darts/cifar10';

interface Location {
  readonly path: string;
  readonly exists: boolean;
}

interface DoctorReport {
  readonly node: string;
  readonly platform: string;
  readonly engines: readonly ProbeResult[];
  readonly gpujs: ProbeResult;
  readonly cudaAddon: ReturnType<typeof addonStatus>;
  readonly multiplierDirs: readonly Location[];
  readonly dataDirs: readonly Location[];
}

const locate = (paths: readonly string[]): readonly Location[] => paths.map((path) => ({ path, exists: existsSync(path) }));

/** Every probe reports its reason instead of throwing, so doctor always completes. */
export const diagnose = async (opts: { readonly lutDir?: string; readonly data?: string }): Promise<DoctorReport> => ({
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  engines: await probeEngines(),
  gpujs: await probeGpuJs(),
  cudaAddon: addonStatus(),
  multiplierDirs: locate(lutSearchPath({ lutDir: opts.lutDir })),
  dataDirs: locate(dataSearchPath({ data: opts.data })),
});

const mark = (ok: boolean): string => (ok ? 'ok  ' : 'no  ');

const render = (r: DoctorReport): string =>
  [
    `node       ${r.node} (${r.platform})`,
    'engines:',
    ...r.engines.map((e) => `  ${mark(e.available)}${e.name.padEnd(11)}${e.detail}`),
    `gpu.js     ${mark(r.gpujs.available)}${r.gpujs.detail}`,
    `cuda addon ${mark(r.cudaAddon.built && r.cudaAddon.devices > 0)}${r.cudaAddon.detail}`,
    'multiplier tables looked for in:',
    ...r.multiplierDirs.map((l) => `  ${mark(l.exists)}${l.path}`),
    'CIFAR-10 looked for in:',
    ...r.dataDirs.map((l) => `  ${mark(l.exists)}${l.path}`),
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
