import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/Either';
import { decodeGenotypeJson, genotypeIssues, multiplierOf, runOperations } from '@approx-darts/sdk';
import { runCustomSpaceExample } from '../../examples/custom-space';

// Runs examples/custom-space.ts as a user would call it, and checks that every stage honoured the composed space.
const luts = resolve(process.cwd(), '../shared/multipliers');
const haveTables = existsSync(join(luts, 'mul8u_NGR.bin'));
if (!haveTables) console.warn(`skipped: the example binds mul8u_NGR, and ${luts} has no mul8u_NGR.bin`);

describe.skipIf(!haveTables)('examples/custom-space.ts', () => {
  it('searches the composed space and trains the network of its genotype', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'custom-space-'));
    const lines: string[] = [];
    const r = await runCustomSpaceExample({ outDir, lutDir: luts, log: (l) => lines.push(l) });
    // The space as composed: 5 nodes, no pools in the normal cell, sep_conv_7x7 in both, NGR on the 5x5 ops only.
    expect(r.space.topology.nodes).toBe(5);
    expect(r.space.normal.some((op) => op.kind === 'pool')).toBe(false);
    expect(r.space.reduce.some((op) => op.kind === 'pool')).toBe(true);
    for (const cell of ['normal', 'reduce'] as const) {
      expect(r.space[cell].map((op) => op.name)).toContain('sep_conv_7x7');
      expect(r.space[cell].filter((op) => multiplierOf(op) !== undefined).map((op) => op.name)).toEqual(['sep_conv_5x5', 'dil_conv_5x5']);
    }
    // The genotype: valid in the space, 5 nodes per cell, and it carries the op sets (the pattern is partial).
    expect(genotypeIssues(r.space)(r.genotype)).toEqual([]);
    expect(r.genotype.normal.nodes).toHaveLength(5);
    expect(r.genotype.ops).toEqual({ normal: r.space.normal, reduce: r.space.reduce });
    const ops = runOperations(r.genotype, 'mul8u_NGR');
    expect(E.isRight(ops) && ops.right('normal', 'sep_conv_3x3')?.kind).toBe('sep_conv');
    expect(E.isRight(ops) && multiplierOf(ops.right('normal', 'sep_conv_3x3')!)).toBeUndefined();
    expect(E.isRight(ops) && multiplierOf(ops.right('normal', 'sep_conv_5x5')!)).toBe('mul8u_NGR');
    // The run directories: genotype.json round-trips with its op sets; the training checkpoint's config holds them.
    const json = decodeGenotypeJson(JSON.parse(await readFile(join(outDir, 'search', 'genotype.json'), 'utf8')));
    expect(json).toEqual(E.right(r.genotype));
    const config = JSON.parse(await readFile(join(outDir, 'train', 'config.json'), 'utf8')) as { genotype: unknown; multiplier: string };
    expect(decodeGenotypeJson(config.genotype)).toEqual(E.right(r.genotype));
    expect(config.multiplier).toBe('mul8u_NGR');
    expect(r.trainedParameters).toBeGreaterThan(0);
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(r.energyUj).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(/^trained \d+ parameters: test accuracy \d+\.\d%, \d+\.\d+ uJ per inference$/);
  }, 600_000);
});
