// Throughput of the CIFAR-10 batch pipeline (decode to NHWC, upload, augmentation) on the tfjs cpu
// backend over the shared subset. Run: npx tsx bench/cifar10-batches.ts
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, epochBatches, evalAugmentation, loadCifar10, trainAugmentation, type AugmentationPipeline } from '@approx-darts/cifar10';

await tf.setBackend('cpu');
const data = await loadCifar10(resolve(process.cwd(), '../shared/datasets/cifar-10-partial'));
const cases: readonly (readonly [string, AugmentationPipeline, number])[] = [
  ['normalize only', evalAugmentation, 256],
  ['crop+flip+normalize', trainAugmentation({ cutout: false }), 256],
  ['crop+flip+normalize+cutout', trainAugmentation({ cutout: true }), 256],
  ['crop+flip+normalize+cutout', trainAugmentation({ cutout: true }), 64],
];
const rows = [];
for (const [name, augmentation, batchSize] of cases) {
  const stream = epochBatches({ records: data.train, batchSize, rng: createRng(1), shuffle: true, augmentation, labels: 'int32' });
  for await (const b of stream) tf.dispose([b.x, b.y]);
  const t = stream.throughput();
  rows.push({ pipeline: name, batchSize, images: t.images, seconds: +t.seconds.toFixed(3), imagesPerSecond: Math.round(t.imagesPerSecond) });
}
console.table(rows);
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/cifar10-batches.json', `${JSON.stringify({ backend: tf.getBackend(), rows }, null, 2)}\n`);
