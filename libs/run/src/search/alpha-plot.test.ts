import { describe, expect, it } from 'vitest';
import { DARTS_SPACE, extendOps, poolOp, sepConv, withNodes, withoutOps } from '@approx-darts/search-space';
import { zeroAlphas } from '@approx-darts/genotype';
import { alphaEvolutionSvg } from './alpha-plot';

describe('alpha evolution plot', () => {
  it('draws a panel per edge and a legend per cell type, each naming that cell type\'s op set in column order', () => {
    const space = withoutOps(['max_pool_3x3', 'avg_pool_3x3'], 'normal')(extendOps([sepConv(7)])(withNodes(5)(DARTS_SPACE)));
    const svg = alphaEvolutionSvg(space, [zeroAlphas(space), zeroAlphas(space)]);
    expect(svg.match(/<rect x="\d+" y="[\d.]+" width="150"/g)).toHaveLength(2 * 20);
    const names = [...svg.matchAll(/<text x="\d+" y="[\d.]+" font-size="11">([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(names).toEqual([...space.normal, ...space.reduce].map((op) => op.name));
    // One line per op per panel, coloured by column: the normal cell has 7 columns, the reduce cell 9.
    expect(svg.match(/<polyline/g)).toHaveLength(20 * 7 + 20 * 9);
  });

  it('dashes the lines of ops past the tenth colour', () => {
    const space = extendOps([sepConv(7), sepConv(9), poolOp('max', 5)])(DARTS_SPACE);
    const svg = alphaEvolutionSvg(space, [zeroAlphas(space), zeroAlphas(space)]);
    expect(svg.match(/<polyline[^>]*stroke-dasharray/g)).toHaveLength(2 * 14 * 1);
  });
});
