import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import { PathReporter } from 'io-ts/PathReporter';
import { createRng, epochBatches, evalAugmentation, stratifiedLimit, trainAugmentation, type Records } from '@approx-darts/cifar10';
import { learningRate } from '@approx-darts/schedule';
import { appendJsonl, loadCheckpoint, saveCheckpoint, truncateJsonl, writeJsonAtomic, type SavedTensor } from '@approx-darts/run-store';
import { AUXILIARY_PREFIX, buildEvalNetwork, countEvalParameters, type EvalNetwork } from '@approx-darts/networks';
import { dropPathAt } from '@approx-darts/networks';
import type { ApproxBinding } from '@approx-darts/kernels';
import { assignParam, disposeParams, restoreParams, snapshotParams, type ParamStore } from '@approx-darts/networks';
import { bindOptimizer, disposeOptimizer, namedParams, restoreOptimizerState, savedOptimizerState, type BoundOptimizer } from '@approx-darts/optimizers';
import { logicalOptimizerKey } from '@approx-darts/optimizers';
import type { StepProfiler } from '../profile';
import { evaluateNetwork, trainEpoch } from './epoch';
import type { PassProgress } from '../evaluate';
import { EpochMetrics, TrainCheckpointMeta, TrainRunConfig } from './train-config';
import { unrecordedDifferences } from '../run-config/reconcile-config';
import { DEFAULT_PADDING } from '@approx-darts/network-plan';
import { CONFIG_FILES } from '../run-config/config-files';

/** Files of a training run directory. */
export const RUN_FILES = { config: CONFIG_FILES.train, metrics: 'metrics.jsonl', checkpoint: 'checkpoint', summary: 'summary.json' } as const;

export interface TrainData {
  readonly train: Records;
  readonly test: Records;
}

/** Progress hooks (the CLI draws bars with them); all optional. */
export interface TrainHooks {
  readonly onEpochStart?: (info: { readonly epoch: number; readonly epochs: number; readonly trainImages: number; readonly testImages: number }) => void;
  readonly onPhaseStart?: (phase: 'train' | 'test', images: number) => void;
  readonly onBatch?: (phase: 'train' | 'test', progress: PassProgress, batchImages: number) => void;
  readonly onEpochEnd?: (metrics: EpochMetrics) => void;
}

export interface TrainRunOptions {
  readonly runDir: string;
  readonly config: TrainRunConfig;
  readonly data: TrainData;
  /** The approximate binding of `config.multiplier` (null for fp32); the caller loads the table. */
  readonly binding: ApproxBinding | null;
  /** The tables of the genotype's per-edge multipliers (`EvalNetworkOptions.edgeBindings`). */
  readonly edgeBindings?: ReadonlyMap<string, ApproxBinding | null>;
  readonly resume: boolean;
  readonly hooks?: TrainHooks;
  /** Counts the kernels of every training step (`train --profile`). */
  readonly profiler?: StepProfiler;
  /**
   * Weights to start from instead of the seeded initialization (`train --init-from`, e.g. a DARTS-trained network):
   * every weight and BN statistic by logical name; recorded input ranges and the auxiliary head may be absent.
   * Ignored when the run resumes from its own checkpoint.
   */
  readonly initialParams?: Readonly<Record<string, { readonly shape: readonly number[]; readonly data: Float32Array }>>;
}

export interface TrainRunResult {
  readonly runDir: string;
  readonly parameters: number;
  readonly startEpoch: number;
  readonly metrics: readonly EpochMetrics[];
}

/** Sets every parameter but the recorded input ranges from `values` (which must hold them, at the network's shapes). */
const initializeFrom = (store: ParamStore, values: NonNullable<TrainRunOptions['initialParams']>): void => {
  for (const e of store.entries.values()) {
    const v = values[e.name];
    if (v === undefined) {
      // Ranges are ours alone, and a network may be published without its auxiliary head: both keep their init.
      if (e.name.endsWith('.input_range') || e.name.startsWith(AUXILIARY_PREFIX)) continue;
      throw new Error(`the initial weights have no ${e.name}`);
    }
    if (v.shape.length !== e.variable.shape.length || v.shape.some((d, i) => d !== e.variable.shape[i]))
      throw new Error(`the initial weights' ${e.name} has shape [${v.shape.join(', ')}], the network needs [${e.variable.shape.join(', ')}]`);
    assignParam(e, v.data);
  }
};

/** Checkpoint tensor names: parameters and optimizer slots, both by logical parameter name. */
const PARAM = 'param/';
const OPTIM = 'optim/';

const toSaved = async (t: tf.Tensor): Promise<SavedTensor> => {
  const dtype = t.dtype === 'int32' ? 'int32' : 'float32';
  const data = dtype === 'int32' ? Int32Array.from(await t.data()) : Float32Array.from(await t.data());
  return { shape: [...t.shape], dtype, data };
};

const snapshot = async (network: EvalNetwork, optimizer: BoundOptimizer): Promise<Record<string, SavedTensor>> => {
  const tensors: Record<string, SavedTensor> = {};
  for (const [name, v] of Object.entries(await snapshotParams(network.store))) tensors[`${PARAM}${name}`] = { shape: v.shape, dtype: 'float32', data: v.data };
  const state = Object.entries(savedOptimizerState(optimizer));
  const saved = await Promise.all(state.map(([, t]) => toSaved(t)));
  state.forEach(([key], i) => (tensors[`${OPTIM}${key}`] = saved[i] as SavedTensor));
  tf.dispose(state.map(([, t]) => t));
  return tensors;
};

/** Parameters of a checkpoint by logical name (what `restoreParams` takes). */
export const paramsOfCheckpoint = (tensors: Readonly<Record<string, SavedTensor>>): Record<string, { shape: readonly number[]; data: Float32Array }> => {
  const out: Record<string, { shape: readonly number[]; data: Float32Array }> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(PARAM) && t.data instanceof Float32Array) out[name.slice(PARAM.length)] = { shape: t.shape, data: t.data };
  }
  return out;
};

const restoreOptimizer = async (optimizer: BoundOptimizer, tensors: Readonly<Record<string, SavedTensor>>): Promise<void> => {
  const state: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(OPTIM)) state[logicalOptimizerKey(name.slice(OPTIM.length))] = tf.tensor(t.data, [...t.shape], t.dtype);
  }
  try {
    await restoreOptimizerState(optimizer, state);
  } finally {
    tf.dispose(Object.values(state));
  }
};

const decodeOrThrow = <A>(codec: { decode: (u: unknown) => E.Either<import('io-ts').Errors, A> }, u: unknown, what: string): A =>
  pipe(
    codec.decode(u),
    E.getOrElseW((errors) => {
      throw new Error(`${what}: ${PathReporter.report(E.left(errors)).join('; ')}`);
    }),
  );

/** Loads and checks the training checkpoint of a run directory (undefined when there is none). */
export const loadTrainCheckpoint = async (
  runDir: string,
): Promise<{ readonly meta: TrainCheckpointMeta; readonly tensors: Readonly<Record<string, SavedTensor>> } | undefined> => {
  const dir = join(runDir, RUN_FILES.checkpoint);
  const checkpoint = await loadCheckpoint(dir);
  if (checkpoint === undefined) return undefined;
  const kind = typeof checkpoint.meta === 'object' && checkpoint.meta !== null ? (checkpoint.meta as { kind?: unknown }).kind : undefined;
  // A search run's checkpoint is a common mix-up (eval or train --resume pointed at a search); say so in one line.
  if (kind !== 'approx-darts-train')
    throw new Error(
      kind === 'approx-darts-search'
        ? `${runDir} is a search run, not a training run; train its genotype first (approx-darts train --genotype ${join(runDir, 'genotype.json')} --out DIR)`
        : `${join(dir, 'checkpoint.json')}: not a training checkpoint (kind ${JSON.stringify(kind)})`,
    );
  return { meta: decodeOrThrow(TrainCheckpointMeta, checkpoint.meta, `${join(dir, 'checkpoint.json')}: not a training checkpoint`), tensors: checkpoint.tensors };
};

/**
 * Trains the evaluation network of `config` in `runDir`: config.json, one metrics.jsonl line and one atomic
 * checkpoint per epoch (weights, BN statistics, recorded ranges, optimizer state, generator states). With `resume`
 * it continues from the checkpoint exactly where it stopped; without, an existing checkpoint is an error rather
 * than silently overwritten. A non-finite loss stops the run (DivergedError) and keeps the last good checkpoint.
 */
export const runTraining = async (o: TrainRunOptions): Promise<TrainRunResult> => {
  const { runDir, data } = o;
  // A config built in code may leave the padding out: it is 'same', as a recorded one without it reads.
  const padding = o.config.padding ?? DEFAULT_PADDING;
  const config: TrainRunConfig = { ...o.config, padding };
  const { plan } = config;
  await mkdir(runDir, { recursive: true });
  const existing = await loadTrainCheckpoint(runDir);
  if (existing !== undefined && !o.resume) {
    throw new Error(`${runDir} already holds a training checkpoint (epoch ${existing.meta.epoch}); pass --resume to continue it or choose another --out`);
  }
  if (existing !== undefined) {
    const diff = unrecordedDifferences(TrainRunConfig.encode(existing.meta.config) as Record<string, unknown>, TrainRunConfig.encode(config) as Record<string, unknown>, existing.meta.epoch);
    if (diff.length > 0) throw new Error(`cannot resume ${runDir}: the run was started with different settings: ${diff.join('; ')}`);
  }

  const network = buildEvalNetwork({ genotype: config.genotype, macro: config.macro, seed: config.seed, auxiliary: config.auxiliary, padding, approx: o.binding, ...(o.edgeBindings !== undefined ? { edgeBindings: o.edgeBindings } : {}) });
  const optimizer = bindOptimizer(plan.optimizer, namedParams(network.store.entries, network.weights));
  try {
    let dataRng = createRng(config.seed);
    let dropRng = createRng(config.seed ^ 0x5bd1e995);
    let startEpoch = 0;
    if (existing !== undefined) {
      restoreParams(network.store, paramsOfCheckpoint(existing.tensors));
      await restoreOptimizer(optimizer, existing.tensors);
      dataRng = createRng(existing.meta.rng.data);
      dropRng = createRng(existing.meta.rng.dropPath);
      startEpoch = existing.meta.epoch;
    } else if (o.initialParams !== undefined) {
      initializeFrom(network.store, o.initialParams);
    }
    const metricsPath = join(runDir, RUN_FILES.metrics);
    // A crash after the metrics line but before the checkpoint leaves lines the resumed run will redo.
    const kept = await truncateJsonl(metricsPath, (r) => typeof r === 'object' && r !== null && (r as { epoch?: unknown }).epoch !== undefined && Number((r as { epoch: number }).epoch) < startEpoch);
    const metrics: EpochMetrics[] = kept.map((r) => decodeOrThrow(EpochMetrics, r, `${metricsPath}: bad record`));
    await writeJsonAtomic(join(runDir, RUN_FILES.config), TrainRunConfig.encode(config));

    const trainIndices = config.limit !== undefined ? stratifiedLimit(data.train.labels, Math.min(config.limit, data.train.count), config.seed) : undefined;
    const testLimit = config.testLimit ?? config.limit;
    const testIndices = testLimit !== undefined ? stratifiedLimit(data.test.labels, Math.min(testLimit, data.test.count), config.seed) : undefined;
    const trainImages = trainIndices?.length ?? data.train.count;
    const testImages = testIndices?.length ?? data.test.count;
    const augmentation = trainAugmentation({ cutout: plan.cutout > 0 }).map((a) => (a.kind === 'cutout' ? { ...a, size: plan.cutout } : a));
    const gradClip = plan.optimizer.gradClip;

    for (let epoch = startEpoch; epoch < plan.epochs; epoch++) {
      const lr = learningRate(plan.optimizer.lr, epoch, plan.epochs);
      const dropPath = dropPathAt(plan.dropPath, epoch, plan.epochs);
      o.hooks?.onEpochStart?.({ epoch, epochs: plan.epochs, trainImages, testImages });
      o.hooks?.onPhaseStart?.('train', trainImages);
      const train = await trainEpoch(
        network,
        optimizer,
        epochBatches({ records: data.train, ...(trainIndices ? { indices: trainIndices } : {}), batchSize: plan.batchSize, rng: dataRng, shuffle: true, augmentation, labels: 'int32' }),
        { epoch, lr, dropPath, random: dropRng.nextFloat, auxiliaryWeight: plan.auxiliaryWeight, gradClip, ...(o.profiler !== undefined ? { profiler: o.profiler } : {}) },
        (p, n) => o.hooks?.onBatch?.('train', p, n),
      );
      o.hooks?.onPhaseStart?.('test', testImages);
      const test = await evaluateNetwork(
        network,
        epochBatches({ records: data.test, ...(testIndices ? { indices: testIndices } : {}), batchSize: plan.batchSize, rng: createRng(0), shuffle: false, augmentation: evalAugmentation, labels: 'int32' }),
        (p, n) => o.hooks?.onBatch?.('test', p, n),
      );
      const record: EpochMetrics = {
        epoch,
        epochs: plan.epochs,
        lr,
        dropPath,
        trainLoss: train.loss,
        trainAccuracy: train.accuracy,
        testLoss: test.loss,
        testAccuracy: test.accuracy,
        maxGradNorm: train.maxGradNorm,
        seconds: train.seconds + test.seconds,
        imagesPerSecond: train.seconds > 0 ? train.images / train.seconds : 0,
      };
      await appendJsonl(metricsPath, record);
      const meta: TrainCheckpointMeta = { kind: 'approx-darts-train', epoch: epoch + 1, config, rng: { data: dataRng.state(), dropPath: dropRng.state() }, last: record };
      await saveCheckpoint(join(runDir, RUN_FILES.checkpoint), { meta: TrainCheckpointMeta.encode(meta), tensors: await snapshot(network, optimizer) });
      metrics.push(record);
      o.hooks?.onEpochEnd?.(record);
    }
    return { runDir, parameters: countEvalParameters(network), startEpoch, metrics };
  } finally {
    disposeOptimizer(optimizer);
    disposeParams(network.store);
  }
};
