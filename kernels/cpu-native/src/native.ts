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
}

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
