/**
 * Median wall time (ms) of `f` after one warm-up call: repeats until at least `minMs` have passed and 3 runs are
 * done, at most `maxReps` runs. The cpu benchmarks share it so their tables are timed the same way.
 */
export const medianMs = (f: () => void, minMs = 300, maxReps = 15): number => {
  f(); // warm-up (and JIT)
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxReps && (times.length < 3 || performance.now() - start < minMs)) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
};
