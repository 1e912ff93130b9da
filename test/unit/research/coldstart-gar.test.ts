import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { csrFromRows } from '../../../src/util/csr';
import { loadDataset } from '../../../tools/io/dataset-node';
import type { Csr } from '../../../eval/eval-model';
import { ContentAutoencoder } from '../../../src/models/content-ae/content-ae';
import { ContentFeaturizer } from '../../../src/models/content-ae/content-features';
import { ColdItemScorer, disposeCodes, historyProfiles } from '../../../research/cold-start/cold-scorer';
import type { CollaborativeSpace } from '../../../research/cold-start/collaborative-space';
import { trainGar, type GarProgress } from '../../../research/cold-start/gar-trainer';
import { Generator } from '../../../research/cold-start/mlp';

// Real data: the office slice (Amazon 2014 Office Products, 200 items × 600 shoppers; test/fixtures/README.md).
const data = loadDataset(fileURLToPath(new URL('../../fixtures/office-slice', import.meta.url)));
const n = data.itemIds.length;
const train: Csr = csrFromRows(
  data.histories.map((h) => Array.from(h)),
  n,
);

/**
 * A collaborative space from the slice's own co-purchases, with no VAE (the generator is
 * agnostic of where vectors come from): item vectors = the top-d eigenvectors of the item–item
 * cosine matrix (power iteration), user h = the mean of the history's item vectors, bias = log
 * popularity. Plain data, as a caller would hand it over.
 */
function cooccurrenceSpace(d: number): CollaborativeSpace & { vectors: Float32Array; bias: Float32Array } {
  const counts = new Float64Array(n);
  const co = new Float64Array(n * n);
  for (let u = 0; u < train.rows; u++) {
    const items = Array.from(train.indices.subarray(train.indptr[u]!, train.indptr[u + 1]!));
    for (const i of items) {
      counts[i]! += 1;
      for (const j of items) co[i * n + j]! += 1;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) co[i * n + j]! /= Math.sqrt(counts[i]! * counts[j]!) || 1;
  const vectors = new Float32Array(n * d);
  const basis: Float64Array[] = [];
  for (let k = 0; k < d; k++) {
    let v = Float64Array.from({ length: n }, (_, i) => Math.sin(i * (k + 1) * 0.37 + k));
    for (let it = 0; it < 40; it++) {
      const w = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i]! += co[i * n + j]! * v[j]!;
      for (const b of basis) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += w[i]! * b[i]!;
        for (let i = 0; i < n; i++) w[i]! -= dot * b[i]!;
      }
      const norm = Math.hypot(...w) || 1;
      v = w.map((x) => x / norm);
    }
    basis.push(v);
    for (let i = 0; i < n; i++) vectors[i * d + k] = v[i]! * Math.sqrt(n);
  }
  const bias = Float32Array.from(counts, (c) => Math.log(1 + c));
  return {
    items: n,
    dims: d,
    vectors,
    bias,
    itemVectors: async () => ({ vectors, bias }),
    userTensor: (inputs, rowIds) => {
      const ids = rowIds ?? Int32Array.from({ length: inputs.rows }, (_, r) => r);
      const h = new Float32Array(ids.length * d);
      for (let r = 0; r < ids.length; r++) {
        const u = ids[r]!;
        const len = inputs.indptr[u + 1]! - inputs.indptr[u]!;
        for (let k = inputs.indptr[u]!; k < inputs.indptr[u + 1]!; k++) {
          for (let c = 0; c < d; c++) h[r * d + c]! += vectors[inputs.indices[k]! * d + c]! / Math.max(1, len);
        }
      }
      return tf.tensor2d(h, [ids.length, d]);
    },
    scoreWarm: async () => new Float32Array(0),
  };
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('GAR generator', () => {
  it('moves generated vectors towards the real warm ones, reports G and D losses, scores a new item without retraining, leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const d = 8;
    const space = cooccurrenceSpace(d);
    const featurizer = ContentFeaturizer.fit(data.items, { dims: 512 });
    const features = featurizer.matrix(data.items);
    const autoencoder = ContentAutoencoder.create(512, 16, 5);
    await autoencoder.fit(features, { epochs: 5, batchSize: 32, seed: 5 });
    const codes = await autoencoder.embed(features);
    const generator = new Generator(16, 32, d + 1, undefined, 6);
    const scorer = new ColdItemScorer(featurizer, autoencoder, generator, { towerDims: 4, cosineWeight: 5, cosine: true, gar: true, garBias: true });
    // The first 150 items are "warm" (their real vectors are targets); the other 50 are never trained on.
    const trainItems = Int32Array.from({ length: 150 }, (_, i) => i);

    const distance = async (items: Int32Array): Promise<number> => {
      const x = new Float32Array(items.length * 512);
      items.forEach((j, p) => x.set(features.subarray(j * 512, (j + 1) * 512), p * 512));
      const c = scorer.codesFromFeatures(x, items.length);
      const v = (await c.vectors.data()) as Float32Array;
      disposeCodes(c);
      let sum = 0;
      items.forEach((j, p) => {
        for (let k = 0; k < d; k++) sum += (v[p * d + k]! - space.vectors[j * d + k]!) ** 2;
      });
      return sum / items.length;
    };
    const initial = await distance(trainItems);

    const events: GarProgress[] = [];
    const report = await trainGar({
      scorer,
      space,
      train,
      trainItems,
      features,
      codes,
      config: { epochs: 8, batchSize: 100, learningRate: 5e-3, seed: 7 },
      onProgress: (e) => events.push(e),
    });
    expect(report.epochs).toBe(8);
    expect(events).toHaveLength(8);
    events.forEach((e, i) => {
      expect(e).toMatchObject({ stage: 'gan', epoch: i + 1, loaded: i + 1, total: 8 });
      for (const key of ['gLoss', 'dLoss', 'rankLoss', 'alignLoss', 'advLoss'] as const) expect(Number.isFinite(e[key])).toBe(true);
    });
    // Alignment: the relative squared distance to the real vectors falls while training...
    expect(events.at(-1)!.alignLoss).toBeLessThan(events[0]!.alignLoss);
    // ...and the generated vectors of the training items end nearer the real ones than they began.
    expect(await distance(trainItems)).toBeLessThan(initial);
    // The discriminator learns to tell real from generated (its loss starts near log 2 ≈ 0.69).
    expect(events[0]!.dLoss).toBeGreaterThan(0.3);
    expect(events[0]!.dLoss).toBeLessThan(1.2);

    // A catalog row the models never saw: featurised, embedded, generated and scored, no retraining.
    const weights = await scorer.toTensors();
    const newItem = { id: 'NEW-1', title: 'Avery Easy Peel Address Labels for Laser Printers, 1 x 2-5/8 Inch, White, 750 Labels', category: ['category 4'], brand: 'Avery' };
    const users = csrFromRows([[0, 1, 2], [3, 4]], n);
    const profile = historyProfiles(users, features, 512);
    const newCodes = scorer.encodeItems([newItem]);
    const s = tf.tidy(() => scorer.score(space.userTensor(users), tf.tensor2d(profile, [2, 512]), newCodes));
    const scores = (await s.data()) as Float32Array;
    s.dispose();
    expect(scores.length).toBe(2);
    expect(Array.from(scores).every(Number.isFinite)).toBe(true);
    const after = await scorer.toTensors();
    after.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(weights[i]!.data)));
    // The same scorer rebuilt from its plain-array export scores the new row identically.
    const copy = ColdItemScorer.fromTensors(weights);
    const copyCodes = copy.encodeItems([newItem]);
    const s2 = tf.tidy(() => copy.score(space.userTensor(users), tf.tensor2d(profile, [2, 512]), copyCodes));
    expect(Array.from((await s2.data()) as Float32Array)).toEqual(Array.from(scores));
    s2.dispose();
    disposeCodes(copyCodes);
    copy.dispose();
    disposeCodes(newCodes);

    scorer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
