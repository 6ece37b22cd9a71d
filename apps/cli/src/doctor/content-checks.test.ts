import { copyFile, mkdtemp, readdir, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDataDirectory, checkLutDirectory } from './content-checks';

const sharedLuts = resolve(process.cwd(), '../shared/multipliers');
const sharedData = resolve(process.cwd(), '../shared/datasets/cifar-10-partial');
const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'doctor-'));

describe('doctor content checks', () => {
  it('passes the shared tables and data', async () => {
    expect(await checkLutDirectory(sharedLuts)).toEqual({ ok: true, summary: '40 tables, multipliers.json lists 40', problems: [] });
    const data = await checkDataDirectory(sharedData);
    expect(data.problems).toEqual([]);
    expect(data.ok).toBe(true);
    expect(data.summary).toMatch(/^subset layout, 6102 images, manifest: 12 of 12 files match$/);
  });

  it('names a truncated table, a table whose bytes differ from the metadata, and a metadata file that is not metadata', async () => {
    const dir = await tmp();
    await copyFile(join(sharedLuts, 'multipliers.json'), join(dir, 'multipliers.json'));
    await copyFile(join(sharedLuts, 'mul8u_NGR.bin'), join(dir, 'mul8u_NGR.bin'));
    await copyFile(join(sharedLuts, 'mul8u_1JFF.bin'), join(dir, 'mul8u_DM1.bin'));
    await writeFile(join(dir, 'mul8u_2AC.bin'), new Uint8Array(1000));
    const r = await checkLutDirectory(dir);
    expect(r.ok).toBe(false);
    expect(r.problems).toContain(`${join(dir, 'mul8u_2AC.bin')}: 1000 bytes, expected 131072`);
    expect(r.problems).toContain(`${join(dir, 'mul8u_DM1.bin')}: sha256 differs from multipliers.json`);
    expect(r.problems.filter((p) => /lists mul8u_\w+\.bin, which is not there/.test(p))).toHaveLength(37);
    await writeFile(join(dir, 'multipliers.json'), '[]');
    expect((await checkLutDirectory(dir)).problems).toContain(`multiplier metadata ${join(dir, 'multipliers.json')}: is a JSON array; expected an object {"multipliers": [...]}`);
  });

  it('names a truncated batch file and its manifest mismatch', async () => {
    const dir = await tmp();
    for (const f of await readdir(sharedData)) await copyFile(join(sharedData, f), join(dir, f));
    await truncate(join(dir, 'data_batch_3.first1017.bin'), 100000);
    const r = await checkDataDirectory(dir);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      expect.stringMatching(/data_batch_3\.first1017\.bin: 100000 bytes is not a whole number of 3073-byte records/),
      `${join(dir, 'data_batch_3.first1017.bin')}: 100000 bytes, manifest says 3125241`,
    ]);
    expect((await checkDataDirectory(join(dir, 'nope'))).ok).toBe(false);
  });
});
