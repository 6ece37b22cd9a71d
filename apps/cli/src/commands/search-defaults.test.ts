import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { SEARCH_PRESETS } from '@approx-darts/schedule';
import { describeSearchPreset, register } from './search';
import { runCommand } from './run-command.testing';

describe('search defaults', () => {
  it('the --preset help says what each preset runs, from the presets themselves', () => {
    const program = new Command('approx-darts');
    register(program);
    const help = program.commands.find((c) => c.name() === 'search')!.helpInformation().replace(/\s+/g, ' ');
    const { plan, macro, limit } = SEARCH_PRESETS.tiny;
    expect(describeSearchPreset('tiny')).toBe(`${macro.cells} cells, C=${macro.channels}, ${limit} images, ${plan.epochs} epochs (${plan.warmupEpochs} warm-up), batch ${plan.batchSize}`);
    for (const name of ['paper', 'darts', 'tiny'] as const) expect(help).toContain(`${name} (${describeSearchPreset(name)})`);
    expect(describeSearchPreset('paper')).toContain('all images, 50 epochs (15 warm-up)');
  });

  it('without --preset on the cpu engine it runs the tiny preset and says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'search-defaults-'));
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    try {
      const r = await runCommand(register, ['search', '--data', 'synthetic', '--multiplier', 'fp32', '--limit', '8', '--batch-size', '4', '--channels', '2', '--cells', '2', '--epochs', '1', '--out', join(dir, 'run')]);
      expect(r.error).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
    expect(stderr).toContain(`no --preset: on the cpu engine this runs the tiny preset (${describeSearchPreset('tiny')})`);
    const config = JSON.parse(await readFile(join(dir, 'run', 'run-config.json'), 'utf8')) as { plan: { epochs: number; batchSize: number } };
    expect(config.plan.batchSize).toBe(4);
    // The run logs its scalars for TensorBoard and its epochs as CSV.
    expect((await readFile(join(dir, 'run', 'metrics.csv'), 'utf8')).split('\n')[1]).toMatch(/^1,/);
  }, 180_000);
});
