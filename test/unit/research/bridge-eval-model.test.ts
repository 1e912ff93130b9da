import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { csrFromRows } from '../../../src/util/csr';
import { loadDataset } from '../../../tools/io/dataset-node';
import { coldItemsSplit } from '../../../eval/splits';
import { BridgeEvalModel } from '../../../research/cold-start/bridge-eval-model';

// Real data: the office slice (Amazon 2014 Office Products; test/fixtures/README.md).
const data = loadDataset(fileURLToPath(new URL('../../fixtures/office-slice', import.meta.url)));

describe('localrec-bridge (the research bridge eval model)', () => {
  it('tunes on pseudo-cold warm items only, then scores the cold items on the warm scale, without leaking tensors', async () => {
    const split = coldItemsSplit(data, 42);
    const n = split.columns.length;
    const model = new BridgeEvalModel({ useVae: false, grid: { neighbours: [5], cfWeight: [0, 0.7], popWeight: [0, 0.3], maxWeight: [0], krrWeight: [0, 1] } });
    await model.fit(csrFromRows(split.train, n), { seed: 42, items: split.items });
    const before = tf.memory().numTensors;
    const inputs = split.test.inputs.slice(0, 20);
    const scores = await model.scoreBatch(csrFromRows(inputs, n));
    expect(tf.memory().numTensors).toBe(before);
    expect(scores.length).toBe(inputs.length * n);
    expect(scores.every(Number.isFinite)).toBe(true);
    // Cold items get scores of their own (not a constant): the bridge placed them.
    const coldScores = new Set<number>();
    for (let j = 0; j < n; j++) if (split.cold[j]) coldScores.add(scores[j]!);
    expect(coldScores.size).toBeGreaterThan(1);
    const settings = model.settings() as { tuning: { pseudoColdItems: number; validationNDCG20: Record<string, number> }; bridge: object; calibration: object };
    expect(settings.tuning.pseudoColdItems).toBeGreaterThan(0);
    // The tuner keeps the best setting of its grid: the chosen value is the best of every source's best.
    const bests = Object.entries(settings.tuning.validationNDCG20).filter(([key]) => key.includes(' best with ')).map(([, v]) => v);
    expect(bests.length).toBeGreaterThan(0);
    expect(settings.tuning.validationNDCG20.chosen).toBe(Math.max(...bests));
    expect(settings.bridge).toHaveProperty('krrWeight');
    model.dispose();
  });
});
