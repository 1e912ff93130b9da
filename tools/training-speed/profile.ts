// `npx tsx tools/training-speed/profile.ts [items] [steps]`: where the time of one VAE training step
// goes on tfjs WASM in Node — kernel by kernel (tf.profile, grouped by kernel and shapes) and the
// JavaScript around them (batch build, dispatch) as the rest of the wall time. Office by default;
// a number of items gives a synthetic catalog of that size.
import * as tf from '@tensorflow/tfjs-core';
import { resolve } from 'node:path';
import { initEvalBackend } from '../io/node-backend';
import { readInteractionData } from '../io/interactions-node';
import { csrFromRows, type Csr } from '../../src/util/csr';
import { Rng } from '../../src/util/random';
import { VaeTrainer } from '../../src/models/vae/vae-trainer';

function data(items: number | undefined): Csr {
  if (!items) {
    const d = readInteractionData(resolve('..', 'shared/data/office'));
    return csrFromRows(d.rows, d.itemIds.length);
  }
  const rng = new Rng(7);
  const rows: number[][] = [];
  for (let u = 0; u < 10_000; u++) {
    const length = 2 + Math.floor(rng.next() * 19);
    const row = new Set<number>();
    while (row.size < length) row.add(Math.min(items - 1, Math.floor(items * rng.next() ** 2)));
    rows.push([...row]);
  }
  return csrFromRows(rows, items);
}

async function main(): Promise<void> {
  const [itemsArg, stepsArg] = process.argv.slice(2).map(Number);
  await initEvalBackend();
  const csr = data(itemsArg || undefined);
  const steps = stepsArg || 20;
  const trainer = new VaeTrainer(csr, { hidden: 300, latent: 100, batchSize: 100, seed: 42 });
  await trainer.trainSteps(3);
  const byKernel = new Map<string, { ms: number; calls: number }>();
  let wall = 0;
  for (let s = 0; s < steps; s++) {
    const t0 = performance.now();
    const info = await tf.profile(() => trainer.trainSteps(1));
    wall += performance.now() - t0;
    for (const k of info.kernels) {
      const key = `${k.name} ${k.inputShapes.map((x) => `[${(x ?? []).join('×')}]`).join(' ')}`;
      const e = byKernel.get(key) ?? { ms: 0, calls: 0 };
      e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      e.calls++;
      byKernel.set(key, e);
    }
  }
  // Unprofiled wall time too (tf.profile adds its own overhead per kernel).
  const t0 = performance.now();
  await trainer.trainSteps(steps);
  const plain = (performance.now() - t0) / steps;
  const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const kernelMs = rows.reduce((a, [, e]) => a + e.ms, 0) / steps;
  console.log(`items ${csr.cols}: ${plain.toFixed(2)} ms/step unprofiled (${(100_000 / plain).toFixed(0)} shoppers/s); profiled ${(wall / steps).toFixed(2)} ms/step, kernels ${kernelMs.toFixed(2)} ms/step`);
  const byName = new Map<string, number>();
  for (const [key, e] of rows) byName.set(key.split(' ')[0]!, (byName.get(key.split(' ')[0]!) ?? 0) + e.ms / steps);
  console.log('by kernel:', [...byName.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', '));
  for (const [key, e] of rows.slice(0, 40)) console.log(`${(e.ms / steps).toFixed(3).padStart(8)} ms  ×${(e.calls / steps).toFixed(0).padStart(2)}  ${key}`);
  trainer.dispose();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
