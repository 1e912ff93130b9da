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
    bridge.apply(scores, Float32Array.from([0, 0, 0, 0.5]), 0.7);
    expect(scores[3]).toBeCloseTo(0.5 + 0.7 * carried, 5);
    content.dispose();
  });
});
