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

  it('rejects a pure lib depending on the backend lib', async () => {
    const messages = await lint('libs/schedule/src/violation.ts', "import * as b from '@approx-darts/backend';\nexport const v = b;\n");
    expect(messages.some((m) => m.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('allows the backend lib to import tfjs and pure libs', async () => {
    const messages = await lint(
      'libs/backend/src/allowed.ts',
      "import * as tf from '@tensorflow/tfjs-core';\nimport { DARTS_SPACE } from '@approx-darts/search-space';\nexport const v = [tf, DARTS_SPACE];\n",
    );
    expect(messages).toEqual([]);
  });
});
