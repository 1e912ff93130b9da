import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { VAE_PARAM_NAMES, VaeNetwork } from '../../../src/models/vae/vae-network';
import { Rng } from '../../../src/util/random';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../../src/models/packs/float16';
import { spdInverse } from '../../../src/util/spd-inverse';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('VaeNetwork analytic gradients', () => {
  const arch = { items: 12, hidden: 6, latent: 3 };
  const rows = 4;
  let net: VaeNetwork;
  let input: tf.Tensor2D;
  let target: tf.Tensor2D;
  const klWeights = new Float32Array([0.3, 0.1, 0.5, 0.2]);
  const l2 = 0.01;
  const noiseSeed = 1234;

  beforeAll(() => {
    net = VaeNetwork.create(arch, 7);
    const rng = new Rng(3);
    const x = new Float32Array(rows * arch.items);
    for (let i = 0; i < x.length; i++) x[i] = rng.next() < 0.35 ? 1 : 0;
    target = tf.tensor2d(x, [rows, arch.items]);
    input = tf.tidy(() => tf.div(target, tf.maximum(tf.norm(target, 2, 1, true), 1e-9)) as tf.Tensor2D);
  });
  afterAll(() => {
    net.dispose();
    tf.dispose([input, target]);
  });

  const lossNow = (): number => {
    const r = net.trainStep(input, target, klWeights, l2, noiseSeed);
    const value = r.loss.dataSync()[0]!;
    tf.dispose([r.loss, r.nll, r.kl, ...Object.values(r.grads)]);
    return value;
  };

  it('match central finite differences for every parameter', () => {
    const step = net.trainStep(input, target, klWeights, l2, noiseSeed);
    const rng = new Rng(11);
    let checked = 0;
    for (const name of VAE_PARAM_NAMES) {
      const variable = net.params[name];
      const grad = step.grads[variable.name]!.dataSync();
      const base = Float32Array.from(variable.dataSync());
      for (let t = 0; t < 4; t++) {
        const i = Math.floor(rng.next() * base.length);
        const eps = 1e-2;
        const probe = (delta: number): number => {
          const w = Float32Array.from(base);
          w[i]! += delta;
          variable.assign(tf.tensor(w, variable.shape));
          return lossNow();
        };
        const numeric = (probe(eps) - probe(-eps)) / (2 * eps);
        variable.assign(tf.tensor(base, variable.shape));
        expect(Math.abs(numeric - grad[i]!), `${name}[${i}] analytic ${grad[i]} numeric ${numeric}`).toBeLessThan(
          2e-3 + 2e-2 * Math.abs(numeric),
        );
        checked++;
      }
    }
    tf.dispose([step.loss, step.nll, step.kl, ...Object.values(step.grads)]);
    expect(checked).toBe(VAE_PARAM_NAMES.length * 4);
  });

  it('trainStep and scoring leave no tensors behind', () => {
    const before = tf.memory().numTensors;
    const r = net.trainStep(input, target, klWeights, l2, noiseSeed);
    tf.dispose([r.loss, r.nll, r.kl, ...Object.values(r.grads)]);
    net.score(input).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('item-item solve', () => {
  it('inverts an SPD matrix by block recursion (above its 256 base size)', async () => {
    const n = 300;
    const rng = new Rng(5);
    const a = new Float64Array(n * n);
    const m = Array.from({ length: n * n }, () => rng.normal());
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let k = 0; k < n; k++) s += m[i * n + k]! * m[j * n + k]!;
        a[i * n + j] = s;
      }
    const before = tf.memory().numTensors;
    const t = tf.tensor2d(Float32Array.from(a), [n, n]);
    const inv = tf.tensor2d(spdInverse(Float32Array.from(a), n), [n, n]);
    const product = tf.matMul(t, inv);
    const values = await product.data();
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(values[i * n + j]!).toBeCloseTo(i === j ? 1 : 0, 3);
    tf.dispose([t, inv, product]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('float16', () => {
  it('rounds to nearest and keeps specials', () => {
    for (const v of [0, 1, -2.5, 0.1, 65504, 6.1e-5, 1e-7, -0.000123]) {
      const back = float16BitsToFloat32(float32ToFloat16Bits(v));
      expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 2 ** -11, 2 ** -25));
    }
    expect(float16BitsToFloat32(float32ToFloat16Bits(1e6))).toBe(Infinity);
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN)))).toBe(true);
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
  });
});
