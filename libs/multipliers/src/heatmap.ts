import { OPERANDS, type MultiplierTable } from './table';

/**
 * An RGBA image (256x256, row = activation a, column = weight b) of a table's signed error approx - a*b:
 * red where the table overshoots, blue where it undershoots, white where exact; color scaled by the worst error.
 * @example errorHeatmap(exactTable()).data[0] === 255
 */
export const errorHeatmap = (table: MultiplierTable): { readonly width: number; readonly height: number; readonly data: Uint8Array } => {
  const errors = Array.from(table.products, (p, i) => p - Math.floor(i / OPERANDS) * (i % OPERANDS));
  const worst = errors.reduce((m, e) => Math.max(m, Math.abs(e)), 0) || 1;
  const data = new Uint8Array(OPERANDS * OPERANDS * 4);
  errors.forEach((e, i) => {
    const fade = Math.round(255 * (1 - Math.abs(e) / worst));
    data.set(e > 0 ? [255, fade, fade, 255] : [fade, fade, 255, 255], 4 * i);
  });
  return { width: OPERANDS, height: OPERANDS, data };
};
