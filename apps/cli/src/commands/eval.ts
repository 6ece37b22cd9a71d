import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as t from 'io-ts';
import { EXACT_MULTIPLIER, isFp32 } from '@approx-darts/multipliers';
import { CHECKPOINT_JSON, writeFileAtomic } from '@approx-darts/run-store';
import { evaluateCheckpoint, loadTrainCheckpoint, RUN_FILES } from '@approx-darts/run';
import { CliError } from '../cli-error';
import { DATA_OPTION, loadDataOption } from '../options/data-option';
import { createProgress } from '../progress';
import { decodeFlags, PositiveIntFromString } from '../options/flags';
import { activateEngine } from '../options/engine-option';
import { loadBinding, multiplierPower } from '../options/multiplier-option';
import { loadEdgeBindings } from '../options/multipliers-option';
import { inferenceEnergy } from '../inference-energy';

const EvalFlags = t.intersection([
  t.type({ checkpoint: t.string, multiplier: t.readonlyArray(t.string), engine: t.string, batchSize: PositiveIntFromString }),
  t.partial({ data: t.string, lutDir: t.string, limit: PositiveIntFromString, json: t.boolean }),
]);

/** One row of the table: accuracy and inference energy of the network under one multiplier. */
export interface EvalRow {
  readonly multiplier: string;
  readonly accuracy: number;
  readonly loss: number;
  readonly images: number;
  readonly energyUj: number;
  readonly savingVsFp32Pct: number;
  readonly savingVsExact8Pct: number;
}

/** `--checkpoint` names a run directory or its checkpoint/ folder; both resolve to the run directory. */
const runDirOf = async (path: string): Promise<string> => {
  const abs = resolve(path);
  const isCheckpointDir = await stat(join(abs, CHECKPOINT_JSON)).then(
    () => true,
    () => false,
  );
  return isCheckpointDir && basename(abs) === RUN_FILES.checkpoint ? dirname(abs) : abs;
};

const collect = (value: string, previous: readonly string[] | undefined): readonly string[] => [
  ...(previous ?? []),
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
];

/** The files eval writes into the run directory (the last evaluation's, replaced each time). */
export const EVAL_FILES = { markdown: 'eval.md', json: 'eval.json' } as const;

/**
 * A row's cells. Savings are against the fp32 and exact 8-bit baselines; fp32 saves nothing against either (it is
 * the costlier one) and exact 8-bit nothing against itself, so those cells read — rather than 0 or -105 %.
 */
const cellsOf = (r: EvalRow): readonly string[] => {
  const fp32 = isFp32(r.multiplier);
  return [
    r.multiplier,
    (100 * r.accuracy).toFixed(2),
    r.energyUj.toFixed(3),
    fp32 ? '—' : r.savingVsFp32Pct.toFixed(2),
    fp32 || r.multiplier === EXACT_MULTIPLIER ? '—' : r.savingVsExact8Pct.toFixed(2),
  ];
};

const HEADER = ['multiplier', 'accuracy %', 'energy uJ', 'saving vs fp32 %', 'saving vs 8-bit exact %'] as const;

/** eval.md: what the run was trained with, then the table as Markdown. */
const markdownOf = (runDir: string, trainedWith: string, epochs: number, images: number, rows: readonly EvalRow[]): string =>
  [
    '# Evaluation',
    '',
    `${runDir}: trained on ${trainedWith} for ${epochs} epochs; ${images} test images. Energy: arithmetic of one inference at 45 nm (as \`approx-darts energy\`).`,
    '',
    `| ${HEADER.join(' | ')} |`,
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${cellsOf(r).join(' | ')} |`),
    '',
  ].join('\n');

const formatTable = (rows: readonly EvalRow[]): string => {
  const header = HEADER;
  const body = rows.map(cellsOf);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
};

const runEval = async (opts: Record<string, unknown>): Promise<void> => {
  const flags = decodeFlags(EvalFlags, opts);
  const runDir = await runDirOf(flags.checkpoint);
  const checkpoint = await loadTrainCheckpoint(runDir).catch((e: unknown) => {
    throw new CliError(`--checkpoint ${flags.checkpoint}: ${e instanceof Error ? e.message : String(e)}`);
  });
  if (checkpoint === undefined) throw new CliError(`--checkpoint ${flags.checkpoint}: no training checkpoint in ${join(runDir, RUN_FILES.checkpoint)}`);
  const { config } = checkpoint.meta;
  const multipliers = [...new Set((flags.multiplier.length > 0 ? flags.multiplier : [config.multiplier, 'fp32']).map((m) => (isFp32(m) ? 'fp32' : m)))];
  // Load every table first: a bad name fails before minutes of evaluation.
  const bindings = await Promise.all(multipliers.map(async (m) => ({ name: m, binding: await loadBinding(m, flags.lutDir, config.quantization) })));
  // And every power figure: the energy columns need one, and a refusal after the evaluations lost them all.
  for (const { name, binding } of bindings) await multiplierPower(binding?.table.name ?? name, flags.lutDir);
  const edgeBindings = await loadEdgeBindings(config.genotype, flags.lutDir, config.quantization);
  await activateEngine(flags.engine);
  const data = await loadDataOption(flags.data);
  const images = Math.min(flags.limit ?? data.test.count, data.test.count);
  const rows: EvalRow[] = [];
  for (const { name, binding } of bindings) {
    const bar = createProgress({ total: images, label: `eval ${binding?.table.name ?? name}` });
    const result = await evaluateCheckpoint({
      config,
      tensors: checkpoint.tensors,
      binding,
      edgeBindings,
      test: data.test,
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
      batchSize: flags.batchSize,
      onBatch: (p, n) => bar.tick(n, { acc: p.accuracy }),
    });
    bar.stop();
    const energy = await inferenceEnergy(config.genotype, config.macro, binding?.table.name ?? 'fp32', flags.lutDir);
    rows.push({
      multiplier: energy.multiplier,
      accuracy: result.accuracy,
      loss: result.loss,
      images: result.images,
      energyUj: energy.energyUj,
      savingVsFp32Pct: energy.savingVsFp32Pct,
      savingVsExact8Pct: energy.savingVsExact8Pct,
    });
  }
  const json = `${JSON.stringify({ checkpoint: runDir, trainedWith: config.multiplier, epoch: checkpoint.meta.epoch, images, rows }, null, 2)}\n`;
  await writeFileAtomic(join(runDir, EVAL_FILES.json), json);
  await writeFileAtomic(join(runDir, EVAL_FILES.markdown), markdownOf(runDir, config.multiplier, checkpoint.meta.epoch, images, rows));
  if (flags.json === true) {
    process.stdout.write(json);
    return;
  }
  process.stdout.write(
    `${runDir}: trained on ${config.multiplier} for ${checkpoint.meta.epoch} epochs; ${images} test images\n${formatTable(rows)}\n` +
      `written: ${join(runDir, EVAL_FILES.markdown)}, ${join(runDir, EVAL_FILES.json)}\n`,
  );
};

export const register = (program: Command): void => {
  program
    .command('eval')
    .description('Evaluate a trained network on the test split under one or several multipliers (accuracy and energy)')
    .requiredOption('--checkpoint <dir>', 'run directory of `approx-darts train` (or its checkpoint/ folder)')
    .option(...DATA_OPTION)
    .option('--multiplier <names>', 'multiplier(s) to evaluate under: repeat or comma-separate; fp32 allowed (default: the trained one and fp32)', collect)
    .option('--lut-dir <dir>', 'directory searched first for multiplier tables')
    .option('--limit <n>', 'evaluate on a stratified subset of n test images')
    .option('--batch-size <n>', 'evaluation batch size', '100')
    .option('--engine <name>', 'compute engine: auto, cpu, webgpu, tensorflow', 'cpu')
    .option('--json', 'print JSON')
    .action((opts: Record<string, unknown>) => runEval({ multiplier: [], ...opts }));
};
