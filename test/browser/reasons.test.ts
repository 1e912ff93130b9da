import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../../src/shared/types';
import { checkReason, FactWords } from '../../src/explain/generator/checker';
import { startBrowserEnv, type BrowserEnv, type TestWindow } from './browser-env';

// The committed reasons pack (npm run train-reasons on musical_instruments), run in Chromium's worker.
const PACK = '/models/reasons/';
const packItems = JSON.parse(readFileSync('models/reasons/items.json', 'utf8')) as { itemIds: string[]; aspects: Record<string, string[]> };
const packModel = JSON.parse(readFileSync('models/reasons/model.json', 'utf8')) as { lexicon: string[] };
// The review set has no item titles: the catalog names each item by its three top review aspects and its id.
const catalog: Item[] = packItems.itemIds.map((id) => ({ id, title: `${(packItems.aspects[id] ?? []).slice(0, 3).join(' ')} (${id})` }));
// A real shopper of the set: the first user of interactions.csv with 5+ items in the catalog.
const rows = readFileSync('test/fixtures/reviews-slice/interactions.csv', 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const byUser = new Map<string, string[]>();
for (const [user, item] of rows) byUser.set(user!, [...(byUser.get(user!) ?? []), item!]);
const history = [...byUser.values()].find((items) => items.filter((i) => packItems.itemIds.includes(i)).length >= 5)!.slice(0, 5);

let env: BrowserEnv;
beforeAll(async () => {
  env = await startBrowserEnv();
});
afterAll(async () => {
  await env?.close();
});

describe('neural reasons in the worker', () => {
  it('recommend({ explain: true }) with a reasons pack returns checked reasons written by the generator', async () => {
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(
      async ({ catalog, pack, history }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const rec = await createRecommender({ catalog, reasons: pack, backend: 'wasm', storage: { persist: false } });
        for (const id of history) await rec.track({ type: 'purchase', itemId: id });
        const recs = await rec.recommend({ k: 6, explain: true });
        const why = await Promise.all(recs.map((r) => rec.explain(r.itemId)));
        const status = rec.status();
        // A reasons pack that cannot be fetched never breaks the store: template reasons, and status says why.
        const missing = await createRecommender({ catalog, reasons: '/models/no-such-pack/', backend: 'wasm', storage: { persist: false, dbName: 'plain' } });
        await missing.track({ type: 'purchase', itemId: history[0]! });
        const [fallback] = await missing.recommend({ k: 1, explain: true });
        const plain = { ...missing.status().reasons, recSource: fallback!.writtenBy };
        missing.dispose();
        rec.dispose();
        return { recs: recs.map((r) => ({ itemId: r.itemId, reason: r.reason, source: r.writtenBy, evidence: r.evidence })), why, status: status.reasons, plain };
      },
      { catalog, pack: PACK, history },
    );
    await context.close();
    expect(result.status).toMatchObject({ writer: 'generator', source: 'network', error: null, cacheError: null });
    expect(result.plain).toMatchObject({ writer: 'template', error: { code: 'MODEL_FETCH_FAILED' }, recSource: 'template' });
    expect(result.recs).toHaveLength(6);
    const facts = new FactWords(packModel.lexicon, catalog);
    for (const [i, r] of result.recs.entries()) {
      const why = result.why[i]!;
      expect(r.reason).toBe(why.reason);
      expect(r.source).toBe(why.writtenBy);
      expect(typeof r.reason).toBe('string');
      expect(r.reason).not.toMatch(/[<>]/);
      // Every reason, checked again here against the evidence the worker returned: all facts true.
      const item = catalog.find((c) => c.id === r.itemId)!;
      const historyItems = why.evidence.flatMap((e) => (e.kind === 'item' ? [catalog.find((c) => c.id === e.itemId)!] : []));
      const check = checkReason(r.reason!, { item, aspects: why.aspects ?? [], evidence: why.evidence, shared: why.shared, historyItems }, facts);
      expect(check.violations).toEqual([]);
    }
    // The generator wrote most of them (not the template).
    expect(result.recs.filter((r) => r.source === 'generator').length).toBeGreaterThanOrEqual(4);
  }, 120_000);
});

describe('fine-tuning the reason generator in the worker', () => {
  it("learns from the store's own reviews (loss goes down), and its reasons are still checked", async () => {
    // Real reviews of catalog items (the musical_instruments slice), as a store would pass its own.
    const reviews = readFileSync('test/fixtures/reviews-slice/reviews.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { item_id: string; text: string })
      .map((r) => ({ itemId: r.item_id, text: r.text }))
      .slice(0, 300);
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(
      async ({ catalog, pack, history, reviews }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const rec = await createRecommender({ catalog, reasons: pack, backend: 'wasm', storage: { persist: false } });
        for (const id of history) await rec.track({ type: 'purchase', itemId: id });
        const progress: { stage: string; overall: number }[] = [];
        const report = await rec.fineTuneReasons({ reviews: [...reviews, { itemId: 'nope', text: 'x' }], epochs: 2, onProgress: (p) => progress.push({ stage: p.stage, overall: p.overall }) });
        // Rows shift when the catalog changes (one removed, one re-added under a new id): reasons must
        // still describe the right items, the new one included.
        const moved = catalog.find((c) => !history.includes(c.id))!;
        await rec.updateCatalog({ remove: [moved.id], add: [{ ...moved, id: `${moved.id}-new` }] });
        const newOne = await rec.explain(`${moved.id}-new`);
        const recs = await rec.recommend({ k: 6, explain: true });
        const why = await Promise.all(recs.map((r) => rec.explain(r.itemId)));
        const bad = await rec.fineTuneReasons({ reviews: 'nope' as unknown as [] }).catch((e: { code: string }) => e.code);
        rec.dispose();
        return { report, progress, bad, recs: recs.map((r) => ({ itemId: r.itemId, reason: r.reason, source: r.writtenBy })), why, newOne };
      },
      { catalog, pack: PACK, history, reviews },
    );
    await context.close();
    expect(result.report.examples).toBeGreaterThan(100);
    expect(result.report.skipped).toBeGreaterThanOrEqual(1);
    expect(result.report.lossAfter).toBeLessThan(result.report.lossBefore);
    expect(result.progress.every((p) => p.stage === 'fine-tune-reasons')).toBe(true);
    expect(result.progress.at(-1)!.overall).toBe(1);
    expect(result.bad).toBe('INVALID_ARGUMENT');
    const facts = new FactWords(packModel.lexicon, catalog);
    for (const [i, r] of result.recs.entries()) {
      const why = result.why[i]!;
      const item = catalog.find((c) => c.id === r.itemId)!;
      const historyItems = why.evidence.flatMap((e) => (e.kind === 'item' ? [catalog.find((c) => c.id === e.itemId)!] : []));
      expect(checkReason(r.reason!, { item, aspects: why.aspects ?? [], evidence: why.evidence, shared: why.shared, historyItems }, facts).violations).toEqual([]);
      // The aspects are this item's own (from the pack), not those of the item that used to sit on its row.
      if (packItems.aspects[r.itemId]?.length) expect(why.aspects).toEqual(packItems.aspects[r.itemId]);
    }
    expect(result.recs.filter((r) => r.source === 'generator').length).toBeGreaterThanOrEqual(3);
    // The item added by updateCatalog gets its aspects from its title (the pack never saw its id).
    expect(result.newOne.aspects?.length).toBeGreaterThan(0);
  }, 240_000);
});
