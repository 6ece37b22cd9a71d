import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// Proof that the module-boundary rules constrain: a pure lib importing tfjs or node:fs must fail lint.
// The source is linted as if it lived inside a pure lib; no violating file exists in the tree.
const root = resolve(import.meta.dirname, '../..');
const lint = async (relPath: string, code: string) => {
  const [result] = await new ESLint({ cwd: root }).lintText(code, { filePath: resolve(root, relPath) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
};

describe('module boundaries', () => {
  beforeAll(() => {
    // The Nx rule reads the cached project graph; computing it is what `nx show projects` does.
    const r = spawnSync('npx', ['nx', 'show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
    expect(r.status).toBe(0);
  });

  it('rejects tfjs in a pure lib through the Nx boundary rule', async () => {
    const messages = await lint('libs/search-space/src/violation.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport const v = tf;\n");
    expect(messages.some((m) => m.startsWith('@nx/enforce-module-boundaries') && m.includes('@tensorflow/tfjs-core'))).toBe(true);
  });

  it('rejects node:fs, fs and gpu.js in a pure lib', async () => {
    for (const mod of ['node:fs', 'fs', 'gpu.js']) {
      const messages = await lint('libs/genotype/src/violation.ts', `import * as m from '${mod}';\nexport const v = m;\n`);
      expect(messages.length, `import of ${mod}`).toBeGreaterThan(0);
    }
  });

  it('rejects a pure lib depending on a tfjs package', async () => {
    const messages = await lint('libs/schedule/src/violation.ts', "import * as b from '@approx-darts/run';\nexport const v = b;\n");
    expect(messages.some((m) => m.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  // The rooms of docs/ARCHITECTURE.md: each import below points against the direction of the data flow.
  it.each([
    ['libs/kernels/src/violation.ts', '@approx-darts/networks'],
    ['libs/networks/src/violation.ts', '@approx-darts/engine-webgpu'],
    ['libs/optimizers/src/violation.ts', '@approx-darts/networks'],
    ['libs/run/src/violation.ts', '@approx-darts/engines'],
    ['libs/engine-webgpu/src/violation.ts', '@approx-darts/engine-cpu'],
  ])('rejects %s importing %s', async (file, pkg) => {
    const messages = await lint(file, `import * as b from '${pkg}';\nexport const v = b;\n`);
    expect(messages.some((m) => m.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('allows a tfjs room to import tfjs, the rooms below it and pure libs', async () => {
    const messages = await lint(
      'libs/run/src/allowed.ts',
      "import * as tf from '@tensorflow/tfjs-core';\nimport { DARTS_SPACE } from '@approx-darts/search-space';\nimport { buildSearchNetwork } from '@approx-darts/networks';\nexport const v = [tf, DARTS_SPACE, buildSearchNetwork];\n",
    );
    expect(messages).toEqual([]);
  });
});
