import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { parseNpz } from '@approx-darts/interop';

// `approx-darts export` and `train --init-from` through the real command, on a 2-cell C = 2 network trained one
// epoch with symmetric padding on the generated stand-in data (a few seconds on the cpu engine).

const bin = resolve(process.cwd(), 'apps/cli/bin/approx-darts.mjs');
const cli = (args: readonly string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 240_000 });
const trainTiny = ['train', '--genotype', 'DARTS_V2', '--data', 'synthetic', '--cells', '2', '--channels', '2', '--epochs', '1', '--limit', '16', '--batch-size', '8', '--engine', 'cpu', '--no-auxiliary'];
const errorLines = (stderr: string): readonly string[] => stderr.split('\n').filter((l) => l.startsWith('approx-darts: '));

describe('approx-darts export', () => {
  it('writes an ONNX model ONNX Runtime runs and DARTS weights that train --init-from reads back; bad input gets one line', async () => {
    const run = await mkdtemp(join(tmpdir(), 'export-cli-'));
    const trained = cli([...trainTiny, '--padding', 'symmetric', '--multiplier', 'mul8u_NGR', '--out', run]);
    expect(trained.status, trained.stderr).toBe(0);

    const onnx = cli(['export', run, '--format', 'onnx']);
    expect(onnx.status, onnx.stderr).toBe(0);
    const session = await ort.InferenceSession.create(join(run, 'model.onnx'));
    const out = await session.run({ images: new ort.Tensor('float32', new Float32Array(2 * 3 * 32 * 32).fill(0.5), [2, 3, 32, 32]) });
    expect(out['logits']?.dims).toEqual([2, 10]);
    expect(Array.from(out['logits']!.data as Float32Array).every(Number.isFinite)).toBe(true);
    await session.release();

    const darts = cli(['export', run, '--format', 'darts']);
    expect(darts.status, darts.stderr).toBe(0);
    const weights = parseNpz(new Uint8Array(await readFile(join(run, 'darts', 'weights.npz'))), 'weights.npz');
    expect(weights['stem.0.weight']?.shape).toEqual([6, 3, 3, 3]);
    // 2 cells, both reductions (C 2 -> 4 -> 8), 4 nodes concatenated: 32 features, classifier [out, in] as PyTorch's Linear.
    expect(weights['classifier.weight']?.shape).toEqual([10, 32]);
    expect(await readFile(join(run, 'darts', 'genotypes.py'), 'utf8')).toMatch(/APPROX_DARTS_MULTIPLIERS = dict\(normal=\['mul8u_NGR'/);

    const next = await mkdtemp(join(tmpdir(), 'export-cli-init-'));
    const init = cli([...trainTiny, '--padding', 'symmetric', '--init-from', join(run, 'darts', 'weights.npz'), '--out', next]);
    expect(init.status, init.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(next, 'config.json'), 'utf8')).initFrom.file).toBe(join(run, 'darts', 'weights.npz'));

    const wrongSize = cli([...trainTiny, '--channels', '4', '--init-from', join(run, 'darts', 'weights.npz'), '--out', next]);
    expect(wrongSize.status).toBe(1);
    expect(errorLines(wrongSize.stderr)).toEqual([expect.stringMatching(/^approx-darts: --init-from .*weights\.npz: stem\.0\.weight has shape \[6, 3, 3, 3\], this network needs \[12, 3, 3, 3\]$/)]);
    const notARun = cli(['export', next + '-missing', '--format', 'onnx']);
    expect(notARun.status).toBe(1);
    expect(errorLines(notARun.stderr)).toHaveLength(1);
    const otherTable = cli(['export', run, '--format', 'onnx', '--multiplier', 'mul8u_2AC']);
    expect(errorLines(otherTable.stderr)).toEqual(['approx-darts: --multiplier mul8u_2AC: the run was trained on mul8u_NGR; export it on that or on fp32']);
  });
});
