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

/** Databases of ours left in this page's origin. */
function ourDatabases(page: Page, dbName: string): Promise<string[]> {
  return page.evaluate(async (name) => (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n === name), dbName);
}

describe.each(['script-tag', 'esm'] as const)('%s page: track → recommend → reload → forget', (kind) => {
  it('recommends the browsed category, keeps history across reloads, and forgets everything', async () => {
    const { context, page } = await env.open(kind);
    const dbName = `localrec-${kind}`;
    const first = await page.evaluate(
      async ({ catalog, dbName }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const rec = await createRecommender({ catalog, storage: { dbName } });
        // Three views of items in one category.
        const rows = (await (await fetch(catalog)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
        const tapes = rows.filter((r) => String(r.category?.[0] ?? '').endsWith('Duct Tape')).slice(0, 3);
        for (const item of tapes) await rec.track({ type: 'view', itemId: item.id });
        const recs = await rec.recommend({ k: 12 });
        const status = rec.status();
        rec.dispose();
        return {
          viewed: tapes.map((t) => t.id as string),
          category: tapes[0].category[0] as string,
          recs: recs.map((r) => ({ id: r.itemId, category: r.item.category?.[0] ?? '' })),
          status,
        };
      },
      { catalog: CATALOG, dbName },
    );
    expect(first.viewed).toHaveLength(3);
    expect(first.recs).toHaveLength(12);
    const same = first.recs.filter((r) => r.category === first.category).length;
    expect(same).toBeGreaterThanOrEqual(7);
    for (const id of first.viewed) expect(first.recs.map((r) => r.id)).not.toContain(id);
    expect(first.status.events).toBe(3);
    expect(first.status.backend).toBe('wasm');
    expect(first.status.catalog.source).toBe('url');

    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    const second = await page.evaluate(
      async ({ catalog, dbName }) => {
        const { createRecommender } = (window as unknown as TestWindow).localrec;
        const rec = await createRecommender({ catalog, storage: { dbName } });
        const exported = await rec.exportData();
        const events = rec.status().events;
        const recs = await rec.recommend({ k: 12 });
        await rec.forget();
        const afterForget = rec.status().events;
        rec.dispose();
        return { events, exported: exported.events.map((e) => e.itemId), recs: recs.map((r) => r.itemId), afterForget };
      },
      { catalog: CATALOG, dbName },
    );
    expect(second.events).toBe(3);
    expect(second.exported).toEqual(first.viewed);
    expect(second.recs).toEqual(first.recs.map((r) => r.id));
    expect(second.afterForget).toBe(0);
    expect(await ourDatabases(page, dbName)).toEqual([]);
    await context.close();
  });
});

describe('backends', () => {
  it("backend 'webgpu' really runs kernels on WebGPU in the worker (small shapes)", async () => {
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rows = (await (await fetch(catalog)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l)).slice(0, 40);
      const rec = await createRecommender({ catalog: rows, backend: 'webgpu', storage: { persist: false } });
      await rec.track({ type: 'view', itemId: rows[0].id });
      const recs = await rec.recommend({ k: 5 });
      const similar = await rec.similar(rows[1].id, { k: 3 });
      const status = rec.status();
      rec.dispose();
      return { status, recs: recs.length, similar: similar.length, first: recs[0]?.item.category };
    }, CATALOG);
    expect(result.status.backend).toBe('webgpu');
    expect(result.status.backendFailures).toEqual([]);
    expect(result.status.adapter?.architecture).toBeTruthy();
    expect(result.recs).toBe(5);
    expect(result.similar).toBe(3);
    await context.close();
  });

  it("'auto' takes wasm on a software WebGPU adapter and says why", async () => {
    const { context, page } = await env.open('esm');
    const status = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rec = await createRecommender({ catalog, storage: { persist: false } });
      const s = rec.status();
      rec.dispose();
      return s;
    }, CATALOG);
    expect(status.backend).toBe('wasm');
    expect(status.adapter?.architecture).toBe('swiftshader');
    expect(status.backendReason).toMatch(/software/);
    await context.close();
  });
});

describe('privacy: network', () => {
  it('no request while tracking and recommending carries history or goes anywhere but static files', async () => {
    const { context, page } = await env.open('esm');
    const seen: { url: string; method: string; body: string | null }[] = [];
    context.on('request', (r) => seen.push({ url: r.url(), method: r.method(), body: r.postData() }));
    const before = env.server.requests.length;
    const viewed = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rec = await createRecommender({ catalog, storage: { dbName: 'privacy' } });
      const rows = (await (await fetch(catalog)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const ids = [rows[3].id, rows[50].id, rows[120].id] as string[];
      for (const id of ids) await rec.track({ type: 'view', itemId: id });
      await rec.track({ type: 'cart', itemId: ids[0]! });
      await rec.track({ type: 'search', query: 'secret-query-words' });
      await rec.recommend({ k: 12 });
      await rec.similar(ids[1]!, { k: 8 });
      await rec.forget();
      rec.dispose();
      return ids;
    }, CATALOG);
    const server = env.server.requests.slice(before);
    expect(server.length).toBeGreaterThan(0);
    for (const request of [...seen, ...server.map((r) => ({ ...r, url: env.server.url + r.url }))]) {
      const url = new URL(request.url);
      expect(url.origin).toBe(env.server.url);
      expect(request.method).toBe('GET');
      expect(url.pathname).toMatch(/^\/(dist|test)\//);
      expect(url.search).toBe('');
      for (const secret of [...viewed, 'secret-query-words']) {
        expect(request.url).not.toContain(secret);
        expect(request.body ?? '').not.toContain(secret);
      }
    }
    await context.close();
  });
});

describe('bad input', () => {
  it('skips and counts malformed catalog rows; unknown ids are typed errors and store nothing', async () => {
    const { context, page } = await env.open('esm');
    const result = await page.evaluate(async () => {
      const { createRecommender, LocalrecError } = (window as unknown as TestWindow).localrec;
      const huge = 'x'.repeat(1_000_000);
      const rows: unknown[] = [
        { id: 'ok-1', title: 'Blue duct tape', category: ['Tape'] },
        { id: 'ok-2', title: 'Red duct tape', category: ['Tape'], price: Number.NaN },
        { id: 'ok-3', title: huge, description: huge, category: ['Tape'] },
        { title: 'no id' },
        { id: '', title: 'empty id' },
        { id: 42, title: 'numeric id' },
        { id: 'ok-1', title: 'duplicate id' },
        { id: 'bad-title', title: 12345 },
        { id: 'no-title' },
        null,
        'a string row',
        [1, 2, 3],
        JSON.parse('{"id":"proto","title":"Proto tape","__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'),
      ];
      const rec = await createRecommender({ catalog: rows as never, storage: { dbName: 'bad-input' } });
      const status = rec.status();
      let unknown: { code?: string; isTyped: boolean; name?: string } | null = null;
      try {
        await rec.track({ type: 'view', itemId: 'does-not-exist' });
      } catch (e) {
        unknown = { code: (e as { code?: string }).code, isTyped: e instanceof LocalrecError, name: (e as Error).name };
      }
      let wrongType: string | undefined;
      try {
        await rec.track({ type: 'view', itemId: { toString: 1 } } as never);
      } catch (e) {
        wrongType = (e as { code?: string }).code;
      }
      const exported = await rec.exportData();
      const similar = await rec.similar('proto', { k: 3 });
      await rec.forget();
      rec.dispose();
      const polluted = ({} as Record<string, unknown>).polluted;
      const empty = await createRecommender({ catalog: [{ nope: 1 }] as never, storage: { persist: false } }).then(
        () => 'created',
        (e) => (e instanceof LocalrecError ? e.code : 'untyped'),
      );
      const notArray = await createRecommender({ catalog: 42 as never, storage: { persist: false } }).then(
        () => 'created',
        (e) => (e instanceof LocalrecError ? e.code : 'untyped'),
      );
      return { status, unknown, wrongType, events: exported.events.length, similar: similar.map((s) => s.itemId), polluted, empty, notArray };
    });
    expect(result.status.catalogSize).toBe(4);
    expect(result.status.catalog.skipped).toEqual({ notAnObject: 3, invalidId: 3, duplicateId: 1, invalidTitle: 2 });
    expect(result.status.catalog.truncatedFields).toBe(2);
    expect(result.status.catalog.droppedFields).toBe(1);
    expect(result.unknown).toEqual({ code: 'UNKNOWN_ITEM', isTyped: true, name: 'LocalrecError' });
    expect(result.wrongType).toBe('UNKNOWN_ITEM');
    expect(result.events).toBe(0);
    expect(result.similar).toHaveLength(3);
    expect(result.polluted).toBeUndefined();
    expect(result.empty).toBe('CATALOG_EMPTY');
    expect(result.notArray).toBe('CATALOG_INVALID');
    await context.close();
  });
});

describe('lifecycle', () => {
  it('100 recommend() calls leave the worker tensor count unchanged', async () => {
    const { context, page } = await env.open('esm');
    const counts = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rec = await createRecommender({ catalog, storage: { persist: false } });
      const rows = (await (await fetch(catalog)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
      await rec.track({ type: 'view', itemId: rows[0].id });
      await rec.track({ type: 'search', query: 'filament' });
      await rec.recommend();
      const before = rec.status().tensors;
      let pageMs = 0;
      for (let i = 0; i < 100; i++) {
        const started = performance.now();
        await rec.recommend({ k: 12 });
        pageMs = performance.now() - started;
      }
      const { tensors: after, lastCall } = rec.status();
      rec.dispose();
      return { before, after, lastCall, pageMs };
    }, CATALOG);
    expect(counts.before).toBeGreaterThan(0);
    expect(counts.after).toBe(counts.before);
    // The worker's own time of the last call is part of what the page waited (1 ms for the clocks' coarsening).
    expect(counts.lastCall?.method).toBe('recommend');
    expect(counts.lastCall!.ms).toBeGreaterThan(0);
    expect(counts.lastCall!.ms).toBeLessThanOrEqual(counts.pageMs + 1);
    await context.close();
  });

  it('reports progress that only goes up and ends at 100%', async () => {
    const { context, page } = await env.open('script-tag');
    const events = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const seen: { stage: string; overall: number }[] = [];
      const rec = await createRecommender({ catalog, storage: { persist: false }, onProgress: (e) => seen.push({ stage: e.stage, overall: e.overall }) });
      rec.dispose();
      return seen;
    }, CATALOG);
    expect(events.length).toBeGreaterThan(3);
    for (let i = 1; i < events.length; i++) expect(events[i]!.overall).toBeGreaterThanOrEqual(events[i - 1]!.overall);
    expect(events.at(-1)).toEqual({ stage: 'ready', overall: 1 });
    await context.close();
  });

  it('calls pending when the worker dies reject with WORKER_TERMINATED; dispose() rejects later calls', async () => {
    const { context, page } = await env.open('esm');
    await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const w = window as unknown as { rec: Awaited<ReturnType<typeof createRecommender>> };
      w.rec = await createRecommender({ catalog, storage: { persist: false } });
    }, CATALOG);
    const worker = page.workers().find((w) => w.url().includes('localrec.worker.js'));
    expect(worker).toBeTruthy();
    // Make the worker busy, then have it exit without answering.
    await worker!.evaluate(() => {
      setTimeout(() => {
        const until = Date.now() + 500;
        while (Date.now() < until);
        (self as unknown as { close(): void }).close();
      }, 0);
    });
    const outcome = await page.evaluate(async () => {
      const { LocalrecError } = (window as unknown as TestWindow).localrec;
      const rec = (window as unknown as { rec: { recommend(): Promise<unknown>; dispose(): void; status(): unknown } }).rec;
      const code = await rec.recommend().then(
        () => 'resolved',
        (e) => (e instanceof LocalrecError ? e.code : `untyped: ${String(e)}`),
      );
      const again = await rec.recommend().then(() => 'resolved', (e) => (e as { code?: string }).code);
      return { code, again };
    });
    expect(outcome).toEqual({ code: 'WORKER_TERMINATED', again: 'WORKER_TERMINATED' });

    const disposed = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const rec = await createRecommender({ catalog, storage: { persist: false } });
      const pending = rec.recommend().then(() => 'resolved', (e) => (e as { code?: string }).code);
      rec.dispose();
      const later = await rec.recommend().then(() => 'resolved', (e) => (e as { code?: string }).code);
      return { pending: await pending, later };
    }, CATALOG);
    expect(disposed.later).toBe('DISPOSED');
    expect(['DISPOSED', 'resolved']).toContain(disposed.pending);
    await context.close();
  });

  it('a worker URL that does not load gives WORKER_FAILED with the URL, HTTP status and content type, not a hang', async () => {
    const { context, page } = await env.open('esm');
    // A single-page app's fallback route: every unknown path answers 200 with index.html.
    await context.route('**/spa/localrec.worker.js', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>shop</title>' }));
    const failures = await page.evaluate(async (catalog) => {
      const { createRecommender } = (window as unknown as TestWindow).localrec;
      const attempt = (workerUrl: string) =>
        createRecommender({ catalog, workerUrl, storage: { persist: false } }).then(
          () => ({ code: 'created', message: '', details: {} }),
          (e) => ({ code: (e as { code?: string }).code, message: (e as Error).message, details: (e as { details?: unknown }).details }),
        );
      return { missing: await attempt('/nowhere/localrec.worker.js'), html: await attempt('/spa/localrec.worker.js') };
    }, CATALOG);
    expect(failures.missing.code).toBe('WORKER_FAILED');
    expect(failures.missing.message).toMatch(/\/nowhere\/localrec\.worker\.js .*HTTP 404/);
    expect(failures.missing.details).toMatchObject({ status: 404 });
    expect(failures.html.code).toBe('WORKER_FAILED');
    expect(failures.html.message).toMatch(/HTTP 200, text\/html; charset=utf-8: an HTML page, not the worker script/);
    expect(failures.html.details).toMatchObject({ status: 200, contentType: 'text/html; charset=utf-8' });
    await context.close();
  });
});
