import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserEnv, type BrowserEnv, type TestWindow } from './browser-env';

// The demo's catalog and its committed model pack (models/scientific), fine-tuned on one shopper.
const CATALOG = '/demo/public/items.jsonl';
const PACK = '/models/scientific/';
let env: BrowserEnv;
beforeAll(async () => {
  env = await startBrowserEnv();
});
afterAll(async () => {
  await env?.close();
});

type Snapshot = { version: string; personal: unknown; error: { code: string; message: string } | null; ranking: unknown; top: { itemId: string; score: number }[] };

describe("fine-tuning on the shopper's own history", () => {
  it('changes the scores, is kept in IndexedDB for the next visit, and a checkpoint of the wrong format is rejected and rebuilt', async () => {
    const { context, page } = await env.open('esm');
    const requests: string[] = [];
    context.on('request', (r) => requests.push(`${r.url()} ${r.postData() ?? ''}`));
    const visit = (tuneSteps: number, historyIds?: string[]) =>
      page.evaluate(
        async ({ catalog, models, tuneSteps, historyIds }) => {
          const { createRecommender } = (window as unknown as TestWindow).localrec;
          const rec = await createRecommender({ catalog, models, storage: { dbName: 'personal' } });
          for (const itemId of historyIds ?? []) await rec.track({ type: 'view', itemId });
          const before = (await rec.recommend({ k: 10 })).map((r) => ({ itemId: r.itemId, score: r.score }));
          const progress: { stage: string; overall: number; loss?: number }[] = [];
          const report = tuneSteps > 0 ? await rec.fineTune({ steps: tuneSteps, onProgress: (p) => progress.push({ stage: p.stage, overall: p.overall, loss: p.loss }) }) : null;
          const s = rec.status();
          const snapshot = {
            version: s.modelVersion,
            personal: s.personalModel,
            error: s.personalModelError,
            ranking: { halfLife: s.ranking.halfLife, source: s.ranking.halfLifeSource },
            top: (await rec.recommend({ k: 10 })).map((r) => ({ itemId: r.itemId, score: r.score })),
          };
          rec.dispose();
          return { before, report, progress, snapshot };
        },
        { catalog: CATALOG, models: PACK, tuneSteps, historyIds },
      );
    const ids = await page.evaluate(async (catalog) => (await (await fetch(catalog)).text()).split('\n').filter(Boolean).slice(0, 400).map((l) => (JSON.parse(l) as { id: string }).id), CATALOG);
    // A shopper of one kind of product: five items of the catalog's first category seen.
    const history = ids.filter((_, i) => i % 40 === 3).slice(0, 5);

    const first = await visit(10, history);
    expect(first.report).toMatchObject({ steps: 10, examples: 80, historyItems: 5, saved: true, backend: 'wasm' });
    expect(first.progress).toHaveLength(10);
    expect(first.progress.every((p) => p.stage === 'fine-tune' && Number.isFinite(p.loss))).toBe(true);
    expect(first.progress.at(-1)!.overall).toBe(1);
    const tuned: Snapshot = first.snapshot;
    expect(tuned.version).toMatch(/fine-tuned on this device/);
    // The pack carries the recency half-life tuned on loo validation (npm run train --evaluation).
    expect(first.snapshot.ranking).toEqual({ halfLife: 3, source: 'model pack' });
    expect(tuned.personal).toMatchObject({ historyItems: 5 });
    // Fine-tuning moved the scores (same history, same items or not).
    const maxChange = Math.max(...first.before.map((b, i) => Math.abs(b.score - (tuned.top.find((t) => t.itemId === b.itemId)?.score ?? tuned.top[i]!.score))));
    expect(maxChange).toBeGreaterThan(1e-4);

    // Next visit: the personal model is restored from IndexedDB and scores exactly as before.
    const second = await visit(0);
    expect(second.snapshot.version).toBe(tuned.version);
    expect(second.snapshot.personal).toEqual(tuned.personal);
    second.snapshot.top.forEach((t, i) => {
      expect(t.itemId).toBe(tuned.top[i]!.itemId);
      expect(t.score).toBeCloseTo(tuned.top[i]!.score, 4);
    });

    // A checkpoint of another format (e.g. written by a future version): rejected with a typed
    // error, deleted, the store's model serves; the next fineTune() rebuilds it.
    await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('personal');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('checkpoints', 'readwrite');
        const store = tx.objectStore('checkpoints');
        const get = store.get('personal:vae');
        get.onsuccess = () => store.put({ ...get.result, data: { ...get.result.data, format: 'localrec-personal-vae@99' } });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    });
    const third = await visit(0);
    expect(third.snapshot.error?.code).toBe('MODEL_INVALID');
    expect(third.snapshot.error?.message).toMatch(/unknown format/);
    expect(third.snapshot.personal).toBeNull();
    expect(third.snapshot.version).not.toMatch(/fine-tuned/);
    const fourth = await visit(3);
    expect(fourth.snapshot.error).toBeNull();
    expect(fourth.snapshot.personal).toMatchObject({ historyItems: 5 });

    // forget() erases the personal model with the history, in memory too.
    const erased = await page.evaluate(
      async ({ catalog, models }) => {
        const rec = await (window as unknown as TestWindow).localrec.createRecommender({ catalog, models, storage: { dbName: 'personal' } });
        const restored = rec.status().personalModel !== null;
        await rec.forget();
        const s = rec.status();
        rec.dispose();
        return { restored, personal: s.personalModel, version: s.modelVersion };
      },
      { catalog: CATALOG, models: PACK },
    );
    expect(erased.restored).toBe(true);
    expect(erased.personal).toBeNull();
    expect(erased.version).not.toMatch(/fine-tuned/);

    // None of it went over the network: no request names a history item.
    for (const r of requests) for (const id of history) expect(r).not.toContain(id);
    await context.close();
  }, 240_000);
});
