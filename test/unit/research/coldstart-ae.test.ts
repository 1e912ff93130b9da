import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { parseItems } from '../../../eval/dataset';
import { ContentAutoencoder } from '../../../src/models/content-ae/content-ae';
import { ContentFeaturizer } from '../../../src/models/content-ae/content-features';

// Real catalog rows: test/fixtures/scientific-items.jsonl (Amazon 2018 Industrial & Scientific).
const items = parseItems(readFileSync(fileURLToPath(new URL('../../fixtures/scientific-items.jsonl', import.meta.url)), 'utf8'));
// Every 4th row is held out: catalog rows the featurizer and the autoencoder never saw.
const seen = items.filter((_, i) => i % 4 !== 3);
const unseen = items.filter((_, i) => i % 4 === 3);
const categoryOf = (item: (typeof items)[number]): string => (item.category ?? []).join(' / ');

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

const cosine = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

describe('content features', () => {
  it('gives unit vectors to catalog rows it was not fitted on, and round-trips as plain arrays', () => {
    const f = ContentFeaturizer.fit(seen, { dims: 1024 });
    for (const item of unseen.slice(0, 20)) {
      const v = f.vector(item);
      expect(v.length).toBe(1024);
      expect(cosine(v, v)).toBeCloseTo(1, 5);
    }
    const g = ContentFeaturizer.fromTensors(f.toTensors());
    expect(Array.from(g.vector(unseen[0]!))).toEqual(Array.from(f.vector(unseen[0]!)));
    // A row without text is all zeros, not NaN.
    expect(f.vector({ id: 'x', title: '' }).every((x) => x === 0)).toBe(true);
  });
});

describe('content autoencoder', () => {
  it('reconstruction loss goes down, unseen items are embedded without retraining, no tensors leak', async () => {
    const before = tf.memory().numTensors;
    const f = ContentFeaturizer.fit(seen, { dims: 1024 });
    const x = f.matrix(seen);
    const ae = ContentAutoencoder.create(1024, 32, 7);
    const initial = await ae.reconstructionLoss(x);
    const events: Record<string, unknown>[] = [];
    const losses = await ae.fit(x, { epochs: 12, batchSize: 64, learningRate: 3e-3, seed: 7 }, (e) => events.push(e));
    const trained = await ae.reconstructionLoss(x);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.9);
    expect(trained).toBeLessThan(initial * 0.9);
    expect(events).toHaveLength(12);
    expect(events[0]).toMatchObject({ stage: 'content-ae', epoch: 1, loaded: 1, total: 12 });

    // New catalog rows: featurised with the fitted IDF, embedded by the trained encoder.
    const w1 = (await ae.toTensors())[0]!.data.slice(0, 100);
    const codes = await ae.embed(f.matrix(unseen));
    expect(codes.length).toBe(unseen.length * 32);
    expect(codes.every(Number.isFinite)).toBe(true);
    expect(codes.some((c) => c !== 0)).toBe(true);
    expect(Array.from((await ae.toTensors())[0]!.data.slice(0, 100))).toEqual(Array.from(w1));
    // The codes carry meaning for unseen rows: an unseen item's nearest seen item (cosine of
    // codes) mostly shares its category path, far above the base rate of a random pair.
    const seenCodes = await ae.embed(x);
    const unit = (v: Float32Array, i: number): Float32Array => {
      const row = v.slice(i * 32, (i + 1) * 32);
      const norm = Math.hypot(...row) || 1;
      return row.map((c) => c / norm);
    };
    let same = 0;
    let base = 0;
    unseen.forEach((item, i) => {
      const q = unit(codes, i);
      let best = -1;
      let bestSim = -Infinity;
      seen.forEach((_, j) => {
        const sim = cosine(q, unit(seenCodes, j));
        if (sim > bestSim) [best, bestSim] = [j, sim];
      });
      if (categoryOf(seen[best]!) === categoryOf(item)) same++;
      base += seen.filter((s) => categoryOf(s) === categoryOf(item)).length / seen.length;
    });
    expect(same / unseen.length).toBeGreaterThan(0.5);
    expect(same / unseen.length).toBeGreaterThan((2 * base) / unseen.length);

    // Export / import as {name, shape, data}[] gives the same codes.
    const list = await ae.toTensors();
    expect(list.map((t) => t.name)).toEqual(['content-ae/w1', 'content-ae/b1', 'content-ae/w2', 'content-ae/b2']);
    expect(list[0]!.shape).toEqual([1024, 32]);
    const copy = ContentAutoencoder.fromTensors(list);
    expect(Array.from(await copy.embed(f.matrix(unseen.slice(0, 3))))).toEqual(Array.from(codes.slice(0, 3 * 32)));
    copy.dispose();
    ae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible from its seed', async () => {
    const f = ContentFeaturizer.fit(seen, { dims: 512 });
    const x = f.matrix(seen.slice(0, 100));
    const run = async () => {
      const ae = ContentAutoencoder.create(512, 16, 3);
      await ae.fit(x, { epochs: 2, batchSize: 32, seed: 3 });
      const out = await ae.embed(x.subarray(0, 512 * 2));
      ae.dispose();
      return Array.from(out);
    };
    expect(await run()).toEqual(await run());
  });
});
