import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startBrowserEnv, type BrowserEnv, type TestWindow } from './browser-env';

const CATALOG = '/test/fixtures/scientific-items.jsonl';
let env: BrowserEnv;
beforeAll(async () => {
  env = await startBrowserEnv();
});
afterAll(async () => {
  await env?.close();
});

/** Every IndexedDB database and Cache Storage entry in the page's origin. */
function originStorage(page: Page): Promise<{ databases: string[]; caches: string[] }> {
  return page.evaluate(async () => ({
    databases: (await indexedDB.databases()).map((d) => d.name ?? ''),
    caches: await caches.keys(),
  }));
}

describe("shopper's control", () => {
  it('persist: false keeps everything in memory: no database, no cache, yet it recommends', async () => {
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rec = await createRecommender({ catalog, storage: { persist: false, dbName: 'memory-only' } });
      const first = (await rec.recommend({ k: 1 }))[0]!;
      await rec.track({ type: 'view', itemId: first.itemId });
      await rec.track({ type: 'search', query: 'tape' });
      const recs = await rec.recommend({ k: 5 });
      const exported = await rec.exportData();
      const status = rec.status();
      rec.dispose();
      return { recs: recs.length, events: exported.events.length, persistent: status.persistent };
    }, CATALOG);
    expect(result).toEqual({ recs: 5, events: 2, persistent: false });
    expect(await originStorage(page)).toEqual({ databases: [], caches: [] });
    await context.close();
  });

  it('exportData() returns every stored record and forget() removes every database and cache of ours', async () => {
    const { context, page } = await env.open('esm');
    const exported = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rec = await createRecommender({ catalog, storage: { dbName: 'control' } });
      const ids = (await rec.recommend({ k: 3 })).map((r) => r.itemId);
      await rec.track({ type: 'view', itemId: ids[0]! });
      await rec.track({ type: 'cart', itemId: ids[1]! });
      await rec.track({ type: 'purchase', itemId: ids[1]! });
      await rec.track({ type: 'search', query: 'pipe fittings' });
      const data = await rec.exportData();
      (window as unknown as { rec: typeof rec }).rec = rec;
      return data;
    }, CATALOG);
    expect(exported.events.map((e) => e.type)).toEqual(['view', 'cart', 'purchase', 'search']);
    expect(exported.catalogCache?.items.length).toBe(400);
    expect(JSON.parse(JSON.stringify(exported))).toEqual(exported);
    expect((await originStorage(page)).databases).toEqual(['control']);

    await page.evaluate(async () => {
      const rec = (window as unknown as { rec: { forget(): Promise<void>; dispose(): void } }).rec;
      await rec.forget();
      rec.dispose();
    });
    expect(await originStorage(page)).toEqual({ databases: [], caches: [] });
    await context.close();
  });
});

describe('faults', () => {
  it('worker killed mid-write: nothing half-written, every acknowledged event intact', async () => {
    const { context, page } = await env.open('esm');
    const first = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rec = await createRecommender({ catalog, storage: { dbName: 'killed' } });
      const ids = (await rec.recommend({ k: 50 })).map((r) => r.itemId);
      const acknowledged: number[] = [];
      const calls = Array.from({ length: 3000 }, (_, i) =>
        rec.track({ type: 'view', itemId: ids[i % ids.length]!, timestamp: i }).then(() => acknowledged.push(i)),
      );
      // Kill the worker as soon as some writes have been acknowledged.
      while (acknowledged.length < 200) await new Promise((r) => setTimeout(r, 1));
      rec.dispose();
      const outcomes = await Promise.allSettled(calls);
      return { acknowledged, rejected: outcomes.filter((o) => o.status === 'rejected').length };
    }, CATALOG);
    expect(first.acknowledged.length).toBeGreaterThanOrEqual(200);
    expect(first.rejected).toBeGreaterThan(0); // it really died mid-way

    const after = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rec = await createRecommender({ catalog, storage: { dbName: 'killed' } });
      const data = await rec.exportData();
      const recs = await rec.recommend({ k: 5 });
      await rec.forget();
      rec.dispose();
      return { events: data.events, recs: recs.length };
    }, CATALOG);
    const stored = after.events.map((e) => e.timestamp);
    for (const i of first.acknowledged) expect(stored).toContain(i);
    expect(new Set(stored).size).toBe(stored.length);
    for (const event of after.events) {
      expect(event.type).toBe('view');
      expect(typeof event.itemId).toBe('string');
      expect(event.seq).toBeGreaterThan(0);
    }
    expect(after.recs).toBe(5);
    await context.close();
  });
});

describe('storage quota', () => {
  it('a full quota gives typed QUOTA_EXCEEDED errors, prunes the oldest events, and never crashes', async () => {
    const { context, page } = await env.open('esm');
    const cdp = await context.newCDPSession(page);
    // Chromium's own quota machinery, shrunk for this origin (CDP), then filled by our history.
    await cdp.send('Storage.overrideQuotaForOrigin' as never, { origin: env.server.url, quotaSize: 600_000 } as never);
    const result = await page.evaluate(async (catalog) => {
      const { createRecommender, LocalrecError } = (window as unknown as TestWindow).localrec;
      const rec = await createRecommender({ catalog, storage: { dbName: 'quota' } });
      const codes: Record<string, number> = {};
      const acknowledged: number[] = [];
      for (let round = 0; round < 30; round++) {
        const calls = Array.from({ length: 500 }, (_, i) => {
          const n = round * 500 + i;
          return rec.track({ type: 'search', query: `${'q'.repeat(400)} ${n}`, timestamp: n }).then(() => acknowledged.push(n));
        });
        for (const outcome of await Promise.allSettled(calls)) {
          if (outcome.status === 'rejected') {
            const e = outcome.reason as { code?: string };
            const key = outcome.reason instanceof LocalrecError ? String(e.code) : `untyped ${String(outcome.reason)}`;
            codes[key] = (codes[key] ?? 0) + 1;
          }
        }
      }
      const stored = (await rec.exportData()).events.map((e) => e.timestamp);
      const status = rec.status();
      (window as unknown as { rec: typeof rec }).rec = rec;
      return { codes, pruned: status.prunedForQuota, events: status.events, stored, lastAcknowledged: Math.max(...acknowledged) };
    }, CATALOG);
    expect(Object.keys(result.codes)).toEqual(['QUOTA_EXCEEDED']);
    expect(result.pruned).toBeGreaterThan(0);
    expect(result.events).toBe(result.stored.length);
    // Oldest first: what is left is in order and ends with the newest acknowledged event.
    expect(result.stored).toEqual([...result.stored].sort((a, b) => a - b));
    expect(result.stored.at(-1)).toBe(result.lastAcknowledged);
    expect(result.stored[0]).toBeGreaterThan(0);

    // Room again: it keeps working without a restart.
    await cdp.send('Storage.overrideQuotaForOrigin' as never, { origin: env.server.url } as never);
    const after = await page.evaluate(async () => {
      const rec = (window as unknown as { rec: { track(e: unknown): Promise<unknown>; recommend(): Promise<unknown[]>; forget(): Promise<void>; dispose(): void } }).rec;
      await rec.track({ type: 'search', query: 'after the quota', timestamp: 1e9 });
      const recs = await rec.recommend();
      await rec.forget();
      rec.dispose();
      return recs.length;
    });
    expect(after).toBe(12);
    await context.close();
  });
});

describe('a damaged cached model pack', () => {
  it('is rejected with MODEL_INVALID and downloaded again at once; the VAE serves', async () => {
    const { context, page } = await env.open('esm');
    const start = (dbName: string) =>
      page.evaluate(
        async ({ dbName }) => {
          const rec = await (window as unknown as TestWindow).localrec.createRecommender({ catalog: '/demo/public/items.jsonl', models: '/models/scientific/', reasons: '/models/reasons/', storage: { dbName } });
          const s = rec.status();
          rec.dispose();
          return { model: s.model, reasons: s.reasons, version: s.modelVersion };
        },
        { dbName },
      );
    const first = await start('pack-cache');
    expect(first.model).toMatchObject({ source: 'network', error: null, cacheError: null, integrity: 'verified' });
    expect(first.reasons).toMatchObject({ writer: 'generator', source: 'network', error: null, cacheError: null, integrity: 'verified' });
    const cached = await start('pack-cache');
    expect(cached.model.source).toBe('cache');
    expect(cached.reasons.source).toBe('cache');
    // Damage the weights of the IndexedDB copy, as a disk error or a half-written record would.
    await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('pack-cache');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('checkpoints', 'readwrite');
        const store = tx.objectStore('checkpoints');
        const all = store.getAll();
        all.onsuccess = () => {
          for (const record of all.result as { name: string; data: { 'weights.bin': ArrayBuffer } }[]) {
            if (record.name.startsWith('pack:')) store.put({ ...record, data: { ...record.data, 'weights.bin': record.data['weights.bin'].slice(0, 1000) } });
          }
        };
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    });
    const damaged = await start('pack-cache');
    expect(damaged.model).toMatchObject({ source: 'network', error: null, coveredItems: first.model.coveredItems });
    expect(damaged.model.cacheError?.code).toBe('MODEL_INVALID');
    expect(damaged.version).toMatch(/vae/);
    // The reasons pack is cached the same way, and its damaged copy is fetched again the same way.
    expect(damaged.reasons).toMatchObject({ writer: 'generator', source: 'network', error: null });
    expect(damaged.reasons.cacheError?.code).toBe('MODEL_INVALID');
    // … and the rebuilt copy serves the next start from the cache again.
    const again = await start('pack-cache');
    expect(again.model).toMatchObject({ source: 'cache', cacheError: null });
    expect(again.reasons).toMatchObject({ source: 'cache', cacheError: null });
    await context.close();
  }, 120_000);
});

describe('pack integrity in the worker (SubtleCrypto)', () => {
  it('a manifest that does not match the store’s integrity value is MODEL_INVALID, caches nothing, and the store serves', async () => {
    const { context, page } = await env.open('esm');
    const manifest = readFileSync(join(process.cwd(), 'models/scientific/manifest.json'));
    const right = `sha256-${createHash('sha256').update(manifest).digest('base64')}`;
    const wrong = `sha256-${createHash('sha256').update('not the manifest').digest('base64')}`;
    const result = await page.evaluate(
      async ({ right, wrong }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const open = (dbName: string, models: string) => createRecommender({ catalog: '/demo/public/items.jsonl', models: '/models/scientific/', storage: { dbName }, integrity: { models } });
        const bad = await open('sri-wrong', wrong);
        const badStatus = bad.status();
        const recs = (await bad.recommend({ k: 4 })).length;
        bad.dispose();
        const cached = await new Promise<number>((resolve) => {
          const req = indexedDB.open('sri-wrong');
          req.onsuccess = () => {
            const all = req.result.transaction('checkpoints').objectStore('checkpoints').getAllKeys();
            all.onsuccess = () => resolve((all.result as string[]).filter((k) => k.startsWith('pack:')).length);
          };
        });
        const good = await open('sri-right', right);
        const goodStatus = good.status();
        good.dispose();
        return { bad: badStatus.model, badVersion: badStatus.modelVersion, recs, cached, good: goodStatus.model, goodVersion: goodStatus.modelVersion };
      },
      { right, wrong },
    );
    expect(result.bad.error?.code).toBe('MODEL_INVALID');
    expect(result.badVersion).not.toMatch(/vae/);
    expect(result.recs).toBe(4);
    expect(result.cached).toBe(0);
    expect(result.good).toMatchObject({ error: null, integrity: 'verified' });
    expect(result.goodVersion).toMatch(/vae/);
    await context.close();
  }, 120_000);
});
