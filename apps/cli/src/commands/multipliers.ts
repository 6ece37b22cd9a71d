import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { errorHeatmapSpec, renderSvg, svgToPng } from '@approx-darts/plots';
import {
  entryByName,
  multiplierMetrics,
  paperPowerMw,
  tableToBytes,
  type MultiplierEntry,
  type MultiplierTable,
} from '@approx-darts/multipliers';
import { importCMultiplier, listMultiplierTables, loadMultiplierTable, MultiplierFileError, readMultiplierMetadata } from '@approx-darts/io';
import { CliError } from '../cli-error';

/** What `--sort` accepts: ascending power, or an error metric. */
const SortKey = t.keyof({ power: null, mre: null, ep: null, mae: null, wce: null, name: null });
type SortKey = t.TypeOf<typeof SortKey>;

/** One row of `multipliers list` (JSON keys are the documented output); a table that cannot be read has `problem`. */
interface ListRow {
  readonly name: string;
  readonly power_mw: number | null;
  readonly mre_pct: number | null;
  readonly ep_pct: number | null;
  readonly mae_pct: number | null;
  readonly wce_pct: number | null;
  readonly path: string;
  readonly problem?: string;
}

const asCliError = (e: unknown): never => {
  throw e instanceof MultiplierFileError ? new CliError(e.message) : e;
};

const powerOf = (name: string, entry: MultiplierEntry | undefined): number | null => entry?.library_published?.power_mW ?? paperPowerMw(name) ?? null;

const decodeSort = (raw: string): SortKey =>
  pipe(
    SortKey.decode(raw),
    E.getOrElseW(() => {
      throw new CliError(`--sort: '${raw}' is not one of ${Object.keys(SortKey.keys).join(', ')}`);
    }),
  );

/**
 * The rows of every table on the search path; metrics from the metadata when listed there, else computed. Each
 * file is read (a size check): a bad one is listed with its problem instead of aborting the list, and so is a
 * broken multipliers.json (in `problems`).
 */
export const listRows = async (lutDir: string | undefined): Promise<{ readonly rows: readonly ListRow[]; readonly problems: readonly string[] }> => {
  const { tables, problems } = await listMultiplierTables({ lutDir }).catch(asCliError);
  const rows = await Promise.all(
    tables.map(async ({ name, path, entry }): Promise<ListRow> => {
      const table = await loadMultiplierTable(path).catch((e: unknown) => (e instanceof MultiplierFileError ? e : Promise.reject(e)));
      if (table instanceof MultiplierFileError)
        return { name, power_mw: powerOf(name, entry), mre_pct: null, ep_pct: null, mae_pct: null, wce_pct: null, path, problem: table.message };
      const m = entry?.computed ?? multiplierMetrics(table);
      return { name, power_mw: powerOf(name, entry), mre_pct: m.mre_pct, ep_pct: m.ep_pct, mae_pct: m.mae_pct, wce_pct: m.wce_pct, path };
    }),
  );
  return { rows, problems };
};

const sortRows = (rows: readonly ListRow[], key: SortKey): readonly ListRow[] => {
  const value = (r: ListRow): number | string =>
    key === 'name' ? r.name : key === 'power' ? (r.power_mw ?? Infinity) : (r[`${key}_pct`] ?? Infinity);
  return [...rows].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    return x < y ? -1 : x > y ? 1 : a.name.localeCompare(b.name);
  });
};

const fmt = (x: number | null, digits: number): string => (x === null ? '-' : x.toFixed(digits));

const renderList = (rows: readonly ListRow[]): string =>
  [
    `${'name'.padEnd(12)}${'power mW'.padStart(10)}${'MRE %'.padStart(10)}${'EP %'.padStart(9)}${'MAE %'.padStart(10)}${'WCE %'.padStart(10)}`,
    ...rows.map(
      (r) =>
        `${r.name.padEnd(12)}${fmt(r.power_mw, 4).padStart(10)}` +
        (r.problem !== undefined
          ? `  BAD: ${r.problem}`
          : `${fmt(r.mre_pct, 4).padStart(10)}${fmt(r.ep_pct, 2).padStart(9)}${fmt(r.mae_pct, 4).padStart(10)}${fmt(r.wce_pct, 4).padStart(10)}`),
    ),
  ].join('\n');

/** The `show --json` document: the headline keys first, then every metric and the circuit's published figures. */
export const describeTable = (table: MultiplierTable, entry: MultiplierEntry | undefined): Record<string, unknown> => {
  const { mre_pct, ep_pct, mae_pct, wce_pct, ...rest } = multiplierMetrics(table);
  const lib = entry?.library_published;
  const sha256 = createHash('sha256').update(tableToBytes(table)).digest('hex');
  return {
    name: table.name,
    mre_pct,
    ep_pct,
    mae_pct,
    wce_pct,
    power_mw: powerOf(table.name, entry),
    area_um2: lib?.area_um2 ?? null,
    delay_ns: lib?.delay_ns ?? null,
    ...rest,
    sha256,
    sha256_matches_metadata: entry ? entry.sha256 === sha256 : null,
  };
};

const renderShow = (d: Record<string, unknown>): string =>
  Object.entries(d)
    .map(([k, v]) => `${k.padEnd(46)}${typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : String(v)}`)
    .join('\n');

/** The error heat map (axes, colour bar) as SVG and/or PNG, at twice its size in PNG so it reads on a screen. */
const writeHeatmap = async (table: MultiplierTable, files: { readonly svg?: string; readonly png?: string }): Promise<void> => {
  const svg = await renderSvg(errorHeatmapSpec(table.name, table.products));
  const write = (flag: string, file: string, data: string | Uint8Array) =>
    writeFile(resolve(file), data).catch((e: unknown) => {
      throw new CliError(`${flag} ${file}: cannot write (${e instanceof Error ? e.message : String(e)})`);
    });
  if (files.svg !== undefined) await write('--svg', files.svg, svg);
  if (files.png !== undefined) await write('--png', files.png, await svgToPng(svg, 2));
};

export const register = (program: Command): void => {
  const cmd = program.command('multipliers').description('List, show and import 8-bit approximate multipliers');

  cmd
    .command('list')
    .description('every multiplier table on the search path (--lut-dir, $APPROX_DARTS_LUT_DIR, ../shared/multipliers)')
    .option('--json', 'print JSON')
    .option('--sort <key>', 'power | mre | ep | mae | wce | name', 'power')
    .option('--lut-dir <dir>', 'directory searched first for tables')
    .action(async (opts: { json?: boolean; sort: string; lutDir?: string }) => {
      const sort = decodeSort(opts.sort);
      const listed = await listRows(opts.lutDir);
      const rows = sortRows(listed.rows, sort);
      if (rows.length === 0) throw new CliError('no multiplier tables found; pass --lut-dir DIR or set APPROX_DARTS_LUT_DIR');
      for (const p of listed.problems) process.stderr.write(`approx-darts: warning: ${p} (its tables are listed without published figures)\n`);
      process.stdout.write(`${opts.json ? JSON.stringify(rows, null, 2) : renderList(rows)}\n`);
      // Listed, but not a clean bill: a bad table makes the exit status 1 so that scripts notice.
      const bad = rows.filter((r) => r.problem !== undefined);
      if (bad.length > 0) throw new CliError(`${bad.length} of ${rows.length} tables cannot be used: ${bad.map((r) => r.name).join(', ')}`);
    });

  cmd
    .command('show')
    .description('error metrics and power of one table')
    .argument('<name-or-file>', 'mul8u_XXX (or XXX) on the search path, or a .bin file')
    .option('--json', 'print JSON')
    .option('--png <file>', 'also write a PNG heat map of the signed error (rows: activation a, columns: weight b; colour bar)')
    .option('--svg <file>', 'the same heat map as SVG')
    .option('--lut-dir <dir>', 'directory searched first for tables')
    .action(async (nameOrFile: string, opts: { json?: boolean; png?: string; svg?: string; lutDir?: string }) => {
      const table = await loadMultiplierTable(nameOrFile, { lutDir: opts.lutDir }).catch(asCliError);
      const metadata = await readMultiplierMetadata({ lutDir: opts.lutDir }).catch(asCliError);
      const doc = describeTable(table, entryByName(metadata, table.name));
      if (opts.png !== undefined || opts.svg !== undefined) await writeHeatmap(table, { ...(opts.png !== undefined ? { png: opts.png } : {}), ...(opts.svg !== undefined ? { svg: opts.svg } : {}) });
      process.stdout.write(`${opts.json ? JSON.stringify(doc, null, 2) : renderShow(doc)}\n`);
    });

  cmd
    .command('import')
    .description("tabulate a multiplier's C model (EvoApproxLib style) into a .bin table plus a multipliers.json entry")
    .argument('<file.c>', 'C source defining e.g. uint16_t mul8u_XXX(uint8_t a, uint8_t b)')
    .requiredOption('--name <name>', 'the C function to tabulate, also the table name')
    .option('--out <dir>', 'where to write <name>.bin and multipliers.json', '.')
    .action(async (file: string, opts: { name: string; out: string }) => {
      if (!/^[A-Za-z_]\w*$/.test(opts.name)) throw new CliError(`--name: '${opts.name}' is not a C function name`);
      const result = await importCMultiplier({ source: file, name: opts.name, outDir: opts.out }).catch(asCliError);
      const m = result.entry.computed;
      process.stdout.write(
        `wrote ${result.binPath} (sha256 ${result.entry.sha256})\nupdated ${result.metadataPath}\n` +
          `MRE ${m.mre_pct.toFixed(4)} %  EP ${m.ep_pct.toFixed(2)} %  MAE ${m.mae_pct.toFixed(4)} %  WCE ${m.wce_pct.toFixed(4)} %\n`,
      );
    });
};
