import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Item } from '../../../src/shared/types';
import { Engine } from '../../../src/worker/engine';
import { startStaticServer, type StaticServer } from '../../../tools/browser/static-server';

// A real pack (npm run train on the office fixture), then items the pack has never seen.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/office-slice');
let dir: string;
let server: StaticServer;
let items: Item[];
let counts: Map<string, number>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'localrec-update-'));
  const train = spawnSync(process.execPath, ['--import', 'tsx', 'tools/train.ts', '--data', FIXTURE, '--out', join(dir, 'pack'), '--epochs', '3', '--hidden', '64', '--latent', '32'], { cwd: ROOT, encoding: 'utf8' });
  if (train.status !== 0) throw new Error(`train failed: ${train.stderr}`);
  server = await startStaticServer(dir);
  items = readFileSync(join(FIXTURE, 'items.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Item);
  counts = new Map();
  for (const line of readFileSync(join(FIXTURE, 'interactions.csv'), 'utf8').split('\n').slice(1)) {
    const id = line.split(',')[1];
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
}, 120_000);
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const create = () => Engine.create({ catalog: items, backend: 'wasm', dbName: 'update', maxEvents: 100, persist: false, models: `${server.url}/pack/` });

describe('catalog changes and new shoppers', () => {
  it('a shopper with no events gets popular items of this catalog, not catalog order', async () => {
    const engine = await create();
    const recs = await engine.recommend({ k: 10 });
    expect(recs.map((r) => r.itemId)).not.toEqual(items.slice(0, 10).map((i) => i.id));
    const mean = (ids: string[]) => ids.reduce((s, id) => s + (counts.get(id) ?? 0), 0) / ids.length;
    // The model pack's popularity (the VAE's answer to an empty history) beats the catalog average.
    expect(mean(recs.map((r) => r.itemId))).toBeGreaterThan(2 * mean(items.map((i) => i.id)));
    // A product page as context still leads to items like it.
    const page = items[5]!;
    const onPage = await engine.recommend({ k: 5, context: { itemId: page.id } });
    expect(onPage.map((r) => r.itemId)).not.toContain(page.id);
    engine.dispose();
  });

  it('updateCatalog adds an item without retraining, and recommend() offers it to a shopper whose history matches it', async () => {
    const engine = await create();
    const seed = items.find((i) => i.brand === 'Avery')!;
    const history = items.filter((i) => i.brand === seed.brand).slice(0, 3);
    for (const item of history) await engine.track({ type: 'purchase', itemId: item.id });
    const fresh: Item = { id: 'NEW-LABELS-1', title: `${seed.title} (new edition)`, category: seed.category ?? [], brand: seed.brand! };
    const before = engine.status();
    const report = await engine.updateCatalog({ add: [fresh, { id: '', title: 'no id' } as Item], remove: [items[199]!.id, 'not-there'] });
    expect(report).toMatchObject({ added: 1, replaced: 0, removed: 1, notFound: 1, size: items.length, coveredItems: before.model.coveredItems - 1 });
    expect(report.skipped.invalidId).toBe(1);
    expect(engine.status().catalogSize).toBe(items.length);
    const recs = await engine.recommend({ k: 10 });
    expect(recs.map((r) => r.itemId)).toContain(fresh.id);
    expect(recs.map((r) => r.itemId)).not.toContain(items[199]!.id);
    expect((await engine.similar(fresh.id, { k: 3 })).length).toBe(3);
    expect((await engine.search('new edition', { k: 5 })).map((r) => r.itemId)).toContain(fresh.id);
    // The history's items still count (the collaborative model was remapped, not dropped).
    expect(engine.status().modelVersion).toMatch(/vae/);
    const n = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await engine.recommend({ k: 5 });
    expect(tf.memory().numTensors).toBe(n);
    // Removing it takes it out again.
    await engine.updateCatalog({ remove: [fresh.id] });
    expect((await engine.recommend({ k: 10 })).map((r) => r.itemId)).not.toContain(fresh.id);
    engine.dispose();
  });

  it('without a model pack, new items are served by the content model', async () => {
    const engine = await Engine.create({ catalog: items.slice(0, 50), backend: 'wasm', dbName: 'update-content', maxEvents: 100, persist: false });
    await engine.track({ type: 'view', itemId: items[0]!.id });
    const fresh: Item = { id: 'NEW-C', title: `${items[0]!.title} refill`, brand: items[0]!.brand ?? 'x' };
    expect(await engine.updateCatalog({ add: [fresh] })).toMatchObject({ added: 1, size: 51, coveredItems: 0 });
    expect((await engine.recommend({ k: 3 }))[0]!.itemId).toBe(fresh.id);
    engine.dispose();
  });

  it('bad updates fail with typed codes and change nothing', async () => {
    const engine = await create();
    await expect(engine.updateCatalog(null as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.updateCatalog({ add: 'x' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.updateCatalog({ remove: [1 as never] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.updateCatalog({ remove: items.map((i) => i.id) })).rejects.toMatchObject({ code: 'CATALOG_EMPTY' });
    expect(engine.status().catalogSize).toBe(items.length);
    engine.dispose();
  });
});
