import { CLASS_NAMES, type Cifar10 } from './reader';
import { createRng } from './prng';
import { IMAGE_BYTES, type Records } from './record-format';

/** The labelled splits a run needs; a loaded copy and the generated stand-in both provide them. */
export type LabelledSplits = Pick<Cifar10, 'classNames' | 'train' | 'test'>;

const SIDE = 32;
const PLANE = SIDE * SIDE;

// Each class is a colour and a stripe orientation/frequency, plus per-pixel noise: learnable in a few steps,
// so a demo on generated data still shows the loss falling, unlike uniformly random pixels.
const classImage = (label: number, rng: ReturnType<typeof createRng>, out: Uint8Array, offset: number): void => {
  const angle = (Math.PI * label) / 10;
  const freq = 0.2 + 0.05 * (label % 5);
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  for (let ch = 0; ch < 3; ch++) {
    const base = 64 + 40 * ((label + ch * 3) % 5);
    for (let p = 0; p < PLANE; p++) {
      const stripe = Math.sin(freq * ((p % SIDE) * dx + Math.floor(p / SIDE) * dy)) * 50;
      const v = base + stripe + (rng.nextFloat() - 0.5) * 60;
      out[offset + ch * PLANE + p] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
};

const generate = (count: number, seed: number): Records => {
  const rng = createRng(seed);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  const pixels = new Uint8Array(count * IMAGE_BYTES);
  labels.forEach((label, i) => classImage(label, rng, pixels, i * IMAGE_BYTES));
  return { count, labels, pixels };
};

/**
 * A small generated CIFAR-10 stand-in (`--data synthetic`): 32x32 RGB images whose class sets their colour and
 * stripes, labels balanced, seeded. For running the tool where no CIFAR-10 copy is at hand; accuracy on it means nothing.
 * @example syntheticCifar10({ train: 200, test: 50, seed: 0 }).train.count === 200
 */
export const syntheticCifar10 = (o: { readonly train: number; readonly test: number; readonly seed: number }): LabelledSplits => ({
  classNames: CLASS_NAMES,
  train: generate(o.train, o.seed),
  test: generate(o.test, o.seed + 1),
});
