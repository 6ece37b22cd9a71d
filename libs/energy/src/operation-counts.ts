import type { Layer } from '@approx-darts/network-plan';

/** Multiplications and additions a layer does for one input image. */
export interface OperationCounts {
  readonly mults: number;
  readonly adds: number;
}

const elements = (shape: readonly [number, number, number]): number => shape[0] * shape[1] * shape[2];

/**
 * Counts one inference's arithmetic of a layer:
 * conv/linear: one multiplication and one addition per MAC, plus one bias addition per output when it has a bias;
 * BN (folded for inference): one multiplication and one addition per element;
 * pooling: k*k-1 additions (max: comparisons, charged as additions) per output, average pooling one more multiplication;
 * add: terms-1 additions per element, a weighted add (mixed op) also one multiplication per term.
 * @example layerOperations(bn('bn', [2, 3, 3], true)) // { mults: 18, adds: 18 }
 */
export const layerOperations = (layer: Layer): OperationCounts => {
  const out = elements(layer.output);
  switch (layer.kind) {
    case 'conv':
    case 'depthwise':
    case 'pointwise':
    case 'linear':
      return { mults: layer.macs, adds: layer.macs + (layer.bias ? out : 0) };
    case 'bn':
      return { mults: out, adds: out };
    case 'pool':
      return { mults: layer.pool === 'avg' ? out : 0, adds: (layer.kernel * layer.kernel - 1) * out };
    case 'add':
      return { mults: layer.weighted ? layer.terms * out : 0, adds: (layer.terms - 1) * out };
  }
};
