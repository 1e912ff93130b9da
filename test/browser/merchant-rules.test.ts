import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../../src/shared/types';
import { startBrowserEnv, type BrowserEnv, type TestWindow } from './browser-env';

// The merchant's rules as a store passes them, through the built library into Chromium's worker:
// the demo catalog (given prices and some calipers out of stock here) and its model pack.
const PACK = '/models/scientific/';
const items = readFileSync('demo/public/items.jsonl', 'utf8').split('\n').filter(Boolean).map((l, i) => {
  const item = JSON.parse(l) as Item & Record<string, unknown>;
  for (const key of Object.keys(item)) if (item[key] === null) delete item[key];
  item.price = (i % 40) + 1;
  return item as Item;
});
const calipers = items.filter((item) => /caliper/i.test(item.title) && (item.category ?? []).some((c) => c.endsWith(' Calipers')));
// Every other caliper is out of stock, the way a feed says it.
const soldOut = new Set(calipers.filter((_, i) => i % 2 === 1).map((item) => item.id));
const catalog = items.map((item) => (soldOut.has(item.id) ? { ...item, availability: 'out_of_stock' } : item));
const inStock = calipers.filter((item) => !soldOut.has(item.id));
const viewed = inStock.slice(0, 3).map((item) => item.id);
const pinned = inStock.find((item) => item.price! <= 30 && !viewed.includes(item.id))!.id;
const byId = new Map(items.map((item) => [item.id, item]));

let env: BrowserEnv;
beforeAll(async () => {
  env = await startBrowserEnv();
});
afterAll(async () => {
  await env?.close();
});

describe('merchant rules in the browser', () => {
  it('recommend(), similar() and search() take one filter, boosts, caps and pins, before the top k; malformed rules come back as typed errors', async () => {
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(
      async ({ catalog, pack, viewed, pinned }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const rec = await createRecommender({ catalog, models: pack, backend: 'wasm', storage: { persist: false } });
        for (const id of viewed) await rec.track({ type: 'view', itemId: id });
        const rules = { filter: { category: 'Calipers', maxPrice: 30 }, pin: [{ itemId: pinned, position: 1 }] };
        const ids = (list: { itemId: string; pinned?: true }[]) => list.map((r) => ({ id: r.itemId, pinned: r.pinned === true }));
        const lists = {
          recommend: ids(await rec.recommend({ k: 6, ...rules })),
          similar: ids(await rec.similar(viewed[0]!, { k: 6, ...rules })),
          search: ids(await rec.search('caliper', { k: 6, ...rules })),
        };
        const brand = {
          recommend: ids(await rec.recommend({ k: 6, filter: { brand: 'uxcell' } })),
          similar: ids(await rec.similar(viewed[0]!, { k: 6, filter: { brand: 'UXCELL' } })),
          search: ids(await rec.search('steel', { k: 6, filter: { brand: 'uxcell' } })),
        };
        const plain = ids(await rec.recommend({ k: 12, variants: 'keep' }));
        const boosted = ids(await rec.recommend({ k: 12, variants: 'keep', boost: [{ brand: 'HATCHBOX', by: 5 }] }));
        const capped = ids(await rec.recommend({ k: 12, variants: 'keep', boost: [{ brand: 'HATCHBOX', by: 5 }], maxPerCategory: 1 }));
        const errors: unknown[] = [];
        for (const call of [
          () => rec.recommend({ pin: [{ itemId: 'no-such-item', position: 0 }] }),
          () => rec.similar(viewed[0]!, { filter: { brnad: 'uxcell' } as never }),
          () => rec.search('caliper', { boost: [{ brand: '3M', by: 9 }] }),
        ]) {
          try {
            await call();
            errors.push(null);
          } catch (error) {
            errors.push({ name: (error as Error).name, code: (error as { code?: string }).code });
          }
        }
        rec.dispose();
        return { lists, brand, plain, boosted, capped, errors };
      },
      { catalog, pack: PACK, viewed, pinned },
    );
    await context.close();
    for (const [call, list] of Object.entries(result.lists)) {
      expect(list, call).toHaveLength(6);
      expect(list[1], call).toEqual({ id: pinned, pinned: true });
      expect(list.filter((r) => r.pinned), call).toHaveLength(1);
      for (const { id } of list) {
        const item = byId.get(id)!;
        expect(item.category!.some((c) => c.endsWith(' Calipers')), `${call}: ${item.title}`).toBe(true);
        expect(item.price, call).toBeLessThanOrEqual(30);
        expect(soldOut.has(id), `${call}: ${item.title} is out of stock`).toBe(false);
      }
    }
    for (const [call, list] of Object.entries(result.brand)) {
      expect(list, call).toHaveLength(6);
      expect(list.every(({ id }) => byId.get(id)!.brand === 'uxcell'), call).toBe(true);
    }
    // A boost of 5 standard deviations brings the brand into a caliper shopper's list; the cap keeps one per shelf.
    const hatchbox = (list: { id: string }[]) => list.filter(({ id }) => byId.get(id)!.brand === 'HATCHBOX').length;
    expect(hatchbox(result.boosted), JSON.stringify(result.boosted)).toBeGreaterThan(hatchbox(result.plain) + 1);
    expect(hatchbox(result.capped)).toBeGreaterThanOrEqual(1);
    const leaves = result.capped.map(({ id }) => byId.get(id)!.category?.at(-1));
    expect(new Set(leaves).size).toBe(leaves.length);
    expect(result.errors).toEqual([
      { name: 'LocalrecError', code: 'UNKNOWN_ITEM' },
      { name: 'LocalrecError', code: 'INVALID_ARGUMENT' },
      { name: 'LocalrecError', code: 'INVALID_ARGUMENT' },
    ]);
  }, 120_000);
});
