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

type Rec = Awaited<ReturnType<TestWindow['localrec']['createRecommender']>>;

async function start(page: Page): Promise<void> {
  await page.evaluate(async (catalog) => {
    const { createRecommender } = (window as unknown as TestWindow).localrec;
    (window as unknown as { rec: Rec }).rec = await createRecommender({ catalog, storage: { dbName: 'shared-tabs' } });
  }, CATALOG);
}

describe('several tabs of one store', () => {
  it('an event tracked in one tab changes the next recommend() in another, stored once; forget() clears both', async () => {
    const { context, page: tabA } = await env.open('esm');
    const { page: tabB } = await env.open('esm', context);
    await start(tabA);
    await start(tabB);
    const before = await tabB.evaluate(async () => (await (window as unknown as { rec: Rec }).rec.recommend({ k: 10 })).map((r) => r.itemId));
    const viewed = await tabA.evaluate(async () => {
      const rec = (window as unknown as { rec: Rec }).rec;
      const rows = (await (await fetch('/test/fixtures/scientific-items.jsonl')).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const tapes = rows.filter((r) => String(r.category?.[0] ?? '').endsWith('Duct Tape')).slice(0, 2);
      for (const item of tapes) await rec.track({ type: 'view', itemId: item.id });
      return tapes.map((t) => t.id as string);
    });
    // The announcement crosses to the other tab's worker asynchronously.
    await tabB.waitForFunction(async () => {
      const rec = (window as unknown as { rec: Rec }).rec;
      await rec.recommend({ k: 1 });
      return rec.status().events === 2;
    });
    const after = await tabB.evaluate(async () => {
      const rec = (window as unknown as { rec: Rec }).rec;
      return (await rec.recommend({ k: 10 })).map((r) => ({ id: r.itemId, category: r.item.category?.[0] ?? '' }));
    });
    expect(after.map((r) => r.id)).not.toEqual(before);
    expect(after.filter((r) => r.category.endsWith('Duct Tape')).length).toBeGreaterThanOrEqual(6);
    for (const id of viewed) expect(after.map((r) => r.id)).not.toContain(id);
    const stored = await tabB.evaluate(async () => (await (window as unknown as { rec: Rec }).rec.exportData()).events.map((e) => e.itemId));
    expect(stored).toEqual(viewed);

    await tabB.evaluate(() => (window as unknown as { rec: Rec }).rec.forget());
    await tabA.waitForFunction(async () => {
      const rec = (window as unknown as { rec: Rec }).rec;
      await rec.recommend({ k: 1 });
      return rec.status().events === 0;
    });
    // Both keep working after the erase, and the history starts again from one event.
    const again = await tabA.evaluate(async (id) => {
      const rec = (window as unknown as { rec: Rec }).rec;
      await rec.track({ type: 'view', itemId: id });
      return (await rec.exportData()).events.length;
    }, viewed[0]!);
    expect(again).toBe(1);
    await tabA.evaluate(async () => {
      const rec = (window as unknown as { rec: Rec }).rec;
      await rec.forget();
      rec.dispose();
    });
    await tabB.evaluate(() => (window as unknown as { rec: Rec }).rec.dispose());
    await context.close();
  });
});

describe('database upgrades across tabs', () => {
  it('a newer tab upgrading the database is not blocked by an open older tab, and both keep working', async () => {
    const { context, page: oldTab } = await env.open('esm');
    const { page: newTab } = await env.open('esm', context);
    const dbName = 'upgrade-race';
    await oldTab.evaluate(async ({ catalog, dbName }) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rec = await createRecommender({ catalog, storage: { dbName } });
      const first = (await rec.recommend({ k: 1 }))[0]!;
      await rec.track({ type: 'view', itemId: first.itemId });
      (window as unknown as { rec: Rec }).rec = rec;
    }, { catalog: CATALOG, dbName });

    // "Newer code" in another tab opens the same database at a higher version.
    const upgraded = await newTab.evaluate(async (dbName) => {
      const outcome = await new Promise<string>((resolve) => {
        const open = indexedDB.open(dbName, 3);
        open.onupgradeneeded = () => open.result.createObjectStore('added-in-v3');
        open.onblocked = () => resolve('blocked');
        open.onsuccess = () => {
          const names = [...open.result.objectStoreNames];
          open.result.close();
          resolve(names.join(','));
        };
        open.onerror = () => resolve(`error ${open.error?.name}`);
      });
      return outcome;
    }, dbName);
    expect(upgraded).toContain('added-in-v3');
    expect(upgraded).toContain('events');

    // The older tab keeps working, from memory, and says so.
    const old = await oldTab.evaluate(async () => {
      const rec = (window as unknown as { rec: Rec }).rec;
      const recs = await rec.recommend({ k: 1 });
      await rec.track({ type: 'view', itemId: recs[0]!.itemId });
      const status = rec.status();
      const events = (await rec.exportData()).events.length;
      await rec.forget();
      rec.dispose();
      return { persistent: status.persistent, note: status.storageNote, events };
    });
    expect(old.persistent).toBe(false);
    expect(old.note).toMatch(/newer version/);
    expect(old.events).toBe(2);
    expect(await newTab.evaluate(async (name) => (await indexedDB.databases()).some((d) => d.name === name), dbName)).toBe(false);
    await context.close();
  });
});
