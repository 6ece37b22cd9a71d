/** The loss became NaN or infinite: the run stops, the last good checkpoint stays as it was. */
export class SearchDivergedError extends Error {
  constructor(
    message: string,
    readonly epoch: number,
    readonly step: number,
  ) {
    super(message);
    this.name = 'SearchDivergedError';
  }
}

/** A checkpoint that does not belong to this run (wrong shapes, wrong kind). */
export class SearchResumeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchResumeError';
  }
}

/** The run cannot start as asked (too few images to split into the weight and architecture halves). */
export class SearchSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchSetupError';
  }
}
