import { describe, expect, it } from 'vitest';
import type { Item } from '../../../src/shared/types';
import { bridgeFeatures, ColdBridge, DEFAULT_BRIDGE, featureLift } from '../../../research/cold-start/content-bridge';
import { placeCold } from '../../../research/cold-start/bridge-eval-model';

const items: Item[] = [
  { id: 'a', title: 'Laser printer toner black', brand: 'Acme', category: ['Printing'] },
  { id: 'b', title: 'Laser printer toner cyan', brand: 'Acme', category: ['Printing'] },
  { id: 'c', title: 'Glass beaker 250 ml', brand: 'Lab', category: ['Lab'] },
  { id: 'd', title: 'Glass beaker 500 ml', brand: 'Lab', category: ['Lab'] },
  // Never bought: one like a/b, one like c/d.
  { id: 'e', title: 'Laser printer toner magenta', brand: 'Acme', category: ['Printing'] },
  { id: 'f', title: 'Glass beaker 1000 ml', brand: 'Lab', category: ['Lab'] },
];
const histories = [[0, 1], [0, 1], [2, 3], [2, 3], [0, 2]];
const warm = Uint8Array.from([1, 1, 1, 1, 0, 0]);

describe('content bridge', () => {
  it('weights features by co-purchase lift: features shared by items bought together count more', () => {
    const bags = items.map((item) => bridgeFeatures(item, DEFAULT_BRIDGE.fields));
    const lift = featureLift(bags, histories, warm, 1);
    expect(lift.get('t:toner')!).toBeGreaterThan(1);
    expect(lift.get('br:lab')!).toBeGreaterThan(1);
    expect(lift.get('t:black')).toBe(1 / 1); // one holder: no pair, pure prior
  });

  it('scores a never-bought item from content and from the shopper\'s scores of its nearest warm items', () => {
    const bridge = ColdBridge.fit(items, histories, warm, Int32Array.from([4, 5]), { ...DEFAULT_BRIDGE, neighbours: 2, popWeight: 0 });
    const out = new Float32Array(2);
    // Content only: a toner buyer prefers the new toner.
    bridge.score([0], null, out, { cfWeight: 0, popWeight: 0, neighbours: 2 });
    expect(out[0]!).toBeGreaterThan(out[1]!);
    // A shopper with no usable text but high collaborative scores on the beakers gets the new beaker.
    const warmScores = Float32Array.from([0, 0, 5, 5, 0, 0]);
    bridge.score([], warmScores, out, { cfWeight: 1, popWeight: 0, neighbours: 2 });
    expect(out[1]!).toBeGreaterThan(out[0]!);
  });

  it('places cold scores on the warm scale: mean and spread of the warm items, then scale and shift', () => {
    const row = Float32Array.from([1, 3, 0, 0]);
    placeCold(row, Uint8Array.from([1, 1, 0, 0]), [2, 3], Float32Array.from([-1, 1]), { scale: 1, shift: 0 });
    expect(Array.from(row)).toEqual([1, 3, 1, 3]);
    placeCold(row, Uint8Array.from([1, 1, 0, 0]), [2, 3], Float32Array.from([-1, 1]), { scale: 1, shift: 1 });
    expect(Array.from(row)).toEqual([1, 3, 2, 4]);
  });
});
