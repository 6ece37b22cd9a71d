import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { register as registerSearch } from './search';
import { register } from './compare';
import { runCommand } from './run-command.testing';
import { flatten, differingSettings } from '../report/run-compare';

describe('compare', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'compare-'));
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      for (const [name, seed, lr] of [['a', '1', '0.05'], ['b', '2', '0.1']] as const) {
        const r = await runCommand(registerSearch, ['search', '--preset', 'tiny', '--data', 'synthetic', '--multiplier', 'fp32', '--limit', '8', '--batch-size', '4', '--channels', '2', '--cells', '2', '--epochs', '1', '--seed', seed, '--lr', lr, '--out', join(dir, name)]);
        if (r.error !== undefined) throw new Error(r.error);
      }
    } finally {
      spy.mockRestore();
    }
  }, 180_000);

  it('tables the settings that differ and the results of each run', async () => {
    const r = await runCommand(register, ['compare', join(dir, 'a'), join(dir, 'b')]);
    expect(r.error).toBeUndefined();
    const [settings, results] = r.stdout.split('## Results');
    expect(settings).toMatch(/^\| seed \| 1 \| 2 \|$/m);
    expect(settings).toMatch(/^\| plan\.weights\.lr\.lr \| 0\.05 \| 0\.1 \|$/m);
    // Only what differs: the multiplier and the engine are the same in both.
    expect(settings).not.toMatch(/^\| multiplier \|/m);
    expect(settings).not.toMatch(/^\| engine \|/m);
    expect(results).toMatch(/^\| epochs \| 1 \| 1 \|$/m);
    expect(results).toMatch(/^\| final valid acc % \| \d+\.\d\d \| \d+\.\d\d \|$/m);
    const json = JSON.parse((await runCommand(register, ['compare', join(dir, 'a'), join(dir, 'b'), '--json'])).stdout) as { differing: { key: string }[] };
    expect(json.differing.map((d) => d.key)).toContain('seed');
  });

  it('names a directory that is not a run, and asks for two', async () => {
    expect((await runCommand(register, ['compare', dir, join(dir, 'a')])).error).toBe(`${dir}: not a run directory (no run-config.json of a search nor config.json of a training run)`);
    expect((await runCommand(register, ['compare', join(dir, 'a')])).error).toBe('compare: name at least two run directories');
  });

  it('flattens to dotted keys with arrays as leaves; a key one run lacks differs', () => {
    expect(flatten({ a: { b: 1, c: [1, 2] } })).toEqual({ 'a.b': '1', 'a.c': '[1,2]' });
    expect(differingSettings([{ a: 1, b: 2 }, { a: 1 }])).toEqual([{ key: 'b', values: ['2', '(absent)'] }]);
  });
});
