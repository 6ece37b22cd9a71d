import type * as tf from '@tensorflow/tfjs-core';
import type { Operation } from '@approx-darts/search-space';
import type { Padding } from '@approx-darts/network-plan';
import type { ApproxChoice } from './multiplier-mix';
import type { ParamStore } from './params';

/** BN statistics: from the batch (and update the running ones) or from the running ones. */
export type Mode = 'train' | 'eval';

/** A network block: a differentiable function of an NHWC batch. Its parameters live in a ParamStore. */
export type Block = (x: tf.Tensor4D, mode: Mode) => tf.Tensor4D;

/**
 * What a builder needs besides the shapes: where parameters go, whether BN is affine (the search network's
 * is not), whether pools are followed by BN (search network), and the approximate binding of an op.
 */
export interface BuildContext {
  readonly store: ParamStore;
  readonly affine: boolean;
  readonly poolBn: boolean;
  readonly bindingOf: (op: Operation) => ApproxChoice;
  /** The bindings of one search edge's ops, when they differ per edge (an energy-aware search's multiplier mix). */
  readonly edgeBindingOf?: (reduction: boolean, edge: number) => (op: Operation) => ApproxChoice;
  /**
   * Record each sep/dil convolution's input range while training and quantize with it at inference (the
   * evaluation network), so a network trained under one multiplier (or fp32) can be evaluated under any other.
   */
  readonly recordRanges?: boolean;
  /** Where the stride-2 windows of the ops pad (libs/network-plan/src/padding.ts); absent = 'same'. */
  readonly padding?: Padding;
}
