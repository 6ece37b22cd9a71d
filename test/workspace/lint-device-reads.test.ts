import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// Proof that the loops' code cannot read the device synchronously (it throws on the webgpu engine in Node): the
// source is linted as if it lived at the given path; no violating file exists in the tree.
const root = resolve(import.meta.dirname, '../..');
const lint = async (relPath: string, code: string) => {
  const [result] = await new ESLint({ cwd: root }).lintText(code, { filePath: resolve(root, relPath) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
};
const violations = (messages: readonly string[]) => messages.filter((m) => m.startsWith('no-restricted-properties'));

const reading = (read: string) => `import * as tf from '@tensorflow/tfjs-core';\nexport const v = (t: tf.Tensor) => t.${read}();\n`;

describe('no synchronous device reads in the loops', () => {
  beforeAll(() => {
    // The config's Nx boundary rule reads the cached project graph; computing it is what `nx show projects` does.
    const r = spawnSync('npx', ['nx', 'show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
    expect(r.status).toBe(0);
  });

  it.each([
    ['libs/run/src/search/violation.ts', 'dataSync'],
    ['libs/run/src/train/violation.ts', 'arraySync'],
    ['libs/optimizers/src/violation.ts', 'bufferSync'],
    ['libs/networks/src/search-network/violation.ts', 'dataSync'],
    ['libs/networks/src/eval-network/violation.ts', 'arraySync'],
    ['apps/cli/src/commands/violation.ts', 'dataSync'],
    ['datasets/cifar10/src/violation.ts', 'dataSync'],
  ])('rejects %s calling .%s()', async (path, read) => {
    const messages = violations(await lint(path, reading(read)));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`'${read}'`);
    expect(messages[0]).toContain('await t.data()');
  });

  it('rejects a backend readSync in the loops, but not in the cpu kernels, which read their own host memory', async () => {
    const code = "export const v = (b: { readSync: (id: object) => unknown }, id: object) => b.readSync(id);\n";
    expect(violations(await lint('libs/run/src/search/violation.ts', code))).toHaveLength(1);
    expect(violations(await lint('libs/kernels/src/allowed.ts', code))).toEqual([]);
  });

  it('allows asynchronous reads in the loops, and synchronous ones in tests (they run on the cpu engine)', async () => {
    expect(violations(await lint('libs/run/src/search/allowed.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport const v = async (t: tf.Tensor) => [await t.data(), await t.array()];\n"))).toEqual([]);
    expect(violations(await lint('libs/run/src/search/allowed.test.ts', reading('dataSync')))).toEqual([]);
  });
});
