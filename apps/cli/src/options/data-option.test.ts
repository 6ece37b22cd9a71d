import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticBatchFiles, writeFiles } from '@approx-darts/cifar10/testing';
import { CliError } from '../cli-error';
import { loadDataOption, resolveDataOption } from './data-option';

describe('--data resolution', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'data-option-'));
    await writeFiles(join(root, 'env-copy'), syntheticBatchFiles(1));
    await writeFiles(join(root, 'cache', 'approx-darts', 'cifar-10-batches-bin'), syntheticBatchFiles(2));
    await writeFiles(join(root, 'flag-copy', 'cifar-10-batches-bin'), syntheticBatchFiles(3));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const env = (over: Record<string, string>): Record<string, string> => ({ XDG_CACHE_HOME: join(root, 'cache'), ...over });

  it('prefers --data (a parent directory is fine), then $APPROX_DARTS_DATA, then the cache', async () => {
    const ctx = { env: env({ APPROX_DARTS_DATA: join(root, 'env-copy') }), cwd: root };
    expect((await resolveDataOption('flag-copy', ctx)).dir).toBe(join(root, 'flag-copy', 'cifar-10-batches-bin'));
    expect((await resolveDataOption(undefined, ctx)).dir).toBe(join(root, 'env-copy'));
    expect((await resolveDataOption(undefined, { env: env({}), cwd: root })).dir).toBe(join(root, 'cache', 'approx-darts', 'cifar-10-batches-bin'));
    expect((await loadDataOption(undefined, ctx)).train.count).toBe(5);
  });

  it('does not fall back when an explicit --data holds nothing', async () => {
    await expect(resolveDataOption(join(root, 'nope'), { env: env({}) })).rejects.toThrow(new CliError(`--data: ${join(root, 'nope')}: no such directory`));
  });

  it('lists every place tried when none holds data', async () => {
    const err = await resolveDataOption(undefined, { env: { XDG_CACHE_HOME: join(root, 'empty'), APPROX_DARTS_DATA: join(root, 'also-empty') } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toMatch(/no CIFAR-10 data found; pass --data DIR/);
    expect((err as Error).message).toContain(join(root, 'also-empty'));
    expect((err as Error).message).toContain(join(root, 'empty', 'approx-darts', 'cifar-10-batches-bin'));
  });
});
