import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { VAE_PARAM_NAMES, VaeNetwork, type SparseRows } from '../../../src/models/vae/vae-network';
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

describe('VaeNetwork sparse input', () => {
  const arch = { items: 40, hidden: 8, latent: 3 };
  const l2 = 0.01;
  const noiseSeed = 99;

  /** The same rows dense and in coordinate form. */
  const batch = (rows: number[][], scales: number[]): { dense: tf.Tensor2D; sparse: SparseRows; target: tf.Tensor2D } => {
    const x = new Float32Array(rows.length * arch.items);
    const t = new Float32Array(rows.length * arch.items);
    const rowIds: number[] = [];
    const cols: number[] = [];
    rows.forEach((items, r) => {
      for (const i of items) {
        x[r * arch.items + i] = scales[r]!;
        t[r * arch.items + i] = 1;
        rowIds.push(r);
        cols.push(i);
      }
      // A target item the input dropped (targets are the whole history).
      t[r * arch.items + ((r * 7 + 3) % arch.items)] = 1;
    });
    return {
      dense: tf.tensor2d(x, [rows.length, arch.items]),
      sparse: { rows: rows.length, rowIds: Int32Array.from(rowIds), cols: Int32Array.from(cols), rowScale: Float32Array.from(scales) },
      target: tf.tensor2d(t, [rows.length, arch.items]),
    };
  };

  const compare = (rows: number[][], scales: number[]): void => {
    const net = VaeNetwork.create(arch, 5);
    const { dense, sparse, target } = batch(rows, scales);
    const kl = new Float32Array(rows.length).fill(0.2);
    const before = tf.memory().numTensors;
    const a = net.trainStep(dense, target, kl, l2, noiseSeed);
    const b = net.trainStep(sparse, target, kl, l2, noiseSeed);
    expect(b.loss.dataSync()[0]).toBeCloseTo(a.loss.dataSync()[0]!, 5);
    expect(b.nll.dataSync()[0]).toBeCloseTo(a.nll.dataSync()[0]!, 5);
    for (const name of VAE_PARAM_NAMES) {
      const key = net.params[name].name;
      const ga = a.grads[key]!.dataSync();
      const gb = b.grads[key]!.dataSync();
      expect(gb.length).toBe(ga.length);
      for (let i = 0; i < ga.length; i++) expect(Math.abs(gb[i]! - ga[i]!), `${name}[${i}]`).toBeLessThan(1e-6 + 1e-4 * Math.abs(ga[i]!));
    }
    tf.dispose([a.loss, a.nll, a.kl, ...Object.values(a.grads), b.loss, b.nll, b.kl, ...Object.values(b.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([dense, target]);
    net.dispose();
  };

  it('gives the dense path\'s loss and gradients (empty rows in the middle and at the end, repeated items across rows)', () => {
    compare([[0, 5, 39], [], [5, 6, 7, 8], [12], [], []], [0.577, 1, 0.5, 2, 1, 1]);
  });

  it('handles a batch whose inputs were all dropped', () => {
    compare([[], []], [1, 1]);
  });

  it('passes the finite-difference check on enc/w1 through the sparse path', () => {
    const net = VaeNetwork.create(arch, 9);
    const { dense, sparse, target } = batch([[1, 2, 3], [3, 30], [17]], [0.577, 0.707, 1]);
    const kl = new Float32Array(3).fill(0.3);
    const lossAt = (): number => {
      const r = net.trainStep(sparse, target, kl, l2, noiseSeed);
      const v = r.loss.dataSync()[0]!;
      tf.dispose([r.loss, r.nll, r.kl, ...Object.values(r.grads)]);
      return v;
    };
    const step = net.trainStep(sparse, target, kl, l2, noiseSeed);
    const w1 = net.params['enc/w1'];
    const grad = step.grads[w1.name]!.dataSync();
    const base = Float32Array.from(w1.dataSync());
    // Rows of items in the input (3 is in two rows) and one that is not (its gradient is the L2 term alone).
    for (const i of [1 * arch.hidden + 2, 3 * arch.hidden + 5, 30 * arch.hidden, 10 * arch.hidden + 1]) {
      const probe = (delta: number): number => {
        const w = Float32Array.from(base);
        w[i]! += delta;
        w1.assign(tf.tensor(w, w1.shape));
        return lossAt();
      };
      const numeric = (probe(1e-2) - probe(-1e-2)) / 2e-2;
      w1.assign(tf.tensor(base, w1.shape));
      expect(Math.abs(numeric - grad[i]!), `enc/w1[${i}]`).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
    }
    tf.dispose([step.loss, step.nll, step.kl, ...Object.values(step.grads), dense, target]);
    net.dispose();
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
