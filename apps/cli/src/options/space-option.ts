import { readFile } from 'node:fs/promises';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { CELL_TYPES, multiplierOf, multipliersOf, runMultiplierOf, SearchSpace, decodeSearchSpace, withMacro, type Operation } from '@approx-darts/search-space';
import { isFp32 } from '@approx-darts/multipliers';
import type { ApproxBinding } from '@approx-darts/kernels';
import { CliError } from '../cli-error';
import { loadBinding } from './multiplier-option';

// A search space file on the command line (`search --space FILE`, `space show FILE`): one line per refusal, naming
// the flag, the file and the path inside it.

const oneLine = (problems: string): string => problems.split('\n').join('; ');

/**
 * Reads and checks a search space file; `overrides` (the --cells/--channels flags) replace macro fields and the
 * result is checked again, so a flag that makes the macro invalid is refused too.
 */
export const loadSpaceFile = async (file: string, flag: string, overrides: { readonly cells?: number | undefined; readonly channels?: number | undefined } = {}): Promise<SearchSpace> => {
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    throw new CliError(`${flag} ${file}: not a readable file (${e instanceof Error ? e.message : String(e)})`);
  });
  const json = E.tryCatch(
    () => JSON.parse(text) as unknown,
    (e) => `not JSON (${e instanceof Error ? e.message : String(e)})`,
  );
  if (E.isLeft(json)) throw new CliError(`${flag} ${file}: ${json.left}`);
  const space = pipe(
    decodeSearchSpace(json.right),
    E.getOrElseW((problems) => {
      throw new CliError(`${flag} ${file}: ${oneLine(problems)}`);
    }),
  );
  const flags = Object.entries(overrides).filter(([, v]) => v !== undefined);
  if (flags.length === 0) return space;
  return pipe(
    decodeSearchSpace(withMacro(Object.fromEntries(flags))(space)),
    E.getOrElseW((problems) => {
      throw new CliError(`${flag} ${file} with ${flags.map(([k, v]) => `--${k} ${String(v)}`).join(' ')}: ${oneLine(problems)}`);
    }),
  );
};

/** The path inside a space file of the first op bound to `table` (for messages). */
const pathOfTable = (space: SearchSpace, table: string): string => {
  for (const cell of CELL_TYPES) {
    const i = space[cell].findIndex((op) => multiplierOf(op) === table);
    if (i >= 0) return `${cell}[${i}].multiplier`;
  }
  return 'multiplier';
};

/** How the ops of a search run multiply: the binding of each op and a label for the run config. */
export interface SpaceBindings {
  /** `fp32`, the run's table, or the space's own tables joined by `+`. */
  readonly label: string;
  readonly bindingOf: (op: Operation) => ApproxBinding | null;
}

/**
 * The bindings of a search run over `space` (`runMultiplierOf`): without `multiplier`, every bound op on its own
 * table (each loaded once; a missing one is refused naming its path in the file); with `fp32`, all exact; with a
 * table, that table on the ops the space binds, or on every approximable op when it binds none.
 */
export const loadSpaceBindings = async (space: SearchSpace, multiplier: string | undefined, lutDir: string | undefined, file: string): Promise<SpaceBindings> => {
  if (multiplier !== undefined) {
    const binding = await loadBinding(isFp32(multiplier) ? 'fp32' : multiplier, lutDir, 'asymmetric');
    const tableOf = runMultiplierOf(space, binding === null ? null : binding.table.name);
    return { label: binding?.table.name ?? 'fp32', bindingOf: (op) => (tableOf(op) === undefined ? null : binding) };
  }
  const tables = multipliersOf(space);
  const bindings = new Map<string, ApproxBinding>();
  for (const table of tables) {
    const binding = await loadBinding(table, lutDir, 'asymmetric').catch((e: unknown) => {
      throw new CliError(`--space ${file}: ${pathOfTable(space, table)}: ${e instanceof Error ? e.message.replace(/^--multiplier \S+: /, '') : String(e)}`);
    });
    if (binding !== null) bindings.set(table, binding);
  }
  return {
    label: tables.length === 0 ? 'fp32' : tables.join('+'),
    bindingOf: (op) => {
      const table = multiplierOf(op);
      return table === undefined ? null : (bindings.get(table) ?? null);
    },
  };
};

/** The space a search space file holds, encoded as the file format (for `space init`). */
export const encodeSpace = (space: SearchSpace): string => `${JSON.stringify(SearchSpace.encode(space), null, 2)}\n`;
