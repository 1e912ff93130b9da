import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { VaeTrainer } from '../../../src/models/vae/vae-trainer';
import { trainVaeModel } from '../../../tools/recipe/vae-recipe';
import { officeSlice, sliceSplit } from './vae-fixture';

// Real data: the office slice (Amazon 2014 Office Products, see test/fixtures/README.md).
const small = { hidden: 64, latent: 16, batchSize: 100, annealEpochs: 2, seed: 42 };

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('VaeTrainer on the office slice', () => {
  it('the training loss goes down', async () => {
    const { matrix } = officeSlice();
    const trainer = new VaeTrainer(matrix, { ...small, betaMax: 0, learningRate: 3e-3 });
    const losses: number[] = [];
    for (let e = 0; e < 10; e++) losses.push(await trainer.trainEpoch());
    trainer.dispose();
    expect(losses.every(Number.isFinite)).toBe(true);
    // Mean multinomial NLL (β = 0): ~5% lower after 10 epochs, and falling throughout.
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.97);
    for (let e = 1; e < losses.length; e++) expect(losses[e]!).toBeLessThan(losses[e - 1]! + 0.1);
  });

  it('is reproducible from its seed, and slices of steps add up to epochs', async () => {
    const { matrix } = officeSlice();
    const a = new VaeTrainer(matrix, small);
    const b = new VaeTrainer(matrix, small);
    const perEpoch = a.stepsPerEpoch;
    await a.trainEpoch();
    await a.trainEpoch();
    // The same two epochs as 3-step slices (a worker interleaving training with serving).
    let done = 0;
    while (b.epoch < 2) {
      const r = await b.trainSteps(Math.min(3, 2 * perEpoch - done));
      done += r.steps;
    }
    expect(done).toBe(2 * perEpoch);
    expect(b.step).toBe(a.step);
    const wa = await a.network.weights();
    const wb = await b.network.weights();
    expect(Array.from(wb['dec/w2'].subarray(0, 50))).toEqual(Array.from(wa['dec/w2'].subarray(0, 50)));
    a.dispose();
    b.dispose();
  });

  it('reports progress, early-stops on validation and leaks no tensors', async () => {
    const { train, validation } = sliceSplit();
    const before = tf.memory().numTensors;
    const events: Record<string, unknown>[] = [];
    const model = await trainVaeModel(
      train,
      { ...small, epochs: 8, patience: 2, easeLambdas: [50, 200], neighbours: 20 },
      { validation, onProgress: (e) => events.push(e), items: officeSlice().data.items },
    );
    const trainEvents = events.filter((e) => e.stage === 'train');
    expect(trainEvents.length).toBeGreaterThan(0);
    for (const e of trainEvents) {
      expect(e).toMatchObject({ stage: 'train', total: 8, metric: 'NDCG@100' });
      expect(typeof e.epoch).toBe('number');
      expect(Number.isFinite(e.loss as number)).toBe(true);
      expect(e.loaded).toBe(e.epoch);
    }
    expect(events.filter((e) => e.stage === 'ease')).toHaveLength(2);
    expect(events.filter((e) => e.stage === 'knn')).toHaveLength(1);
    expect(events.filter((e) => e.stage === 'content')).toHaveLength(1);
    expect(events.filter((e) => e.stage === 'blend').length).toBeGreaterThan(1);
    expect(model.report.validation).toBeGreaterThan(0);
    const w = model.report.weights;
    expect(Object.keys(w)).toEqual(['vae', 'ease', 'knn', 'content']);
    expect(w.vae! + w.ease! + w.knn! + w.content!).toBeCloseTo(1, 6);
    // Scores for held-out shoppers: one row per shopper, finite.
    const scores = await model.scorer.scoreRows(validation.inputs);
    expect(scores.length).toBe(validation.inputs.rows * validation.inputs.cols);
    expect(scores.every(Number.isFinite)).toBe(true);
    // Only the network's variables remain; disposing them returns to the start.
    expect(tf.memory().numTensors).toBe(before + 8);
    model.scorer.network.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('blend tuning at catalog scale', () => {
  it('tunes the blend on evenly spaced validation users when all of them would not fit its budget', async () => {
    const { train, validation } = sliceSplit();
    const events: { stage: string; loaded: number; total: number }[] = [];
    const items = officeSlice().data.items;
    // A budget of 10 users' worth of component scores.
    const budget = 10 * train.cols * 4;
    const model = await trainVaeModel(train, { hidden: 32, latent: 8, epochs: 2, blendTuningFloats: budget }, { validation, items, onProgress: (e) => events.push(e) });
    const users = events.find((e) => e.stage === 'blend-users');
    expect(users).toMatchObject({ loaded: 10, total: validation.inputs.rows });
    expect(events.some((e) => e.stage === 'blend')).toBe(true);
    expect(model.report.validation).toBeGreaterThan(0);
    model.scorer.network.dispose();
  });
});
