/**
 * An error meant for the user: printed as one clear message (no stack trace) with its exit code.
 * Exit codes: 1 = bad input or failed run, 2 = not implemented / unavailable here.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Wraps an unknown thrown value as a CliError, keeping the message of anything Error-like. */
export const toCliError = (e: unknown): CliError =>
  e instanceof CliError ? e : new CliError(e instanceof Error ? e.message : String(e));
