/**
 * The loss (or the gradient norm) became NaN or infinite: the run stops at that step, and the last good checkpoint
 * stays as it was. Search and training throw the same error; the CLI turns it into the command to continue.
 */
export class DivergedError extends Error {
  override readonly name = 'DivergedError';
  constructor(
    message: string,
    readonly epoch: number,
    readonly step: number,
  ) {
    super(message);
  }
}

/** A checkpoint that does not belong to this run (wrong kind, shapes or settings). */
export class ResumeError extends Error {
  override readonly name = 'ResumeError';
}

/** The run cannot start as asked (for a search: too few images to split into the weight and architecture halves). */
export class SetupError extends Error {
  override readonly name = 'SetupError';
}

/** A run directory that cannot be used as asked: it holds the other kind of run, cannot be created, or is locked. */
export class RunDirectoryError extends Error {
  override readonly name = 'RunDirectoryError';
}
