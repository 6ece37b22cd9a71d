import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DARTS_V2, genotypeToJson } from '@approx-darts/genotype';
import { register } from './pareto';
import { runCommand } from './run-command.testing';

describe('approx-darts pareto', () => {
  it('creates --out when it does not exist (it failed with a raw ENOENT), and names one that cannot be made', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pareto-cli-'));
    // A finished energy-aware search run, as far as pareto reads one.
    const run = join(dir, 'run');
    await mkdir(run);
    await writeFile(join(run, 'run-config.json'), JSON.stringify({ energy: { weight: 1 } }));
    await writeFile(join(run, 'metrics.jsonl'), `${JSON.stringify({ valid: { accuracy: 0.5 } })}\n`);
    await writeFile(join(run, 'genotype.json'), JSON.stringify(genotypeToJson(DARTS_V2)));
    const out = join(dir, 'new', 'deeper');
    const r = await runCommand(register, ['pareto', run, '--out', out]);
    expect(r.error).toBeUndefined();
    expect(existsSync(join(out, 'pareto.md'))).toBe(true);
    expect(existsSync(join(out, 'pareto.svg'))).toBe(true);
    const blocked = await runCommand(register, ['pareto', run, '--out', join(run, 'genotype.json', 'x')]);
    expect(blocked.error).toMatch(new RegExp(`^--out ${join(run, 'genotype.json', 'x')}: cannot create it \\(`));
  });
});
