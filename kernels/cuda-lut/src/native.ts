import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';

/** What the addon exports (src/native/addon.cc); opaque handles are device allocations. */
export interface NativeAddon {
  readonly status: () => unknown;
  readonly accumulate: (g: object, kind: string, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array | null, options: NativeVariant) => Int32Array;
  readonly fused: (g: object, kind: string, x: Float32Array, w: Float32Array, table: Uint16Array | null, quant: NativeQuant, options: NativeVariant) => Float32Array;
  readonly alloc: (bytes: number) => NativeHandle;
  readonly free: (h: NativeHandle) => void;
  readonly upload: (h: NativeHandle, data: ArrayBufferView, byteOffset: number) => void;
  readonly download: (h: NativeHandle, into: ArrayBufferView, byteOffset: number) => void;
  readonly accumulateDevice: (g: object, kind: string, x: NativeHandle, w: NativeHandle, padCode: number, table: NativeHandle | null, out: NativeHandle, options: NativeVariant) => void;
  readonly fusedDevice: (g: object, kind: string, x: NativeHandle, w: NativeHandle, table: NativeHandle | null, y: NativeHandle, quant: NativeQuant, options: NativeVariant) => void;
  readonly synchronize: () => void;
}
export type NativeHandle = { readonly __nativeHandle: unique symbol };
export interface NativeVariant {
  readonly exact: boolean;
  readonly layout: number;
}
export interface NativeQuant {
  readonly symmetric: boolean;
  readonly perChannelWeights: boolean;
  readonly inputRange: Float32Array | null;
  readonly weightRange: Float32Array | null;
}

/** The addon's status object, checked at the boundary. */
export const NativeStatus = t.type({ devices: t.number, detail: t.string, targets: t.string });
export type NativeStatus = t.TypeOf<typeof NativeStatus>;

const buildDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'build');
export const addonPath = resolve(buildDir, 'cuda_lut.node');

export type Loaded = { readonly ok: true; readonly addon: NativeAddon; readonly status: NativeStatus } | { readonly ok: false; readonly reason: string };

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// Why the build script left no addon (it writes the reason), or how to build it.
const notBuiltReason = (): string => {
  const recorded = resolve(buildDir, 'not-built.txt');
  if (existsSync(recorded)) return readFileSync(recorded, 'utf8').split('\n')[0] ?? 'unknown reason';
  return `${addonPath} is missing (run: npm run build -w @approx-darts/cuda-lut)`;
};

const load = (): Loaded => {
  if (!existsSync(addonPath)) return { ok: false, reason: notBuiltReason() };
  try {
    const addon = createRequire(import.meta.url)(addonPath) as NativeAddon;
    const status = NativeStatus.decode(addon.status());
    if (!isRight(status)) return { ok: false, reason: 'the addon returned a malformed status object' };
    return { ok: true, addon, status: status.right };
  } catch (e) {
    return { ok: false, reason: `failed to load ${addonPath}: ${message(e)}` };
  }
};

let cached: Loaded | undefined;

/** The addon, loaded once per process (loading never throws). */
export const loadAddon = (): Loaded => (cached ??= load());
