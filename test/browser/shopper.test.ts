import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../../src/shared/types';
import { tokenize } from '../../src/features/tokenize';
import { lightStem } from '../../src/search/search-text';
import { startBrowserEnv, type BrowserEnv, type TestWindow } from './browser-env';

// What a shopper sees in the demo store (its catalog and committed model pack, in Chromium's worker).
const CATALOG = '/demo/public/items.jsonl';
const PACK = '/models/scientific/';
const items = readFileSync('demo/public/items.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Item);
const byId = new Map(items.map((item) => [item.id, item]));
const words = (item: Item) => new Set(tokenize([item.title, ...(item.category ?? []), item.brand ?? ''].join(' ')));
let env: BrowserEnv;
beforeAll(async () => {
  env = await startBrowserEnv();
});
afterAll(async () => {
  await env?.close();
});

describe('searches steer what is recommended, never pollute it', () => {
  it('after searching nitrile gloves, safety glasses and face shield, every recommended item relates to a search, and what the searches brought in is evidence of one', async () => {
    const queries = ['nitrile gloves', 'safety glasses', 'face shield'];
    const { context, page } = await env.open('esm');
    const { top6, before, after } = await page.evaluate(
      async ({ catalog, pack, queries }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const rec = await createRecommender({ catalog, models: pack, backend: 'wasm', storage: { persist: false } });
        // An established profile first: a few calipers viewed.
        for (const r of (await rec.search('digital caliper', { k: 3 }))) await rec.track({ type: 'view', itemId: r.itemId });
        const before = (await rec.recommend({ k: 24 })).map((r) => r.itemId);
        for (const query of queries) await rec.search(query, { k: 10, track: true });
        const top6 = (await rec.recommend({ k: 6, explain: true })).map((r) => ({ itemId: r.itemId, reason: r.reason }));
        // The demo's "Picked for you" grid: 24 items.
        const after = (await rec.recommend({ k: 24 })).map((r) => r.itemId);
        rec.dispose();
        return { top6, before, after };
      },
      { catalog: CATALOG, pack: PACK, queries },
    );
    expect(top6).toHaveLength(6);
    const queryWords = queries.flatMap((q) => tokenize(q));
    for (const { itemId } of top6) {
      const item = byId.get(itemId)!;
      expect(queryWords.some((w) => words(item).has(w)), `${item.title} relates to no search`).toBe(true);
    }
    // Every item the searches brought into the 24 holds every word of a query (word forms aside), or
    // some of them on a shelf (category path) where an item holds them all and that a query word
    // names (or that is a bare label): a face mask for "face shield", never an Arduino shield, a dial indicator's "white face"
    // or a magnifier's glasses, which hold one word of two elsewhere. The catalog holds no "safety
    // glasses", so that search brings in nothing.
    const stems = (item: Item) => new Set([...words(item)].map(lightStem));
    const holds = (item: Item, q: string) => tokenize(q).filter((w) => stems(item).has(lightStem(w))).length;
    const shelf = (item: Item) => (item.category ?? []).join(' / ');
    const shelvesOf = new Map(queries.map((q) => [q, new Set(items.filter((item) => holds(item, q) === tokenize(q).length).map(shelf))]));
    const namesShelf = (item: Item, q: string) => { const path = new Set(tokenize(shelf(item)).map(lightStem)); return tokenize(q).some((w) => path.has(lightStem(w))); };
    // A bare shelf (no path, or only words most shelves have) names nothing: the shelf alone counts there.
    const paths = [...new Set(items.map(shelf))].filter(Boolean);
    const letterWords = (path: string) => [...new Set(tokenize(path).filter((w) => /^\p{L}+$/u.test(w)))];
    const shelvesWith = new Map<string, number>();
    for (const path of paths) for (const w of letterWords(path)) shelvesWith.set(w, (shelvesWith.get(w) ?? 0) + 1);
    const bare = (item: Item) => letterWords(shelf(item)).every((w) => shelvesWith.get(w)! > paths.length / 2);
    const evident = (item: Item) => queries.some((q) => holds(item, q) === tokenize(q).length || (holds(item, q) > 0 && (namesShelf(item, q) || bare(item)) && shelvesOf.get(q)!.has(shelf(item))));
    const broughtIn = after.filter((id) => !before.includes(id)).map((id) => byId.get(id)!);
    expect(broughtIn.length).toBeGreaterThanOrEqual(6);
    expect(broughtIn.filter((item) => !evident(item)).map((item) => item.title)).toEqual([]);
    expect(broughtIn.filter((item) => /safety/i.test(item.title) && /glass/i.test(`${item.title} ${item.category?.join(' ')}`)).map((item) => item.title)).toEqual([]);
    await context.close();
  }, 120_000);

  it('a query that matches nothing leaves the recommendations as they were', async () => {
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(
      async ({ catalog, pack }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const rec = await createRecommender({ catalog, models: pack, backend: 'wasm', storage: { persist: false } });
        for (const r of (await rec.search('pipette', { k: 2 }))) await rec.track({ type: 'view', itemId: r.itemId });
        const before = (await rec.recommend({ k: 12 })).map((r) => r.itemId);
        await rec.track({ type: 'search', query: 'zzqx wubbleflorp' });
        const after = (await rec.recommend({ k: 12 })).map((r) => r.itemId);
        rec.dispose();
        return { before, after };
      },
      { catalog: CATALOG, pack: PACK },
    );
    expect(result.after).toEqual(result.before);
    await context.close();
  }, 120_000);
});

describe('following the shopper', () => {
  it('after seven views in one leaf category, most of the top 6 are from it', async () => {
    const leaf = (item: Item) => item.category?.at(-1) ?? '';
    const counts = new Map<string, Item[]>();
    for (const item of items) counts.set(leaf(item), [...(counts.get(leaf(item)) ?? []), item]);
    const calipers = [...counts.entries()].find(([name, list]) => /Calipers/.test(name) && list.length >= 14)!;
    const viewed = calipers[1].slice(0, 7).map((item) => item.id);
    const { context, page } = await env.open('esm');
    const recommended = await page.evaluate(
      async ({ catalog, pack, viewed }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const rec = await createRecommender({ catalog, models: pack, backend: 'wasm', storage: { persist: false } });
        for (const itemId of viewed) await rec.track({ type: 'view', itemId });
        const recs = (await rec.recommend({ k: 6 })).map((r) => r.itemId);
        rec.dispose();
        return recs;
      },
      { catalog: CATALOG, pack: PACK, viewed },
    );
    const inLeaf = recommended.filter((id) => leaf(byId.get(id)!) === calipers[0]).length;
    expect(inLeaf, recommended.map((id) => byId.get(id)!.title).join(' | ')).toBeGreaterThanOrEqual(4);
    await context.close();
  }, 120_000);
});
