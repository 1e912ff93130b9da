import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Item } from '../../../src/shared/types';
import { CollaborativeModel } from '../../../src/models/collaborative-model';
import { ContentModel } from '../../../src/models/content/content-model';
import type { ItemNeighbours } from '../../../src/models/item-item/item-item';
import { VaeNetwork } from '../../../src/models/vae/vae-network';
import { CollaborativeBlend } from '../../../src/models/collaborative-blend';
import { DEFAULT_NEW_ITEM_BRIDGE } from '../../../src/rank/new-item-bridge';
import { HybridScorer } from '../../../src/rank/hybrid-scorer';

/** (x − mean) / sd over the given entries (population sd), as the scorers standardise. */
function z(values: number[]): number[] {
  const mean = values.reduce((t, x) => t + x, 0) / values.length;
  const sd = Math.sqrt(values.reduce((t, x) => t + (x - mean) ** 2, 0) / values.length);
  return values.map((x) => (x - mean) / sd);
}

describe('HybridScorer: what the cold bridge carries over', () => {
  it('carries the pack blend without its catalog-text part when carryText is 0, and the whole blend when 1', async () => {
    await tf.setBackend('cpu');
    const items: Item[] = [
      { id: 'a', title: 'Laser printer toner black', brand: 'Acme' },
      { id: 'b', title: 'Glass beaker 250 ml', brand: 'Lab' },
      { id: 'c', title: 'Steel hammer claw', brand: 'Tools' },
      { id: 'd', title: 'Glass beaker 500 ml', brand: 'Lab' },
      // A product the pack has never seen: its one nearest known item is 'a'.
      { id: 'new', title: 'Laser printer toner black', brand: 'Acme' },
    ];
    // Item–item parts over the pack's 4 items, one neighbour each (row i: its neighbour and weight).
    const part = (kind: string, indices: number[], values: number[]): ItemNeighbours => ({ kind, items: 4, k: 1, indices: Int32Array.from(indices), values: Float32Array.from(values) });
    const ease = part('ease', [1, 0, 3, 2], [0.9, 0.4, 0.2, 0.7]);
    const text = part('content', [3, 3, 0, 1], [0.3, 0.8, 0.1, 0.6]);
    const weights = [0.3, 0.4];
    const scorer = new CollaborativeBlend(VaeNetwork.create({ items: 4, hidden: 3, latent: 2 }, 7), [ease, text], weights);
    const rowById = new Map(items.map((item, row) => [item.id, row]));
    const collaborative = CollaborativeModel.fromScorer(scorer, ['a', 'b', 'c', 'd'], rowById, items.length, 'test');
    const content = new ContentModel(items, 64);
    const settings = { ...DEFAULT_NEW_ITEM_BRIDGE, neighbours: 1, cfWeight: 1, ridgeWeight: 0, priorWeight: 0, scale: 1, shift: 0 };
    const hybrid = new HybridScorer(content, collaborative, settings);
    const history = { items: new Map([[1, 1]]), queries: [] };
    // The content vectors are built on first use (one tensor, kept); what is checked is that scoring adds none.
    content.itemMatrixT;
    const before = tf.memory().numTensors;
    const [parts] = await hybrid.scoreParts([history]);
    expect(tf.memory().numTensors).toBe(before);

    // By hand: the blend's raw scores at the known rows, and its text part (weight × z(x·S_content)).
    const [raw] = await collaborative.scoreHistories([history.items]);
    const known = Array.from(raw!.subarray(0, 4));
    const textPart = z([0, 0, 0, 0].map((_, j) => (text.indices[1] === j ? text.values[1]! : 0))).map((x) => weights[1]! * x);
    const withoutText = z(known.map((x, j) => x - textPart[j]!));
    const whole = z(known);
    // 'new' has one neighbour, 'a' (cosine 1), so it carries a's score; plus its own content score.
    const withoutTextScore = hybrid.combine(parts!, { ...settings, carryText: 0 })[4]!;
    const wholeScore = hybrid.combine(parts!, { ...settings, carryText: 1 })[4]!;
    expect(withoutTextScore - parts!.text[4]!).toBeCloseTo(withoutText[0]!, 4);
    expect(wholeScore - parts!.text[4]!).toBeCloseTo(whole[0]!, 4);
    expect(withoutText[0]).not.toBeCloseTo(whole[0]!, 2);
    // Known rows keep the whole blend either way.
    expect(hybrid.combine(parts!, { ...settings, carryText: 0 })[0]).toBeCloseTo(whole[0]!, 4);
    hybrid.dispose();
    content.dispose();
  });
});
