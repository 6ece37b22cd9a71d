import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, readJsonl, saveCheckpoint } from '@approx-darts/run-store';
import { DARTS_SPACE, type SearchSpace } from '@approx-darts/search-space';
import { DARTS_SEARCH_PLAN, type BiLevelPlan } from '@approx-darts/schedule';
import { decodeGenotypeJson } from '@approx-darts/genotype';
import { alphaParams, architectureStep, DivergedError, readBatchStats, runSearch, unrolledArchitectureGradients, weightParams, weightStep, type SearchOptions } from '@approx-darts/run';
import { bindOptimizer, disposeOptimizer, type BoundOptimizer } from '@approx-darts/optimizers';
import { selectEngine } from '@approx-darts/engines';
import { buildSearchNetwork, disposeParams, type SearchNetwork } from '@approx-darts/networks';
import { syntheticRecords } from '../../datasets/cifar10/src/test-support';
import { withoutSyncReads } from '@approx-darts/kernels/testing';

// Tiny on purpose (2 cells, C = 2, 8 images): these tests check the loop's bookkeeping, not learning.
const space: SearchSpace = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells: 2, channels: 2 } };
const plan: BiLevelPlan = { ...DARTS_SEARCH_PLAN, epochs: 2, warmupEpochs: 0, batchSize: 4 };
const records = syntheticRecords(8, 3);
const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'search-loop-'));
const base = (outDir: string): SearchOptions => ({ space, plan, seed: 5, records, outDir, resume: false });

beforeAll(async () => {
  // The cpu engine (tfjs-backend-cpu with the project's fast kernels), as the CLI runs it: about ten times faster.
  await selectEngine('cpu');
});

describe('bi-level search loop', () => {
  it('is reproducible and resumes to the same genotype and alphas as an uninterrupted run, reading only asynchronously', async () => {
    // Synchronous reads throw, as on the webgpu engine: steps, evaluation, alphas and checkpoints read asynchronously.
    const straight = await withoutSyncReads(async () => runSearch(base(await tmp())));
    const dir = await tmp();
    const first = await withoutSyncReads(() => runSearch({ ...base(dir), stopAfter: 1 }));
    expect(first.history.length).toBe(1);
    // Same seed, same engine: the first epoch matches the uninterrupted run's exactly.
    expect(first.history[0]?.alphas).toEqual(straight.history[0]?.alphas);
    const resumed = await withoutSyncReads(() => runSearch({ ...base(dir), resume: true }));
    expect(resumed.epochsRun).toBe(1);
    expect(resumed.alphas).toEqual(straight.alphas);
    expect(resumed.genotype).toEqual(straight.genotype);
    // Alphas moved away from their init during the search epochs.
    expect(straight.history[0]?.alphas).not.toEqual(straight.history[1]?.alphas);
    const metrics = await readJsonl(join(dir, 'metrics.jsonl'));
    expect(metrics.map((r) => (r as { epoch: number }).epoch)).toEqual([0, 1]);
    const genotype = decodeGenotypeJson(JSON.parse(await readFile(join(dir, 'genotype.json'), 'utf8')));
    expect(genotype._tag).toBe('Right');
    expect((await readFile(join(dir, 'alphas.svg'), 'utf8')).startsWith('<svg')).toBe(true);
  });

  it('resumes a checkpoint whose optimizer keys are old (tfjs variable names behind $net/) as one with logical keys', async () => {
    const dir = await tmp();
    await runSearch({ ...base(dir), stopAfter: 1 });
    const saved = await loadCheckpoint(join(dir, 'checkpoint'));
    if (saved === undefined) throw new Error('no checkpoint after epoch 1');
    // Checkpoints now hold the slots under logical names.
    const slots = Object.keys(saved.tensors).filter((k) => k.startsWith('opt.'));
    expect(slots).toEqual(expect.arrayContaining(['opt.weights/momentum/stem.conv', 'opt.architecture/adam.m/alphas.normal', 'opt.architecture/adam/step']));
    expect(slots.some((k) => k.includes('$net'))).toBe(false);
    // The same checkpoint as the code before logical keys wrote it: every slot under `<slot>/$net/<logical name>`.
    const legacy = Object.fromEntries(Object.entries(saved.tensors).map(([k, t]) => [k.replace(/^(opt\.\w+\/(?:momentum|adam\.m|adam\.v)\/)/, '$1$net/'), t] as const));
    expect(Object.keys(legacy).filter((k) => k.includes('/$net/')).length).toBe(slots.length - 1);
    const old = await tmp();
    await cp(dir, old, { recursive: true });
    await saveCheckpoint(join(old, 'checkpoint'), { meta: saved.meta, tensors: legacy });
    const fromLogical = await runSearch({ ...base(dir), resume: true });
    const fromLegacy = await runSearch({ ...base(old), resume: true });
    expect(fromLegacy.epochsRun).toBe(1);
    expect(fromLegacy.alphas).toEqual(fromLogical.alphas);
    expect(fromLegacy.genotype).toEqual(fromLogical.genotype);
  });

  it('stops on a non-finite loss with a clear message and keeps the last good checkpoint', async () => {
    const dir = await tmp();
    // Epoch 1 at a sane lr, epoch 2 at one that overflows float32 after its first update (batch 2: two steps).
    const lr = { kind: 'warmup', epochs: 1, from: 0.01, then: { kind: 'constant', lr: 1e38 } } as const;
    const diverging: BiLevelPlan = { ...plan, batchSize: 2, weights: { kind: 'sgd', lr, momentum: 0.9, weightDecay: 0 } };
    const run = runSearch({ ...base(dir), plan: diverging });
    await expect(run).rejects.toBeInstanceOf(DivergedError);
    await expect(run).rejects.toThrow(/diverged: .* loss is (NaN|-?Infinity) at epoch 2 .*checkpoint of epoch 1/);
    const checkpoint = await loadCheckpoint(join(dir, 'checkpoint'));
    expect((checkpoint?.meta as { epoch: number }).epoch).toBe(1);
    expect((await readJsonl(join(dir, 'metrics.jsonl'))).length).toBe(1);
  });

  it('disposes every tensor of a step and reads once per step: 50 steps leave the tensor count unchanged', async () => {
    const tinySpace: SearchSpace = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells: 1, channels: 2 } };
    const net = buildSearchNetwork(tinySpace, { seed: 1 });
    const wOpt = bindOptimizer(DARTS_SEARCH_PLAN.weights, weightParams(net));
    const aOpt = bindOptimizer(DARTS_SEARCH_PLAN.architecture, alphaParams(net));
    const batch = { x: tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D, y: tf.tensor1d([1, 2], 'int32') };
    let reads = 0;
    const read = tf.Tensor.prototype.data;
    tf.Tensor.prototype.data = function (this: tf.Tensor) {
      reads += 1;
      return read.call(this);
    } as typeof read;
    const step = async (): Promise<void> => {
      const [valid, train] = await readBatchStats([
        architectureStep(net, batch, aOpt, 3e-4, undefined),
        weightStep(net, batch, wOpt, 0.025),
      ]);
      expect(valid?.count === 2 && train?.count === 2 && Number.isFinite(valid.loss) && Number.isFinite(train.loss)).toBe(true);
    };
    try {
      await withoutSyncReads(step);
      const after1 = tf.memory().numTensors;
      for (let i = 1; i < 50; i++) await withoutSyncReads(step);
      expect(tf.memory().numTensors).toBe(after1);
      expect(reads).toBe(50);
    } finally {
      tf.Tensor.prototype.data = read;
    }
    disposeOptimizer(wOpt);
    disposeOptimizer(aOpt);
    tf.dispose([batch.x, batch.y]);
    disposeParams(net.store);
  });

  it("the second-order step unrolls with the weight optimizer's own update (momentum buffers included), leaving its state alone", async () => {
    const tinySpace: SearchSpace = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells: 1, channels: 2 } };
    const net = buildSearchNetwork(tinySpace, { seed: 4 });
    const wOpt = bindOptimizer(DARTS_SEARCH_PLAN.weights, weightParams(net));
    const batch = { x: tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 4) as tf.Tensor4D, y: tf.tensor1d([1, 7], 'int32') };
    // Two weight steps leave non-zero momentum buffers (SGD, momentum 0.9), one per weight under its logical name.
    for (let i = 0; i < 2; i++) await readBatchStats([weightStep(net, batch, wOpt, 0.025)]);
    expect(Object.keys(wOpt.state.slots).sort()).toEqual(Object.keys(wOpt.params).map((n) => `momentum/${n}`).sort());
    const largest = await Promise.all(Object.values(wOpt.state.slots).map(async (t) => Math.max(...Array.from(await t.data(), Math.abs))));
    expect(Math.max(...largest)).toBeGreaterThan(0);
    const alphaGrads = async (weights: BoundOptimizer): Promise<Float32Array> => {
      const { grads, stats } = unrolledArchitectureGradients(net, batch, { trainBatch: batch, lr: 0.025, weights });
      // One cell is a reduction cell: both alpha matrices, so the check does not hinge on which one has gradients.
      const out = Float32Array.from([...(await (grads['alphas.normal'] as tf.Tensor).data()), ...(await (grads['alphas.reduce'] as tf.Tensor).data())]);
      tf.dispose([...Object.values(grads), stats.loss, stats.correct]);
      return out;
    };
    const stateBefore = wOpt.state;
    const buffersBefore = await Promise.all(Object.values(stateBefore.slots).map((t) => t.data()));
    const before = tf.memory().numTensors;
    const withBuffers = await alphaGrads(wOpt);
    // Asking for the update neither applies it nor advances the optimizer, and leaves nothing behind.
    expect(tf.memory().numTensors).toBe(before);
    expect(wOpt.state).toBe(stateBefore);
    expect(await Promise.all(Object.values(wOpt.state.slots).map((t) => t.data()))).toEqual(buffersBefore);
    const fresh = wOpt.optimizer.init(wOpt.params);
    const zeroBuffers = await alphaGrads({ ...wOpt, state: fresh });
    const noMomentum = bindOptimizer({ kind: 'sgd', lr: DARTS_SEARCH_PLAN.weights.lr, momentum: 0, weightDecay: DARTS_SEARCH_PLAN.weights.weightDecay }, wOpt.params);
    // Zero buffers are no buffers: the buffers enter only as momentum * buffer.
    expect(await alphaGrads(noMomentum)).toEqual(zeroBuffers);
    // With the real buffers the unrolled weights move, so the architecture gradient changes.
    expect(withBuffers.some((g) => g !== 0)).toBe(true);
    expect(withBuffers).not.toEqual(zeroBuffers);
    expect(await alphaGrads(wOpt)).toEqual(withBuffers);
    // An Adam weight optimizer unrolls with its own (bias-corrected) update, not with SGD's.
    const adam = bindOptimizer({ kind: 'adam', lr: { kind: 'constant', lr: 0.025 }, beta1: 0.9, beta2: 0.999, weightDecay: 3e-4 }, wOpt.params);
    const withAdam = await alphaGrads(adam);
    expect(withAdam).not.toEqual(zeroBuffers);
    expect(withAdam.every(Number.isFinite)).toBe(true);
    tf.dispose(Object.values(fresh.slots));
    [wOpt, noMomentum, adam].forEach(disposeOptimizer);
    tf.dispose([batch.x, batch.y]);
    disposeParams(net.store);
  });

  it('the forward at the unrolled weights leaves the BN running statistics alone: they equal those of the other forwards replayed', async () => {
    const tinySpace: SearchSpace = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells: 1, channels: 2 } };
    const [net, twin] = [buildSearchNetwork(tinySpace, { seed: 6 }), buildSearchNetwork(tinySpace, { seed: 6 })];
    const wOpt = bindOptimizer(DARTS_SEARCH_PLAN.weights, weightParams(net));
    const train = { x: tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 6) as tf.Tensor4D, y: tf.tensor1d([1, 7], 'int32') };
    const valid = { x: tf.randomNormal([2, 8, 8, 3], 2, 3, 'float32', 7) as tf.Tensor4D, y: tf.tensor1d([3, 0], 'int32') };
    const stats = (n: SearchNetwork): Float32Array[] => [...n.store.entries.values()].filter((e) => e.role === 'state').map((e) => Float32Array.from(e.variable.dataSync()));
    // Every train-mode forward of the step, with the batch and the weights it ran on (host copies).
    const forwards: { readonly x: tf.Tensor4D; readonly weights: Float32Array[] }[] = [];
    const recording: SearchNetwork = {
      ...net,
      forward: (x, mode) => {
        if (mode === 'train') forwards.push({ x, weights: net.weights.map((w) => Float32Array.from(w.dataSync())) });
        return net.forward(x, mode);
      },
    };
    const { grads, stats: pending } = unrolledArchitectureGradients(recording, valid, { trainBatch: train, lr: 0.025, weights: wOpt });
    tf.dispose([...Object.values(grads), pending.loss, pending.correct]);
    // The unrolled step runs four forwards: train at w, valid at w', train at w + eps dw and at w - eps dw.
    expect(forwards.map((f) => (f.x === valid.x ? 'valid' : 'train'))).toEqual(['train', 'valid', 'train', 'train']);
    const replay = (which: readonly (typeof forwards)[number][]): Float32Array[] => {
      for (const e of twin.store.entries.values()) if (e.role === 'state') e.variable.assign(tf.tidy(() => (e.name.endsWith('running_var') ? tf.onesLike(e.variable) : tf.zerosLike(e.variable))));
      for (const f of which) {
        twin.weights.forEach((w, i) => w.assign(tf.tensor(f.weights[i] as Float32Array, w.shape)));
        tf.tidy(() => twin.forward(f.x, 'train'));
      }
      return stats(twin);
    };
    // What the first-order forwards (all but the one at w') leave is exactly what the second-order step left...
    expect(stats(net)).toEqual(replay(forwards.filter((f) => f.x !== valid.x)));
    // ...and the forward at w' would have moved them (so the comparison above can fail).
    expect(stats(net)).not.toEqual(replay(forwards));
    disposeOptimizer(wOpt);
    tf.dispose([train.x, train.y, valid.x, valid.y]);
    disposeParams(net.store);
    disposeParams(twin.store);
  });

  it('runs the second-order (unrolled) architecture step, leaving the weights where they were', async () => {
    const tinySpace: SearchSpace = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells: 1, channels: 2 } };
    const net = buildSearchNetwork(tinySpace, { seed: 2 });
    const aOpt = bindOptimizer(DARTS_SEARCH_PLAN.architecture, alphaParams(net));
    const wOpt = bindOptimizer(DARTS_SEARCH_PLAN.weights, weightParams(net));
    const batch = { x: tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 2) as tf.Tensor4D, y: tf.tensor1d([3, 4], 'int32') };
    const weightsBefore = net.weights.map((w) => Array.from(w.dataSync()));
    const alphasBefore = Array.from(net.alphas.normal.dataSync());
    const before = tf.memory().numTensors;
    const [stats] = await withoutSyncReads(async () =>
      readBatchStats([
        architectureStep(net, batch, aOpt, 3e-4, { trainBatch: batch, lr: 0.025, weights: wOpt }),
      ]),
    );
    expect(Number.isFinite(stats?.loss)).toBe(true);
    // Adam's slots are created lazily in neither case; the step adds none of its own temporaries.
    expect(tf.memory().numTensors).toBe(before);
    expect(net.weights.map((w) => Array.from(w.dataSync()))).toEqual(weightsBefore);
    expect(Array.from(net.alphas.normal.dataSync())).not.toEqual(alphasBefore);
    disposeOptimizer(aOpt);
    disposeOptimizer(wOpt);
    tf.dispose([batch.x, batch.y]);
    disposeParams(net.store);
  });
});
