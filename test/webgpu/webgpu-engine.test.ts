// The webgpu engine on this machine's Vulkan (SwiftShader in CI): why it cannot start is named precisely, the
// adapter is named when it can, and a command buffer Dawn rejects becomes an error instead of silent zeros.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { WebgpuDeviceError, dawnGlibc, dawnPrerequisiteProblem, icdDriver, type DawnHost } from '@approx-darts/engine-webgpu';
import { probeWebgpu } from '@approx-darts/engines';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { webgpuForTests } from './webgpu-for-tests';

const host: DawnHost = {
  platform: 'linux',
  glibc: '2.36',
  loader: '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  drivers: { source: 'manifest directories', files: ['/usr/share/vulkan/icd.d/nvidia_icd.json'] },
  exists: () => true,
  readText: () => JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: 'libGLX_nvidia.so.0', api_version: '1.3.0' } }),
  libraryDirs: ['/usr/lib/x86_64-linux-gnu'],
  directoryDrivers: [],
};

describe('Dawn prerequisites', () => {
  it('accepts a machine that has them all', () => {
    expect(dawnPrerequisiteProblem(host)).toBeUndefined();
  });

  it('names glibc, the version needed and the version found', () => {
    const problem = dawnPrerequisiteProblem({ ...host, glibc: '2.31' });
    expect(problem).toContain(`glibc >= ${dawnGlibc}`);
    expect(problem).toContain('glibc 2.31');
    expect(dawnPrerequisiteProblem({ ...host, glibc: dawnGlibc })).toBeUndefined();
  });

  it('names the Vulkan loader and the package that brings it', () => {
    expect(dawnPrerequisiteProblem({ ...host, loader: undefined })).toMatch(/libvulkan\.so\.1.*libvulkan1/);
  });

  it('names the missing driver: no manifest at all, or a variable pointing at nothing', () => {
    expect(dawnPrerequisiteProblem({ ...host, drivers: { source: 'manifest directories', files: [] } })).toMatch(/no Vulkan driver.*VK_ICD_FILENAMES.*chromium-common/);
    const missing = dawnPrerequisiteProblem({ ...host, drivers: { source: 'VK_ICD_FILENAMES', files: ['/nowhere/icd.json'] }, exists: () => false });
    expect(missing).toContain('VK_ICD_FILENAMES names /nowhere/icd.json');
    expect(missing).not.toContain('unset');
  });

  it('says which manifest the loader would use when a variable names a file that is not there', () => {
    const problem = dawnPrerequisiteProblem({
      ...host,
      drivers: { source: 'VK_DRIVER_FILES', files: ['/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json'] },
      exists: (p) => !p.startsWith('/usr/local/nvidia'),
      directoryDrivers: ['/usr/share/vulkan/icd.d/nvidia_icd.json'],
    });
    expect(problem).toContain('unset VK_DRIVER_FILES to let the loader use /usr/share/vulkan/icd.d/nvidia_icd.json');
  });

  it("names the library a manifest points at when it is not where the linker looks, and not lavapipe", () => {
    const problem = dawnPrerequisiteProblem({ ...host, exists: (p) => p.endsWith('.json') });
    expect(problem).toBe(
      'no Vulkan driver library: /usr/share/vulkan/icd.d/nvidia_icd.json names libGLX_nvidia.so.0, which is not found in /usr/lib/x86_64-linux-gnu',
    );
  });

  it('resolves a relative library path against its manifest, as the loader does', () => {
    const swiftshader = { ...host, readText: () => JSON.stringify({ ICD: { library_path: './libvk_swiftshader.so' } }) };
    const seen: string[] = [];
    const drivers = { source: 'VK_ICD_FILENAMES' as const, files: ['/usr/lib/chromium/vk_swiftshader_icd.json'] };
    expect(dawnPrerequisiteProblem({ ...swiftshader, drivers, exists: (p) => (seen.push(p), true) })).toBeUndefined();
    expect(seen).toContain('/usr/lib/chromium/libvk_swiftshader.so');
    expect(icdDriver('/m/icd.json', { ...swiftshader, exists: () => false })).toEqual({ manifest: '/m/icd.json', library: './libvk_swiftshader.so', found: undefined });
    expect(icdDriver('/m/icd.json', { ...host, readText: () => 'not json' }).library).toBeUndefined();
  });
});

const engine = await webgpuForTests();

describe.skipIf(engine === undefined)('webgpu engine on this machine', () => {
  it('the probe names the adapter doctor shows', async () => {
    const probe = await probeWebgpu();
    expect(probe.available).toBe(true);
    expect(probe.detail).toContain(engine?.adapter ?? '?');
    expect(tf.getBackend()).toBe('webgpu');
  });

  it('a command buffer Dawn rejects fails the next read instead of returning zeros', async () => {
    // Binding a zero-size buffer is what the approximate kernel once did with an empty `range`: Dawn rejects the submit.
    const program: WebGPUProgram = {
      variableNames: ['empty'],
      outputShape: [4],
      dispatchLayout: { x: [0] },
      dispatch: [1, 1, 1],
      workgroupSize: [64, 1, 1],
      size: true,
      shaderKey: 'testZeroSizeBinding',
      getUserCode: () => `
  fn main(index : i32) {
    if (index < uniforms.size) { result[index] = 1.0 + f32(arrayLength(&empty)); }
  }`,
    };
    const backend = tf.backend() as unknown as { runWebGPUProgram: (p: WebGPUProgram, i: tf.TensorInfo[], d: tf.DataType) => tf.TensorInfo };
    const empty = tf.tensor1d([], 'float32');
    const out = tf.engine().makeTensorFromTensorInfo(backend.runWebGPUProgram(program, [empty], 'float32'));
    await expect(out.data()).rejects.toBeInstanceOf(WebgpuDeviceError);
    tf.dispose([empty, out]);
    // The engine goes on working after the error was reported.
    expect(Array.from(await tf.add(tf.tensor1d([1, 2]), 1).data())).toEqual([2, 3]);
  });
});
