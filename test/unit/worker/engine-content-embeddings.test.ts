import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Item, ProgressEvent } from '../../../src/shared/types';
import { Engine } from '../../../src/worker/engine';
import { ContentEmbeddings } from '../../../src/models/content-ae/content-embeddings';
import { LocalrecError } from '../../../src/shared/errors';

// The office slice's real catalog rows; no model pack: the content parts serve alone.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const items = readFileSync(join(ROOT, 'test/fixtures/office-slice/items.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Item);

const create = () => Engine.create({ catalog: items, backend: 'wasm', dbName: 'content-ae', maxEvents: 100, persist: false });

describe('content embeddings (the content autoencoder in the engine)', () => {
  it('trainContent() reports progress per epoch, lowers the loss and serves similar(), also for an item added afterwards', async () => {
    const engine = await create();
    expect(engine.status().contentEmbeddings).toBeNull();
    const events: ProgressEvent[] = [];
    const report = await engine.trainContent({ epochs: 4, onProgress: (e) => events.push(e) });
    expect(events.map((e) => e.stage)).toEqual(['content-ae', 'content-ae', 'content-ae', 'content-ae']);
    expect(events.map((e) => e.overall)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(report).toMatchObject({ version: 'content-ae@1', epochs: 4, items: items.length, dims: 128, backend: 'wasm' });
    expect(report.lastLoss).toBeLessThan(report.firstLoss);
    expect(report.saved).toBe(true);
    expect(engine.status().contentEmbeddings).toEqual({ version: 'content-ae@1', items: items.length, dims: 128, epochs: 4, serves: ['similar', 'boughtTogether'], source: 'trained here', saved: true });
    expect(engine.status().contentEmbeddingsNote).toBeNull();

    // A new edition of a catalog item arrives while the store runs: embedded at once, no retraining.
    const source = items.find((i) => i.title.length > 30 && i.brand)!;
    const fresh: Item = { id: 'NEW-EDITION-1', title: `${source.title} (2027 edition)`, brand: source.brand!, category: source.category ?? [] };
    const update = await engine.updateCatalog({ add: [fresh] });
    expect(update.added).toBe(1);
    expect(engine.status().contentEmbeddings?.items).toBe(items.length + 1);
    const alike = await engine.similar(fresh.id, { k: 3 });
    expect(alike.map((r) => r.itemId)).toContain(source.id);
    engine.dispose();
  }, 120_000);

  it('rejects bad epochs and a second run at the same time, and keeps serving', async () => {
    const engine = await create();
    for (const epochs of [0, 1.5, 201, '3' as unknown as number]) {
      await expect(engine.trainContent({ epochs })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    await expect(engine.trainContent('fast' as never)).rejects.toBeInstanceOf(LocalrecError);
    const first = engine.trainContent({ epochs: 1 });
    await expect(engine.trainContent({ epochs: 1 })).rejects.toMatchObject({ code: 'TRAINING_IN_PROGRESS' });
    expect(await engine.similar(items[0]!.id, { k: 4 })).toHaveLength(4);
    await first;
    engine.dispose();
  }, 120_000);

  it('a forget() while it trains: the embeddings serve, but nothing is written into the emptied store', async () => {
    const engine = await create();
    const training = engine.trainContent({ epochs: 2 });
    await engine.forget();
    const report = await training;
    expect(report.saved).toBe(false);
    expect(engine.status().contentEmbeddings).toMatchObject({ source: 'trained here', saved: false });
    expect((await engine.exportData()).checkpoints).toEqual([]);
    engine.dispose();
  }, 120_000);

  it('codes are unit length, and an item without text has no likeness to anything', async () => {
    const sample: Item[] = [
      { id: 'a', title: 'Brother TN-560 High-Yield Toner Cartridge' },
      { id: 'b', title: 'Brother TN580 High Yield Toner Cartridge' },
      { id: 'c', title: 'Fellowes Gel Wrist Rest, Graphite' },
      { id: 'd', title: '' },
      ...items.slice(0, 200),
    ];
    const embeddings = await ContentEmbeddings.train(sample, { epochs: 3, dims: 32 });
    const cos = embeddings.cosineToMean([0]);
    expect(cos[0]).toBeCloseTo(1, 5);
    expect(cos[1]).toBeGreaterThan(cos[2]!);
    expect(cos[3]).toBe(0);
    embeddings.dispose();
  }, 60_000);
});
