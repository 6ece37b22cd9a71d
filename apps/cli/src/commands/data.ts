import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import { PathReporter } from 'io-ts/PathReporter';
import { SingleBar } from 'cli-progress';
import {
  ALL_BATCHES,
  cacheDir,
  classCounts,
  fetchCifar10,
  loadCifar10,
  locateDataset,
  OFFICIAL_ARCHIVE,
  readLabelFile,
  readManifest,
  verifyManifest,
  type Cifar10,
  type FileCheck,
} from '@approx-darts/cifar10';
import { CliError } from '../cli-error';

const decodeFlags = <A>(codec: t.Decoder<unknown, A>, raw: unknown, command: string): A =>
  pipe(
    codec.decode(raw),
    E.getOrElseW((errors) => {
      throw new CliError(`data ${command}: bad options: ${PathReporter.report(E.left(errors)).join('; ')}`);
    }),
  );

const InfoFlags = t.type({ json: t.boolean, verify: t.boolean, manifest: t.union([t.string, t.undefined]) });
const Md5Hex = t.refinement(t.string, (s) => /^[0-9a-fA-F]{32}$/.test(s), 'md5 hex');
const FetchFlags = t.type({ dir: t.string, url: t.string, md5: Md5Hex, progress: t.boolean });

/** What `data info --json` prints. */
interface InfoReport {
  readonly dir: string;
  readonly layout: 'official' | 'subset';
  readonly tag: string | null;
  readonly classNames: readonly string[];
  readonly splits: {
    readonly train: { readonly images: number; readonly perClass: readonly number[] };
    readonly test: { readonly images: number; readonly perClass: readonly number[] };
  };
  readonly batches: Readonly<Record<string, number>>;
  readonly verification: {
    readonly manifest: string | null;
    readonly ok: boolean;
    readonly files: readonly FileCheck[];
    readonly labels: readonly { readonly file: string; readonly ok: boolean; readonly detail: string }[];
  } | null;
}

/** Compares each batch's labels with the complete label files (`*.labels.u8`) when the copy ships them. */
const checkLabels = async (data: Cifar10): Promise<NonNullable<InfoReport['verification']>['labels']> =>
  Promise.all(
    ALL_BATCHES.flatMap((b) => {
      const file = data.layout.labelFiles[b];
      if (file === undefined) return [];
      return [
        readLabelFile(file).then((full) => {
          const got = data.batches[b].labels;
          const first = got.findIndex((l, i) => l !== full[i]);
          const ok = got.length <= full.length && first < 0;
          return {
            file,
            ok,
            detail: ok
              ? `${b}: its ${got.length} labels equal the first ${got.length} of ${basename(file)}`
              : `${data.layout.batchFiles[b]}: label of record ${first} differs from ${file}`,
          };
        }),
      ];
    }),
  );

const info = async (dir: string, raw: unknown): Promise<void> => {
  const flags = decodeFlags(InfoFlags, raw, 'info');
  const data = await loadCifar10(await locateDataset(resolve(dir)));
  let verification: InfoReport['verification'] = null;
  if (flags.verify) {
    const manifest = flags.manifest ?? data.layout.manifestFile;
    const files = manifest === undefined ? [] : await verifyManifest(data.layout.dir, await readManifest(manifest));
    const labels = await checkLabels(data);
    verification = {
      manifest: manifest ?? null,
      ok: manifest !== undefined && files.every((f) => f.status === 'ok') && labels.every((l) => l.ok),
      files,
      labels,
    };
  }
  const report: InfoReport = {
    dir: data.layout.dir,
    layout: data.layout.kind,
    tag: data.layout.tag ?? null,
    classNames: data.classNames,
    splits: {
      train: { images: data.train.count, perClass: classCounts(data.train.labels) },
      test: { images: data.test.count, perClass: classCounts(data.test.labels) },
    },
    batches: Object.fromEntries(ALL_BATCHES.map((b) => [b, data.batches[b].count])),
    verification,
  };
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatInfo(report));
  if (verification !== null && !verification.ok) {
    throw new CliError(
      verification.manifest === null
        ? `${data.layout.dir}: no manifest.json to verify against (pass --manifest FILE)`
        : `${data.layout.dir}: verification failed`,
    );
  }
};

const formatInfo = (r: InfoReport): string => {
  const pad = (s: string | number, n: number): string => String(s).padStart(n);
  const lines = [
    `CIFAR-10 at ${r.dir} (${r.layout}${r.tag === null ? '' : `, files *.${r.tag}.bin`})`,
    `${'class'.padEnd(12)}${pad('train', 8)}${pad('test', 8)}`,
    ...r.classNames.map(
      (name, c) => `${`${c} ${name}`.padEnd(12)}${pad(r.splits.train.perClass[c] ?? 0, 8)}${pad(r.splits.test.perClass[c] ?? 0, 8)}`,
    ),
    `${'total'.padEnd(12)}${pad(r.splits.train.images, 8)}${pad(r.splits.test.images, 8)}`,
  ];
  if (r.verification !== null) {
    const v = r.verification;
    lines.push(`verification against ${v.manifest ?? '(no manifest)'}: ${v.ok ? 'ok' : 'FAILED'}`);
    for (const f of v.files) lines.push(`  ${f.status === 'ok' ? 'ok  ' : 'FAIL'} ${f.file}: ${f.detail}`);
    for (const l of v.labels) lines.push(`  ${l.ok ? 'ok  ' : 'FAIL'} labels: ${l.detail}`);
  }
  return `${lines.join('\n')}\n`;
};

const fetchCommand = async (raw: unknown): Promise<void> => {
  const flags = decodeFlags(FetchFlags, raw, 'fetch');
  const bar = flags.progress && process.stderr.isTTY ? new SingleBar({ format: 'cifar-10 [{bar}] {percentage}% {value}/{total} MB', stream: process.stderr }) : undefined;
  let lastLogged = -1;
  const mb = (n: number): number => Math.round(n / 1e5) / 10;
  try {
    const result = await fetchCifar10({
      dir: flags.dir,
      url: flags.url,
      md5: flags.md5,
      onProgress: (p) => {
        const total = p.totalBytes ?? OFFICIAL_ARCHIVE.bytes;
        if (bar !== undefined) {
          if (lastLogged < 0) bar.start(mb(total), mb(p.resumedFrom));
          lastLogged = 0;
          bar.update(mb(p.receivedBytes));
        } else if (flags.progress) {
          // Without a terminal: a line per 10 %.
          const decile = Math.floor((10 * p.receivedBytes) / total);
          if (decile > lastLogged) {
            lastLogged = decile;
            process.stderr.write(`cifar-10: ${mb(p.receivedBytes)} of ${mb(total)} MB${p.resumedFrom > 0 ? ` (resumed at ${mb(p.resumedFrom)} MB)` : ''}\n`);
          }
        }
      },
    });
    bar?.stop();
    const d = result.download;
    process.stdout.write(
      `${d.cached ? 'already downloaded' : d.resumedFrom > 0 ? `resumed at byte ${d.resumedFrom} and downloaded` : 'downloaded'} ` +
        `${d.path} (${d.bytes} bytes, md5 ok)\nextracted to ${result.layout.dir} (manifest.json written)\n`,
    );
  } catch (e) {
    bar?.stop();
    throw new CliError(`data fetch: ${e instanceof Error ? e.message : String(e)}`);
  }
};

export const register = (program: Command): void => {
  const data = program.command('data').description('Inspect, verify and fetch CIFAR-10');
  data
    .command('info')
    .description('Counts per split and class; with --verify, checksums against manifest.json and label files')
    .argument('<dir>', 'CIFAR-10 directory: the batches (official or *.<tag>.bin subset) or their parent')
    .option('--json', 'print a JSON report', false)
    .option('--verify', 'check files against a manifest (default DIR/manifest.json); exit 1 if any fails', false)
    .option('--manifest <file>', 'manifest to verify against (this package\'s format or the shared subset\'s)')
    .action(async (dir: string, opts: unknown) => {
      try {
        await info(dir, opts);
      } catch (e) {
        throw e instanceof CliError ? e : new CliError(e instanceof Error ? e.message : String(e));
      }
    });
  data
    .command('fetch')
    .description('Download (resuming), verify and extract the official binary CIFAR-10 archive')
    .option('--dir <dir>', 'where to put it', cacheDir())
    .option('--url <url>', 'archive URL (a mirror of cifar-10-binary.tar.gz)', OFFICIAL_ARCHIVE.url)
    .option('--md5 <hex>', 'expected md5 of the archive', OFFICIAL_ARCHIVE.md5)
    .option('--no-progress', 'no progress output')
    .action(async (opts: unknown) => fetchCommand(opts));
};
