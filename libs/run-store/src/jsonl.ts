import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write';

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/**
 * Reads a JSONL file as parsed records; a missing file is empty. A torn last line (a crash in the middle of an
 * append) is dropped, while a malformed line elsewhere is an error naming the file and the line.
 */
export const readJsonl = async (path: string): Promise<readonly unknown[]> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
  const lines = text.split('\n');
  const records: unknown[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      if (i === lines.length - 1) break; // no trailing newline: the append was interrupted
      throw new Error(`${path}: line ${i + 1} is not valid JSON`);
    }
  }
  return records;
};

/**
 * Keeps only the records `keep` accepts, rewriting the file; used on resume so that a metrics log never holds
 * epochs newer than the checkpoint being resumed from. The rewrite is atomic: a kill during it leaves the old log
 * whole (a plain write had truncated it to nothing, losing every earlier epoch).
 */
export const truncateJsonl = async (path: string, keep: (record: unknown) => boolean): Promise<readonly unknown[]> => {
  const kept = (await readJsonl(path)).filter(keep);
  await writeFileAtomic(path, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return kept;
};
