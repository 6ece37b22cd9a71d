import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { coreGradConfigs } from './core-gradient-configs';
import { registerCoreGradients } from './core-gradients';

// The installed tfjs-core's gradient modules: the list must name every one but Prod's (core-gradient-configs.ts).
const gradientFiles = (): readonly string[] => {
  const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-core/package.json');
  return readdirSync(join(dirname(pkg), 'dist', 'gradients')).filter((f) => f.endsWith('_grad.js'));
};

describe('core gradients', () => {
  it('lists one config for every gradient module of the installed tfjs-core except Prod', () => {
    const kernels = gradientFiles()
      .map((f) => f.replace(/_grad\.js$/, ''))
      .filter((k) => k !== 'Prod')
      .sort();
    expect(coreGradConfigs.map((c) => c.kernelName).sort()).toEqual(kernels);
  });

  it('are registered on import, so a second registration adds none', () => {
    for (const c of coreGradConfigs) expect(tf.getGradient(c.kernelName), c.kernelName).toBeDefined();
    expect(registerCoreGradients()).toBe(0);
  });
});
