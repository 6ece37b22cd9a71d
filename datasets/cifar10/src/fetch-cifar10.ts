import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadFile, type DownloadProgress, type DownloadResult, type Transport } from './download';
import { extractTarGz } from './extract';
import { BATCHES_DIR, locateDataset, type DatasetLayout } from './layout';
import { writeManifest } from './manifest';

/** The official binary archive. */
export const OFFICIAL_ARCHIVE = {
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  file: 'cifar-10-binary.tar.gz',
  md5: 'c32a1d4ab5d03f1284b67883e8d87530',
  bytes: 170052171,
} as const;

export interface FetchResult {
  readonly download: DownloadResult;
  readonly layout: DatasetLayout;
}

/**
 * Downloads (or resumes) the binary archive into `dir`, checks its md5, extracts it to
 * `dir/cifar-10-batches-bin/` and writes a manifest.json (sha256 of every extracted file) there,
 * so `data info --verify` can check the copy later. The archive is kept: a second fetch is a no-op.
 */
export const fetchCifar10 = async (opts: {
  readonly dir: string;
  readonly url?: string;
  readonly md5?: string;
  readonly transport?: Transport;
  readonly onProgress?: (p: DownloadProgress) => void;
}): Promise<FetchResult> => {
  await mkdir(opts.dir, { recursive: true });
  const download = await downloadFile({
    url: opts.url ?? OFFICIAL_ARCHIVE.url,
    dest: join(opts.dir, OFFICIAL_ARCHIVE.file),
    md5: opts.md5 ?? OFFICIAL_ARCHIVE.md5,
    ...(opts.transport === undefined ? {} : { transport: opts.transport }),
    ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
  });
  const files = await extractTarGz(download.path, opts.dir);
  const batchesDir = join(opts.dir, BATCHES_DIR);
  await writeManifest(
    batchesDir,
    files.filter((f) => f.startsWith(batchesDir) && !f.endsWith('manifest.json')),
  );
  return { download, layout: await locateDataset(batchesDir) };
};
