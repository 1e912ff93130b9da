import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../../src/shared/types';
import { Engine } from '../../src/worker/engine';
import { startBrowserEnv, type BrowserEnv, type TestWindow } from './browser-env';

// The committed demo pack, folded in with the same history in Chromium's worker and in Node.
const CATALOG = '/demo/public/items.jsonl';
const PACK = '/models/scientific/';
let env: BrowserEnv;
beforeAll(async () => {
  env = await startBrowserEnv();
});
afterAll(async () => {
  await env?.close();
});

describe('model pack parity', () => {
  it('a history fold-in gives the same scores in the worker and in Node', async () => {
    const items = readFileSync('demo/public/items.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Item);
    const history = [items[10]!.id, items[200]!.id, items[1234]!.id];
    const { context, page } = await env.open('esm');
    const inWorker = await page.evaluate(
      async ({ catalog, pack, history }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const rec = await createRecommender({ catalog, models: pack, backend: 'wasm', storage: { persist: false } });
        for (const id of history) await rec.track({ type: 'view', itemId: id, timestamp: 1 });
        const recs = await rec.recommend({ k: 20 });
        const status = rec.status();
        rec.dispose();
        return { recs: recs.map((r) => [r.itemId, r.score] as const), covered: status.model.coveredItems, error: status.model.error };
      },
      { catalog: CATALOG, pack: PACK, history },
    );
    await context.close();
    expect(inWorker.error).toBeNull();
    expect(inWorker.covered).toBe(items.length);

    const engine = await Engine.create({ catalog: items, models: `${env.server.url}${PACK}`, backend: 'wasm', dbName: 'parity', maxEvents: 100, persist: false });
    for (const id of history) await engine.track({ type: 'view', itemId: id, timestamp: 1 });
    const inNode = (await engine.recommend({ k: 20 })).map((r) => [r.itemId, r.score] as const);
    engine.dispose();

    expect(inNode.map(([id]) => id)).toEqual(inWorker.recs.map(([id]) => id));
    inNode.forEach(([, score], i) => expect(score).toBeCloseTo(inWorker.recs[i]![1], 4));
  });
});
