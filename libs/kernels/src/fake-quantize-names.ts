import * as t from 'io-ts';
import { QuantMode } from '@approx-darts/quantization';

// The fake-quantization kernel, declared once like the approximate convolutions (kernel-names.ts): every engine
// implements this name with these inputs and attrs, and computes SPEC.md of @approx-darts/quantization bit for bit.
export const FakeQuantize8 = 'FakeQuantize8';

/**
 * Inputs: `x` float32 of any shape; `bounds` float32 `[channels, 2]`, the `(min, max)` range of each channel, where the
 * channel of an element is its flat index modulo `channels` (so `channels` divides `x.size`): 1 = per tensor, the last
 * axis of an HWIO filter, or the last two of a depthwise filter `[fh, fw, inC, mult]` (channel `c * mult + m`).
 * Output: the fake-quantized `x` (each element decoded from its 8-bit code), same shape.
 */
export type FakeQuantizeInputName = 'x' | 'bounds';

export const FakeQuantizeAttrs = t.readonly(t.type({ mode: QuantMode }), 'FakeQuantizeAttrs');
export type FakeQuantizeAttrs = t.TypeOf<typeof FakeQuantizeAttrs>;
