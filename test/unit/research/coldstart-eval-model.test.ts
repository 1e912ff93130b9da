import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { csrFromRows } from '../../../src/util/csr';
import { loadDataset } from '../../../tools/io/dataset-node';
import { ColdStartEvalModel } from '../../../research/cold-start/cold-eval-model';
import { createModel } from '../../../eval/model-registry';

// Real data: the office slice (Amazon 2014 Office Products; test/fixtures/README.md).
const data = loadDataset(fileURLToPath(new URL('../../fixtures/office-slice', import.meta.url)));
const n = data.itemIds.length;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('localrec-cold', () => {
  it('is what the registry builds for localrec-cold', () => {
    const model = createModel('localrec-cold', { protocol: 'cold-items', seed: 42, tuneMetric: 'NDCG@20' });
    expect(model).toBeInstanceOf(ColdStartEvalModel);
    expect(model.name).toBe('localrec-cold');
  });

  it('scores never-bought items with the cold scorer next to the VAE’s warm scores, without leaking tensors', async () => {
    // Every 5th item is cold: no interactions in training, as in the cold-items protocol.
    const cold = new Uint8Array(n).map((_, j) => (j % 5 === 0 ? 1 : 0));
    const rows = data.histories.map((h) => Array.from(h).filter((j) => !cold[j])).filter((r) => r.length > 0);
    const train = csrFromRows(rows, n);
    const before = tf.memory().numTensors;
    const model = new ColdStartEvalModel({
      vae: { hidden: 32, latent: 8, epochs: 3, batchSize: 100, ease: false, knn: false, content: false },
      features: { dims: 512 },
      ae: { embedding: 16, epochs: 3 },
      gar: { epochs: 3, batchSize: 100 },
      tower: { towerDims: 8 },
      generatorHidden: 32,
    });
    const stages = new Set<string>();
    const gan: Record<string, unknown>[] = [];
    await model.fit(train, {
      seed: 42,
      items: data.items,
      onProgress: (e) => {
        stages.add(e.stage);
        if (e.stage === 'gan') gan.push(e);
      },
    });
    expect(stages.has('content-ae')).toBe(true);
    expect(stages.has('gan')).toBe(true);
    expect(gan.length).toBeGreaterThan(0);
    for (const e of gan) {
      expect(Number.isFinite(e.gLoss as number)).toBe(true);
      expect(Number.isFinite(e.dLoss as number)).toBe(true);
    }

    const inputs = csrFromRows(rows.slice(0, 20), n);
    const scores = await model.scoreBatch(inputs);
    expect(scores.length).toBe(20 * n);
    expect(scores.every(Number.isFinite)).toBe(true);
    // Cold items get user-dependent scores (not the constant an interaction model gives them).
    const coldCols = Array.from({ length: n }, (_, j) => j).filter((j) => cold[j]);
    const spread = (r: number) => {
      const v = coldCols.map((j) => scores[r * n + j]!);
      return Math.max(...v) - Math.min(...v);
    };
    expect(spread(0)).toBeGreaterThan(0);
    const firstCold = coldCols[0]!;
    expect(new Set(Array.from({ length: 20 }, (_, r) => scores[r * n + firstCold])).size).toBeGreaterThan(1);

    const settings = model.settings();
    expect(settings).toHaveProperty('calibration');
    expect(settings).toHaveProperty('gar');
    expect(settings).toHaveProperty('ae');
    expect(model.backend()).toBe('wasm');
    // The trained cold scorer exports as {name, shape, data}[] (what a pack will carry).
    const list = await model.coldScorer!.toTensors();
    expect(list.every((t) => t.data.length === t.shape.reduce((a, b) => a * b, 1))).toBe(true);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
