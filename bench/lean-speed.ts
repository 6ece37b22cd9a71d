// cpu images/s of one first-order bi-level search step before and after the lean-step work, in the same run: the
// current bench/lean-step.ts runs alternately in a checkout of the `before` commit and in this one, so both sides see
// the same machine load (the machine is shared; alternating keeps the comparison fair).
// Usage: npx tsx bench/lean-speed.ts <before checkout dir> [rounds]   (default 1 round)
// e.g.  git worktree add /tmp/before 3e8ba4e && (link node_modules as in /tmp/before) && npx tsx bench/lean-speed.ts /tmp/before
// Writes bench/results/lean-speed.json.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';

const beforeDir = resolve(process.argv[2] ?? '');
const rounds = Number(process.argv[3] ?? 1);
const afterDir = resolve('.');
const commitOf = (dir: string): string => execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD']).toString().trim();
// The same bench in both checkouts: the before commit already has the kernel profiler it reads.
copyFileSync(join(afterDir, 'bench/lean-step.ts'), join(beforeDir, 'bench/lean-step-current.ts'));

const CASES = [
  ['tiny', 'fp32'],
  ['tiny', 'mul8u_NGR'],
  ['paper', 'fp32'],
] as const;

interface Sample {
  readonly network: string;
  readonly multiplier: string;
  readonly side: 'before' | 'after';
  readonly imagesPerSecond: number;
  readonly kernels: number | null;
}

const samples: Sample[] = [];
for (let round = 0; round < rounds; round++)
  for (const [network, multiplier] of CASES)
    for (const [side, dir, script] of [
      ['before', beforeDir, 'bench/lean-step-current.ts'],
      ['after', afterDir, 'bench/lean-step.ts'],
    ] as const) {
      execFileSync('npx', ['tsx', script, `speed-${side}`, 'cpu', network, '1', multiplier], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
      const file = join(dir, `bench/results/lean-step-speed-${side}.json`);
      const out = JSON.parse(readFileSync(file, 'utf8')) as { results: { imagesPerSecond: number; kernels: number | null }[] };
      rmSync(file);
      const r = out.results[0] as { imagesPerSecond: number; kernels: number | null };
      samples.push({ network, multiplier, side, imagesPerSecond: r.imagesPerSecond, kernels: r.kernels });
      console.log(`${network} ${multiplier} ${side}: ${r.imagesPerSecond.toFixed(3)} img/s, ${r.kernels} kernels`);
    }

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const summary = CASES.map(([network, multiplier]) => {
  const of = (side: string) => samples.filter((s) => s.network === network && s.multiplier === multiplier && s.side === side);
  const [before, after] = [mean(of('before').map((s) => s.imagesPerSecond)), mean(of('after').map((s) => s.imagesPerSecond))];
  return { network, multiplier, beforeImagesPerSecond: before, afterImagesPerSecond: after, speedup: after / before, kernelsBefore: of('before')[0]?.kernels ?? null, kernelsAfter: of('after')[0]?.kernels ?? null };
});
console.table(summary);
writeFileSync(
  'bench/results/lean-speed.json',
  `${JSON.stringify(
    {
      bench: 'lean-speed',
      what: 'cpu images/s of one first-order bi-level search step (tiny: 3 cells, C = 4, batch 16, after a warm-up step; paper: 8 cells, C = 16, batch 8, first step), before and after, alternating in one run',
      command: `npx tsx bench/lean-speed.ts ${process.argv.slice(2).join(' ')}`,
      before: commitOf(beforeDir),
      after: commitOf(afterDir),
      rounds,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      note: 'the machine is shared by several engineers: absolute numbers are noisy; both sides alternate to see the same load',
      date: new Date().toISOString(),
      summary,
      samples,
    },
    null,
    2,
  )}\n`,
);
