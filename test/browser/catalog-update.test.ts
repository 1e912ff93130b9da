import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../../src/shared/types';
import { startBrowserEnv, type BrowserEnv, type TestWindow } from './browser-env';

// The demo catalog and its committed model pack, in Chromium's worker: a product added at run
// time (unknown to the pack) is embedded and recommended without retraining.
const CATALOG = '/demo/public/items.jsonl';
const PACK = '/models/scientific/';
let env: BrowserEnv;
beforeAll(async () => {
  env = await startBrowserEnv();
});
afterAll(async () => {
  await env?.close();
});

describe('catalog changes at run time', () => {
  it('a newly added item appears in recommend() for a shopper whose history matches its content, without a full retrain', async () => {
    const items = readFileSync('demo/public/items.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Item);
    // A brand with a few products: the shopper buys three of them; the new product is one more of that line.
    const byBrand = new Map<string, Item[]>();
    for (const item of items) if (item.brand) byBrand.set(item.brand, [...(byBrand.get(item.brand) ?? []), item]);
    const line = [...byBrand.values()].find((list) => list.length >= 4 && list.length <= 12)!;
    const history = line.slice(0, 3).map((i) => i.id);
    const model = line[0]!;
    const fresh: Item = { id: 'NEW-2026-0001', title: `${model.title} - 2026 model`, brand: model.brand!, category: model.category ?? [] };
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(
      async ({ catalog, pack, history, fresh }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const rec = await createRecommender({ catalog, models: pack, backend: 'wasm', storage: { persist: false } });
        for (const id of history) await rec.track({ type: 'purchase', itemId: id });
        const before = (await rec.recommend({ k: 20 })).map((r) => r.itemId);
        const covered = rec.status().model.coveredItems;
        const started = performance.now();
        const report = await rec.updateCatalog({ add: [fresh] });
        const updateMs = performance.now() - started;
        const after = (await rec.recommend({ k: 20 })).map((r) => r.itemId);
        const status = rec.status();
        let code: string | null = null;
        try {
          await rec.updateCatalog({ add: 'not an array' as never });
        } catch (error) {
          code = (error as { code?: string }).code ?? null;
        }
        rec.dispose();
        return { before, after, report, updateMs, covered, size: status.catalogSize, modelVersion: status.modelVersion, code };
      },
      { catalog: CATALOG, pack: PACK, history, fresh },
    );
    await context.close();
    expect(result.before).not.toContain(fresh.id);
    expect(result.report).toMatchObject({ added: 1, removed: 0, size: items.length + 1, coveredItems: result.covered });
    expect(result.size).toBe(items.length + 1);
    // The pack's model still serves (no retraining, no fallback to content only)...
    expect(result.modelVersion).toMatch(/vae/);
    // ...and the new product is recommended next to the known ones.
    expect(result.after).toContain(fresh.id);
    expect(result.code).toBe('INVALID_ARGUMENT');
  });
});
