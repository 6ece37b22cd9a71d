import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@approx-darts/kernels';
import { disposeParams, snapshotParams } from '@approx-darts/networks';
import { dartsGenotypeModule, fromDartsStateDict, npyBytes, npzBytes, parseNpy, parseNpz, toDartsStateDict } from '@approx-darts/interop';
import { EVERY_OP, MACRO, relativeError, trainedNetwork } from './every-op-network';

// Debian's python3-torch; the check needs PyTorch and NumPy importable.
const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
const torchMissing = probe.status === 0 ? undefined : `${PYTHON} with torch and numpy is not available (${probe.error?.message ?? probe.stderr.trim().split('\n').at(-1)}); install python3-torch`;
if (torchMissing !== undefined) console.warn(`skipping the PyTorch half of darts-export.test.ts: ${torchMissing}`);

const SCRIPT = join(import.meta.dirname, 'darts_network.py');
const dir = mkdtempSync(join(tmpdir(), 'approx-darts-darts-export-'));
const images = tf.randomUniform([3, 32, 32, 3], -1, 1, 'float32', 13) as tf.Tensor4D;

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Our logits and the exported weights' logits in this repo's PyTorch NetworkCIFAR (test/interop/darts_network.py). */
const bothSides = async (padding: 'same' | 'symmetric'): Promise<{ readonly ours: Float32Array; readonly torch: Float32Array; readonly npz: Uint8Array }> => {
  const net = trainedNetwork(padding);
  const params = await snapshotParams(net.store);
  const ours = (await net.forward(images, 'eval').logits.data()) as Float32Array;
  disposeParams(net.store);
  const npz = npzBytes(toDartsStateDict(params, EVERY_OP, MACRO, false));
  const [w, g, x, out] = ['weights.npz', 'genotypes.py', 'images.npy', `logits-${padding}.npy`].map((f) => join(dir, f)) as [string, string, string, string];
  writeFileSync(w, npz);
  writeFileSync(g, dartsGenotypeModule(EVERY_OP, 'EXPORTED', 'fp32', () => false));
  const nchw = tf.transpose(images, [0, 3, 1, 2]);
  writeFileSync(x, npyBytes({ shape: nchw.shape, data: Float32Array.from(await nchw.data()) }));
  const run = spawnSync(PYTHON, [SCRIPT, w, g, 'EXPORTED', x, String(MACRO.channels), String(MACRO.cells), String(MACRO.classes), out], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`darts_network.py failed: ${run.stderr}`);
  return { ours, torch: parseNpy(new Uint8Array(readFileSync(out)), out).data as Float32Array, npz };
};

describe('DARTS-compatible export (state_dict names and layouts, genotypes.py)', () => {
  it.skipIf(torchMissing !== undefined)('loads with strict=True into a PyTorch NetworkCIFAR and gives our logits within 1e-5 relative (symmetric padding)', async () => {
    const { ours, torch } = await bothSides('symmetric');
    expect(torch.length).toBe(ours.length);
    expect(relativeError(torch, ours)).toBeLessThan(1e-5);
  });

  it.skipIf(torchMissing !== undefined)("differs from the PyTorch network when trained with TF 'same' padding (why --padding exists)", async () => {
    const { ours, torch } = await bothSides('same');
    expect(relativeError(torch, ours)).toBeGreaterThan(1e-4);
  });

  it('reads its own .npz back into the same parameters (the import direction)', async () => {
    const net = trainedNetwork('symmetric');
    const params = await snapshotParams(net.store);
    disposeParams(net.store);
    const back = fromDartsStateDict(parseNpz(npzBytes(toDartsStateDict(params, EVERY_OP, MACRO, false)), 'weights.npz'), EVERY_OP, MACRO, false, (n) => params[n]?.shape);
    const names = Object.keys(back);
    // Every weight and BN statistic; the recorded input ranges are ours alone.
    expect(names.length).toBe(Object.keys(params).filter((n) => !n.endsWith('.input_range')).length);
    for (const n of names) expect(Array.from(back[n]!.data)).toEqual(Array.from(params[n]!.data));
    const wrong = { ...MACRO, channels: 8 };
    expect(() => fromDartsStateDict(parseNpz(npzBytes(toDartsStateDict(params, EVERY_OP, MACRO, false)), 'w.npz'), EVERY_OP, wrong, false, () => [1])).toThrow(/stem\.0\.weight has shape \[12, 3, 3, 3\]/);
  });

  it('writes the genotype in DARTS 2-tuple form with the multipliers beside it', () => {
    const g = { ...EVERY_OP, normal: { ...EVERY_OP.normal, nodes: [[{ op: 'sep_conv_3x3', input: 0, multiplier: 'mul8u_NGR' }, { op: 'sep_conv_5x5', input: 1, multiplier: 'fp32' }], ...EVERY_OP.normal.nodes.slice(1)] } };
    const text = dartsGenotypeModule(g, 'G', 'mul8u_2AC', (_, op) => op.startsWith('sep') || op.startsWith('dil'));
    expect(text).toContain("G = Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_5x5', 1), ('dil_conv_3x3', 0)");
    expect(text).toContain("G_MULTIPLIERS = dict(normal=['mul8u_NGR', None, 'mul8u_2AC', 'mul8u_2AC', None, None, None, 'mul8u_2AC']");
  });
});
