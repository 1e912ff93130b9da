import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserEnv, type BrowserEnv, type TestWindow } from './browser-env';

// The demo's own catalog (4,385 Industrial & Scientific items).
const DEMO_CATALOG = '/demo/public/items.jsonl';

let env: BrowserEnv;
beforeAll(async () => {
  env = await startBrowserEnv();
});
afterAll(async () => {
  await env?.close();
});

describe('the content autoencoder in the worker', () => {
  it('trains on the demo catalog with progress events, and its embeddings serve similar() for an item added at run time', async () => {
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rows = (await (await fetch(catalog)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const rec = await createRecommender({ catalog, storage: { persist: false } });
      const progress: { stage: string; overall: number; loss?: number }[] = [];
      const report = await rec.trainContent({ epochs: 2, onProgress: (p) => progress.push({ stage: p.stage, overall: p.overall, loss: p.loss }) });
      const trained = rec.status().contentEmbeddings;
      // A product the pack and the autoencoder never saw: a new pack size of a catalog caliper.
      const source = rows.find((r) => /caliper/i.test(r.title) && r.brand);
      const fresh = { id: 'NEW-CALIPER-1', title: `${source.title} with case`, brand: source.brand, category: source.category };
      await rec.updateCatalog({ add: [fresh] });
      const alike = await rec.similar(fresh.id, { k: 6 });
      const status = rec.status();
      rec.dispose();
      return { report, trained, progress, source: source.id as string, alike: alike.map((r) => ({ id: r.itemId, title: r.item.title })), status };
    }, DEMO_CATALOG);
    expect(result.progress.length).toBeGreaterThanOrEqual(2);
    expect(result.progress.every((p) => p.stage === 'content-ae')).toBe(true);
    expect(result.progress.at(-1)!.overall).toBe(1);
    expect(result.report).toMatchObject({ epochs: 2, items: 4385, trainedOn: 4385, dims: 128, backend: 'wasm' });
    expect(result.trained).toMatchObject({ items: 4385, serves: ['similar', 'boughtTogether'] });
    expect(result.status.contentEmbeddings?.items).toBe(4386);
    expect(result.alike.map((r) => r.id)).toContain(result.source);
    // Calipers lead; the rest can be the same maker's (the title trigrams weigh brand words too, as
    // office's own also-viewed lists reward).
    expect(result.alike.filter((r) => /caliper/i.test(r.title)).length).toBeGreaterThanOrEqual(3);
    await context.close();
  }, 240_000);

  it('keeps the trained weights in IndexedDB: the next visit serves the embeddings without training, forget() erases them, a damaged copy is discarded', async () => {
    const { context, page } = await env.open('esm');
    const open = (step: string) =>
      page.evaluate(async ({ catalog, step }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const rows = (await (await fetch(catalog)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l)).slice(0, 300);
        const rec = await createRecommender({ catalog: rows, storage: { dbName: 'content-ae-saved' } });
        let report = null;
        if (step === 'train') report = await rec.trainContent({ epochs: 2 });
        const alike = await rec.similar(rows[3].id, { k: 5 });
        const status = rec.status();
        if (step === 'forget') await rec.forget();
        rec.dispose();
        return { report, alike: alike.map((r) => r.itemId), embeddings: status.contentEmbeddings, note: status.contentEmbeddingsNote };
      }, { catalog: DEMO_CATALOG, step });
    const trained = await open('train');
    expect(trained.report).toMatchObject({ epochs: 2, saved: true });
    expect(trained.embeddings).toMatchObject({ source: 'trained here', saved: true, items: 300 });
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    const next = await open('read');
    expect(next.embeddings).toMatchObject({ source: 'saved on this device', saved: true, items: 300, epochs: 2 });
    // The same weights over the same catalog: the same similar items as right after training.
    expect(next.alike).toEqual(trained.alike);
    const erased = await open('forget');
    expect(erased.embeddings?.source).toBe('saved on this device');
    const after = await open('read');
    expect(after.embeddings).toBeNull();
    expect(after.note).toBeNull();
    // A damaged checkpoint (someone else's format) is discarded and said, never applied.
    await page.evaluate(async () => {
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const req = indexedDB.open('content-ae-saved');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('checkpoints', 'readwrite');
        tx.objectStore('checkpoints').put({ name: 'content:ae', savedAt: 1, data: { format: 'something-else', tensors: [] } });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    });
    const damaged = await open('forget');
    expect(damaged.embeddings).toBeNull();
    expect(damaged.note).toMatch(/discarded/);
    await context.close();
  }, 240_000);

  it('trains on WebGPU (SwiftShader, small shapes) when that is the backend', async () => {
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rows = (await (await fetch(catalog)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l)).slice(0, 60);
      const rec = await createRecommender({ catalog: rows, backend: 'webgpu', storage: { persist: false } });
      const report = await rec.trainContent({ epochs: 1 });
      const alike = await rec.similar(rows[0].id, { k: 3 });
      rec.dispose();
      return { report, alike: alike.length };
    }, DEMO_CATALOG);
    expect(result.report).toMatchObject({ backend: 'webgpu', epochs: 1, items: 60 });
    expect(Number.isFinite(result.report.lastLoss)).toBe(true);
    expect(result.alike).toBe(3);
    await context.close();
  }, 240_000);
});
