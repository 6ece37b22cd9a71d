import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { stageScriptPath, type Job, type JobGraph } from '@approx-darts/sweep';
import { SWEEP_FILES } from './sweep-dir';

export interface LocalOptions {
  /** Jobs at once. */
  readonly jobs: number;
  /** GPU ids, one per concurrent job (CUDA_VISIBLE_DEVICES of the slot); none on CPU hosts. */
  readonly gpus: readonly string[];
  readonly onEvent?: (line: string) => void;
}

export interface LocalOutcome {
  readonly done: readonly string[];
  readonly failed: readonly string[];
  /** Not run: a dependency failed, or is neither done nor run here (another `sweep run` runs it). */
  readonly blocked: readonly string[];
}

const runScript = (graph: JobGraph, job: Job, gpu: string | undefined): Promise<number> =>
  new Promise((resolveExit) => {
    const log = openSync(join(graph.root, SWEEP_FILES.logs, `${job.id}.log`), 'a');
    const child = spawn('bash', [stageScriptPath(graph, job.stage), String(job.index)], {
      stdio: ['ignore', log, log],
      env: { ...process.env, ...(gpu !== undefined ? { CUDA_VISIBLE_DEVICES: gpu } : {}) },
    });
    child.on('error', () => resolveExit(127));
    child.on('exit', (code, signal) => {
      closeSync(log);
      resolveExit(code ?? (signal !== null ? 128 : 1));
    });
  });

/**
 * Runs `todo` on this machine, at most `jobs` at a time, each once all its dependencies are done (`alreadyDone` or
 * finished here). A job whose dependency failed is not run. Each job is its script, so a later `sweep run` resumes
 * an interrupted one from its checkpoint exactly as a requeued Slurm job does.
 */
export const runLocal = async (graph: JobGraph, todo: readonly Job[], alreadyDone: ReadonlySet<string>, o: LocalOptions): Promise<LocalOutcome> => {
  const done = new Set(alreadyDone);
  const failed = new Set<string>();
  const blocked = new Set<string>();
  const waiting = [...todo];
  const freeSlots = Array.from({ length: Math.max(1, o.jobs) }, (_, i) => i);
  const running = new Map<string, Promise<void>>();
  const isBad = (id: string): boolean => failed.has(id) || blocked.has(id);
  for (;;) {
    for (const j of [...waiting]) {
      if (j.deps.some(isBad)) {
        blocked.add(j.id);
        waiting.splice(waiting.indexOf(j), 1);
        o.onEvent?.(`blocked ${j.id} (a dependency failed)`);
      }
    }
    for (const j of [...waiting]) {
      if (freeSlots.length === 0) break;
      if (!j.deps.every((d) => done.has(d))) continue;
      waiting.splice(waiting.indexOf(j), 1);
      const slot = freeSlots.shift()!;
      o.onEvent?.(`start   ${j.id}`);
      running.set(
        j.id,
        runScript(graph, j, o.gpus[slot]).then((code) => {
          (code === 0 ? done : failed).add(j.id);
          o.onEvent?.(`${code === 0 ? 'done   ' : `failed (exit ${code})`} ${j.id}`);
          freeSlots.push(slot);
          running.delete(j.id);
        }),
      );
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  // Whatever still waits depends on a job this call does not run and that is not done (another process runs it).
  for (const j of waiting) blocked.add(j.id);
  const here = new Set(todo.map((j) => j.id));
  return { done: [...done].filter((id) => here.has(id)), failed: [...failed], blocked: [...blocked] };
};
