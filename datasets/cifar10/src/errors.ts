/**
 * A problem with CIFAR-10 data on disk. The message always names the file; `offset` is the byte
 * offset in that file where the problem was found, when one applies.
 */
export class Cifar10DataError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly offset: number | undefined = undefined,
  ) {
    super(message);
    this.name = 'Cifar10DataError';
  }
}
