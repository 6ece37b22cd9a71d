import { setupWebgpu, type WebgpuEngine } from '@approx-darts/engine-webgpu';

/**
 * Starts the webgpu engine for a test file. Where it cannot start, a developer's run skips the file's suites with the
 * reason printed; CI (CI=true) installs SwiftShader and the Vulkan loader (README's test command), so there the same
 * failure is an error: the webgpu suites never go silently missing from a green run.
 */
export const webgpuForTests = async (): Promise<WebgpuEngine | undefined> => {
  try {
    return await setupWebgpu();
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (process.env['CI'] === 'true') throw new Error(`CI needs the webgpu engine and it did not start: ${reason}`);
    console.warn(`skipped: webgpu suites: ${reason}`);
    return undefined;
  }
};

/**
 * Whether the whole-search suites on webgpu run: SwiftShader executes every dispatch on the CPU, so a tiny search takes
 * minutes per engine on 2 cores. CI (CI=true) runs them; a developer's `npm test` skips them, saying so, unless
 * APPROX_DARTS_SLOW_WEBGPU=1.
 */
export const slowWebgpuSuites = (what: string): boolean => {
  const on = process.env['CI'] === 'true' || process.env['APPROX_DARTS_SLOW_WEBGPU'] === '1';
  if (!on) console.warn(`skipped: ${what}: takes minutes on SwiftShader; runs in CI, or here with APPROX_DARTS_SLOW_WEBGPU=1`);
  return on;
};
