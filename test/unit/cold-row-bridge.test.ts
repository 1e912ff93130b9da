import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Item } from '../../src/api/types';
import { ContentModel } from '../../src/models/content-model';
import { ColdRowBridge } from '../../src/rank/cold-bridge';

describe('ColdRowBridge (engine)', () => {
  it('gives a new row the similarity-weighted collaborative score of its nearest known rows, plus its content score', async () => {
    await tf.setBackend('cpu');
    const items: Item[] = [
      { id: 'a', title: 'Laser printer toner black', brand: 'Acme' },
      { id: 'b', title: 'Glass beaker 250 ml', brand: 'Lab' },
      { id: 'c', title: 'Steel hammer', brand: 'Tools' },
      { id: 'new', title: 'Laser printer toner cyan', brand: 'Acme' },
    ];
    const content = new ContentModel(items, 256);
    const before = tf.memory().numTensors;
    const bridge = await ColdRowBridge.build(content, (row) => row < 3, 2);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(bridge.rows)).toEqual([3]);
    // Known rows' standardised collaborative scores; the new row is unknown (NaN) until bridged.
    const scores = Float32Array.from([2, -1, -1, Number.NaN]);
    // Its nearest neighbour by far is the other toner ('a', score 2); the other neighbour barely counts.
    const carried = bridge.carried(0, scores);
    expect(carried).toBeGreaterThan(1.2);
    expect(carried).toBeLessThanOrEqual(2);
    bridge.apply(scores, Float32Array.from([0, 0, 0, 0.5]), { cfWeight: 0.7, ridgeWeight: 0, priorWeight: 0, scale: 1, shift: 0 });
    expect(scores[3]).toBeCloseTo(0.5 + 0.7 * carried, 5);
    content.dispose();
  });

  it('maps a shopper’s known-row scores to every row by kernel ridge over the content kernel (feature-space form = the dual formula)', async () => {
    await tf.setBackend('cpu');
    const items: Item[] = [
      { id: 'a', title: 'Laser printer toner black', brand: 'Acme' },
      { id: 'b', title: 'Glass beaker 250 ml', brand: 'Lab' },
      { id: 'c', title: 'Steel hammer claw', brand: 'Tools' },
      { id: 'd', title: 'Glass beaker 500 ml', brand: 'Lab' },
      { id: 'new', title: 'Laser printer toner cyan', brand: 'Acme' },
    ];
    const content = new ContentModel(items, 64);
    const mu = 0.5;
    const before = tf.memory().numTensors;
    const bridge = await ColdRowBridge.build(content, (row) => row < 4, 2, mu);
    const known = Float32Array.from([1.5, -0.5, -1, 0, Number.NaN]);
    const [ridge] = (await bridge.ridgeScores([known]))!;
    // The dual form on the CPU: k_rᵀ (K_kk + μI)⁻¹ s, K the cosine kernel, standardised over all rows.
    const vectors = (await content.itemMatrixT.array()).map((_, d, m) => m[d]!);
    const dims = vectors.length;
    const cos = (i: number, j: number) => {
      let t = 0;
      for (let d = 0; d < dims; d++) t += vectors[d]![i]! * vectors[d]![j]!;
      return t;
    };
    const k = 4;
    const a = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => cos(i, j) + (i === j ? mu : 0)));
    const alpha = solve(a, Array.from(known.subarray(0, k)));
    const dual = items.map((_, r) => alpha.reduce((t, x, i) => t + x * cos(r, i), 0));
    const mean = dual.reduce((t, x) => t + x, 0) / dual.length;
    const sd = Math.sqrt(dual.reduce((t, x) => t + (x - mean) ** 2, 0) / dual.length);
    dual.forEach((x, r) => expect(ridge![r]).toBeCloseTo((x - mean) / sd, 3));
    // The new toner inherits the high score of the known toner.
    expect(ridge![4]).toBeGreaterThan(ridge![1]!);
    bridge.dispose();
    expect(tf.memory().numTensors).toBe(before);
    content.dispose();
  });
});

/** Gaussian elimination (tiny systems in tests). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let j = c; j <= n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let t = m[r]![n]!;
    for (let j = r + 1; j < n; j++) t -= m[r]![j]! * x[j]!;
    x[r] = t / m[r]![r]!;
  }
  return x;
}
