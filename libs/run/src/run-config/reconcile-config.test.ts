import { describe, expect, it } from 'vitest';
import { reconcileResume, type ResumeRules } from './reconcile-config';

const rules = (explicit: readonly string[]): ResumeRules => ({
  run: 'search',
  mutable: [
    ['plan.weights.lr', '--lr'],
    ['plan.weights.gradClip', '--grad-clip'],
  ],
  explicit,
  flags: [['plan.batchSize', '--batch-size']],
});
const recorded = { seed: 0, plan: { batchSize: 16, weights: { lr: { kind: 'cosine', lr: 0.1, floor: 0 }, gradClip: 5 } } };

describe('reconcileResume', () => {
  it('changes only the rates given explicitly, recording the change at the epoch, and keeps the others', () => {
    const requested = { ...recorded, plan: { ...recorded.plan, weights: { lr: { kind: 'cosine', lr: 0.05, floor: 0 }, gradClip: 1 } } };
    const r = reconcileResume('dir', recorded, requested, rules(['plan.weights.lr']), 3);
    expect(r.config).toEqual({ ...recorded, plan: { ...recorded.plan, weights: { lr: { kind: 'cosine', lr: 0.05, floor: 0 }, gradClip: 5 } }, history: [r.change] });
    expect(r.change).toEqual({ epoch: 3, changed: [{ path: 'plan.weights.lr.lr', was: 0.1, now: 0.05 }] });
  });

  it('carries the history over and adds nothing when nothing changes', () => {
    const history = [{ epoch: 1, changed: [{ path: 'plan.weights.lr.lr', was: 0.2, now: 0.1 }] }];
    const r = reconcileResume('dir', { ...recorded, history }, recorded, rules([]), 4);
    expect(r.change).toBeUndefined();
    expect(r.config).toEqual({ ...recorded, history });
  });

  it('refuses any other difference in one line, naming the field, its flag and both values', () => {
    expect(() => reconcileResume('dir', recorded, { ...recorded, seed: 2, plan: { ...recorded.plan, batchSize: 32 } }, rules([]), 1)).toThrow(
      "dir holds a search run with a different configuration: seed is 0 in the run, 2 now; plan.batchSize (--batch-size) is 16 in the run, 32 now; " +
        "resume with the run's flags and data (only --lr, --grad-clip may change on --resume), or choose another --out",
    );
  });
});
