import * as tf from '@tensorflow/tfjs-core';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

// tfjs-core's Node bundle registers no gradients (the `@tensorflow/tfjs` union package does, and it is not a
// dependency here); its `dist/register_all_gradients` cannot be loaded by Node either, because one gradient module
// imports the package index and that resolves a directory import. So every `*_grad.js` module is loaded
// one by one and its config registered in the (global) gradient registry, once per process.
const SKIP = new Set(['Prod_grad.js']);

let registered: Promise<number> | undefined;

/** Registers tfjs-core's gradients (all but Prod's) if not yet done; resolves to how many were added. */
export const registerCoreGradients = (): Promise<number> => {
  registered ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist', 'gradients');
    let added = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('_grad.js') && !SKIP.has(f))) {
      const mod = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
      for (const [name, config] of Object.entries(mod))
        if (name.endsWith('GradConfig') && typeof config === 'object' && config !== null) {
          const c = config as tf.GradConfig;
          if (tf.getGradient(c.kernelName) === undefined) {
            tf.registerGradient(c);
            added += 1;
          }
        }
    }
    return added;
  })();
  return registered;
};

await registerCoreGradients();
