import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import * as E from 'fp-ts/Either';
import { DARTS_OPERATIONS, DARTS_SPACE, bindMultiplier, convOp, extendOps, sepConv, type SearchSpace } from '@approx-darts/search-space';
import { DARTS_V1, DARTS_V2, derive, zeroAlphas, type Genotype } from '@approx-darts/genotype';
import { evalNetworkPlan, planTotals, searchNetworkPlan, type NetworkPlan } from './index';

const build = (g: Genotype, channels: number, cells: number, more: { auxiliary?: boolean; multiplier?: string } = {}): NetworkPlan =>
  E.getOrElseW((e: { message: string }) => {
    throw new Error(e.message);
  })(evalNetworkPlan(g, { channels, cells, ...more }));

describe('search network plan', () => {
  const plan = searchNetworkPlan(DARTS_SPACE);

  it('has as many weights as DARTS model_search.py at C=16, 8 cells (1,930,618; alphas excluded)', () => {
    expect(planTotals(plan).params).toBe(1_930_618);
  });

  it('has every candidate op on every edge of every cell', () => {
    const sepFirstDepthwise = plan.layers.filter((l) => /_sep_conv_3x3\.op1\.depthwise$/.test(l.path));
    expect(sepFirstDepthwise).toHaveLength(8 * 14);
    expect(plan.layers.filter((l) => l.weighted)).toHaveLength(8 * 14);
  });

  it('keeps the search BN non-affine except the stem', () => {
    const affine = plan.layers.filter((l) => l.kind === 'bn' && l.affine).map((l) => l.path);
    expect(affine).toEqual(['stem.bn']);
  });

  it('marks only sep/dil convs with a multiplier as approximate', () => {
    const withMul: SearchSpace = { ...DARTS_SPACE, normal: DARTS_SPACE.normal.map((o) => (o.kind === 'sep_conv' || o.kind === 'dil_conv' ? { ...o, multiplier: 'mul8u_NGR' } : o)) };
    const approx = searchNetworkPlan(withMul).layers.filter((l) => l.approximate);
    expect(approx.length).toBeGreaterThan(0);
    expect(approx.every((l) => (l.kind === 'depthwise' || l.kind === 'pointwise') && /(sep|dil)_conv/.test(l.path) && l.multiplier === 'mul8u_NGR')).toBe(true);
    // Reduction cells use the reduce op set, which has no multiplier here.
    expect(approx.some((l) => l.path.startsWith('cells.2.') || l.path.startsWith('cells.5.'))).toBe(false);
    expect(searchNetworkPlan(DARTS_SPACE).layers.some((l) => l.approximate)).toBe(false);
  });

  it('halves the resolution at the reductions and ends at 8x8 before pooling', () => {
    const gap = plan.layers.find((l) => l.path === 'global_pooling');
    expect(gap?.input).toEqual([256, 8, 8]);
    expect(plan.layers.at(-1)?.params).toBe(256 * 10 + 10);
  });
});

describe('evaluation network plan', () => {
  it('DARTS_V2 at C=36, 20 cells has 3,349,342 parameters without the auxiliary head (DARTS reports 3.35 M)', () => {
    const totals = planTotals(build(DARTS_V2, 36, 20, { auxiliary: true }));
    expect(totals.params).toBe(3_349_342);
    expect(totals.paramsAuxiliary).toBeGreaterThan(0);
  });

  it('the auxiliary head changes nothing else and takes the 2/3 reduction output at 8x8', () => {
    const withAux = build(DARTS_V2, 36, 20, { auxiliary: true });
    const without = build(DARTS_V2, 36, 20);
    expect(planTotals(without).params).toBe(planTotals(withAux).params);
    expect(planTotals(without).paramsAuxiliary).toBe(0);
    const head = withAux.layers.filter((l) => l.auxiliary);
    expect(head[0]?.input).toEqual([4 * 4 * 36, 8, 8]);
    // conv 1x1 to 128, BN, conv 2x2 to 768, BN, linear: counted from the head's definition.
    const c = 4 * 4 * 36;
    expect(planTotals(withAux).paramsAuxiliary).toBe(c * 128 + 2 * 128 + 128 * 768 * 4 + 2 * 768 + 768 * 10 + 10);
  });

  it('approximates exactly the depthwise and pointwise convs of sep/dil ops, and only with a multiplier', () => {
    const plan = build(DARTS_V2, 36, 20, { multiplier: 'mul8u_NGR' });
    for (const l of plan.layers) expect(l.approximate, l.path).toBe(/(sep|dil)_conv_\dx\d(\.op\d)?\.(depthwise|pointwise)$/.test(l.path));
    expect(build(DARTS_V2, 36, 20).layers.some((l) => l.approximate)).toBe(false);
  });

  it('reports unknown operations instead of guessing', () => {
    const bad: Genotype = { ...DARTS_V2, normal: { ...DARTS_V2.normal, nodes: [[{ op: 'conv_7x1', input: 0 }, { op: 'sep_conv_3x3', input: 1 }], ...DARTS_V2.normal.nodes.slice(1)] } };
    const r = evalNetworkPlan(bad, { channels: 16, cells: 8 });
    expect(E.isLeft(r) && r.left.message).toMatch(/conv_7x1/);
  });

  // Counting by hand: a sep_conv on C channels adds 2 * (C*k*k + C*C + 2C) parameters wherever it is placed.
  test.prop([fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(3, 5)], { numRuns: 20 })(
    'parameters grow by the sep_conv formula when a skip becomes a sep_conv',
    (c4, node, k) => {
      const channels = 4 * c4;
      const normal = DARTS_V1.normal;
      const swap = (g: Genotype, op: string): Genotype => ({ ...g, normal: { ...normal, nodes: normal.nodes.map((n, i) => (i === node ? [{ op, input: 1 }, n[1]!] : n)) } });
      const base = planTotals(build(swap(DARTS_V1, 'skip_connect'), channels, 3)).params;
      const sep = planTotals(build(swap(DARTS_V1, `sep_conv_${k}x${k}`), channels, 3)).params;
      // cells=3 -> reductions at 1 and 2: only cell 0 is normal, at C channels.
      expect(sep - base).toBe(2 * (channels * k * k + channels * channels + 2 * channels));
    },
  );

  test.prop([fc.integer({ min: 1, max: 12 }), fc.integer({ min: 3, max: 12 })], { numRuns: 15 })('MACs of every conv = params x output pixels', (c, cells) => {
    for (const l of build(DARTS_V1, 2 * c, cells).layers)
      if (l.kind === 'conv' || l.kind === 'depthwise' || l.kind === 'pointwise') expect(l.macs).toBe(l.params * l.output[1] * l.output[2]);
  });

  it('knows every DARTS op', () => {
    for (const name of Object.keys(DARTS_OPERATIONS)) {
      const g: Genotype = { ...DARTS_V2, normal: { ...DARTS_V2.normal, nodes: DARTS_V2.normal.nodes.map((n) => n.map((e) => ({ ...e, op: name }))) } };
      expect(E.isRight(evalNetworkPlan(g, { channels: 8, cells: 5 })), name).toBe(true);
    }
  });
});

describe('ops beyond the DARTS eight, and per-op approximation', () => {
  // DARTS_V1 with the first edge of normal node `node` replaced by `op` (cells = 3: only cell 0 is normal, at C channels).
  const swap = (op: string, node = 0): Genotype => ({
    ...DARTS_V1,
    normal: { ...DARTS_V1.normal, nodes: DARTS_V1.normal.nodes.map((n, i) => (i === node ? [{ op, input: 1 }, n[1]!] : n)) },
  });
  const params = (g: Genotype, channels: number): number => planTotals(build(g, channels, 3)).params;

  test.prop([fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 4 })], { numRuns: 12, seed: 7 })(
    'a k x k ReLU-conv-BN adds C*C*k*k + 2C, a 7x7-and-up sep_conv its formula',
    (c2, half) => {
      const channels = 2 * c2;
      const k = 2 * half + 1;
      const base = params(swap('skip_connect'), channels);
      expect(params(swap(`conv_${k}x${k}`), channels) - base).toBe(channels * channels * k * k + 2 * channels);
      expect(params(swap(`sep_conv_${k + 4}x${k + 4}`), channels) - base).toBe(2 * (channels * (k + 4) ** 2 + channels * channels + 2 * channels));
    },
  );

  it('approximates the ops the genotype\'s op sets bind, on the run\'s table; names alone mean every approximable op', () => {
    const space = bindMultiplier('mul8u_2AC', { ops: ['sep_conv_5x5', 'conv_3x3'] })(extendOps([convOp(3), sepConv(7)])(DARTS_SPACE));
    // Alphas that keep sep_conv_5x5 on every edge of the normal cell and max_pool in the reduce cell.
    const alphas = zeroAlphas(space);
    const keep = (ops: SearchSpace['normal'], name: string) => alphas.normal.map(() => ops.map((o) => (o.name === name ? 1 : 0)));
    const g = derive(space)({ normal: keep(space.normal, 'sep_conv_5x5'), reduce: keep(space.reduce, 'conv_3x3') });
    expect(g.ops).toBeDefined();
    const plan = build(g, 8, 5, { multiplier: 'mul8u_NGR' });
    const approx = plan.layers.filter((l) => l.approximate);
    expect(approx.length).toBeGreaterThan(0);
    expect(approx.every((l) => /_(sep_conv_5x5\.op\d\.(depthwise|pointwise)|conv_3x3\.conv)$/.test(l.path) && l.multiplier === 'mul8u_NGR')).toBe(true);
    expect(build(g, 8, 5).layers.some((l) => l.approximate)).toBe(false);
    // Without its op sets the same names fall back to ApproxDARTS: every approximable op is approximate.
    const { ops: _ops, ...names } = g;
    expect(build(names, 8, 5, { multiplier: 'mul8u_NGR' }).layers.filter((l) => l.approximate).length).toBe(approx.length);
    const plain = extendOps([convOp(3)])(DARTS_SPACE);
    expect(derive(plain)(zeroAlphas(plain)).ops).toBeUndefined();
  });
});
