/**
 * @approx-darts/sdk: the library entry point (README.md beside this package walks through it).
 *
 * Compose a search space from the DARTS one with the combinators (`withNodes`, `withoutOps`, `extendOps`,
 * `bindMultiplier`, ...) and the op constructors (`sepConv`, `dilConv`, `convOp`, `poolOp`); check it with
 * `decodeSearchSpace` or count it with `searchNetworkPlan` + `planTotals`; search it with `searchSpace`; train the
 * genotype it derives with `trainGenotype`; price one inference with `evalNetworkPlan` + `networkEnergy`.
 */

// Composing spaces, and everything about genotypes: the pure libraries, whole.
export * from '@approx-darts/search-space';
export * from '@approx-darts/genotype';

// Plans (schedules and optimizers) and their presets.
export {
  DARTS_SEARCH_PLAN,
  DARTS_TRAIN_PLAN,
  PAPER_SEARCH_PLAN,
  PAPER_TRAIN_PLAN,
  TINY_SEARCH_PLAN,
  TINY_TRAIN_PLAN,
  BiLevelPlan,
  TrainPlan,
  overrideSearchPlan,
  overrideTrainPlan,
  searchPlanPreset,
  trainPlanPreset,
} from '@approx-darts/schedule';

// Counting: the layers, parameters and MACs of a network before building it, and the energy of one inference.
export { evalNetworkPlan, planTotals, searchNetworkPlan, type NetworkPlan, type PlanTotals } from '@approx-darts/network-plan';
export { networkEnergy, type NetworkEnergy } from '@approx-darts/energy';
export { EXACT_MULTIPLIER, paperPowerMw } from '@approx-darts/multipliers';

// Data: CIFAR-10 from a directory, or a small generated stand-in.
export { findDataset, loadCifar10, syntheticCifar10, type LabelledSplits, type Records } from '@approx-darts/cifar10';

// Running: engines, a search of a space, training a genotype.
export { selectEngine, type EngineInfo, type EngineName } from '@approx-darts/engines';
export type { EpochRecord, SearchResult, TrainRunResult } from '@approx-darts/run';
export * from './bindings';
export * from './search';
export * from './train';
