import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl } from '@approx-darts/run-store';

// The cpu engine recycles kernel outputs (libs/kernels/src/output-pool.ts). A recycled array handed out while
// something still read it would change numbers, so whole searches run with and without the pool
// (APPROX_DARTS_NO_POOL=1) must write the same metrics, losses and alphas to the last bit.

const shared = resolve(process.cwd(), '../shared/datasets/cifar-10-partial');
const luts = resolve(process.cwd(), '../shared/multipliers');
const haveData = existsSync(shared) && existsSync(join(luts, 'mul8u_NGR.bin'));
if (!haveData) console.warn(`skipped: the shared CIFAR-10 subset or tables are not at ${shared} / ${luts}`);

const bin = resolve(process.cwd(), 'apps/cli/bin/approx-darts.mjs');
const search = (multiplier: string, out: string, pool: boolean) =>
  spawnSync(
    'node',
    [bin, 'search', '--data', shared, '--multiplier', multiplier, '--lut-dir', luts, '--preset', 'tiny', '--cells', '3', '--channels', '4', '--limit', '32', '--batch-size', '8', '--epochs', '2', '--seed', '2', '--engine', 'cpu', '--out', out],
    { encoding: 'utf8', timeout: 300_000, env: { ...process.env, APPROX_DARTS_NO_POOL: pool ? '' : '1' } },
  );

/** A metrics record without its wall-clock fields. */
const numbers = (r: unknown): unknown => {
  const { seconds: _s, imagesPerSecond: _i, ...rest } = r as Record<string, unknown>;
  return rest;
};

describe.skipIf(!haveData)('the output pool changes no number of a search', () => {
  for (const multiplier of ['fp32', 'mul8u_NGR'])
    it(`${multiplier}: the same metrics with and without it`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'output-pool-'));
      const [pooled, fresh] = [join(dir, 'pooled'), join(dir, 'fresh')];
      for (const [out, pool] of [[pooled, true], [fresh, false]] as const) {
        const r = search(multiplier, out, pool);
        expect(r.stderr).not.toMatch(/approx-darts: /);
        expect(r.status).toBe(0);
      }
      const [a, b] = [await readJsonl(join(pooled, 'metrics.jsonl')), await readJsonl(join(fresh, 'metrics.jsonl'))];
      expect(a.length).toBe(2);
      expect(a.map(numbers)).toEqual(b.map(numbers));
    }, 300_000);
});
