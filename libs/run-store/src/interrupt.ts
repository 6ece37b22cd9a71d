/** The exit codes of a command stopped by a signal, as a shell reports one killed by it: 128 + the signal's number. */
export const INTERRUPT_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
export type InterruptSignal = keyof typeof INTERRUPT_EXIT_CODES;

/**
 * Until the returned function is called, SIGINT (Ctrl-C) and SIGTERM (what Slurm sends before its kill) run
 * `onInterrupt` and exit with 130 or 143, printing its line. Node's default for both is to die at once, running no
 * `exit` handler, which left the run's lock behind. `onInterrupt` must be synchronous: the process exits right after
 * it, abandoning the step in progress (every file a run commits is written atomically, so the last commit is intact).
 */
export const exitOnInterrupt = (onInterrupt: (signal: InterruptSignal) => string): (() => void) => {
  const handler = (signal: InterruptSignal): void => {
    let line: string;
    try {
      line = onInterrupt(signal);
    } catch (e) {
      line = `interrupted (${signal}); cleaning up failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    process.stderr.write(`approx-darts: ${line}\n`);
    process.exit(INTERRUPT_EXIT_CODES[signal]);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  };
};
