import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Item } from '../../../src/shared/types';
import { ContentModel } from '../../../src/models/content/content-model';
import { HUB_NEIGHBOURS, NewItemBridge } from '../../../src/rank/new-item-bridge';

describe('NewItemBridge (engine)', () => {
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
    const bridge = NewItemBridge.build(content, (row) => row < 3, { neighbours: 2, ridgeWeight: 0, ridgeNeighbours: 30, ridgeMu: 1 });
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

  it('fits each new row’s local kernel ridge over its nearest known rows by exact cosine, and scores its content exactly', async () => {
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
    const bridge = NewItemBridge.build(content, (row) => row < 4, { neighbours: 2, ridgeWeight: 1, ridgeNeighbours: 3, ridgeMu: mu });
    expect(tf.memory().numTensors).toBe(before);
    const known = Float32Array.from([1.5, -0.5, -1, 0, Number.NaN]);
    // By hand: the 3 known rows with the highest exact cosine to the new row, then a = (K_NN + μI)⁻¹ k_N.
    const exact = content.exactVectors();
    const sims = exact.cosineRow(4);
    const nearest = [0, 1, 2, 3].filter((r) => sims[r]! > 0).sort((x, y) => sims[y]! - sims[x]!).slice(0, 3);
    const gram = nearest.map((i) => nearest.map((j) => (i === j ? 1 + mu : exact.cosine(i, j))));
    const a = solve(gram, nearest.map((r) => sims[r]!));
    const expected = a.reduce((t, x, i) => t + x * known[nearest[i]!]!, 0);
    expect(bridge.ridge(0, known)).toBeCloseTo(expected, 5);
    // The new toner inherits the score of the known toner, not of the beakers.
    expect(bridge.ridge(0, known)).toBeGreaterThan(0.5);
    // Content: the new row's exact cosine to the history, on the scale of the hashed cosines of all rows.
    const hashed = content.similarityTo(0);
    const reference = (await hashed.data()) as Float32Array;
    hashed.dispose();
    const { text, sd: textSd } = bridge.contentScores({ items: new Map([[0, 1]]), queries: [] }, reference);
    const mean = reference.reduce((t, x) => t + x, 0) / reference.length;
    const sd = Math.sqrt(reference.reduce((t, x) => t + (x - mean) ** 2, 0) / reference.length);
    expect(text[4]).toBeCloseTo((exact.cosineRow(0)[4]! - mean) / sd, 4);
    expect(textSd).toBeCloseTo(sd, 5);
    expect(text[1]).toBeCloseTo((reference[1]! - mean) / sd, 4);
    expect(exact.cosineRow(0)[4]).toBeGreaterThan(0.3);
    content.dispose();
  });

  it('takes a share of a new row’s hubness (mean cosine of its nearest known rows) off its content score', async () => {
    await tf.setBackend('cpu');
    // Known rows: twelve printer supplies and a hammer; new: a generic "printer" listing near all
    // of them, and a specific toner.
    const items: Item[] = [
      ...Array.from({ length: 12 }, (_, i) => ({ id: `k${i}`, title: `Printer ink cartridge ${['black', 'cyan', 'magenta', 'yellow'][i % 4]} pack ${i}` })),
      { id: 'hammer', title: 'Steel hammer claw' },
      { id: 'generic', title: 'Printer ink cartridge pack' },
      { id: 'toner', title: 'Laser toner TN-450 black' },
    ];
    const content = new ContentModel(items, 64);
    const bridge = NewItemBridge.build(content, (row) => row < 13, { neighbours: 2, ridgeWeight: 0, ridgeNeighbours: 30, ridgeMu: 1 });
    const exact = content.exactVectors();
    bridge.rows.forEach((row, p) => {
      const near = Array.from(exact.cosineRow(row).subarray(0, 13)).filter((c) => c > 0).sort((x, y) => y - x).slice(0, HUB_NEIGHBOURS);
      expect(bridge.hubness[p]).toBeCloseTo(near.reduce((t, x) => t + x, 0) / HUB_NEIGHBOURS, 5);
    });
    // The generic listing is a hub, the toner is not.
    expect(bridge.hubness[0]).toBeGreaterThan(3 * bridge.hubness[1]!);
    const settings = { cfWeight: 0, ridgeWeight: 0, priorWeight: 0, scale: 1, shift: 0 };
    const text = new Float32Array(15).fill(1);
    const plain = new Float32Array(15);
    bridge.apply(plain, text, settings);
    const corrected = new Float32Array(15);
    bridge.apply(corrected, text, { ...settings, hubness: 0.2 }, null, corrected, 0.5);
    bridge.rows.forEach((row, p) => expect(corrected[row]).toBeCloseTo(plain[row]! - (0.2 * bridge.hubness[p]!) / 0.5, 5));
    // Without the deviation the z-scores were divided by, nothing is taken off.
    const noSd = new Float32Array(15);
    bridge.apply(noSd, text, { ...settings, hubness: 0.2 });
    expect(Array.from(noSd)).toEqual(Array.from(plain));
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
