import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactTable, tableFromFunction, tableToBytes } from '@approx-darts/multipliers';
import { listMultiplierTables, loadMultiplierTable, lutSearchPath, MultiplierFileError, readMultiplierMetadata, SHARED_BESIDE_INSTALL } from './index';

describe('multiplier table files', () => {
  let dir = '';
  const noEnv = {};
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lut-'));
    await mkdir(join(dir, 'mine'));
    // A table shadowing a shared name: --lut-dir comes first on the search path.
    await writeFile(join(dir, 'mine', 'mul8u_NGR.bin'), tableToBytes(tableFromFunction('x', (a, b) => a + b)));
    await writeFile(join(dir, 'mine', 'mul8u_BAD.bin'), new Uint8Array(131070));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads by name, bare code or path from the shared tables', async () => {
    const byName = await loadMultiplierTable('mul8u_1JFF', { env: noEnv });
    expect(byName.name).toBe('mul8u_1JFF');
    expect(Buffer.from(byName.products.buffer).equals(Buffer.from(exactTable().products.buffer))).toBe(true);
    expect((await loadMultiplierTable('DM1', { env: noEnv })).name).toBe('mul8u_DM1');
    const byPath = await loadMultiplierTable(resolve(process.cwd(), '../shared/multipliers/mul8u_2AC.bin'));
    expect(byPath.name).toBe('mul8u_2AC');
  });

  it('--lut-dir wins over $APPROX_DARTS_LUT_DIR and the shared directory', async () => {
    const t = await loadMultiplierTable('mul8u_NGR', { lutDir: join(dir, 'mine'), env: noEnv });
    expect(t.products[3 * 256 + 4]).toBe(7);
    const viaEnv = await loadMultiplierTable('mul8u_NGR', { env: { APPROX_DARTS_LUT_DIR: join(dir, 'mine') } });
    expect(viaEnv.products[3 * 256 + 4]).toBe(7);
  });

  it('refuses a wrong size, a missing file and fp32 with errors naming the path', async () => {
    const bad = join(dir, 'mine', 'mul8u_BAD.bin');
    await expect(loadMultiplierTable('BAD', { lutDir: join(dir, 'mine'), env: noEnv })).rejects.toThrow(
      `multiplier table ${bad}: truncated, 131070 bytes, expected 131072 bytes`,
    );
    await expect(loadMultiplierTable(join(dir, 'nope.bin'))).rejects.toThrow(/nope\.bin: no such file \(expected a 131072-byte table\)/);
    await expect(loadMultiplierTable('fp32')).rejects.toBeInstanceOf(MultiplierFileError);
  });

  it('an unknown name lists the directories and suggests close names', async () => {
    const err = (await loadMultiplierTable('mul8u_DM2', { lutDir: join(dir, 'mine'), env: noEnv }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(MultiplierFileError);
    expect(err.message).toContain(join(dir, 'mine'));
    expect(err.message).toContain(resolve(process.cwd(), '../shared/multipliers'));
    expect(err.message).toMatch(/did you mean mul8u_DM1/);
    expect(err.message).toContain('pass --lut-dir DIR');
  });

  it('finds the shared tables beside the repository from any working directory', async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'elsewhere-'));
    expect(lutSearchPath({ env: noEnv, cwd: elsewhere })).toContain(resolve(SHARED_BESIDE_INSTALL, 'multipliers'));
    // From the repository root both rules name one directory, listed once.
    expect(lutSearchPath({ env: noEnv, cwd: process.cwd() })).toEqual([resolve(process.cwd(), '../shared/multipliers')]);
    if (existsSync(resolve(SHARED_BESIDE_INSTALL, 'multipliers/mul8u_NGR.bin'))) expect((await loadMultiplierTable('NGR', { env: noEnv, cwd: elsewhere })).name).toBe('mul8u_NGR');
    else console.log(`skipped the load: no shared tables at ${SHARED_BESIDE_INSTALL}`);
  });

  it('the registry lists every table once, with metadata where known', async () => {
    const { tables: all, problems } = await listMultiplierTables({ lutDir: join(dir, 'mine'), env: noEnv });
    expect(problems).toEqual([]);
    expect(all.filter((t) => t.name === 'mul8u_NGR')).toHaveLength(1);
    expect(all.find((t) => t.name === 'mul8u_NGR')?.path).toBe(join(dir, 'mine', 'mul8u_NGR.bin'));
    expect(all.find((t) => t.name === 'mul8u_DM1')?.entry?.library_published?.power_mW).toBe(0.195);
    expect(all.find((t) => t.name === 'mul8u_BAD')?.entry).toBeUndefined();
    expect(all).toHaveLength(41);
    expect((await readMultiplierMetadata({ env: noEnv })).multipliers).toHaveLength(40);
  });

  it('refuses a --lut-dir that does not exist instead of falling back to the other directories', async () => {
    const missing = join(dir, 'typo');
    await expect(loadMultiplierTable('mul8u_NGR', { lutDir: missing, env: noEnv })).rejects.toThrow(`--lut-dir ${missing}: no such directory`);
    await expect(listMultiplierTables({ lutDir: missing, env: noEnv })).rejects.toThrow(/no such directory/);
    await expect(readMultiplierMetadata({ lutDir: join(dir, 'mine', 'mul8u_NGR.bin'), env: noEnv })).rejects.toThrow(/not a directory/);
  });

  it('names the shape of a multipliers.json that is not metadata, in one line, and still lists the tables', async () => {
    const broken = join(dir, 'broken');
    await mkdir(broken);
    await writeFile(join(broken, 'multipliers.json'), '[1, 2]');
    await writeFile(join(broken, 'mul8u_X.bin'), tableToBytes(exactTable()));
    await expect(readMultiplierMetadata({ lutDir: broken, env: noEnv })).rejects.toThrow(
      `multiplier metadata ${join(broken, 'multipliers.json')}: is a JSON array; expected an object {"multipliers": [...]}`,
    );
    const listed = await listMultiplierTables({ lutDir: broken, env: noEnv });
    expect(listed.tables.map((t) => t.name)).toContain('mul8u_X');
    expect(listed.problems).toEqual([expect.stringMatching(/is a JSON array/)]);
    await writeFile(join(broken, 'multipliers.json'), JSON.stringify({ multipliers: [{ name: 1 }] }));
    const e = (await readMultiplierMetadata({ lutDir: broken, env: noEnv }).catch((x: unknown) => x)) as Error;
    expect(e.message).toMatch(/not valid metadata at multipliers\.0\.name/);
    expect(e.message.length).toBeLessThan(300);
  });
});
