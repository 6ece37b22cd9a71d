import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as t from 'io-ts';
import {
  approxDartsSpace,
  CELL_TYPES,
  concatOf,
  DARTS_SPACE,
  edgesOf,
  isNamedCanonically,
  multiplierOf,
  multipliersOf,
  reductionCellsOf,
  type Operation,
  type SearchSpace,
} from '@approx-darts/search-space';
import { planTotals, searchNetworkPlan } from '@approx-darts/network-plan';
import { isFp32 } from '@approx-darts/multipliers';
import { CliError } from '../cli-error';
import { decodeFlags } from '../options/flags';
import { loadBinding } from '../options/multiplier-option';
import { encodeSpace, loadSpaceFile } from '../options/space-option';

const InitFlags = t.partial({ multiplier: t.string, lutDir: t.string, force: t.boolean });
const ShowFlags = t.partial({ json: t.boolean });

/** An op as `space show` lists it: its name, its structure when the name does not say it, and its table. */
const describeOp = (op: Operation): string => {
  const shape =
    isNamedCanonically(op) || op.kind === 'none' || op.kind === 'skip'
      ? ''
      : ` (${op.kind === 'pool' ? `${op.pool}_pool` : op.kind} ${op.kernel}x${op.kernel}${op.kind === 'dil_conv' ? ` dilation ${op.dilation}` : ''})`;
  const table = multiplierOf(op);
  return `${op.name}${shape}${table === undefined ? '' : ` on ${table}`}`;
};

const group = (n: number): string => n.toLocaleString('en-US');

/** What `space show` reports, also its --json form. */
const summary = (space: SearchSpace) => {
  const edges = edgesOf(space.topology);
  const totals = planTotals(searchNetworkPlan(space));
  return {
    normal: space.normal.map((op) => op.name),
    reduce: space.reduce.map((op) => op.name),
    topology: space.topology,
    edges: edges.map((e) => [e.from, e.to]),
    concat: concatOf(space.topology),
    alphas: { normal: [edges.length, space.normal.length], reduce: [edges.length, space.reduce.length] },
    macro: { ...space.macro, reductions: reductionCellsOf(space.macro) },
    searchNetwork: { params: totals.params, macs: totals.macs, approxMacs: totals.approxMacs },
    multipliers: multipliersOf(space),
  };
};

const showText = (file: string, space: SearchSpace): string => {
  const s = summary(space);
  const { inputs, nodes, edgesPerNode } = space.topology;
  const byNode = s.concat.map((to) => `${to} <- ${s.edges.filter(([, t2]) => t2 === to).map(([from]) => from).join(',')}`);
  return [
    file,
    ...CELL_TYPES.map((cell) => `${cell} ops (${space[cell].length}): ${space[cell].map(describeOp).join(', ')}`),
    `cell: ${inputs} inputs, ${nodes} nodes, ${s.edges.length} edges (${byNode.join('; ')}), ${edgesPerNode} kept per node, output = concat of states ${s.concat.join(', ')}`,
    `alphas: normal ${s.alphas.normal.join(' x ')}, reduce ${s.alphas.reduce.join(' x ')}`,
    `macro: ${space.macro.cells} cells (reductions at ${s.macro.reductions.join(', ')}), C = ${space.macro.channels}, stem ${space.macro.stemMultiplier * space.macro.channels} channels, ${space.macro.classes} classes`,
    `search network at 32x32: ${group(s.searchNetwork.params)} parameters, ${group(s.searchNetwork.macs)} MACs per image (${group(s.searchNetwork.approxMacs)} approximate)`,
    `multipliers: ${s.multipliers.length === 0 ? 'none (exact float)' : s.multipliers.join(', ')}`,
  ].join('\n');
};

export const register = (program: Command): void => {
  const space = program.command('space').description('Search spaces as JSON files: write a starting file, show one');
  space
    .command('init')
    .description('Write the DARTS search space (or ApproxDARTS on --multiplier) as a JSON file to edit and pass to `search --space`')
    .argument('[file]', 'where to write it (default: standard output)')
    .option('--multiplier <name>', 'bind mul8u_XXX to every sep/dil conv (the ApproxDARTS space); fp32 or absent: exact')
    .option('--lut-dir <dir>', 'directory searched first for multiplier tables')
    .option('--force', 'overwrite an existing file')
    .action(async (file: string | undefined, raw: Record<string, unknown>) => {
      const flags = decodeFlags(InitFlags, raw);
      // The table must exist: a space naming a missing one would only fail at search time.
      const binding = flags.multiplier === undefined || isFp32(flags.multiplier) ? null : await loadBinding(flags.multiplier, flags.lutDir, 'asymmetric');
      const text = encodeSpace(binding === null ? DARTS_SPACE : approxDartsSpace(binding.table.name));
      if (file === undefined) return void process.stdout.write(text);
      if (existsSync(file) && flags.force !== true) throw new CliError(`${file}: already exists; pass --force to overwrite it`);
      await writeFile(file, text);
      process.stderr.write(`wrote ${file}\n`);
    });
  space
    .command('show')
    .description('Show a search space file: ops per cell type, cell edges, alphas shape, parameters and MACs of its search network')
    .argument('<file>', 'search space JSON')
    .option('--json', 'print JSON')
    .action(async (file: string, raw: Record<string, unknown>) => {
      const flags = decodeFlags(ShowFlags, raw);
      const loaded = await loadSpaceFile(file, 'space show');
      process.stdout.write(`${flags.json === true ? JSON.stringify({ file, ...summary(loaded) }, null, 2) : showText(file, loaded)}\n`);
    });
};
