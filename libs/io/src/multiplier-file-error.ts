/** A multiplier table or its metadata could not be used; the message names the path and the problem. */
export class MultiplierFileError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'MultiplierFileError';
  }
}
