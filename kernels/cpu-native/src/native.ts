import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';

/** What the addon exports (src/native/addon.cc). Every kernel writes into the `out` arrays its caller allocated. */
export interface CpuNativeAddon {
  readonly status: () => unknown;
  readonly conv: (pass: number, geometry: Int32Array, a: Float32Array, b: Float32Array, out: Float32Array) => void;
  readonly convImpl: (pass: number, geometry: Int32Array) => string;
  readonly lutAccumulate: (geometry: Int32Array, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array, acc: Int32Array, sums: Int32Array) => void;
  readonly lutConvolve: (
    geometry: Int32Array, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array, accScale: Float32Array, sumXScale: Float32Array, constant: Float32Array, out: Float32Array,
  ) => void;
  /** kind 0 max, 1 avg; geometry [N, H, W, C, OH, OW, fh, fw, sh, sw, padTop, padLeft]. */
  readonly pool: (kind: number, geometry: Int32Array, x: Float32Array, y: Float32Array) => void;
  readonly maxPoolGrad: (geometry: Int32Array, x: Float32Array, dy: Float32Array, dx: Float32Array) => void;
  readonly avgPoolGrad: (geometry: Int32Array, dy: Float32Array, dx: Float32Array) => void;
  readonly relu: (x: Float32Array, y: Float32Array) => void;
  readonly reluBackward: (dy: Float32Array, x: Float32Array, dx: Float32Array) => void;
  readonly add: (a: Float32Array, b: Float32Array, y: Float32Array) => void;
  readonly weightedSum: (xs: readonly Float32Array[], scales: Float32Array, y: Float32Array) => void;
  readonly weightedSumDots: (dy: Float32Array, xs: readonly Float32Array[], dots: Float64Array) => void;
  readonly batchNormTrain: (
    x: Float32Array, channels: number, runningMean: Float32Array, runningVar: Float32Array, gamma: Float32Array | null, beta: Float32Array | null,
    epsilon: number, momentum: number, y: Float32Array, stats: Float32Array,
  ) => void;
  readonly batchNormTrainGrad: (dy: Float32Array, x: Float32Array, stats: Float32Array, channels: number, dx: Float32Array, sums: Float32Array) => void;
  readonly decodePadded: (dims: Int32Array, codes: Uint8Array, table: Float32Array, fill: number, out: Float32Array) => void;
  readonly quantize: (values: Float32Array, thresholds: Float64Array, out: Uint8Array) => void;
  /** out = [least, greatest] non-NaN value (+inf, -inf without one); a zero end is the first zero, sign included. */
  readonly valueRange: (values: Float32Array, out: Float32Array) => void;
  /** Sets the approximate convolution's accumulation path when given a request, and says which is in force and why. */
  readonly lutPath: (request?: LutPathRequest) => unknown;
  /** Sets the OpenMP threads of every kernel (0 keeps them); returns the count now in force. */
  readonly setThreads: (threads: number) => number;
}

/** What APPROX_DARTS_LUT_PATH (or a test) may ask for: auto picks byte shuffles where the CPU has AVX-512 VBMI. */
export type LutPathRequest = 'auto' | 'gather' | 'shuffle';

/** The accumulation path in force (src/native/lut_path.h), checked at the boundary. */
export const LutPathState = t.type({ path: t.union([t.literal('gather'), t.literal('shuffle')]), reason: t.string, vbmi: t.boolean });
export type LutPathState = t.TypeOf<typeof LutPathState>;

/** The addon's status object, checked at the boundary. */
export const NativeStatus = t.type({ threads: t.number, detail: t.string });
export type NativeStatus = t.TypeOf<typeof NativeStatus>;

const buildDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'build');
export const addonPath = resolve(buildDir, 'cpu_native.node');

export type Loaded = { readonly ok: true; readonly addon: CpuNativeAddon; readonly status: NativeStatus } | { readonly ok: false; readonly reason: string };

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// Why the build script left no addon (it writes the reason), or how to build it.
const notBuiltReason = (): string => {
  const recorded = resolve(buildDir, 'not-built.txt');
  if (existsSync(recorded)) return readFileSync(recorded, 'utf8').split('\n')[0] ?? 'unknown reason';
  return `${addonPath} is missing (run: npm run build -w @approx-darts/cpu-native)`;
};

const load = (): Loaded => {
  // An explicit opt-out, so the TypeScript kernels can be measured and tested beside the native ones.
  if (process.env['APPROX_DARTS_NO_NATIVE'] === '1') return { ok: false, reason: 'disabled by APPROX_DARTS_NO_NATIVE=1' };
  if (!existsSync(addonPath)) return { ok: false, reason: notBuiltReason() };
  try {
    const addon = createRequire(import.meta.url)(addonPath) as CpuNativeAddon;
    const status = NativeStatus.decode(addon.status());
    if (!isRight(status)) return { ok: false, reason: 'the addon returned a malformed status object' };
    return { ok: true, addon, status: status.right };
  } catch (e) {
    return { ok: false, reason: `failed to load ${addonPath}: ${message(e)}` };
  }
};

let cached: Loaded | undefined;

/** The addon, loaded once per process (loading never throws). */
export const loadCpuNative = (): Loaded => (cached ??= load());
