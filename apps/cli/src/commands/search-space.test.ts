import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindMultiplier, DARTS_SPACE, extendOps, sepConv, withMacro } from '@approx-darts/search-space';
import { register } from './search';
import { runCommand } from './run-command.testing';

// `search --space` refusals: each is one line naming the flag, the file and the path inside it, before any
// data or engine is touched.
const luts = resolve(process.cwd(), '../shared/multipliers');

describe('approx-darts search --space refusals', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'search-space-flags-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const search = async (space: unknown, ...flags: string[]) => {
    const file = join(dir, 'space.json');
    await writeFile(file, JSON.stringify(space));
    const r = await runCommand(register, ['search', '--space', file, '--lut-dir', luts, '--data', 'synthetic', '--out', join(dir, 'out'), ...flags]);
    return { ...r, file };
  };

  it('an invalid space names the paths inside the file', async () => {
    const r = await search({ ...DARTS_SPACE, normal: [...DARTS_SPACE.normal, sepConv(4)], topology: { ...DARTS_SPACE.topology, edgesPerNode: 3 } });
    expect([r.exitCode, r.error]).toEqual([
      1,
      `--space ${r.file}: normal[8].kernel must be a positive odd integer, got 4; topology.edgesPerNode exceeds the 2 inputs of the first node, got 3`,
    ]);
  });

  it('a flag that makes the macro invalid is named with it', async () => {
    const r = await search(withMacro({ reductions: [2, 5] })(DARTS_SPACE), '--cells', '4');
    expect(r.error).toBe(`--space ${r.file} with --cells 4: macro.reductions[1] is out of range 0..3, got 5`);
  });

  it.skipIf(!existsSync(luts))('a table the space names and the search path lacks is refused at its path', async () => {
    const r = await search(bindMultiplier('mul8u_NOPE', { ops: ['sep_conv_5x5'], cells: 'reduce' })(extendOps([sepConv(7)])(DARTS_SPACE)));
    expect(r.exitCode).toBe(1);
    expect(r.error).toMatch(new RegExp(`^--space ${r.file}: reduce\\[5\\]\\.multiplier: unknown multiplier 'mul8u_NOPE'`));
    expect(r.error).not.toContain('\n');
  });

  it('without --space, --multiplier is required', async () => {
    const r = await runCommand(register, ['search', '--data', 'synthetic', '--out', join(dir, 'out')]);
    expect([r.exitCode, r.error]).toEqual([1, '--multiplier: required without --space (mul8u_XXX, a .bin path, or fp32)']);
  });
});
