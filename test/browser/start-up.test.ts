// What a page can do while localrec starts: calls wait for it (no lost first click), dispose()
// stops it at once (a React StrictMode effect cleanup), and onChange tells widgets to refresh.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserEnv, type BrowserEnv, type TestWindow } from './browser-env';

const CATALOG = '/test/fixtures/scientific-items.jsonl';
let env: BrowserEnv;

beforeAll(async () => {
  env = await startBrowserEnv();
});
afterAll(async () => {
  await env.close();
});

describe('a returning visit', () => {
  it('serves the IndexedDB copy of a catalog URL that answers with the same file, with the same items and report', async () => {
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const visit = async () => {
        const rec = await createRecommender({ catalog, storage: { dbName: 'returning' } });
        const out = { report: rec.status().catalog, size: rec.status().catalogSize, top: (await rec.search('pipette', { k: 5 })).map((r) => r.itemId) };
        rec.dispose();
        return out;
      };
      const first = await visit();
      const second = await visit();
      const rec = await createRecommender({ catalog, storage: { dbName: 'returning' } });
      await rec.forget();
      rec.dispose();
      return { first, second };
    }, CATALOG);
    expect(result.first.report).toMatchObject({ source: 'url', cached: true, reusedCopy: false });
    expect(result.second.report).toEqual({ ...result.first.report, reusedCopy: true });
    expect(result.second.size).toBe(result.first.size);
    expect(result.second.top).toEqual(result.first.top);
    await context.close();
  });
});

describe('before the recommender is ready', () => {
  it('a track() made before createRecommender resolves waits for start-up and is stored', async () => {
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(async (catalog) => {
      const { createRecommender, LocalrecError } = (window as unknown as TestWindow).localrec;
      const rows = (await (await fetch(catalog)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string });
      let resolved = false;
      const starting = createRecommender({ catalog, storage: { dbName: 'early-click' } });
      void starting.then(() => (resolved = true));
      // The shopper's first click, while the worker is still loading its models.
      const tracked = starting.track({ type: 'cart', itemId: rows[3]!.id });
      const trackedBeforeReady = !resolved;
      let statusCode: string | undefined;
      try {
        starting.status();
      } catch (e) {
        statusCode = e instanceof LocalrecError ? e.code : 'untyped';
      }
      const stored = await tracked;
      const rec = await starting;
      const exported = await rec.exportData();
      const statusAfter = rec.status().events;
      await rec.forget();
      rec.dispose();
      return { trackedBeforeReady, statusCode, stored: stored.itemId, events: exported.events.map((e) => e.itemId), statusAfter, first: rows[3]!.id };
    }, CATALOG);
    expect(result.trackedBeforeReady).toBe(true);
    expect(result.statusCode).toBe('NOT_READY');
    expect(result.stored).toBe(result.first);
    expect(result.events).toEqual([result.first]);
    expect(result.statusAfter).toBe(1);
    await context.close();
  });

  it('dispose() while starting stops the worker: the start rejects with DISPOSED, calls too, and a second recommender works', async () => {
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(async (catalog) => {
      const { createRecommender, LocalrecError } = (window as unknown as TestWindow).localrec;
      // What React StrictMode does with an effect: run, clean up at once, run again.
      const first = createRecommender({ catalog, storage: { persist: false } });
      const early = first.recommend({ k: 3 });
      first.dispose();
      const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e) => (e instanceof LocalrecError ? e.code : `untyped ${String(e)}`));
      const [startCode, callCode] = await Promise.all([codeOf(first), codeOf(early)]);
      const second = await createRecommender({ catalog, storage: { persist: false } });
      const recs = await second.recommend({ k: 3 });
      second.dispose();
      return { startCode, callCode, recs: recs.length };
    }, CATALOG);
    expect(result.startCode).toBe('DISPOSED');
    expect(result.callCode).toBe('DISPOSED');
    expect(result.recs).toBe(3);
    // The disposed worker is gone: only the page remains (no worker left running).
    await expect.poll(() => page.workers().length, { timeout: 5_000 }).toBe(0);
    await context.close();
  });

  it('bad options reject the start with a typed error, and calls made meanwhile reject with it', async () => {
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(async () => {
      const { createRecommender, LocalrecError } = (window as unknown as TestWindow).localrec;
      const starting = createRecommender({ catalog: 42 as never });
      const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e) => (e instanceof LocalrecError ? e.code : `untyped ${String(e)}`));
      return Promise.all([codeOf(starting), codeOf(starting.track({ type: 'view', itemId: 'x' }))]);
    });
    expect(result).toEqual(['CATALOG_INVALID', 'CATALOG_INVALID']);
    await context.close();
  });
});

describe('what loads', () => {
  it('the training code loads only when training starts', async () => {
    const { context, page } = await env.open('esm');
    const before = env.server.requests.length;
    await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rec = await createRecommender({ catalog, storage: { persist: false } });
      const rows = (await (await fetch(catalog)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string });
      await rec.track({ type: 'view', itemId: rows[0]!.id });
      await rec.recommend();
      await rec.search('pipette');
      rec.dispose();
    }, CATALOG);
    const fetched = env.server.requests.slice(before).map((r) => r.url);
    expect(fetched.some((url) => url.includes('localrec.worker.js'))).toBe(true);
    expect(fetched.filter((url) => /on-device-training|train-worker|training-worker-client/.test(url))).toEqual([]);
    // …and the trainer is not inside the worker file either (one of its messages marks it).
    const worker = readFileSync('dist/localrec.worker.js', 'utf8');
    expect(worker).not.toContain('No interaction names a catalog item');
    await context.close();
  });
});

describe('onChange', () => {
  it('hears track, a tracked search and forget, not recommend or an untracked search; a listener can be removed', async () => {
    const { context, page } = await env.open('esm');
    const heard = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rows = (await (await fetch(catalog)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string });
      const rec = await createRecommender({ catalog, storage: { persist: false } });
      const methods: string[] = [];
      const off = rec.onChange((change) => methods.push(change.method));
      await rec.track({ type: 'view', itemId: rows[0]!.id });
      await rec.recommend();
      await rec.search('pipette');
      await rec.search('pipette', { track: true });
      await rec.forget();
      off();
      await rec.track({ type: 'view', itemId: rows[1]!.id });
      rec.dispose();
      return methods;
    }, CATALOG);
    expect(heard).toEqual(['track', 'search', 'forget']);
    await context.close();
  });
});
