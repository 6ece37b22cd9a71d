import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { Cifar10DataError } from './errors';

/** A tar entry name that stays inside the destination (no absolute paths, no `..`). */
const safeName = (name: string): string | undefined => {
  const n = normalize(name);
  return n === '' || n === '.' || isAbsolute(n) || n.split(sep).includes('..') ? undefined : n;
};

/**
 * Extracts the regular files of a .tar.gz into `destDir` (links, devices and unsafe names are
 * skipped). Returns the paths written.
 */
export const extractTarGz = async (archive: string, destDir: string): Promise<readonly string[]> => {
  const tar = extract();
  const written: string[] = [];
  const feeding = pipeline(createReadStream(archive), createGunzip(), tar);
  try {
    for await (const entry of tar) {
      const name = entry.header.type === 'file' ? safeName(entry.header.name) : undefined;
      if (name === undefined) {
        entry.resume();
        continue;
      }
      const path = join(destDir, name);
      await mkdir(dirname(path), { recursive: true });
      await pipeline(entry, createWriteStream(path));
      written.push(path);
    }
    await feeding;
  } catch (e) {
    throw new Cifar10DataError(`${archive}: cannot extract (${e instanceof Error ? e.message : String(e)})`, archive);
  }
  return written;
};
