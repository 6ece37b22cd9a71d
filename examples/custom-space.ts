// A custom search space, searched and trained from TypeScript (the library route; the CLI route is
// `approx-darts space init` + `approx-darts search --space FILE`). Run it with
//   npx tsx examples/custom-space.ts [OUT_DIR]
// It is tiny on purpose (a normal and a reduction cell, C = 2, a handful of generated images): it shows the calls,
// not accuracy; on 2 cores the search takes most of its half minute.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import {
  DARTS_SPACE,
  TINY_SEARCH_PLAN,
  TINY_TRAIN_PLAN,
  bindMultiplier,
  decodeSearchSpace,
  evalNetworkPlan,
  extendOps,
  formatGenotype,
  networkEnergy,
  paperPowerMw,
  planTotals,
  searchNetworkPlan,
  searchSpace,
  sepConv,
  syntheticCifar10,
  trainGenotype,
  withMacro,
  withNodes,
  withoutOps,
  type Genotype,
  type SearchSpace,
} from '@approx-darts/sdk';

/**
 * The space: DARTS with 5 intermediate nodes, no pooling in normal cells, a 7x7 separable convolution in both cell
 * types, and the approximate multiplier on the 5x5 ops only (the 3x3 and 7x7 ones stay exact).
 */
export const customSpace = (multiplier: string): SearchSpace =>
  pipe(
    DARTS_SPACE,
    withNodes(5),
    withoutOps(['max_pool_3x3', 'avg_pool_3x3'], 'normal'),
    extendOps([sepConv(7)]),
    bindMultiplier(multiplier, { ops: ['sep_conv_5x5', 'dil_conv_5x5'] }),
    // Two cells: a normal one, then a reduction (explicit, as the default positions of 2 cells are both reductions).
    withMacro({ cells: 2, channels: 2, reductions: [1] }),
  );

export interface ExampleResult {
  readonly space: SearchSpace;
  readonly genotype: Genotype;
  readonly searchParameters: number;
  readonly trainedParameters: number;
  readonly testAccuracy: number;
  readonly energyUj: number;
}

/** Composes the space, searches it for two tiny epochs, trains the derived network for one, and prices an inference. */
export const runCustomSpaceExample = async (o: { readonly outDir: string; readonly lutDir?: string; readonly log?: (line: string) => void }): Promise<ExampleResult> => {
  const log = o.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const multiplier = 'mul8u_NGR';
  // Every space crosses its codec before use: a bad composition is refused with the path of the problem.
  const space = pipe(
    decodeSearchSpace(customSpace(multiplier)),
    E.getOrElseW((problems) => {
      throw new Error(`invalid space: ${problems}`);
    }),
  );
  const searchParameters = planTotals(searchNetworkPlan(space)).params;
  log(`space: ${space.topology.nodes} nodes, normal ops ${space.normal.map((op) => op.name).join(' ')}; search network ${searchParameters} parameters`);

  const data = syntheticCifar10({ train: 64, test: 16, seed: 0 });
  const lut = o.lutDir === undefined ? {} : { lutDir: o.lutDir };
  const search = await searchSpace({
    space,
    train: data.train,
    outDir: join(o.outDir, 'search'),
    plan: { ...TINY_SEARCH_PLAN, batchSize: 4 },
    limit: 8,
    seed: 1,
    lut,
  });
  log(formatGenotype(search.genotype, space.topology.inputs));

  // The genotype carries the space's op sets (the 7x7 op, the approximation pattern), so it builds as searched.
  const macro = { cells: 3, channels: 4, stemMultiplier: 3, classes: 10, reductions: [1] };
  const trained = await trainGenotype({
    genotype: search.genotype,
    data,
    outDir: join(o.outDir, 'train'),
    macro,
    plan: { ...TINY_TRAIN_PLAN, epochs: 1, batchSize: 8 },
    limit: 8,
    testLimit: 8,
    auxiliary: false,
    lut,
  });
  const testAccuracy = trained.metrics.at(-1)?.testAccuracy ?? NaN;

  const plan = pipe(
    evalNetworkPlan(search.genotype, { ...macro, multiplier }),
    E.getOrElseW((e) => {
      throw new Error(e.message);
    }),
  );
  // The energy model scales the 8-bit multiplication by the multiplier's power (mul8u_NGR: 0.276 mW, libs/multipliers/src/paper.ts).
  const energy = networkEnergy(plan, paperPowerMw(multiplier) ?? null);
  log(`trained ${trained.parameters} parameters: test accuracy ${(100 * testAccuracy).toFixed(1)}%, ${(energy.energyPj / 1e6).toFixed(3)} uJ per inference`);
  return { space, genotype: search.genotype, searchParameters, trainedParameters: trained.parameters, testAccuracy, energyUj: energy.energyPj / 1e6 };
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2] ?? (await mkdtemp(join(tmpdir(), 'custom-space-')));
  await runCustomSpaceExample({ outDir });
  process.stdout.write(`runs in ${outDir}\n`);
  // Engines such as Dawn keep the event loop alive (libs/engine-webgpu/src/webgpu-setup.ts).
  process.exit(0);
}
