import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserEnv, type BrowserEnv, type TestWindow } from './browser-env';

const CATALOG = '/test/fixtures/scientific-items.jsonl';
let env: BrowserEnv;
beforeAll(async () => {
  env = await startBrowserEnv();
});
afterAll(async () => {
  await env?.close();
});

/** Reads our events store straight from IndexedDB (not through the library). */
async function readStoredTimestamps(dbName: string): Promise<number[]> {
  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const open = indexedDB.open(dbName);
    open.onsuccess = () => ok(open.result);
    open.onerror = () => fail(open.error);
  });
  const rows = await new Promise<{ timestamp: number }[]>((ok, fail) => {
    const request = db.transaction('events').objectStore('events').getAll();
    request.onsuccess = () => ok(request.result as { timestamp: number }[]);
    request.onerror = () => fail(request.error);
  });
  db.close();
  return rows.map((r) => r.timestamp);
}

describe('load', () => {
  it('10,000 track() calls fired without awaiting are each stored exactly once; the page stays responsive', async () => {
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(
      async ({ catalog }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const rows = (await (await fetch(catalog)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string });
        const rec = await createRecommender({ catalog, storage: { dbName: 'load' } });
        let longestTask = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) longestTask = Math.max(longestTask, entry.duration);
        }).observe({ type: 'longtask', buffered: false });
        const started = performance.now();
        const calls: Promise<unknown>[] = [];
        for (let i = 0; i < 10_000; i++) calls.push(rec.track({ type: 'view', itemId: rows[i % rows.length]!.id, timestamp: 1_700_000_000_000 + i }));
        const firedMs = performance.now() - started;
        const settled = await Promise.allSettled(calls);
        const allMs = performance.now() - started;
        const status = rec.status();
        rec.dispose();
        return {
          rejected: settled.filter((s) => s.status === 'rejected').length,
          events: status.events,
          firedMs,
          allMs,
          longestTask,
        };
      },
      { catalog: CATALOG },
    );
    const stored = await page.evaluate(readStoredTimestamps, 'load');
    console.log(JSON.stringify({ bench: 'track-10k', ...result }));
    expect(result.rejected).toBe(0);
    expect(stored).toHaveLength(10_000);
    expect(new Set(stored).size).toBe(10_000);
    expect(Math.min(...stored)).toBe(1_700_000_000_000);
    expect(Math.max(...stored)).toBe(1_700_000_009_999);
    expect(result.events).toBe(10_000);
    await context.close();
  });

  it('maxEvents retention drops the oldest events first', async () => {
    const { context, page } = await env.open('esm');
    const kept = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rows = (await (await fetch(catalog)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string });
      const rec = await createRecommender({ catalog, storage: { dbName: 'retention', maxEvents: 1000 } });
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < 1500; i++) calls.push(rec.track({ type: 'view', itemId: rows[i % rows.length]!.id, timestamp: i }));
      await Promise.all(calls);
      const exported = await rec.exportData();
      const events = rec.status().events;
      rec.dispose();
      return { timestamps: exported.events.map((e) => e.timestamp), events };
    }, CATALOG);
    expect(kept.events).toBe(1000);
    expect(kept.timestamps).toEqual(Array.from({ length: 1000 }, (_, i) => 500 + i));
    await context.close();
  });
});
