// `npx tsx tools/training-speed/density.ts [items]`: the VAE training step with the encoder's input
// dense (matmul) and sparse (segment sum + scatter-add) at growing history densities, interleaved,
// to place SPARSE_INPUT_MAX_DENSITY (src/models/vae/vae-trainer.ts). Times are medians in ms/step.
import * as tf from '@tensorflow/tfjs-core';
import { initEvalBackend } from '../io/node-backend';
import { Rng } from '../../src/util/random';
import { VaeNetwork, type SparseRows } from '../../src/models/vae/vae-network';
import { createAdam } from '../../src/models/vae/adam';

async function main(): Promise<void> {
  const items = Number(process.argv[2] ?? 2420);
  const backend = await initEvalBackend();
  const arch = { items, hidden: 300, latent: 100 };
  const net = VaeNetwork.create(arch, 1);
  // Weights move every step, as in training (XNNPACK repacks a changed weight matrix).
  const optimizer = createAdam(1e-3);
  const B = 100;
  const rng = new Rng(3);
  const kl = new Float32Array(B).fill(0.2);
  for (const density of [0.005, 0.01, 0.02, 0.05, 0.1, 0.2]) {
    const rowIds: number[] = [];
    const cols: number[] = [];
    const x = new Float32Array(B * items);
    const scale = new Float32Array(B);
    for (let r = 0; r < B; r++) {
      const chosen = new Set<number>();
      const n = Math.max(1, Math.round(density * items));
      while (chosen.size < n) chosen.add(Math.floor(rng.next() * items));
      scale[r] = 1 / Math.sqrt(n);
      for (const c of chosen) {
        rowIds.push(r);
        cols.push(c);
        x[r * items + c] = scale[r]!;
      }
    }
    const sparse: SparseRows = { rows: B, rowIds: Int32Array.from(rowIds), cols: Int32Array.from(cols), rowScale: scale };
    const target = tf.tensor2d(x.map((v) => (v > 0 ? 1 : 0)), [B, items]);
    const times: Record<'dense' | 'sparse', number[]> = { dense: [], sparse: [] };
    for (let round = 0; round < 22; round++) {
      for (const mode of ['dense', 'sparse'] as const) {
        const t0 = performance.now();
        const r = tf.tidy(() => {
          const input = mode === 'dense' ? tf.tensor2d(x, [B, items]) : sparse;
          const out = net.trainStep(input, target, kl, 0, 7);
          optimizer.applyGradients(out.grads);
          return out.loss;
        });
        await r.data();
        r.dispose();
        if (round >= 2) times[mode].push(performance.now() - t0);
      }
    }
    target.dispose();
    const med = (a: number[]): number => a.sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
    const record = { bench: 'vae-input-density', backend, items, density, dense: Number(med(times.dense).toFixed(2)), sparse: Number(med(times.sparse).toFixed(2)) };
    console.log(JSON.stringify(record));
  }
  optimizer.dispose();
  net.dispose();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
