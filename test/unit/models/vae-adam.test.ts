import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { FusedAdam, createAdam } from '../../../src/models/vae/adam';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('FusedAdam (WASM SIMD)', () => {
  it('is what createAdam gives on WASM', () => {
    const adam = createAdam(1e-3);
    expect(adam).toBeInstanceOf(FusedAdam);
    adam.dispose();
  });

  it("follows tfjs' AdamOptimizer step for step (sizes with and without a tail of 1–3 floats, zero gradients, a subset of variables)", () => {
    for (const shape of [[7, 5], [64, 33], [3], [4, 4]]) {
      const init = tf.randomNormal(shape, 0, 1, 'float32', 1);
      const other = tf.randomNormal([6], 0, 1, 'float32', 2);
      const a = tf.variable(init.clone());
      const b = tf.variable(init.clone());
      const a2 = tf.variable(other.clone());
      const b2 = tf.variable(other.clone());
      const fused = new FusedAdam(1e-2);
      const reference = tf.train.adam(1e-2);
      for (let step = 0; step < 12; step++) {
        const g = tf.randomNormal(shape, 0, step % 4 === 0 ? 0 : 1, 'float32', 10 + step);
        const g2 = tf.randomNormal([6], 0, 1, 'float32', 50 + step);
        // The second variable moves on every third step only (tfjs counts t per call, as FusedAdam does).
        const withSecond = step % 3 === 0;
        fused.applyGradients(withSecond ? { [a.name]: g, [a2.name]: g2 } : { [a.name]: g });
        // tfjs types the map as variables; it reads plain tensors (as the VAE trainers pass them).
        const grads: tf.NamedTensorMap = withSecond ? { [b.name]: g, [b2.name]: g2 } : { [b.name]: g };
        reference.applyGradients(grads as unknown as Parameters<typeof reference.applyGradients>[0]);
        tf.dispose([g, g2]);
      }
      for (const [x, y] of [[a, b], [a2, b2]] as const) {
        const got = x.dataSync();
        const want = y.dataSync();
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!), `${String(shape)}[${i}]`).toBeLessThan(2e-6);
      }
      expect(Math.abs(a.dataSync()[0]! - init.dataSync()[0]!)).toBeGreaterThan(1e-3);
      const before = tf.memory().numTensors;
      fused.dispose();
      reference.dispose();
      expect(tf.memory().numTensors).toBeLessThan(before);
      tf.dispose([init, other, a, b, a2, b2]);
    }
  });
});
