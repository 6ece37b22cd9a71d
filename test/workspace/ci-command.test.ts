import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('CI command', () => {
  it('.ci/run runs exactly the README\'s test command (the second sh block)', () => {
    const blocks = [...read('README.md').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    const ciLines = read('.ci/run').trim().split('\n');
    expect(blocks[1]).toMatch(/npm test$/);
    expect(ciLines[ciLines.length - 1]).toBe(blocks[1]);
  });

  it('both set-up commands install oneDNN and a C++ compiler before npm ci, so the native cpu kernels get built', () => {
    const blocks = [...read('README.md').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    for (const block of blocks.slice(0, 2)) expect(block).toMatch(/^apt-get update && apt-get install -y --no-install-recommends [^&]*\blibdnnl-dev g\+\+ && npm ci && /);
  });
});
