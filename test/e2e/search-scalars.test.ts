import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJsonl } from '@approx-darts/run-store';
import { DARTS_SPACE, type SearchSpace } from '@approx-darts/search-space';
import { DARTS_SEARCH_PLAN, type BiLevelPlan } from '@approx-darts/schedule';
import { EpochRecord, runSearch, SEARCH_CSV_COLUMNS, type StepEvent } from '@approx-darts/run';
import { selectEngine } from '@approx-darts/engines';
import { syntheticRecords } from '../../datasets/cifar10/src/test-support';
import { readEvents } from '../../libs/run-store/src/tf-events.testing';

// 2 cells, C = 2, 16 images, batch 4: one warm-up epoch (2 weight steps) then two search epochs of 2 steps each.
const space: SearchSpace = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells: 2, channels: 2 } };
const plan: BiLevelPlan = { ...DARTS_SEARCH_PLAN, epochs: 3, warmupEpochs: 1, batchSize: 4 };
const records = syntheticRecords(16, 3);

beforeAll(async () => {
  await selectEngine('cpu');
});

const scalarsOf = (e: { summary?: { value: readonly { tag: string; simpleValue: number }[] } }): Record<string, number> =>
  Object.fromEntries((e.summary?.value ?? []).map((v) => [v.tag, v.simpleValue]));

describe('search scalars: TensorBoard event files and metrics.csv', () => {
  it('writes every step\'s scalars, continues the step count on resume, and tables the epochs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'search-scalars-'));
    const steps: StepEvent[] = [];
    const valid: number[] = [];
    await runSearch({ space, plan, seed: 3, records, outDir: dir, resume: false, stopAfter: 2, onStep: (e) => steps.push(e), onValidBatch: (_, n) => valid.push(n) });
    // A second process run resumes at epoch 3 into a new event file (TensorBoard reads all files of a directory).
    await new Promise((r) => setTimeout(r, 1100));
    await runSearch({ space, plan, seed: 3, records, outDir: dir, resume: true, onStep: (e) => steps.push(e) });
    const files = (await readdir(dir)).filter((f) => f.startsWith('events.out.tfevents.')).sort();
    expect(files).toHaveLength(2);
    const events = (await Promise.all(files.map((f) => readEvents(join(dir, f))))).flat();
    expect(events.filter((e) => e.fileVersion === 'brain.Event:2')).toHaveLength(2);
    const stepEvents = events.filter((e) => 'train/loss' in scalarsOf(e));
    expect(stepEvents.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(steps.map((s) => s.globalStep)).toEqual([1, 2, 3, 4, 5, 6]);
    // The file holds what the hook saw (as float32).
    stepEvents.forEach((e, i) => {
      const s = scalarsOf(e);
      for (const [tag, v] of Object.entries(steps[i]!.scalars)) if (Number.isFinite(v)) expect(s[tag]).toBeCloseTo(v, 5);
    });
    const warm = scalarsOf(stepEvents[0]!);
    const search = scalarsOf(stepEvents[2]!);
    // Warm-up: no architecture step, so no architecture loss or gradient norm; the alphas sit at uniform (ln 8).
    expect(warm['architecture/loss']).toBeUndefined();
    expect(warm['alpha_entropy/normal']).toBeCloseTo(Math.log(8), 3);
    expect(warm['lr/architecture']).toBe(0);
    for (const tag of ['train/loss', 'train/accuracy', 'architecture/loss', 'architecture/accuracy', 'lr/weights', 'lr/architecture', 'grad_norm/weights', 'grad_norm/architecture', 'alpha_entropy/normal', 'alpha_entropy/reduce'])
      expect(Number.isFinite(search[tag])).toBe(true);
    expect(search['grad_norm/weights']).toBeGreaterThan(0);
    expect(search['alpha_entropy/normal']).toBeLessThanOrEqual(Math.log(8) + 1e-6);
    // Per epoch: the validation figures at the epoch's last step; the validation pass reported its batches (8 images each epoch).
    const epochEnds = events.filter((e) => 'valid/accuracy' in scalarsOf(e));
    expect(epochEnds.map((e) => e.step)).toEqual([2, 4, 6]);
    expect(valid.reduce((a, b) => a + b, 0)).toBe(2 * 8);

    const history = (await readJsonl(join(dir, 'metrics.jsonl'))).filter(EpochRecord.is);
    const csv = (await readFile(join(dir, 'metrics.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe(SEARCH_CSV_COLUMNS.join(','));
    expect(csv).toHaveLength(1 + 3);
    const rows = csv.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3']);
    expect(rows.map((r) => Number(r[5]))).toEqual(history.map((r) => r.valid.accuracy));
    expect(rows.map((r) => r[1])).toEqual(['true', 'false', 'false']);
  }, 240_000);
});
