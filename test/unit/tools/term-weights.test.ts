import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Item } from '../../../src/shared/types';
import { csrFromRows } from '../../../src/util/csr';
import { ContentModel } from '../../../src/models/content/content-model';
import { NewItemBridge, termWeightsFrom } from '../../../src/rank/new-item-bridge';
import { COHERENCE_SHRINK_PAIRS, termCoherence, termWeightsAt } from '../../../tools/recipe/term-weights';
import { packColdStart } from '../../../tools/recipe/pack-settings';
import { loadDataset } from '../../../tools/io/dataset-node';

describe('term weights (the bridge’s collaborative coherence of catalog features)', () => {
  // Two Acme toners bought together by the same shoppers; "black" is shared by a toner and a hammer nobody buys together.
  const items: Item[] = [
    { id: 'a', title: 'Acme toner black' },
    { id: 'b', title: 'Acme toner cyan' },
    { id: 'c', title: 'Steel hammer black' },
    { id: 'd', title: 'Glass beaker' },
    { id: 'new', title: 'Acme toner magenta black' },
  ];
  // users × items: u0 and u1 buy both toners, u2 the hammer, u3 the beaker; nobody has bought 'new'.
  const train = csrFromRows([[0, 1], [0, 1], [2], [3]], 5);

  it('is the mean buyer-set cosine of the known items sharing a feature, against the mean over all known pairs', () => {
    const stats = termCoherence(items, train);
    const of = (feature: string) => stats.features.indexOf(feature);
    // Toners a and b have the same two buyers: cosine 1. The toner a and the hammer share none: 0.
    expect(stats.coherence[of('w:toner')]).toBeCloseTo(1, 10);
    expect(stats.pairs[of('w:toner')]).toBe(1);
    expect(stats.coherence[of('w:black')]).toBeCloseTo(0, 10);
    // Over the 6 pairs of the 4 known items, only (a, b) shares buyers: 1 / 6.
    expect(stats.baseline).toBeCloseTo(1 / 6, 10);
    // Features of one known item have no pairs; those of the unbought item are not counted.
    expect(stats.pairs[of('w:beaker')]).toBe(0);
    expect(of('w:magenta')).toBe(-1);
  });

  it('weighs a feature by its shrunk coherence over the baseline, to the power γ; γ 0 gives none', () => {
    const stats = termCoherence(items, train);
    const weights = termWeightsAt(stats, 0.5);
    const k = COHERENCE_SHRINK_PAIRS;
    const base = 1 / 6;
    expect(weights.get('w:toner')).toBeCloseTo(Math.sqrt((1 * 1 + k * base) / (1 + k) / base), 1);
    expect(weights.get('w:black')).toBeCloseTo(Math.sqrt((0 + k * base) / (1 + k) / base), 1);
    expect(weights.get('w:toner')!).toBeGreaterThan(1);
    expect(weights.get('w:black')!).toBeLessThan(1);
    expect(weights.has('w:beaker')).toBe(false);
    expect(termWeightsAt(stats, 0).size).toBe(0);
  });

  it('moves a new item’s nearest known item towards its real peer in the bridge', async () => {
    await tf.setBackend('cpu');
    const content = new ContentModel(items, 64);
    const weights = termWeightsAt(termCoherence(items, train), 1);
    const plain = NewItemBridge.build(content, (row) => row < 4, { neighbours: 1, ridgeWeight: 0, ridgeNeighbours: 30, ridgeMu: 1 });
    const weighted = NewItemBridge.build(content, (row) => row < 4, { neighbours: 1, ridgeWeight: 0, ridgeNeighbours: 30, ridgeMu: 1 }, weights);
    // The known row whose score the new row carries over with one neighbour: its nearest.
    const nearest = (bridge: NewItemBridge) => [0, 1, 2, 3].find((row) => bridge.carried(0, Float32Array.from({ length: 5 }, (_, r) => (r === row ? 1 : 0))) === 1);
    // Unweighted, the new toner's nearest known item is 'a' (toner black: three shared words); the
    // weighted bridge keeps a toner first, and its similarities count "black" less: the hammer falls back.
    expect(nearest(plain)).toBe(0);
    expect([0, 1]).toContain(nearest(weighted));
    const sims = content.weightedExactVectors(weights).cosineRow(4);
    const plainSims = content.exactVectors().cosineRow(4);
    expect(sims[2]! / sims[0]!).toBeLessThan(plainSims[2]! / plainSims[0]!);
    expect(content.weightedExactVectors(weights)).toBe(content.weightedExactVectors(weights));
    expect(content.weightedExactVectors(null)).toBe(content.exactVectors());
    content.dispose();
  });

  it('a pack records the weights at the exponent its tuning chose, and the worker reads them back, skipping bad entries', () => {
    const stats = termCoherence(items, train);
    const line = (coherence: number) => ({ dataset: 'shop', protocol: 'cold-items', seed: 42, model: 'localrec', settings: { termWeights: { coherence }, tuning: { chosen: { cfWeight: 1 } } } });
    const cold = packColdStart([line(0.5)], (gamma) => termWeightsAt(stats, gamma))!;
    expect(cold.termWeights).toEqual({ coherence: 0.5, kappa: COHERENCE_SHRINK_PAIRS, weights: Object.fromEntries(termWeightsAt(stats, 0.5)), tunedOn: 'pseudo-cold items of shop, seed 42 (cold-items, localrec)' });
    expect(packColdStart([line(0)], (gamma) => termWeightsAt(stats, gamma))!.termWeights).toBeUndefined();
    expect(() => packColdStart([line(0.5)])).toThrow(/training data is needed/);
    const read = termWeightsFrom({ ...cold.termWeights, weights: { ...cold.termWeights!.weights, 'w:bad': -1, 'w:nan': 'x', ['w:' + 'x'.repeat(400)]: 2 } })!;
    expect(read.skipped).toBe(3);
    expect(Object.fromEntries(read.weights)).toEqual(cold.termWeights!.weights);
    expect(read.coherence).toBe(0.5);
    expect(termWeightsFrom(undefined)).toBeNull();
    expect(termWeightsFrom({ weights: [1, 2] })).toBeNull();
    expect(termWeightsFrom('junk')).toBeNull();
  });

  it('on real data (office slice), brands are more coherent than the catalog’s mean pair', () => {
    const data = loadDataset(fileURLToPath(new URL('../../fixtures/office-slice', import.meta.url)));
    const n = data.items.length;
    const stats = termCoherence(data.items, csrFromRows(data.histories, n));
    let above = 0;
    let brands = 0;
    stats.features.forEach((feature, f) => {
      if (!feature.startsWith('b:') || stats.pairs[f]! < 3) return;
      brands++;
      if (stats.coherence[f]! > stats.baseline) above++;
    });
    expect(brands).toBeGreaterThan(3);
    expect(above / brands).toBeGreaterThan(0.5);
  });
});
