import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { register } from './multipliers';
import { runCommand } from './run-command.testing';

const shared = resolve(process.cwd(), '../shared/multipliers');
const names = readdirSync(shared)
  .filter((f) => f.endsWith('.bin'))
  .map((f) => f.slice(0, -4));
const metadata = JSON.parse(await readFile(join(shared, 'multipliers.json'), 'utf8')) as {
  multipliers: { name: string; computed: Record<string, number>; library_published: { power_mW: number } }[];
};

describe('approx-darts multipliers', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multipliers-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('show --json works on every shared table and agrees with multipliers.json', async () => {
    expect(names).toHaveLength(40);
    for (const name of names) {
      const r = await runCommand(register, ['multipliers', 'show', name, '--json']);
      expect(r.error, name).toBeUndefined();
      const doc = JSON.parse(r.stdout) as Record<string, unknown>;
      const entry = metadata.multipliers.find((m) => m.name === name);
      expect(doc['power_mw'], name).toBe(entry?.library_published.power_mW);
      expect(doc['wce_abs'], name).toBe(entry?.computed['wce_abs']);
      expect(Math.abs((doc['mre_pct'] as number) - (entry?.computed['mre_pct'] ?? NaN)), name).toBeLessThan(1e-4);
      expect(doc['sha256_matches_metadata'], name).toBe(true);
      for (const key of ['ep_pct', 'mae_pct', 'wce_pct']) expect(typeof doc[key], `${name} ${key}`).toBe('number');
    }
  });

  it('list --json lists all 40, sorted by power', async () => {
    const r = await runCommand(register, ['multipliers', 'list', '--json', '--sort', 'power']);
    const rows = JSON.parse(r.stdout) as { name: string; power_mw: number }[];
    expect(rows).toHaveLength(40);
    expect(rows.map((x) => x.power_mw)).toEqual([...rows.map((x) => x.power_mw)].sort((a, b) => a - b));
    expect((await runCommand(register, ['multipliers', 'list', '--sort', 'speed'])).error).toMatch(/--sort: 'speed'/);
  });

  it('list marks a bad table and lists the rest; a --lut-dir that does not exist is refused', async () => {
    const luts = join(dir, 'one-bad');
    await mkdir(luts, { recursive: true });
    await writeFile(join(luts, 'mul8u_SHORT.bin'), new Uint8Array(1000));
    const r = await runCommand(register, ['multipliers', 'list', '--lut-dir', luts]);
    expect(r.stdout.trim().split('\n')).toHaveLength(1 + 41);
    expect(r.stdout).toMatch(/mul8u_SHORT .*BAD: multiplier table .*mul8u_SHORT\.bin: truncated, 1000 bytes/);
    expect(r.stdout).toMatch(/mul8u_NGR /);
    expect(r.error).toBe('1 of 41 tables cannot be used: mul8u_SHORT');
    const missing = await runCommand(register, ['multipliers', 'show', 'NGR', '--lut-dir', join(dir, 'typo')]);
    expect(missing.error).toBe(`--lut-dir ${join(dir, 'typo')}: no such directory (${join(dir, 'typo')})`);
  });

  it('an unknown name lists where it looked and suggests close names', async () => {
    const r = await runCommand(register, ['multipliers', 'show', 'mul8u_NRG']);
    expect(r.exitCode).toBe(1);
    expect(r.error).toContain(shared);
    expect(r.error).toMatch(/did you mean mul8u_NGR/);
  });

  it('a truncated file and a directory are refused, naming the path and 131072 bytes', async () => {
    const bad = join(dir, 'short.bin');
    await writeFile(bad, new Uint8Array(1000));
    const r = await runCommand(register, ['multipliers', 'show', bad]);
    expect(r.error).toContain(bad);
    expect(r.error).toMatch(/truncated, 1000 bytes, expected 131072/);
    const d = await runCommand(register, ['multipliers', 'show', `${dir}/`]);
    expect(d.error).toMatch(/not a regular file.*131072/);
  });

  it('--png and --svg write the error heat map with both axes and a colour bar, red over and blue under', async () => {
    const png = join(dir, 'ngr.png');
    const svg = join(dir, 'ngr.svg');
    const r = await runCommand(register, ['multipliers', 'show', 'NGR', '--png', png, '--svg', svg]);
    expect(r.error).toBeUndefined();
    const text = await readFile(svg, 'utf8');
    for (const label of ['activation operand a', 'weight operand b', 'approx − exact', 'mul8u_NGR']) expect(text).toContain(label);
    const img = PNG.sync.read(await readFile(png));
    expect(img.width).toBeGreaterThan(512);
    const pixels = Array.from({ length: img.width * img.height }, (_, i) => [img.data[4 * i]!, img.data[4 * i + 1]!, img.data[4 * i + 2]!] as const);
    // NGR both overshoots and undershoots: the diverging scale shows strong red and strong blue.
    expect(pixels.some(([red, green, blue]) => red > 150 && green < 80 && blue < 80)).toBe(true);
    expect(pixels.some(([red, green, blue]) => blue > 120 && red < 80 && green < 120)).toBe(true);
  });

  describe.skipIf(!hasCompiler())('import from a C model', () => {
    it('round-trips a truncated multiplier written in C against the same function in TypeScript', async () => {
      const c = join(dir, 'mul8u_TRN.c');
      await writeFile(
        c,
        `#include <stdint.h>\n#include <stdlib.h>\n/* drops the low 6 bits of the product, operands swapped-asymmetric on purpose */\n` +
          `uint16_t mul8u_TRN(uint8_t B, uint8_t A) {\n  uint16_t p = (uint16_t)B * (uint16_t)(A | 1);\n  return p & 0xFFC0;\n}\n`,
      );
      const out = join(dir, 'luts');
      const r = await runCommand(register, ['multipliers', 'import', c, '--name', 'mul8u_TRN', '--out', out]);
      expect(r.error).toBeUndefined();
      const bytes = await readFile(join(out, 'mul8u_TRN.bin'));
      expect(bytes.length).toBe(131072);
      for (let a = 0; a < 256; a++)
        for (let b = 0; b < 256; b++) {
          const expected = (a * (b | 1)) & 0xffc0;
          if (bytes.readUInt16LE(2 * (a * 256 + b)) !== expected) throw new Error(`(${a}, ${b}): got ${bytes.readUInt16LE(2 * (a * 256 + b))}, want ${expected}`);
        }
      const meta = JSON.parse(await readFile(join(out, 'multipliers.json'), 'utf8')) as { multipliers: { name: string; computed: { ep_pct: number } }[] };
      expect(meta.multipliers.map((m) => m.name)).toEqual(['mul8u_TRN']);
      // The imported table is then found by name through --lut-dir.
      const shown = await runCommand(register, ['multipliers', 'show', 'TRN', '--json', '--lut-dir', out]);
      expect((JSON.parse(shown.stdout) as { ep_pct: number }).ep_pct).toBe(meta.multipliers[0]?.computed.ep_pct);
      expect((JSON.parse(shown.stdout) as { commutative: boolean }).commutative).toBe(false);
    });

    it('refuses a model whose products exceed 16 bits, and one that aborts names the signal; nothing is written', async () => {
      const out = join(dir, 'refused');
      const wide = join(dir, 'wide.c');
      await writeFile(wide, '#include <stdint.h>\nuint32_t mul8u_WIDE(uint8_t a, uint8_t b) { return (uint32_t)a * b * 2u; }\n');
      const w = await runCommand(register, ['multipliers', 'import', wide, '--name', 'mul8u_WIDE', '--out', out]);
      expect(w.error).toMatch(/mul8u_WIDE\(128, 128\) = 32768|mul8u_WIDE\(\d+, \d+\) = \d+ does not fit the 16-bit table/);
      const aborting = join(dir, 'abort.c');
      await writeFile(aborting, '#include <stdint.h>\n#include <stdlib.h>\nuint16_t mul8u_ABRT(uint8_t a, uint8_t b) { if (a == 7) abort(); return a * b; }\n');
      const a = await runCommand(register, ['multipliers', 'import', aborting, '--name', 'mul8u_ABRT', '--out', out]);
      expect(a.error).toMatch(/the tabulating program failed \(killed by SIGABRT \(abort\)\)/);
      await expect(stat(out)).rejects.toThrow();
    });

    it('with a corrupt multipliers.json in --out writes neither file', async () => {
      const out = join(dir, 'corrupt-meta');
      await mkdir(out, { recursive: true });
      await writeFile(join(out, 'multipliers.json'), '{"multipliers": [');
      const c = join(dir, 'ok.c');
      await writeFile(c, '#include <stdint.h>\nuint16_t mul8u_OK(uint8_t a, uint8_t b) { return a * b; }\n');
      const r = await runCommand(register, ['multipliers', 'import', c, '--name', 'mul8u_OK', '--out', out]);
      expect(r.error).toMatch(/multiplier metadata .*multipliers\.json: not JSON/);
      expect(readdirSync(out)).toEqual(['multipliers.json']);
    });

    it('a file without the function, or a missing compiler, is a clear error', async () => {
      const c = join(dir, 'other.c');
      await writeFile(c, 'unsigned short mul8u_ABC(unsigned char a, unsigned char b) { return a * b; }\n');
      const r = await runCommand(register, ['multipliers', 'import', c, '--name', 'mul8u_XYZ', '--out', dir]);
      expect(r.error).toMatch(/no function 'mul8u_XYZ'.*defines mul8u_ABC/);
      const saved = process.env['CC'];
      process.env['CC'] = join(dir, 'no-such-cc');
      const m = await runCommand(register, ['multipliers', 'import', c, '--name', 'mul8u_ABC', '--out', dir]);
      if (saved === undefined) delete process.env['CC'];
      else process.env['CC'] = saved;
      expect(m.error).toMatch(/no C compiler/);
      await expect(stat(join(dir, 'mul8u_ABC.bin'))).rejects.toThrow();
    });
  });
});

function hasCompiler(): boolean {
  try {
    execFileSync(process.env['CC'] ?? 'cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn('skipped: C import tests need a C compiler (cc or $CC)');
    return false;
  }
}
