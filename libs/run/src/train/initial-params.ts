import type { Genotype } from '@approx-darts/genotype';
import type { Padding } from '@approx-darts/network-plan';
import type { Macro } from '@approx-darts/search-space';
import { buildEvalNetwork, disposeParams, snapshotParams } from '@approx-darts/networks';

/**
 * The parameters of a freshly initialized evaluation network (seeded as `train` seeds it): what a search run's
 * derived cell is exported with before anything trained it.
 */
export const initialEvalParams = async (genotype: Genotype, macro: Macro, seed: number, padding: Padding): Promise<Record<string, { readonly shape: number[]; readonly data: Float32Array }>> => {
  const network = buildEvalNetwork({ genotype, macro, seed, auxiliary: false, approx: null, padding });
  try {
    return await snapshotParams(network.store);
  } finally {
    disposeParams(network.store);
  }
};
