import type { Command } from 'commander';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { decodeGenotypeJson, printPythonGenotype, runOperations, type Genotype } from '@approx-darts/genotype';
import { isFp32 } from '@approx-darts/multipliers';
import { DEFAULT_PADDING, type Padding } from '@approx-darts/network-plan';
import { isApproximable, type Macro } from '@approx-darts/search-space';
import { dartsGenotypeModule, encodeOnnxModel, exportOnnx, npzBytes, toDartsStateDict, type ParamValues } from '@approx-darts/interop';
import { initialEvalParams, loadTrainCheckpoint, paramsOfCheckpoint, RUN_CONFIG_FILE, SEARCH_FILES, StoredSearchRunConfig } from '@approx-darts/run';
import { CliError } from '../cli-error';
import { decodeFlags } from '../options/flags';
import { activateEngine } from '../options/engine-option';

const ExportFlags = t.intersection([
  t.type({ format: t.keyof({ onnx: null, darts: null }) }),
  t.partial({ out: t.string, multiplier: t.string }),
]);

/** What an export needs of a run: the network (genotype, size, padding), its weights, and how it quantizes. */
interface Exportable {
  readonly kind: 'training' | 'search';
  readonly genotype: Genotype;
  readonly macro: Macro;
  readonly padding: Padding;
  readonly params: ParamValues;
  readonly multiplier: string;
  readonly quantization: 'asymmetric' | 'symmetric';
  readonly auxiliary: boolean;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * A training run: its checkpoint's weights. A search run: the evaluation network of its derived genotype at the
 * search's size, freshly initialized (seeded by the search's seed), since a search trains no evaluation network.
 */
const loadRun = async (dir: string, arg: string): Promise<Exportable> => {
  const train = await loadTrainCheckpoint(dir).catch((e: unknown) => (/search run/.test(message(e)) ? undefined : Promise.reject(new CliError(`${arg}: ${message(e)}`))));
  if (train !== undefined) {
    const c = train.meta.config;
    return { kind: 'training', genotype: c.genotype, macro: c.macro, padding: c.padding ?? DEFAULT_PADDING, params: paramsOfCheckpoint(train.tensors), multiplier: c.multiplier, quantization: c.quantization, auxiliary: c.auxiliary };
  }
  const configText = await readFile(join(dir, RUN_CONFIG_FILE), 'utf8').catch(() => undefined);
  if (configText === undefined) throw new CliError(`${arg}: neither a training run (no checkpoint/) nor a search run (no ${RUN_CONFIG_FILE})`);
  const config = StoredSearchRunConfig.decode(JSON.parse(configText));
  if (E.isLeft(config)) throw new CliError(`${arg}: ${RUN_CONFIG_FILE} is not a search run config`);
  const genotypeText = await readFile(join(dir, SEARCH_FILES.genotype), 'utf8').catch(() => undefined);
  if (genotypeText === undefined) throw new CliError(`${arg}: the search has no ${SEARCH_FILES.genotype} yet (it writes one after its first epoch)`);
  const genotype = decodeGenotypeJson(JSON.parse(genotypeText));
  if (E.isLeft(genotype)) throw new CliError(`${arg}: ${SEARCH_FILES.genotype}: ${genotype.left}`);
  const { macro } = config.right.space;
  const padding = config.right.padding ?? DEFAULT_PADDING;
  await activateEngine('cpu');
  const params = await initialEvalParams(genotype.right, macro, config.right.seed, padding);
  return { kind: 'search', genotype: genotype.right, macro, padding, params, multiplier: config.right.multiplier, quantization: 'asymmetric', auxiliary: false };
};

const runExport = async (runDirArg: string, opts: Record<string, unknown>): Promise<void> => {
  const flags = decodeFlags(ExportFlags, opts);
  const dir = resolve(runDirArg);
  const run = await loadRun(dir, runDirArg);
  // A search's derived network is untrained: no recorded input ranges, so only its exact graph can be written.
  const wanted = flags.multiplier ?? (run.kind === 'search' ? 'fp32' : run.multiplier);
  const multiplier = isFp32(wanted) ? null : wanted;
  if (multiplier !== null && multiplier !== run.multiplier)
    throw new CliError(`--multiplier ${wanted}: the run ${run.kind === 'search' ? 'is a search, whose derived network is untrained; export it with --multiplier fp32' : `was trained on ${run.multiplier}; export it on that or on fp32`}`);
  const ops = runOperations(run.genotype, multiplier);
  if (E.isLeft(ops)) throw new CliError(`${runDirArg}: genotype: ${ops.left}`);
  try {
    if (flags.format === 'onnx') {
      const out = resolve(flags.out ?? join(dir, 'model.onnx'));
      const model = exportOnnx({
        genotype: run.genotype,
        macro: run.macro,
        padding: run.padding,
        params: run.params,
        multiplier,
        quantization: run.quantization,
        metadata: { 'approx_darts.genotype': printPythonGenotype(run.genotype), 'approx_darts.run': run.kind === 'search' ? 'search (untrained derived network)' : 'training' },
      });
      await writeFile(out, encodeOnnxModel(model));
      process.stdout.write(`${out}: ONNX opset 17, input images [N, 3, 32, 32] (NCHW), output logits; ${multiplier ?? 'fp32'}, ${run.padding} padding\n`);
      return;
    }
    const outDir = resolve(flags.out ?? join(dir, 'darts'));
    await mkdir(outDir, { recursive: true });
    const weights = join(outDir, 'weights.npz');
    const genotypes = join(outDir, 'genotypes.py');
    await writeFile(weights, npzBytes(toDartsStateDict(run.params, run.genotype, run.macro, run.auxiliary && Object.keys(run.params).some((n) => n.startsWith('auxiliary.')))));
    await writeFile(genotypes, dartsGenotypeModule(run.genotype, 'APPROX_DARTS', multiplier ?? 'fp32', (cell, name) => {
      const op = ops.right(cell, name);
      return op !== undefined && isApproximable(op);
    }));
    const note = run.padding === 'symmetric' ? '' : " (this run padded TF 'same': DARTS's code pads symmetrically, so its logits will differ; train with --padding symmetric for DARTS)";
    process.stdout.write(
      `${weights}: DARTS NetworkCIFAR state_dict (C=${run.macro.channels}, ${run.macro.cells} cells)${note}\n${genotypes}: APPROX_DARTS and APPROX_DARTS_MULTIPLIERS\n`,
    );
  } catch (e) {
    throw e instanceof CliError ? e : new CliError(`${runDirArg}: ${message(e)}`);
  }
};

export const register = (program: Command): void => {
  program
    .command('export')
    .description('Write a trained network (or a search\'s derived one) for other tools: ONNX, or DARTS-compatible PyTorch weights and genotype (docs/INTEROP.md)')
    .argument('<run-dir>', 'a run directory of `approx-darts train` or `approx-darts search`')
    .requiredOption('--format <format>', 'onnx (model.onnx) or darts (darts/weights.npz and darts/genotypes.py)')
    .option('--out <path>', 'the file (onnx) or directory (darts) to write (default: inside the run directory)')
    .option('--multiplier <name>', "onnx: fp32 writes the exact graph; default the run's multiplier (a search: fp32)")
    .action(runExport);
};
