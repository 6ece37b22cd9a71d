import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildSearchNetwork } from '@approx-darts/networks';
import { selectEngine } from '@approx-darts/engines';
import { gradientsOf, weightParams } from '@approx-darts/run';
import { DARTS_SPACE } from '@approx-darts/search-space';

await selectEngine('cpu');
const cells = Number(process.argv[2] ?? 5), C = Number(process.argv[3] ?? 8), B = Number(process.argv[4] ?? 8);
const space = { ...DARTS_SPACE, macro: { ...DARTS_SPACE.macro, cells, channels: C } };
const net = buildSearchNetwork(space, { seed: 0 });
const x = tf.randomUniform([B, 32, 32, 3]) as tf.Tensor4D;
const y = tf.tensor1d(Array.from({ length: B }, (_, i) => i % 10), 'int32');
let t0 = performance.now();
tf.tidy(() => {
  net.forward(x, 'train').dataSync();
});
console.log('forward ms', (performance.now() - t0).toFixed(0));
t0 = performance.now();
const prof = await tf.profile(() => { const { grads, stats } = gradientsOf(net, { x, y }, weightParams(net)); tf.dispose([...Object.values(grads), stats.loss, stats.correct]); });
console.log('fwd+bwd ms', (performance.now() - t0).toFixed(0), 'kernels', prof.kernels.length);
const agg = new Map<string, { ms: number; n: number }>();
for (const k of prof.kernels) { const a = agg.get(k.name) ?? { ms: 0, n: 0 }; a.ms += k.kernelTimeMs as number; a.n += 1; agg.set(k.name, a); }
for (const [k, v] of [...agg].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) console.log(k.padEnd(40), v.ms.toFixed(0).padStart(8), v.n);
process.exit(0);
