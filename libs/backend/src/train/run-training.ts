import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import { PathReporter } from 'io-ts/PathReporter';
import { createRng, dataDifferences, epochBatches, evalAugmentation, stratifiedLimit, trainAugmentation, type Records } from '@approx-darts/cifar10';
import { learningRate } from '@approx-darts/schedule';
import { appendJsonl, configDifferences, loadCheckpoint, saveCheckpoint, showValue, truncateJsonl, writeJsonAtomic, type SavedTensor } from '@approx-darts/run-store';
import { buildEvalNetwork, countEvalParameters, type EvalNetwork } from '../eval-network/eval-network';
import { dropPathAt } from '../eval-network/drop-path';
import type { ApproxBinding } from '../ops/conv';
import { disposeParams, restoreParams, snapshotParams } from '../network/params';
import { createOptimizer, type Optimizer } from '../optim/optimizer';
import type { StepProfiler } from '../profile';
import { evaluateNetwork, trainEpoch, type PassProgress } from './epoch';
import { EpochMetrics, TrainCheckpointMeta, TrainRunConfig } from './train-config';

/** Files of a training run directory. */
export const RUN_FILES = { config: 'config.json', metrics: 'metrics.jsonl', checkpoint: 'checkpoint', summary: 'summary.json' } as const;

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
}

export interface TrainRunResult {
  readonly runDir: string;
  readonly parameters: number;
  readonly startEpoch: number;
  readonly metrics: readonly EpochMetrics[];
}

/** Checkpoint tensor names: parameters by logical name, optimizer slots keyed by logical variable names. */
const PARAM = 'param/';
const OPTIM = 'optim/';

/** Optimizer state is keyed by tfjs variable names, which carry a per-process store prefix: map to logical names. */
const logicalOptimizerKey = (key: string, prefix: string): string => key.replace(`/${prefix}`, '/');
const physicalOptimizerKey = (key: string, prefix: string, logical: ReadonlySet<string>): string => {
  const slash = key.indexOf('/');
  return slash >= 0 && logical.has(key.slice(slash + 1)) ? `${key.slice(0, slash + 1)}${prefix}${key.slice(slash + 1)}` : key;
};

const toSaved = async (t: tf.Tensor): Promise<SavedTensor> => {
  const dtype = t.dtype === 'int32' ? 'int32' : 'float32';
  const data = dtype === 'int32' ? Int32Array.from(await t.data()) : Float32Array.from(await t.data());
  return { shape: [...t.shape], dtype, data };
};

const snapshot = async (network: EvalNetwork, optimizer: Optimizer): Promise<Record<string, SavedTensor>> => {
  const tensors: Record<string, SavedTensor> = {};
  for (const [name, v] of Object.entries(await snapshotParams(network.store))) tensors[`${PARAM}${name}`] = { shape: v.shape, dtype: 'float32', data: v.data };
  const state = Object.entries(optimizer.state());
  const saved = await Promise.all(state.map(([, t]) => toSaved(t)));
  state.forEach(([key], i) => (tensors[`${OPTIM}${logicalOptimizerKey(key, network.store.prefix)}`] = saved[i] as SavedTensor));
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

const restoreOptimizer = async (network: EvalNetwork, optimizer: Optimizer, tensors: Readonly<Record<string, SavedTensor>>): Promise<void> => {
  const logical = new Set(network.store.entries.keys());
  const state: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(OPTIM)) state[physicalOptimizerKey(name.slice(OPTIM.length), network.store.prefix, logical)] = tf.tensor(t.data, [...t.shape], t.dtype);
  }
  try {
    await optimizer.restore(state);
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
 * How `config` differs from the run's recorded one, by field: the changes `config.history` records for this
 * resume (its last entry, at the checkpoint's epoch) are allowed, and the data is compared by its digests.
 */
const resumeDifferences = (recorded: TrainRunConfig, config: TrainRunConfig, epoch: number): readonly string[] => {
  const { history: _h, data: _recordedData, ...was } = TrainRunConfig.encode(recorded) as Record<string, unknown>;
  const { history: _history, data: _data, ...now } = TrainRunConfig.encode(config) as Record<string, unknown>;
  const last = config.history?.[config.history.length - 1];
  const allowed = new Set(last !== undefined && last.epoch === epoch ? last.changed.map((c) => c.path) : []);
  return [
    ...(recorded.data !== undefined && config.data !== undefined ? dataDifferences(recorded.data, config.data) : []),
    ...configDifferences(was, now)
      .filter((d) => !allowed.has(d.path))
      .map((d) => `${d.path} is ${showValue(d.was)} in the run, ${showValue(d.now)} now`),
  ];
};

/**
 * Trains the evaluation network of `config` in `runDir`: config.json, one metrics.jsonl line and one atomic
 * checkpoint per epoch (weights, BN statistics, recorded ranges, optimizer state, generator states). With `resume`
 * it continues from the checkpoint exactly where it stopped; without, an existing checkpoint is an error rather
 * than silently overwritten. A non-finite loss stops the run (NonFiniteLossError) and keeps the last good checkpoint.
 */
export const runTraining = async (o: TrainRunOptions): Promise<TrainRunResult> => {
  const { runDir, config, data } = o;
  const { plan } = config;
  await mkdir(runDir, { recursive: true });
  const existing = await loadTrainCheckpoint(runDir);
  if (existing !== undefined && !o.resume) {
    throw new Error(`${runDir} already holds a training checkpoint (epoch ${existing.meta.epoch}); pass --resume to continue it or choose another --out`);
  }
  if (existing !== undefined) {
    const diff = resumeDifferences(existing.meta.config, config, existing.meta.epoch);
    if (diff.length > 0) throw new Error(`cannot resume ${runDir}: the run was started with different settings: ${diff.join('; ')}`);
  }

  const network = buildEvalNetwork({ genotype: config.genotype, macro: config.macro, seed: config.seed, auxiliary: config.auxiliary, approx: o.binding, ...(o.edgeBindings !== undefined ? { edgeBindings: o.edgeBindings } : {}) });
  const optimizer = createOptimizer(plan.optimizer, network.weights);
  try {
    let dataRng = createRng(config.seed);
    let dropRng = createRng(config.seed ^ 0x5bd1e995);
    let startEpoch = 0;
    if (existing !== undefined) {
      restoreParams(network.store, paramsOfCheckpoint(existing.tensors));
      await restoreOptimizer(network, optimizer, existing.tensors);
      dataRng = createRng(existing.meta.rng.data);
      dropRng = createRng(existing.meta.rng.dropPath);
      startEpoch = existing.meta.epoch;
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
        epochBatches({ records: data.train, ...(trainIndices ? { indices: trainIndices } : {}), batchSize: plan.batchSize, rng: dataRng, shuffle: true, augmentation, labels: 'one-hot' }),
        { epoch, lr, dropPath, random: dropRng.nextFloat, auxiliaryWeight: plan.auxiliaryWeight, gradClip, ...(o.profiler !== undefined ? { profiler: o.profiler } : {}) },
        (p, n) => o.hooks?.onBatch?.('train', p, n),
      );
      o.hooks?.onPhaseStart?.('test', testImages);
      const test = await evaluateNetwork(
        network,
        epochBatches({ records: data.test, ...(testIndices ? { indices: testIndices } : {}), batchSize: plan.batchSize, rng: createRng(0), shuffle: false, augmentation: evalAugmentation, labels: 'one-hot' }),
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
    optimizer.dispose();
    disposeParams(network.store);
  }
};
