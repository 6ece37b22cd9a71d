import { cellSlots, edgesOf, isApproximable, withMultiplier, type CellType, type OpSet, type SearchSpace } from '@approx-darts/search-space';
import { searchNetworkPlan, type Layer } from '@approx-darts/network-plan';
import { DEFAULT_ENERGY_MODEL, type EnergyModel } from './operation-costs';
import { layerEnergy } from './network-energy';

/** A multiplier of an energy-aware search and its power (mW); null power = exact float32. */
export interface MultiplierPower {
  readonly name: string;
  readonly powerMw: number | null;
}

/** The candidate energies of one cell type, summed over every cell of that type (they share their alphas). */
export interface CellTypeEnergy {
  /** `[edge][op]`: pJ of a non-approximable op on the edge (0 for approximable ops and `none`). */
  readonly exact: readonly (readonly number[])[];
  /** `[edge][k][m]`: pJ of the k-th approximable op (`columns[k]`) on the edge on multiplier m. */
  readonly approx: readonly (readonly (readonly number[])[])[];
  /** The op-set columns of the approximable ops (the k axis). */
  readonly columns: readonly number[];
}

/**
 * The search network's arithmetic as data for the expected energy (libs/energy/ENERGY.md's model): what every
 * candidate op of every edge costs, per cell type and multiplier, and what the rest of the network costs.
 * The mixed op's weighted sum is a search artifact (a derived network has no such layer) and is not charged.
 */
export interface SearchEnergyTable {
  readonly multipliers: readonly MultiplierPower[];
  /** pJ of everything outside the candidate ops: stem, preprocessing, node sums, classifier. */
  readonly basePj: number;
  readonly normal: CellTypeEnergy;
  readonly reduce: CellTypeEnergy;
  /** E_ref: the expected energy at uniform op weights with every approximable op on the exact 8-bit multiplier. */
  readonly referencePj: number;
}

/** Op weights `[edge][op]` and multiplier weights `[edge][k][m]` of both cell types (softmaxes). */
export interface SearchWeights {
  readonly ops: Readonly<Record<CellType, readonly (readonly number[])[]>>;
  readonly multipliers: Readonly<Record<CellType, readonly (readonly (readonly number[])[])[]>>;
}

// A placeholder table binds every approximable op so the plan marks the layers that multiply approximately.
const PLACEHOLDER = 'approximate';

const bound = (ops: OpSet): OpSet => ops.map((op) => (isApproximable(op) ? withMultiplier(PLACEHOLDER)(op) : op));

const zeros = (rows: number, cols: number): number[][] => Array.from({ length: rows }, () => Array.from({ length: cols }, () => 0));

const expected = (table: SearchEnergyTable, w: SearchWeights): number =>
  (['normal', 'reduce'] as const).reduce((sum, cell) => {
    const { exact, approx, columns } = table[cell];
    return exact.reduce((s, row, e) => {
      const p = w.ops[cell][e] ?? [];
      const exactPart = row.reduce((a, pj, o) => a + (p[o] ?? 0) * pj, 0);
      const approxPart = columns.reduce((a, o, k) => {
        const q = w.multipliers[cell][e]?.[k] ?? [];
        return a + (p[o] ?? 0) * (approx[e]?.[k] ?? []).reduce((b, pj, m) => b + (q[m] ?? 0) * pj, 0);
      }, 0);
      return s + exactPart + approxPart;
    }, sum);
  }, table.basePj);

/**
 * The expected arithmetic energy (pJ) of one inference of the search network under op and multiplier weights:
 * each edge runs op o with probability p_o and, if o multiplies, multiplier m with probability q_om. Linear in
 * each weight, so the tfjs side (libs/run/src/search/expected-energy.ts) is the same weighted sums.
 * @example expectedSearchEnergy(searchEnergyTable(DARTS_SPACE, [{ name: 'm', powerMw: 0.2 }]), uniformSearchWeights(searchEnergyTable(DARTS_SPACE, [{ name: 'm', powerMw: 0.2 }]))) > 0
 */
export const expectedSearchEnergy = (table: SearchEnergyTable, w: SearchWeights): number => expected(table, w);

/**
 * The energy table of a space's search network (`searchNetworkPlan`) over a multiplier set. Every layer of a
 * candidate op is charged at the op's multiplier when it multiplies approximately, in float32 otherwise.
 * @example searchEnergyTable(DARTS_SPACE, [{ name: 'mul8u_1JFF', powerMw: 0.391 }]).normal.approx.length === 14
 */
const candidateEnergies = (space: SearchSpace, multipliers: readonly MultiplierPower[], model: EnergyModel): Omit<SearchEnergyTable, 'referencePj'> => {
  const plan = searchNetworkPlan({ ...space, normal: bound(space.normal), reduce: bound(space.reduce) });
  const reductions = new Set(cellSlots(space.macro, { normal: space.topology.nodes, reduce: space.topology.nodes }).filter((s) => s.reduction).map((s) => s.index));
  const edges = edgesOf(space.topology).length;
  const build = (ops: OpSet) => {
    const columns = ops.flatMap((op, i) => (isApproximable(op) ? [i] : []));
    return { columns, exact: zeros(edges, ops.length), approx: Array.from({ length: edges }, () => zeros(columns.length, multipliers.length)) };
  };
  const cells = { normal: build(space.normal), reduce: build(space.reduce) };
  let basePj = 0;
  const charge = (layer: Layer, cell: CellType, edge: number, column: number): void => {
    const { exact, approx, columns } = cells[cell];
    const k = columns.indexOf(column);
    const exactRow = exact[edge];
    if (k < 0 && exactRow) exactRow[column] = (exactRow[column] ?? 0) + layerEnergy(layer, null, model);
    const approxRow = approx[edge]?.[k];
    if (k >= 0 && approxRow) multipliers.forEach((m, i) => (approxRow[i] = (approxRow[i] ?? 0) + layerEnergy(layer, m.powerMw, model)));
  };
  for (const layer of plan.layers) {
    if (layer.auxiliary) continue;
    // Candidate paths are `cells.<i>.edges.<e>.<op index>_<op name>...` (libs/network-plan/src/cell-wiring.ts).
    const at = /^cells\.(\d+)\.edges\.(\d+)\.(?:(\d+)_)?/.exec(layer.path);
    if (at === null) {
      basePj += layerEnergy(layer, null, model);
      continue;
    }
    const cell: CellType = reductions.has(Number(at[1])) ? 'reduce' : 'normal';
    // Anything else on an edge is the mixed op's weighted sum, which a derived network does not have.
    if (at[3] !== undefined) charge(layer, cell, Number(at[2]), Number(at[3]));
  }
  return { multipliers, basePj, normal: cells.normal, reduce: cells.reduce };
};

/**
 * Uniform weights over the ops and the multipliers of a table (the search's starting point, up to the alphas' noise).
 * @example uniformSearchWeights(searchEnergyTable(DARTS_SPACE, [{ name: 'a', powerMw: 0.2 }, { name: 'b', powerMw: 0.3 }])).multipliers.normal[0]?.[0]?.[1] === 0.5
 */
export const uniformSearchWeights = (table: Omit<SearchEnergyTable, 'referencePj'>): SearchWeights => {
  const ops = (cell: CellType) => table[cell].exact.map((row) => row.map(() => 1 / row.length));
  const mults = (cell: CellType) => table[cell].approx.map((row) => row.map((ms) => ms.map(() => 1 / ms.length)));
  return { ops: { normal: ops('normal'), reduce: ops('reduce') }, multipliers: { normal: mults('normal'), reduce: mults('reduce') } };
};

/**
 * The energy table of a space's search network (`searchNetworkPlan`) over a multiplier set. Every layer of a
 * candidate op is charged at the op's multiplier when it multiplies approximately, in float32 otherwise; E_ref is
 * the expected energy at uniform op weights with every approximable op on the exact 8-bit multiplier.
 * @example searchEnergyTable(DARTS_SPACE, [{ name: 'mul8u_1JFF', powerMw: 0.391 }]).normal.approx.length === 14
 */
export const searchEnergyTable = (space: SearchSpace, multipliers: readonly MultiplierPower[], model: EnergyModel = DEFAULT_ENERGY_MODEL): SearchEnergyTable => {
  const exact8 = candidateEnergies(space, [{ name: 'exact8', powerMw: model.exactPowerMw }], model);
  const referencePj = expected({ ...exact8, referencePj: 0 }, uniformSearchWeights(exact8));
  return { ...candidateEnergies(space, multipliers, model), referencePj };
};
