import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const README = resolve('libs/sdk/README.md');

/** The ```ts blocks of a Markdown file, in order. */
const snippets = (markdown: string): readonly string[] => [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('the SDK README', () => {
  it('has snippets that type-check as one module against the workspace (every name they use is imported)', () => {
    const blocks = snippets(readFileSync(README, 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    // Inside node_modules/.cache so that '@approx-darts/sdk' resolves through the workspace links as a user's would.
    const dir = resolve('node_modules/.cache/sdk-readme');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'snippets.ts');
    // Imports first (one module may import a name once), the statements after them in README order.
    const lines = blocks.join('\n').split('\n');
    const imports = lines.filter((l) => l.startsWith('import '));
    writeFileSync(file, [...imports, ...lines.filter((l) => !l.startsWith('import ')), 'export {};', ''].join('\n'));
    const config = ts.getParsedCommandLineOfConfigFile(resolve('tsconfig.base.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    if (config === undefined) throw new Error('tsconfig.base.json did not parse');
    const program = ts.createProgram([file], { ...config.options, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === file || d.file === undefined)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  }, 120_000);
});
