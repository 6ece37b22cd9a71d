import { formatSeconds } from './progress';

/**
 * The whole run's expected duration from its rate so far: the images of every epoch still to run (the epoch in
 * progress included) at the images/s measured since the run (or the resume) started. Undefined before any image.
 * @example estimateRunSeconds({ elapsedSeconds: 10, imagesDone: 100, imagesTotal: 1000 }) // 100
 */
export const estimateRunSeconds = (r: { readonly elapsedSeconds: number; readonly imagesDone: number; readonly imagesTotal: number }): number | undefined =>
  r.imagesDone > 0 && r.elapsedSeconds > 0 ? (r.elapsedSeconds * r.imagesTotal) / r.imagesDone : undefined;

/**
 * The images a search still trains on from `epoch` on: half of a search epoch's in each warm-up epoch (the weight
 * half only), all of them in each search epoch.
 * @example imagesLeft({ epoch: 0, epochs: 2, warmupEpochs: 1, searchImages: 128 }) // 192
 */
export const imagesLeft = (r: { readonly epoch: number; readonly epochs: number; readonly warmupEpochs: number; readonly searchImages: number }): number => {
  const warmup = Math.max(0, r.warmupEpochs - r.epoch);
  const search = Math.max(0, r.epochs - Math.max(r.epoch, r.warmupEpochs));
  return (warmup * r.searchImages) / 2 + search * r.searchImages;
};

/**
 * A progress field with the whole run's estimate, e.g. `{ run: '~3m10s' }`, so the first progress line already says
 * how long the search will take; empty before the first step.
 */
export const runEstimateField = (r: { readonly elapsedSeconds: number; readonly imagesDone: number; readonly imagesTotal: number }): Readonly<Record<string, string>> => {
  const s = estimateRunSeconds(r);
  return s === undefined ? {} : { run: `~${formatSeconds(s)}` };
};
