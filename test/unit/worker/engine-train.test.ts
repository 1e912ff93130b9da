import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Item, ProgressEvent } from '../../../src/shared/types';
import { parseInteractions } from '../../../src/models/vae/training-data';
import { Engine } from '../../../src/worker/engine';

const FIXTURE = fileURLToPath(new URL('../../fixtures/office-slice', import.meta.url));
const items = readFileSync(join(FIXTURE, 'items.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Item);
const interactions = parseInteractions(readFileSync(join(FIXTURE, 'interactions.csv'), 'utf8'));

describe('on-device training (Node, wasm)', () => {
  it('trains the VAE from anonymous baskets in slices, reports progress, checkpoints, then serves with it', async () => {
    const engine = await Engine.create({ catalog: items, backend: 'wasm', dbName: 'train', maxEvents: 100, persist: false });
    const events: ProgressEvent[] = [];
    // recommend() calls made while training runs must be answered (slices yield to them).
    const training = engine.train({ interactions: [...interactions, { sessionId: 'x', itemId: 'not-in-catalog' }], epochs: 3, hidden: 32, latent: 16, sliceSteps: 1, onProgress: (e) => events.push(e) });
    await engine.track({ type: 'view', itemId: items[0]!.id });
    const during = await engine.recommend({ k: 5 });
    expect(during).toHaveLength(5);
    expect(events.length).toBeLessThan(20); // answered while training was still going
    await expect(engine.train({ interactions, epochs: 1 })).rejects.toMatchObject({ code: 'TRAINING_IN_PROGRESS' });
    const report = await training;
    expect(report).toMatchObject({ backend: 'wasm', epochs: 3, resumedFromEpoch: 0, skipped: 1, items: 200 });
    expect(report.examplesPerSecond).toBeGreaterThan(0);
    for (let i = 1; i < events.length; i++) expect(events[i]!.overall).toBeGreaterThanOrEqual(events[i - 1]!.overall);
    expect(events.at(-1)!.overall).toBe(1);
    expect(events.some((e) => e.epoch === 3)).toBe(true);
    const firstLoss = events[0]!.loss!;
    const lastLoss = events.at(-1)!.loss!;
    expect(lastLoss).toBeLessThan(firstLoss);
    expect(engine.status().modelVersion).toMatch(/on-device/);
    expect((await engine.exportData()).checkpoints.map((c) => c.name)).toContain('training:vae');
    expect(await engine.recommend({ k: 5 })).toHaveLength(5);
    await expect(engine.train({ interactions: [{ sessionId: 's', itemId: 'nope' }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.train({ interactions, epochs: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    engine.dispose();
  }, 120_000);
});

describe('training checkpoints', () => {
  it('a checkpoint of another format or with damaged weights is rejected with a typed error and rebuilt', async () => {
    const { MemoryStore } = await import('../../../src/store/memory-store');
    const { trainVaeWeights, TRAINING_CHECKPOINT } = await import('../../../src/worker/on-device-training');
    const store = new MemoryStore('checkpoints', 100);
    const known = new Set(items.map((item) => item.id));
    const train = () => trainVaeWeights({ interactions, epochs: 1, hidden: 16, latent: 8 }, { store, isKnownItem: (id) => known.has(id), backend: 'wasm' });

    await store.putCheckpoint({ name: TRAINING_CHECKPOINT, savedAt: 1, data: { format: 99, epoch: 7 } });
    const fromFuture = await train();
    expect(fromFuture.report.checkpointError).toMatchObject({ code: 'MODEL_INVALID' });
    expect(fromFuture.report.checkpointError!.message).toMatch(/format 99/);
    expect(fromFuture.report.resumedFromEpoch).toBe(0);
    const rebuilt = (await store.getCheckpoint(TRAINING_CHECKPOINT))!.data as { format: number; epoch: number; weights: Record<string, Float32Array> };
    expect(rebuilt).toMatchObject({ format: 1, epoch: 1 });

    // The same checkpoint with one weight matrix cut short.
    rebuilt.weights['dec/w2'] = rebuilt.weights['dec/w2']!.subarray(0, 10);
    await store.putCheckpoint({ name: TRAINING_CHECKPOINT, savedAt: 2, data: rebuilt });
    const damaged = await train();
    expect(damaged.report.checkpointError?.message).toMatch(/damaged/);
    expect(((await store.getCheckpoint(TRAINING_CHECKPOINT))!.data as { weights: Record<string, Float32Array> }).weights['dec/w2']!.length).toBeGreaterThan(10);

    // A sound checkpoint of this very run is resumed, with no error.
    const resumed = await trainVaeWeights({ interactions, epochs: 2, hidden: 16, latent: 8 }, { store, isKnownItem: (id) => known.has(id), backend: 'wasm' });
    expect(resumed.report).toMatchObject({ resumedFromEpoch: 1, checkpointError: null });
    store.close();
  }, 120_000);
});
