import { createRng, epochBatches, evalAugmentation, stratifiedLimit, type Records } from '@approx-darts/cifar10';
import type { SavedTensor } from '@approx-darts/run-store';
import { buildEvalNetwork } from '@approx-darts/networks';
import { disposeParams, restoreParams } from '@approx-darts/networks';
import type { ApproxBinding } from '@approx-darts/kernels';
import { evaluateNetwork, type PassResult } from './epoch';
import type { PassProgress } from '../evaluate';
import { paramsOfCheckpoint } from './run-training';
import type { TrainRunConfig } from './train-config';

export interface CheckpointEvaluation {
  readonly config: TrainRunConfig;
  readonly tensors: Readonly<Record<string, SavedTensor>>;
  /** The multiplier to evaluate under (null = fp32), whatever the network was trained with. */
  readonly binding: ApproxBinding | null;
  /** The tables of the genotype's per-edge multipliers (`EvalNetworkOptions.edgeBindings`). */
  readonly edgeBindings?: ReadonlyMap<string, ApproxBinding | null>;
  readonly test: Records;
  /** Evaluate on a stratified subset of this many test images (seeded by the run's seed). */
  readonly limit?: number;
  readonly batchSize: number;
  readonly onBatch?: (progress: PassProgress, batchImages: number) => void;
}

/**
 * Test loss and accuracy of a trained network under any multiplier: the network is rebuilt with `binding` on its
 * sep/dil convolutions and the checkpoint's weights, BN statistics and recorded quantization ranges restored, so
 * the approximate convolutions quantize their inputs with the ranges seen in training.
 */
export const evaluateCheckpoint = async (o: CheckpointEvaluation): Promise<PassResult & { readonly images: number }> => {
  const { config } = o;
  const network = buildEvalNetwork({ genotype: config.genotype, macro: config.macro, seed: config.seed, auxiliary: config.auxiliary, padding: config.padding ?? 'same', approx: o.binding, ...(o.edgeBindings !== undefined ? { edgeBindings: o.edgeBindings } : {}) });
  try {
    restoreParams(network.store, paramsOfCheckpoint(o.tensors));
    const indices = o.limit !== undefined ? stratifiedLimit(o.test.labels, Math.min(o.limit, o.test.count), config.seed) : undefined;
    const batches = epochBatches({
      records: o.test,
      ...(indices ? { indices } : {}),
      batchSize: o.batchSize,
      rng: createRng(0),
      shuffle: false,
      augmentation: evalAugmentation,
      labels: 'int32',
    });
    return await evaluateNetwork(network, batches, o.onBatch);
  } finally {
    disposeParams(network.store);
  }
};
