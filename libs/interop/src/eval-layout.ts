import * as E from 'fp-ts/Either';
import { cellSlots, type CellSlot, type Macro } from '@approx-darts/search-space';
import { edgeOperation, runOperations, type Genotype } from '@approx-darts/genotype';
import { evalCellWiring, evalNetworkPlan, type EvalCellWiring, type Layer, type Padding } from '@approx-darts/network-plan';

/** One cell of an evaluation network: its slot (channels, reduction) and its wiring (preprocessing, kept edges). */
export interface LayoutCell {
  readonly slot: CellSlot;
  readonly wiring: EvalCellWiring;
}

/**
 * The evaluation network of a genotype as the exporters walk it: the cells as libs/networks builds them (same
 * wiring, same parameter paths), and the plan's layers by path for each window's pads and shapes. Auxiliary head
 * and drop path are training-only and not part of it.
 */
export interface EvalLayout {
  readonly macro: Macro;
  readonly padding: Padding;
  readonly resolution: number;
  readonly cells: readonly LayoutCell[];
  readonly layer: (path: string) => Layer;
}

/** The layout of `genotype` on `macro` with `multiplier` (null = fp32) as the run's table; throws on a genotype it cannot build. */
export const evalLayout = (genotype: Genotype, macro: Macro, padding: Padding, multiplier: string | null, resolution = 32): EvalLayout => {
  const ops = runOperations(genotype, multiplier);
  if (E.isLeft(ops)) throw new Error(`genotype: ${ops.left.split('\n').join('; ')}`);
  const plan = evalNetworkPlan(genotype, { channels: macro.channels, cells: macro.cells, classes: macro.classes, stemMultiplier: macro.stemMultiplier, multiplier, resolution, padding });
  if (E.isLeft(plan)) throw new Error(`genotype: ${plan.left.message}`);
  const byPath = new Map(plan.right.layers.map((l) => [l.path, l]));
  const slots = cellSlots(macro, { normal: genotype.normal.concat.length, reduce: genotype.reduce.concat.length });
  const cells = slots.map((slot) => {
    const type = slot.reduction ? 'reduce' : 'normal';
    const wired = evalCellWiring(slot.reduction ? genotype.reduce : genotype.normal, slot, (edge) => {
      const op = ops.right(type, edge.op);
      return op === undefined ? undefined : edgeOperation(op, edge);
    });
    if (!wired.ok) throw new Error(`genotype: ${wired.problem}`);
    return { slot, wiring: wired.wiring };
  });
  const layer = (path: string): Layer => {
    const l = byPath.get(path);
    if (l === undefined) throw new Error(`the network plan has no layer ${path}`);
    return l;
  };
  return { macro, padding, resolution, cells, layer };
};
