import * as t from 'io-ts';

const int = (name: string, min: number) =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min,
    (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= min ? t.success(u) : t.failure(u, c)),
    (n) => n,
  );
const Probability = new t.Type<number, number, unknown>(
  'Probability',
  (u): u is number => typeof u === 'number' && u >= 0 && u <= 1,
  (u, c) => (typeof u === 'number' && u >= 0 && u <= 1 ? t.success(u) : t.failure(u, c)),
  (n) => n,
);
const Rgb = t.readonly(t.tuple([t.number, t.number, t.number]));

/** Zero-pad by `padding` on every side, then crop a random `size` x `size` window. */
export const RandomCrop = t.readonly(t.type({ kind: t.literal('random-crop'), size: int('CropSize', 1), padding: int('Padding', 0) }));
/** Mirror left-right with `probability`. */
export const HorizontalFlip = t.readonly(t.type({ kind: t.literal('horizontal-flip'), probability: Probability }));
/**
 * Zero a `size` x `size` square (clipped at the border) centred on a uniformly random pixel
 * (DeVries & Taylor; DARTS applies it after normalization, so the zeros are the mean).
 */
export const Cutout = t.readonly(t.type({ kind: t.literal('cutout'), size: int('CutoutSize', 1) }));
/** Per-channel `(x - mean) / std` on values in [0, 1]. */
export const Normalize = t.readonly(t.type({ kind: t.literal('normalize'), mean: Rgb, std: Rgb }));

/** One augmentation step as data. */
export const Augmentation = t.union([RandomCrop, HorizontalFlip, Cutout, Normalize]);
export type Augmentation = t.TypeOf<typeof Augmentation>;
/** Steps applied in order to a batch of NHWC images with values in [0, 1]. */
export const AugmentationPipeline = t.readonlyArray(Augmentation);
export type AugmentationPipeline = t.TypeOf<typeof AugmentationPipeline>;

/** Per-channel mean and std of the 50000 CIFAR-10 training images, pixel values scaled to [0, 1] (as DARTS uses). */
export const CIFAR10_MEAN = [0.49139968, 0.48215827, 0.44653124] as const;
export const CIFAR10_STD = [0.24703233, 0.24348505, 0.26158768] as const;

export const normalizeCifar10: t.TypeOf<typeof Normalize> = { kind: 'normalize', mean: CIFAR10_MEAN, std: CIFAR10_STD };

/**
 * The training augmentation of DARTS and the paper: crop 32 with padding 4, flip, normalize,
 * then cutout 16 when asked (evaluation training uses it, the search does not).
 * @example trainAugmentation({ cutout: true }).map((a) => a.kind) // ['random-crop', 'horizontal-flip', 'normalize', 'cutout']
 */
export const trainAugmentation = (opts: { readonly cutout: boolean }): AugmentationPipeline => [
  { kind: 'random-crop', size: 32, padding: 4 },
  { kind: 'horizontal-flip', probability: 0.5 },
  normalizeCifar10,
  ...(opts.cutout ? [{ kind: 'cutout', size: 16 } as const] : []),
];

/** Test-time preprocessing: normalization only. */
export const evalAugmentation: AugmentationPipeline = [normalizeCifar10];
