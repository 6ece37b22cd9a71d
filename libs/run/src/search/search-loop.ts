import type { Padding } from '@approx-darts/network-plan';
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { createRng, epochBatches, evalAugmentation, searchSplit, trainAugmentation, type Batch, type Records, type Rng } from '@approx-darts/cifar10';
import { derive, genotypeToJson, softmax, withDerivedMultipliers, type Alphas, type Genotype, type MultiplierAlphas } from '@approx-darts/genotype';
import { expectedSearchEnergy, type SearchEnergyTable } from '@approx-darts/energy';
import { learningRate, type BiLevelPlan } from '@approx-darts/schedule';
import type { Operation, SearchSpace } from '@approx-darts/search-space';
import { appendJsonl, openEventWriter, readJsonl, truncateJsonl, writeFileAtomic, writeJsonAtomic, type EventWriter } from '@approx-darts/run-store';
import { buildSearchNetwork, disposeParams, type SearchNetwork } from '@approx-darts/networks';
import type { ApproxBinding } from '@approx-darts/kernels';
import { bindOptimizer, disposeOptimizer } from '@approx-darts/optimizers';
import { alphaEvolutionSpec, multiplierChoiceSpec, renderSvg } from '@approx-darts/plots';
import type { StepProfiler } from '../profile';
import { energyPenalty } from './energy-penalty';
import { alphaParams, architectureStep, readStepScalars, weightParams, weightStep, type BatchStats, type LabelledBatch, type PendingStats, type UnrolledContext } from './bilevel-step';
import { DivergedError, SetupError } from '../run-errors';
import { evaluate, type PassProgress } from '../evaluate';
import { restoreSearchCheckpoint, saveSearchCheckpoint } from './search-checkpoint';
import { EpochRecord, type MultiplierRecord } from './search-records';
import { expectedEnergyOf } from './expected-energy';
import { searchMetricsCsv } from './search-csv';

/** The files of a search run directory. */
export const SEARCH_FILES = {
  metrics: 'metrics.jsonl',
  /** The epoch records as a table (one row per epoch, rewritten after each). */
  metricsCsv: 'metrics.csv',
  /** TensorBoard event files (`events.out.tfevents.*`, one per process run) hold the per-step scalars. */
  events: 'events.out.tfevents',
  genotype: 'genotype.json',
  checkpoint: 'checkpoint',
  alphaPlot: 'alphas.svg',
  multiplierPlot: 'multipliers.svg',
} as const;

/**
 * An energy-aware search (docs/ENERGY-SEARCH.md): every approximable op mixes these multipliers (null binding =
 * fp32) by softmax(beta), and the architecture loss is L_val + energyWeight * E / E_ref over `energy`'s table.
 */
export interface MultiplierSearch {
  readonly names: readonly string[];
  readonly bindings: readonly (ApproxBinding | null)[];
  readonly energy: SearchEnergyTable;
  readonly energyWeight: number;
}

/** Progress of the current epoch, once per step. */
export interface StepEvent {
  readonly epoch: number;
  readonly step: number;
  readonly steps: number;
  /** Images processed by this step (weight batch plus architecture batch). */
  readonly images: number;
  readonly train: BatchStats;
  readonly valid: BatchStats | undefined;
  /** Steps since the run's start, counted from 1 (the x axis of the event files). */
  readonly globalStep: number;
  /** This step's scalars by TensorBoard tag (losses, accuracies, lr, gradient norms, alpha entropy, E / E_ref). */
  readonly scalars: Readonly<Record<string, number>>;
}

export interface SearchOptions {
  readonly space: SearchSpace;
  readonly plan: BiLevelPlan;
  readonly seed: number;
  /** The training set the two halves are drawn from; `indices` selects a subset (the --limit flag). */
  readonly records: Records;
  readonly indices?: Int32Array;
  readonly bindingOf?: (op: Operation) => ApproxBinding | null;
  /** Search the multiplier of every approximable op too (bindingOf is then not used). */
  readonly multipliers?: MultiplierSearch;
  /** Where the network's stride-2 windows pad (libs/network-plan/src/padding.ts); default 'same'. */
  readonly padding?: Padding;
  readonly outDir: string;
  /** Continue from the checkpoint in outDir (a missing one starts fresh). */
  readonly resume: boolean;
  /** Stop after this many completed epochs (of the plan's), as if killed after the checkpoint. */
  readonly stopAfter?: number;
  readonly onEpochStart?: (e: { readonly epoch: number; readonly epochs: number; readonly images: number; readonly warmup: boolean }) => void;
  readonly onStep?: (e: StepEvent) => void;
  /** The validation pass after each epoch: its start, then once per batch (which costs one read per batch). */
  readonly onValidStart?: (e: { readonly epoch: number; readonly images: number }) => void;
  readonly onValidBatch?: (p: PassProgress, batchImages: number) => void;
  readonly onEpoch?: (r: EpochRecord) => void;
  /** Counts the kernels of every bi-level step (`search --profile`). */
  readonly profiler?: StepProfiler;
}

export interface SearchResult {
  readonly genotype: Genotype;
  /** softmax(alpha) after the last completed epoch. */
  readonly alphas: Alphas;
  /** softmax(beta) after the last completed epoch (an energy-aware search). */
  readonly multiplierAlphas?: MultiplierAlphas;
  readonly history: readonly EpochRecord[];
  /** Epochs completed in this call (0 when the run was already finished). */
  readonly epochsRun: number;
}

/** The raw alphas of both cell types, read back asynchronously (once per epoch). */
const readAlphas = async (net: SearchNetwork): Promise<Alphas> => {
  const [normal, reduce] = await Promise.all([net.alphas.normal.array(), net.alphas.reduce.array()]);
  return { normal: normal as number[][], reduce: reduce as number[][] };
};

/** The raw betas (multiplier parameters) with their names, read back once per epoch. */
const readBetas = async (net: SearchNetwork, names: readonly string[]): Promise<MultiplierAlphas | undefined> => {
  if (net.betas === undefined) return undefined;
  const [normal, reduce] = await Promise.all([net.betas.normal.array(), net.betas.reduce.array()]);
  return { multipliers: names, normal: normal as number[][][], reduce: reduce as number[][][] };
};

const softmaxBetas = (b: MultiplierAlphas): MultiplierAlphas => ({
  multipliers: b.multipliers,
  normal: b.normal.map((e) => e.map((r) => [...softmax(r)])),
  reduce: b.reduce.map((e) => e.map((r) => [...softmax(r)])),
});

/** Derivation: DARTS's rule for the ops, then each kept approximable op its strongest multiplier. */
const deriveAll = (space: SearchSpace, raw: Alphas, betas: MultiplierAlphas | undefined): Genotype =>
  betas === undefined ? derive(space)(raw) : withDerivedMultipliers(space, betas)(derive(space)(raw));

const multiplierRecord = (table: SearchEnergyTable, alphas: Alphas, betas: MultiplierAlphas): MultiplierRecord => {
  const expectedEnergyPj = expectedSearchEnergy(table, { ops: alphas, multipliers: betas });
  return { alphas: betas, expectedEnergyPj, referenceEnergyPj: table.referencePj, energyRatio: expectedEnergyPj / table.referencePj };
};

const softmaxRows = (alphas: Alphas): Alphas => ({ normal: alphas.normal.map((r) => [...softmax(r)]), reduce: alphas.reduce.map((r) => [...softmax(r)]) });

/** Mean entropy (nats) of softmax(alpha) over the edges of one cell type, on the device: ln(ops) at the start, 0 once every edge has chosen. */
const alphaEntropy = (alpha: tf.Variable): tf.Scalar =>
  tf.tidy(() => {
    const logP = tf.logSoftmax(alpha as tf.Tensor2D);
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.exp(logP), logP), 1))) as tf.Scalar;
  });

const labelled = (b: Batch): LabelledBatch => ({ x: b.x, y: b.y as tf.Tensor1D });

const disposeBatch = (b: Batch | undefined): void => {
  if (b === undefined) return;
  b.x.dispose();
  b.y.dispose();
};

/**
 * Interprets a BiLevelPlan over a search space (docs/DARTS.md): the training records are split (stratified,
 * seeded) into a weight part and an architecture part; warm-up epochs train weights only; then every step
 * is an architecture step on an architecture batch (first or second order) and a weight step on a weight
 * batch, in the plan's step order. After each epoch it appends the epoch's record to metrics.jsonl, rewrites
 * genotype.json and the alpha plot, and saves an atomic checkpoint; `resume` continues from it and gives the
 * same result as an uninterrupted run. A non-finite loss stops the run with DivergedError.
 */
export const runSearch = async (o: SearchOptions): Promise<SearchResult> => {
  const { plan, space } = o;
  await mkdir(o.outDir, { recursive: true });
  const metricsPath = join(o.outDir, SEARCH_FILES.metrics);
  const checkpointDir = join(o.outDir, SEARCH_FILES.checkpoint);

  const all = o.indices ?? Int32Array.from({ length: o.records.count }, (_, i) => i);
  const split = searchSplit(
    Array.from(all, (i) => o.records.labels[i] ?? 0),
    { seed: o.seed, weightFraction: plan.weightFraction },
  );
  const weightIndices = Int32Array.from(split.weights, (k) => all[k] ?? 0);
  const archIndices = Int32Array.from(split.arch, (k) => all[k] ?? 0);
  if (weightIndices.length === 0 || archIndices.length === 0)
    throw new SetupError(`too few images (${all.length}) to split into weight and architecture parts by weightFraction ${plan.weightFraction}`);

  const mult = o.multipliers;
  const net = buildSearchNetwork(space, { seed: o.seed, ...(o.padding !== undefined ? { padding: o.padding } : {}), ...(mult !== undefined ? { multipliers: mult.bindings } : o.bindingOf ? { bindingOf: o.bindingOf } : {}) });
  const optimizers = {
    weights: bindOptimizer(plan.weights, weightParams(net)),
    architecture: bindOptimizer(plan.architecture, alphaParams(net)),
  };
  const penalty = mult === undefined || mult.energyWeight === 0 ? undefined : energyPenalty(net, mult.energy, mult.energyWeight);
  const energyOf = mult === undefined ? undefined : expectedEnergyOf(mult.energy);
  const energyRatio = (): tf.Scalar | undefined => {
    if (energyOf === undefined || mult === undefined || net.betas === undefined) return undefined;
    const { betas } = net;
    return tf.tidy(() =>
      tf.div(
        energyOf.fn({
          ops: { normal: tf.softmax(net.alphas.normal as tf.Tensor2D), reduce: tf.softmax(net.alphas.reduce as tf.Tensor2D) },
          multipliers: { normal: tf.softmax(betas.normal as tf.Tensor3D), reduce: tf.softmax(betas.reduce as tf.Tensor3D) },
        }),
        mult.energy.referencePj,
      ) as tf.Scalar,
    );
  };
  const stepsOf = (epoch: number): number => {
    const weightSteps = Math.ceil(weightIndices.length / plan.batchSize);
    return epoch < plan.warmupEpochs ? weightSteps : Math.min(weightSteps, Math.ceil(archIndices.length / plan.batchSize));
  };
  let events: EventWriter | undefined;
  let rngs: { weights: Rng; architecture: Rng } = { weights: createRng(o.seed * 2 + 1), architecture: createRng(o.seed * 2 + 2) };
  let start = 0;
  let history: EpochRecord[] = [];
  try {
    if (o.resume) {
      const meta = await restoreSearchCheckpoint(checkpointDir, { store: net.store, optimizers });
      if (meta !== undefined) {
        start = meta.epoch;
        rngs = { weights: createRng(meta.rng.weights), architecture: createRng(meta.rng.architecture) };
      }
      // Records of epochs after the checkpoint (killed between the metrics line and the checkpoint) are dropped.
      history = (await truncateJsonl(metricsPath, (r) => EpochRecord.is(r) && r.epoch < start)).filter(EpochRecord.is);
    } else {
      const existing = await readJsonl(metricsPath).catch(() => []);
      if (existing.length > 0) throw new Error(`${metricsPath} already holds a run; resume it or choose another output directory`);
    }

    const end = Math.min(plan.epochs, o.stopAfter ?? plan.epochs);
    if (start < end) events = await openEventWriter(o.outDir);
    let globalStep = Array.from({ length: start }, (_, e) => stepsOf(e)).reduce((a, b) => a + b, 0);
    for (let epoch = start; epoch < end; epoch++) {
      const warmup = epoch < plan.warmupEpochs;
      const lrW = learningRate(plan.weights.lr, epoch, plan.epochs);
      const lrA = learningRate(plan.architecture.lr, epoch, plan.epochs);
      const started = performance.now();
      const weightStream = epochBatches({ records: o.records, indices: weightIndices, batchSize: plan.batchSize, rng: rngs.weights, shuffle: true, augmentation: trainAugmentation({ cutout: false }), labels: 'int32' });
      const archStream = warmup
        ? undefined
        : epochBatches({ records: o.records, indices: archIndices, batchSize: plan.batchSize, rng: rngs.architecture, shuffle: true, augmentation: trainAugmentation({ cutout: false }), labels: 'int32' });
      const steps = stepsOf(epoch);
      o.onEpochStart?.({ epoch, epochs: plan.epochs, warmup, images: warmup ? weightIndices.length : Math.min(weightIndices.length, archIndices.length) * 2 });

      const wIt = weightStream[Symbol.asyncIterator]();
      const aIt = archStream?.[Symbol.asyncIterator]();
      const train = { loss: 0, correct: 0, images: 0 };
      let images = 0;
      try {
        for (let step = 0; step < steps; step++) {
          const wb = await wIt.next();
          const ab = aIt === undefined ? undefined : await aIt.next();
          if (wb.done === true || ab?.done === true) break;
          const weightBatch = wb.value;
          const archBatch = ab?.value;
          try {
            const bilevelStep = async () => {
              let trainPending: PendingStats | undefined;
              let validPending: PendingStats | undefined;
              for (const which of plan.stepOrder) {
                if (which === 'weights') trainPending = weightStep(net, labelled(weightBatch), optimizers.weights, lrW);
                else if (archBatch !== undefined) {
                  const unrolled: UnrolledContext | undefined = plan.order === 'second' ? { trainBatch: labelled(weightBatch), lr: lrW, weights: optimizers.weights } : undefined;
                  validPending = architectureStep(net, labelled(archBatch), optimizers.architecture, lrA, unrolled, penalty?.fn);
                }
              }
              // The step's one read, once both halves are queued, with the architecture's state after the step.
              const ratio = energyRatio();
              const read = await readStepScalars([trainPending, validPending], [alphaEntropy(net.alphas.normal), alphaEntropy(net.alphas.reduce), ...(ratio === undefined ? [] : [ratio])]);
              return { train: read.stats[0], valid: read.stats[1], extra: read.extra };
            };
            const { train: trainStats, valid: validStats, extra } = await (o.profiler === undefined ? bilevelStep() : o.profiler.around(bilevelStep));
            for (const [what, s] of [['training', trainStats], ['architecture', validStats]] as const)
              if (s !== undefined && !Number.isFinite(s.loss))
                throw new DivergedError(
                  `the search diverged: ${what} loss is ${s.loss} at epoch ${epoch + 1} step ${step + 1}; ` +
                    (epoch > 0 ? `the checkpoint of epoch ${epoch} in ${checkpointDir} is kept` : 'no epoch had finished, so there is no checkpoint') +
                    ' (try a lower learning rate)',
                  epoch,
                  step,
                );
            if (trainStats !== undefined) {
              train.loss += trainStats.loss * trainStats.count;
              train.correct += trainStats.correct;
              train.images += trainStats.count;
            }
            const stepImages = weightBatch.indices.length + (archBatch?.indices.length ?? 0);
            images += stepImages;
            globalStep += 1;
            const [entropyNormal = NaN, entropyReduce = NaN, ratio] = extra;
            const scalars: Record<string, number> = {
              'train/loss': trainStats?.loss ?? NaN,
              'train/accuracy': trainStats === undefined ? NaN : trainStats.correct / Math.max(trainStats.count, 1),
              'architecture/loss': validStats?.loss ?? NaN,
              'architecture/accuracy': validStats === undefined ? NaN : validStats.correct / Math.max(validStats.count, 1),
              'lr/weights': lrW,
              'lr/architecture': warmup ? 0 : lrA,
              'grad_norm/weights': trainStats?.gradNorm ?? NaN,
              'grad_norm/architecture': validStats?.gradNorm ?? NaN,
              'alpha_entropy/normal': entropyNormal,
              'alpha_entropy/reduce': entropyReduce,
              ...(ratio === undefined ? {} : { 'energy/ratio': ratio }),
            };
            await events?.scalars(globalStep, scalars);
            o.onStep?.({ epoch, step, steps, images: stepImages, train: trainStats ?? { loss: NaN, correct: 0, count: 0 }, valid: validStats, globalStep, scalars });
          } finally {
            disposeBatch(weightBatch);
            disposeBatch(archBatch);
          }
        }
      } finally {
        await wIt.return?.();
        await aIt?.return?.();
      }
      const seconds = (performance.now() - started) / 1000;
      o.onValidStart?.({ epoch, images: archIndices.length });
      const { seconds: _validSeconds, ...valid } = await evaluate(
        (x) => net.forward(x, 'eval'),
        epochBatches({ records: o.records, indices: archIndices, batchSize: plan.batchSize, rng: createRng(0), shuffle: false, augmentation: evalAugmentation, labels: 'int32' }),
        o.onValidBatch,
      );
      const raw = await readAlphas(net);
      const alphas = softmaxRows(raw);
      const rawBetas = await readBetas(net, mult?.names ?? []);
      const genotype = deriveAll(space, raw, rawBetas);
      const record: EpochRecord = {
        epoch,
        warmup,
        train: { loss: train.images > 0 ? train.loss / train.images : NaN, accuracy: train.images > 0 ? train.correct / train.images : NaN, images: train.images },
        valid,
        lr: { weights: lrW, architecture: warmup ? 0 : lrA },
        seconds,
        imagesPerSecond: images / Math.max(seconds, 1e-9),
        alphas,
        genotype: genotypeToJson(genotype),
        ...(mult !== undefined && rawBetas !== undefined ? { multipliers: multiplierRecord(mult.energy, alphas, softmaxBetas(rawBetas)) } : {}),
      };
      history = [...history, record];
      // Metrics first, checkpoint last: a kill in between re-runs the epoch and drops its record on resume.
      await appendJsonl(metricsPath, record);
      await writeJsonAtomic(join(o.outDir, SEARCH_FILES.genotype), record.genotype);
      await writeFileAtomic(join(o.outDir, SEARCH_FILES.metricsCsv), searchMetricsCsv(history));
      await events?.scalars(globalStep, { 'valid/loss': record.valid.loss, 'valid/accuracy': record.valid.accuracy, 'epoch/images_per_second': record.imagesPerSecond, 'epoch/seconds': record.seconds });
      await writeFileAtomic(join(o.outDir, SEARCH_FILES.alphaPlot), await renderSvg(alphaEvolutionSpec(space, history.map((r) => r.alphas))));
      if (record.multipliers !== undefined)
        await writeFileAtomic(join(o.outDir, SEARCH_FILES.multiplierPlot), await renderSvg(multiplierChoiceSpec(space, history.flatMap((r) => (r.multipliers === undefined ? [] : [r.multipliers])))));
      await saveSearchCheckpoint(checkpointDir, { store: net.store, optimizers }, { kind: 'approx-darts-search', epoch: epoch + 1, rng: { weights: rngs.weights.state(), architecture: rngs.architecture.state() } });
      o.onEpoch?.(record);
    }
    const raw = await readAlphas(net);
    const rawBetas = await readBetas(net, mult?.names ?? []);
    return {
      genotype: deriveAll(space, raw, rawBetas),
      alphas: softmaxRows(raw),
      ...(rawBetas !== undefined ? { multiplierAlphas: softmaxBetas(rawBetas) } : {}),
      history,
      epochsRun: Math.max(0, end - start),
    };
  } finally {
    penalty?.dispose();
    energyOf?.dispose();
    disposeOptimizer(optimizers.weights);
    disposeOptimizer(optimizers.architecture);
    disposeParams(net.store);
  }
};
