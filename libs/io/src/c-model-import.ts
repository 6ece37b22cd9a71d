import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  multiplierMetrics,
  tableFromBytes,
  tableToBytes,
  TABLE_BYTES,
  type MultiplierEntry,
  type MultiplierMetadata,
  type MultiplierTable,
} from '@approx-darts/multipliers';
import { MultiplierFileError } from './multiplier-file-error';
import { METADATA_FILE, readMetadataFile } from './multiplier-metadata-file';

const run = promisify(execFile);

/** What an import needs: the C file, the function to tabulate, where to write, and optionally the compiler. */
export interface CImportRequest {
  readonly source: string;
  readonly name: string;
  readonly outDir: string;
  readonly cc?: string | undefined;
}

/** The imported table, where it went, and the metadata entry written beside it. */
export interface CImportResult {
  readonly table: MultiplierTable;
  readonly binPath: string;
  readonly metadataPath: string;
  readonly entry: MultiplierEntry;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** EvoApproxLib style: `uint16_t mul8u_XXX(uint8_t a, uint8_t b)` (any integer return type, maybe `static`). */
const definesFunction = (code: string, name: string): boolean =>
  new RegExp(`\\b(?:u?int(?:8|16|32|64)_t|(?:unsigned\\s+)?(?:short|int|long)|unsigned)\\s+${escapeRegExp(name)}\\s*\\([^)]*\\)\\s*\\{`).test(code);

/** The function names in a C file that look like EvoApprox multipliers, to help when --name is wrong. */
const multiplierNamesIn = (code: string): readonly string[] => [...new Set([...code.matchAll(/\b(mul\d+[us]_\w+)\s*\(/g)].map((m) => m[1] ?? ''))];

// The circuit is #included (not linked) so that `static` definitions work too; bytes are written
// little-endian explicitly, whatever the host.
// Products are read as 64-bit signed values, so a model returning a wider type is checked rather than silently
// truncated to 16 bits (it wrapped before: MRE 1495 %); exit 4 reports the first product out of range.
const driver = (name: string): string => `#include <stdio.h>
#include <stdint.h>
#include "circuit.c"
int main(int argc, char **argv) {
  FILE *out = fopen(argv[1], "wb");
  if (!out) return 2;
  for (unsigned a = 0; a < 256; a++)
    for (unsigned b = 0; b < 256; b++) {
      long long p = (long long)${name}((uint8_t)a, (uint8_t)b);
      if (p < 0 || p > 65535) {
        fprintf(stderr, "${name}(%u, %u) = %lld\\n", a, b, p);
        return 4;
      }
      fputc((int)(p & 0xff), out);
      fputc((int)((p >> 8) & 0xff), out);
    }
  return fclose(out) == 0 ? 0 : 3;
}
`;

/** Exit 4 of the driver: a product outside 0..65535. */
const OUT_OF_RANGE = 4;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const stderrOf = (e: unknown): string =>
  e && typeof e === 'object' && 'stderr' in e && typeof e.stderr === 'string' ? e.stderr.trim().split('\n').slice(0, 8).join('\n') : '';

const messageOf = (e: unknown): string => {
  const stderr = stderrOf(e);
  return stderr !== '' ? stderr : e instanceof Error ? e.message : String(e);
};

/**
 * How a child process ended, in words: the signal that killed it (an abort, a crash, the timeout) or its exit
 * code, then what it printed. execFile's own message ("Command failed: <path>") says neither.
 */
const howItEnded = (e: unknown): string => {
  const o = (e && typeof e === 'object' ? e : {}) as { signal?: unknown; code?: unknown; killed?: unknown };
  const stderr = stderrOf(e);
  const end =
    typeof o.signal === 'string' && o.signal !== ''
      ? `killed by ${o.signal}${o.signal === 'SIGABRT' ? ' (abort)' : o.signal === 'SIGSEGV' ? ' (segmentation fault)' : o.killed === true ? ' (timed out)' : ''}`
      : typeof o.code === 'number'
        ? `exit code ${o.code}`
        : e instanceof Error
          ? e.message
          : String(e);
  return stderr !== '' ? `${end}: ${stderr}` : end;
};

/** The temporary sibling a file is written to before its rename. */
const tempOf = (path: string): string => `${path}.tmp-${process.pid}`;

/** `multipliers.json` of a directory with one entry added (or replaced); read before anything is written. */
const withEntry = async (path: string, entry: MultiplierEntry): Promise<MultiplierMetadata> => {
  const existing: MultiplierMetadata = await readMetadataFile(path).catch((e: unknown) => {
    if (e instanceof MultiplierFileError && /ENOENT/.test(e.message)) return { multipliers: [] };
    throw e;
  });
  return { ...existing, multipliers: [...existing.multipliers.filter((m) => m.name !== entry.name), entry] };
};

/**
 * Writes the table and the metadata together: both go to temporaries first (where any failure, a full disk or an
 * unreadable directory, happens with nothing replaced), then both are renamed into place.
 */
const writeBoth = async (files: readonly (readonly [path: string, data: string | Uint8Array])[]): Promise<void> => {
  try {
    for (const [path, data] of files) await writeFile(tempOf(path), data);
  } catch (e) {
    await Promise.all(files.map(([path]) => rm(tempOf(path), { force: true })));
    throw e;
  }
  for (const [path] of files) await rename(tempOf(path), path);
};

/**
 * Compiles a multiplier's C model with the system compiler ($CC, else `cc`), tabulates all 65536 products,
 * and writes `<outDir>/<name>.bin` plus its entry in `<outDir>/multipliers.json` (metrics from the table, sha256).
 */
export const importCMultiplier = async (req: CImportRequest): Promise<CImportResult> => {
  const source = resolve(req.source);
  const code = await readFile(source, 'utf8').catch((e: unknown) => {
    throw new MultiplierFileError(`C model ${source}: cannot read (${messageOf(e)})`, source);
  });
  if (!definesFunction(code, req.name)) {
    const found = multiplierNamesIn(code);
    throw new MultiplierFileError(
      `C model ${source}: no function '${req.name}' defined (expected e.g. 'uint16_t ${req.name}(uint8_t a, uint8_t b) { ... }')` +
        (found.length > 0 ? `; the file defines ${found.join(', ')}` : ''),
      source,
    );
  }
  const cc = req.cc ?? process.env['CC'] ?? 'cc';
  const work = await mkdtemp(join(tmpdir(), 'approx-darts-cimport-'));
  try {
    await writeFile(join(work, 'circuit.c'), code);
    await writeFile(join(work, 'driver.c'), driver(req.name));
    const exe = join(work, 'tabulate');
    await run(cc, ['-O1', '-o', exe, join(work, 'driver.c')], { cwd: work, timeout: 120_000 }).catch((e: unknown) => {
      if (e && typeof e === 'object' && 'code' in e && e.code === 'ENOENT')
        throw new MultiplierFileError(`no C compiler: '${cc}' was not found (install cc/gcc or set $CC) to import ${source}`, source);
      throw new MultiplierFileError(`C model ${source}: '${cc}' failed to compile it:\n${messageOf(e)}`, source);
    });
    const binTmp = join(work, 'table.bin');
    await run(exe, [binTmp], { cwd: work, timeout: 60_000 }).catch((e: unknown) => {
      const code = e && typeof e === 'object' && 'code' in e ? e.code : undefined;
      if (code === OUT_OF_RANGE)
        throw new MultiplierFileError(
          `C model ${source}: ${stderrOf(e)} does not fit the 16-bit table (an 8x8-bit product is at most 65025); refusing a table that would wrap`,
          source,
        );
      throw new MultiplierFileError(`C model ${source}: the tabulating program failed (${howItEnded(e)})`, source);
    });
    const bytes = new Uint8Array(await readFile(binTmp));
    const table = tableFromBytes(req.name, bytes);
    if (!table) throw new MultiplierFileError(`C model ${source}: produced ${bytes.length} bytes, expected ${TABLE_BYTES}`, source);
    const outDir = resolve(req.outDir);
    await mkdir(outDir, { recursive: true });
    const binPath = join(outDir, `${req.name}.bin`);
    const fileBytes = tableToBytes(table);
    const { bias: _bias, ...computed } = multiplierMetrics(table);
    const entry: MultiplierEntry = {
      name: req.name,
      file: `${req.name}.bin`,
      bytes: TABLE_BYTES,
      sha256: sha256(fileBytes),
      computed,
      source: { path: source, imported_with: cc },
    };
    const metadataPath = join(outDir, METADATA_FILE);
    // A corrupt multipliers.json fails here, before the table is written: both files or neither.
    const metadata = await withEntry(metadataPath, entry);
    await writeBoth([
      [binPath, fileBytes],
      [metadataPath, `${JSON.stringify(metadata, null, 1)}\n`],
    ]);
    return { table, binPath, metadataPath, entry };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};
