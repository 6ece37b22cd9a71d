import * as t from 'io-ts';
import { DEFAULT_PADDING, Padding } from '@approx-darts/network-plan';

/**
 * A run config's `padding` (libs/network-plan/src/padding.ts): runs recorded before padding was a choice padded
 * 'same', so an absent field decodes as 'same', and a resume compares it like any other field.
 */
export const RecordedPadding = new t.Type<Padding, Padding, unknown>(
  'RecordedPadding',
  Padding.is,
  (u, c) => (u === undefined ? t.success(DEFAULT_PADDING) : Padding.validate(u, c)),
  t.identity,
);
