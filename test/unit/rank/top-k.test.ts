import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEvalBackend } from '../../../tools/io/node-backend';
import { availabilityMask, calibrateTopK, topK, topKByReadback } from '../../../src/rank/top-k';
import { Rng } from '../../../src/util/random';

beforeAll(async () => {
  await initEvalBackend();
});

describe('top k', () => {
  it('the backend kernel and the CPU readback give the same rows, exclusions and mask included', async () => {
    const rng = new Rng(3);
    const n = 5000;
    // Coarse values so that ties happen; both must order ties by row.
    const values = Float32Array.from({ length: n }, () => Math.round(rng.next() * 200) / 200);
    const allowed = Array.from({ length: n }, (_, i) => i % 17 !== 0);
    const maskTensor = availabilityMask(allowed)!;
    const maskNumbers = (await maskTensor.data()) as Float32Array;
    const scores = tf.tensor1d(values);
    const excluded = [5, 9, 9, 4000];
    const onBackend = await topK(scores, 50, excluded, maskTensor);
    const byReadback = await topKByReadback(scores, 50, excluded, maskNumbers);
    expect(byReadback.rows).toHaveLength(50);
    expect(byReadback.scores).toEqual(onBackend.scores);
    expect(new Set(byReadback.rows).size).toBe(50);
    for (const row of byReadback.rows) {
      expect(allowed[row]).toBe(true);
      expect(excluded).not.toContain(row);
    }
    // The k-th score is no better than any returned one, and nothing better was left out.
    const kth = byReadback.scores.at(-1)!;
    const better = values.filter((v, i) => v > kth && allowed[i] && !excluded.includes(i)).length;
    expect(better).toBeLessThan(50);
    scores.dispose();
    maskTensor.dispose();
  });

  it('calibration times both methods and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const c = await calibrateTopK(2000, null, 3);
    // The faster method is kept (equal medians may go either way).
    if (c.readbackMs < c.backendMs) expect(c.method).toBe('readback');
    if (c.backendMs < c.readbackMs) expect(c.method).toBe('backend');
    expect(c.backendMs).toBeGreaterThan(0);
    expect(c.readbackMs).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
