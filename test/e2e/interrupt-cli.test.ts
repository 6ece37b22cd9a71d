import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// SIGTERM (what Slurm sends before its kill) and Ctrl-C's SIGINT used to end a run at once, without a word, leaving
// run.lock (and, before the first checkpoint, a start that demanded --resume).

const bin = resolve(process.cwd(), 'apps/cli/bin/approx-darts.mjs');
// The smallest search: one cell, C = 2, synthetic images, batch 2; 4 epochs so that the run is still going when signalled.
const search = ['search', '--data', 'synthetic', '--multiplier', 'fp32', '--preset', 'tiny', '--cells', '1', '--channels', '2', '--limit', '16', '--batch-size', '2', '--epochs', '4', '--seed', '1'];

/** Starts a search, sends `signal` once `marker` exists in its run directory, and returns how it ended. */
const signalWhen = async (dir: string, marker: string, signal: NodeJS.Signals): Promise<{ readonly status: number | null; readonly stderr: string }> => {
  const child = spawn('node', [bin, ...search, '--out', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  while (!existsSync(join(dir, marker)) && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
  child.kill(signal);
  return { status: await exited, stderr };
};

// Measured 31 s and 16 s at a load of 5 on 2 cores; a slow machine must not fail them.
const WIDE = 600_000;

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'interrupt-cli-'));

describe('approx-darts search interrupted by a signal', () => {
  it('SIGTERM after a checkpoint: releases the lock, says which epoch and to --resume, exits 143', async () => {
    const dir = join(await tmp(), 'run');
    const r = await signalWhen(dir, 'checkpoint/checkpoint.json', 'SIGTERM');
    expect(r.stderr).toMatch(/approx-darts: interrupted \(SIGTERM\) at epoch \d; the checkpoint of epoch \d is intact: repeat the command with --resume\n$/);
    expect(r.status).toBe(143);
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
    expect(existsSync(join(dir, 'checkpoint', 'checkpoint.json'))).toBe(true);
  }, WIDE);

  it('SIGINT before the first checkpoint: undoes the start as a failed start does, exits 130', async () => {
    const parent = await tmp();
    const dir = join(parent, 'run');
    const r = await signalWhen(dir, 'run-config.json', 'SIGINT');
    expect(r.stderr).toContain('approx-darts: interrupted (SIGINT) before the first checkpoint; the start was undone: repeat the command to start again');
    expect(r.status).toBe(130);
    // The directory it created is gone with run.lock, run-config.json and metrics.jsonl.
    expect(await readdir(parent)).toEqual([]);
  }, WIDE);
});
