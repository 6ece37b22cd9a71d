// The GPU run rehearsed (docs/GPU.md): scripts/pack-device.sh packs the bundles and the carried runtime, the bundles
// run from dist/ alone, and bench/device/run.sh runs every step on a simulated device (scripts/rehearse-device.sh:
// no Node.js, npm, node_modules or system Vulkan loader reachable; SwiftShader as the driver) at tiny sizes, ending
// with a complete summary.json. Where the rehearsal cannot run (not root, no SwiftShader), a developer's run skips
// saying why; CI (CI=true) fails instead, so a green CI run has rehearsed the device call.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const minutes = 60_000;

const why = ((): string | undefined => {
  if (process.getuid?.() !== 0) return 'needs root (a mount namespace hides Node.js)';
  if (!existsSync('/usr/lib/chromium/vk_swiftshader_icd.json')) return "needs SwiftShader's Vulkan driver (apt-get install chromium-common)";
  if (spawnSync('unshare', ['-m', 'true']).status !== 0) return 'needs mount namespaces (unshare -m failed)';
  return undefined;
})();
if (why !== undefined && process.env['CI'] === 'true') throw new Error(`CI rehearses the device run and cannot here: ${why}`);
if (why !== undefined) console.warn(`skipped: device-run rehearsal: ${why}`);

interface Step {
  readonly name: string;
  readonly exitCode: number | null;
  readonly seconds: number;
  readonly status: 'ok' | 'skipped' | 'timeout' | 'failed';
  readonly reason: string;
  readonly figures: Record<string, unknown> | null;
}
interface Summary {
  readonly complete: boolean;
  readonly adapter: string | null;
  readonly steps: readonly Step[];
}

describe.skipIf(why !== undefined)('the GPU run, rehearsed on a simulated device', () => {
  let temp = '';
  let packDir = '';
  let out = '';
  let bare = '';
  let pack: ReturnType<typeof spawnSync>;

  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'device-run-'));
    [packDir, out, bare] = ['pack', 'out', 'bare'].map((d) => join(temp, d)) as [string, string, string];
    // Packed beside the checkout (PACK_DIR), not over a developer's own dist/. XZ_LEVEL=0: the rehearsal tests what
    // is packed, not how small (Node is ~30 MB at level 0, ~24 MB at the default 6).
    pack = spawnSync('bash', ['scripts/pack-device.sh'], { cwd: root, encoding: 'utf8', env: { ...process.env, XZ_LEVEL: '0', PACK_DIR: packDir } });
  }, 20 * minutes);
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('packs under the 60 MiB the issue leaves for the carried paths, even uncompressed-fast', () => {
    expect(pack.status, String(pack.stderr)).toBe(0);
    const carried = /carried: ([\d.]+) MiB/.exec(String(pack.stdout));
    expect(carried).not.toBeNull();
    expect(Number(carried?.[1])).toBeLessThan(60);
  });

  it('runs the bundled CLI from dist/ alone: --help, and doctor finds the webgpu engine', () => {
    cpSync(join(packDir, 'dist'), join(bare, 'dist'), { recursive: true });
    expect(existsSync(join(bare, 'node_modules'))).toBe(false);
    // The pack stores Dawn xz-compressed (the device script unpacks it the same way).
    expect(spawnSync('xz', ['-d', join(bare, 'dist/node_modules/webgpu/dist/linux-x64/dawn.node.xz')]).status).toBe(0);
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [join(bare, 'dist', 'approx-darts.mjs'), ...args], { cwd: bare, encoding: 'utf8', timeout: 2 * minutes, env: { PATH: '/usr/bin:/bin', XDG_RUNTIME_DIR: bare } });
    expect(run('--help').status).toBe(0);
    const doctor = run('doctor', '--json', '--engine', 'webgpu');
    expect(doctor.status, doctor.stderr).toBe(0);
    const engines = (JSON.parse(doctor.stdout) as { engines: { name: string; available: boolean; detail: string }[] }).engines;
    expect(engines.find((e) => e.name === 'webgpu')).toMatchObject({ available: true, detail: expect.stringMatching(/swiftshader/i) as unknown as string });
  });

  it('runs every step of the device script from the bundles, with a complete summary', () => {
    const r = spawnSync('bash', ['scripts/rehearse-device.sh', out, 'rehearsal'], { cwd: root, encoding: 'utf8', timeout: 30 * minutes, env: { ...process.env, PACK_DIR: packDir } });
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    const step = (name: string): Step => {
      const s = summary.steps.find((x) => x.name === name);
      if (s === undefined) throw new Error(`summary.json has no step ${name}: ${summary.steps.map((x) => x.name).join(', ')}`);
      return s;
    };
    expect(r.status, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`).toBe(0);
    expect(summary.complete).toBe(true);
    // What comes back from the device: at most 8 files, 16 MiB each.
    const files = readdirSync(out);
    expect(files.sort()).toEqual(['log.txt', 'results.tar.gz', 'summary.json']);
    for (const f of files) expect(statSync(join(out, f)).size).toBeLessThan(16 * 2 ** 20);

    // The simulated device really had no Node.js: the host step saw none, the carried one ran everything.
    expect(step('host').figures?.['nodeOnPath']).toBe('none that runs');
    expect(step('setup').status).toBe('ok');
    expect(step('vulkan-driver').figures?.['chosen']).toMatch(/vk_swiftshader_icd\.json \(library .*libvk_swiftshader\.so loads\)/);
    expect(step('doctor').status).toBe('ok');
    expect(summary.adapter).toMatch(/swiftshader/i);

    const conformance = step('webgpu-conformance');
    expect(conformance.status).toBe('ok');
    expect(conformance.figures).toMatchObject({ complete: true, tables: 2, layouts: ['packed', 'workgroup'], mismatches: 0 });
    const kernels = step('webgpu-kernels');
    expect(kernels.status).toBe('ok');
    expect((kernels.figures?.['rows'] as unknown[]).length).toBe(1 + 4 * 2);

    // Without a GPU the CUDA and PyTorch steps say why they did not run, and nothing is counted as a failure.
    for (const name of ['cuda-lut', 'cuda-lut-pytorch', 'pytorch-step-b4']) {
      expect(step(name).status).toBe('skipped');
      expect(step(name).reason).toMatch(/CUDA|torch|nvcc|no CUDA LUT result/);
    }
    for (const name of ['search-fp32-b4', 'search-mul8u_NGR-b4', 'search-mul8u_NGR-b8']) {
      const s = step(name);
      expect(s.status, s.reason).toBe('ok');
      expect(s.figures?.['imagesPerSecond']).toBeGreaterThan(0);
      const profile = s.figures?.['profile'] as { engine: string; perStep: { dispatches: number } };
      expect(profile.engine).toBe('webgpu');
      expect(profile.perStep.dispatches).toBeGreaterThan(1000);
    }
    expect(summary.steps.filter((s) => s.status === 'failed' || s.status === 'timeout')).toEqual([]);
  }, 35 * minutes);
});
