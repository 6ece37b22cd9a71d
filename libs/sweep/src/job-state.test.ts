import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/Either';
import { decodeSweepFile } from './sweep-file';
import { expandSweep } from './job-graph';
import { jobState, submissionPlan, type JobState } from './job-state';
import { renderStageScript, sbatchArgs, shellQuote } from './job-script';

const graph = (() => {
  const file = decodeSweepFile(JSON.parse(readFileSync(new URL('../../../examples/sweeps/tiny-sweep.json', import.meta.url), 'utf8')));
  if (E.isLeft(file)) throw new Error(file.left);
  const g = expandSweep(file.right, '/s');
  if (E.isLeft(g)) throw new Error(g.left);
  return g.right;
})();

describe('job state', () => {
  it('trusts a written exit code of 0 over anything the scheduler says', () => {
    expect(jobState({ exitCode: 0, started: true }, { state: 'RUNNING' })).toBe('done');
  });
  it('takes the scheduler\'s word for an unfinished job; a dependency that can never be met is a failure', () => {
    expect(jobState({ started: false }, { state: 'PENDING', reason: 'Dependency' })).toBe('queued');
    expect(jobState({ started: false }, { state: 'PENDING', reason: 'DependencyNeverSatisfied' })).toBe('failed');
    expect(jobState({ started: true }, { state: 'RUNNING' })).toBe('running');
    expect(jobState({ started: true }, { state: 'REQUEUED' })).toBe('queued');
  });
  it('reads the run directory when the scheduler has forgotten the job', () => {
    expect(jobState({ exitCode: 1, started: true }, undefined)).toBe('failed');
    expect(jobState({ started: true }, undefined)).toBe('interrupted');
    expect(jobState({ started: true, alive: true }, undefined)).toBe('running');
    expect(jobState({ started: false }, undefined)).toBe('missing');
  });
});

describe('submission plan', () => {
  const all = (s: JobState) => new Map(graph.jobs.map((j) => [j.id, s]));

  it('submits every job of a fresh sweep, one array per stage and set of dependencies, each after exactly those', () => {
    const plan = submissionPlan(graph, all('missing'), new Map());
    expect(plan.map((p) => [p.stage, p.jobs.length])).toEqual([['search', 2], ['best', 1], ['best', 1], ['train', 2], ['train', 1], ['eval', 1], ['eval', 1], ['eval', 1]]);
    expect(plan[1]!.afterJobs).toEqual(['search__multiplier=fp32__seed=1']);
    expect(plan[3]!.afterJobs).toEqual(['best__multiplier=fp32']);
    for (const p of plan) for (const j of p.jobs) expect([...j.deps].sort()).toEqual([...p.afterJobs].sort());
  });

  it('submits again the queued jobs downstream of a failed one (they wait for a submission that never succeeds)', () => {
    const states = all('done');
    states.set('search__multiplier=mul8u_NGR__seed=1', 'failed');
    states.set('best__multiplier=mul8u_NGR', 'failed'); // pending, DependencyNeverSatisfied
    states.set('train__multiplier=mul8u_NGR__seed=0__trained=mul8u_NGR', 'queued');
    states.set('eval__multiplier=mul8u_NGR__seed=0__trained=mul8u_NGR', 'queued');
    states.set('eval__multiplier=fp32__seed=0__trained=fp32', 'queued');
    const ids = submissionPlan(graph, states, new Map()).flatMap((p) => p.jobs.map((j) => j.id));
    expect(ids).toEqual([
      'search__multiplier=mul8u_NGR__seed=1',
      'best__multiplier=mul8u_NGR',
      'train__multiplier=mul8u_NGR__seed=0__trained=mul8u_NGR',
      'eval__multiplier=mul8u_NGR__seed=0__trained=mul8u_NGR',
    ]);
  });

  it('submits nothing when every job is done, queued or running', () => {
    const states = new Map(graph.jobs.map((j, i): [string, JobState] => [j.id, (['done', 'queued', 'running'] as const)[i % 3]!]));
    expect(submissionPlan(graph, states, new Map())).toEqual([]);
  });

  it('resubmits only the failed job and what is missing after it, waiting for upstream jobs still in the queue', () => {
    const states = all('done');
    const failed = 'search__multiplier=mul8u_NGR__seed=1';
    states.set(failed, 'failed');
    states.set('search__multiplier=fp32__seed=1', 'running');
    for (const j of graph.jobs.filter((x) => x.stage !== 'search')) states.set(j.id, 'missing');
    const plan = submissionPlan(graph, states, new Map([['search__multiplier=fp32__seed=1', '41_0']]));
    expect(plan[0]!.jobs.map((j) => j.id)).toEqual([failed]);
    const [fp32Pick, ngrPick] = plan.filter((p) => p.stage === 'best');
    expect(plan.filter((p) => p.stage === 'eval')).toHaveLength(3);
    expect(fp32Pick!.afterJobs).toEqual([]);
    expect(fp32Pick!.afterScheduled).toEqual(['41_0']);
    expect(ngrPick!.afterJobs).toEqual([failed]);
  });
});

describe('scripts', () => {
  const search = graph.jobs[0]!;
  const evaluation = graph.jobs.find((j) => j.kind === 'eval')!;

  it('resume a search from its checkpoint and record the exit code last', () => {
    const script = renderStageScript(graph, search.stage, ['/usr/bin/node', '/app/bin/approx-darts.mjs']);
    expect(script).toContain('if [ -f "$run/checkpoint/checkpoint.json" ]; then resume=(--resume); fi');
    expect(script).toContain(`  0) run=${search.runDir}; cmd=(/usr/bin/node /app/bin/approx-darts.mjs search --data synthetic`);
    expect(script).toContain('"${cmd[@]}" "${resume[@]}"');
    expect(script.trimEnd().split('\n').slice(-2)).toEqual(['mv "$run/job-exit.part" "$run/job-exit"'.replace(/^/, 'echo "$code" > "$run/job-exit.part" && '), 'exit "$code"']);
  });

  it('write an evaluation\'s JSON atomically and never resume it', () => {
    const script = renderStageScript(graph, evaluation.stage, ['approx-darts']);
    expect(script).not.toContain('--resume');
    expect(script).toContain('"${cmd[@]}" > "$run/eval.json.part" && mv "$run/eval.json.part" "$run/eval.json"');
  });

  it('submit one array per stage, requeueable, with afterok dependencies: one script, however many jobs', () => {
    const stage = renderStageScript(graph, 'train', ['approx-darts']);
    expect(stage).toContain('#SBATCH --requeue');
    expect(stage).toContain('#SBATCH --cpus-per-task=1');
    expect(stage).toContain('#SBATCH --time=00:10:00');
    expect(stage.match(/^ {2}\d\) run=.* ;; # train__/gm)).toHaveLength(3);
    expect(sbatchArgs(graph, 'train', [2, 0], ['7', '8_1'])).toEqual(['--parsable', '--array=0,2', '--dependency=afterok:7:8_1', '/s/jobs/train.sbatch']);
  });

  it('quote what the shell would split or expand', () => {
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
    expect(shellQuote('runs/x=1,y')).toBe('runs/x=1,y');
  });
});
