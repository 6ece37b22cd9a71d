import type { ConvGeometry } from '@approx-darts/approx-conv';
import { webgpuAccumulate } from './gpu-accumulate';
import type { LutLayout } from './lut-conv-program';

/** One implementation in the conformance list: its name, why it is skipped here (undefined = runs), its accumulation. */
export interface WebgpuConformanceEntry {
  readonly name: string;
  readonly skipReason: () => Promise<string | undefined>;
  readonly accumulate: (g: ConvGeometry, x: Uint8Array, w: Uint8Array, padCode: number, table: Uint16Array) => Promise<Int32Array>;
}

const entry = (layout: LutLayout): WebgpuConformanceEntry => ({
  name: `webgpu (WGSL, ${layout} table)`,
  // Starting the engine is the only honest probe: it loads Dawn, finds an adapter and selects the backend.
  skipReason: async () => {
    const { setupWebgpu } = await import('../engines/webgpu-setup');
    try {
      await setupWebgpu({ lutLayout: layout });
      return undefined;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  },
  accumulate: webgpuAccumulate(layout),
});

/** The webgpu entries of the conformance suite (both table layouts); async, see `webgpuAccumulate`. */
export const webgpuConformance: readonly WebgpuConformanceEntry[] = [entry('packed'), entry('workgroup')];
