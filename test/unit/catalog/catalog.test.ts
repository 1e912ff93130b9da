import { describe, expect, it } from 'vitest';
import { parseCatalogText } from '../../../src/catalog/load-catalog';
import { catalogFingerprint, LIMITS, normalizeCatalog } from '../../../src/catalog/normalize-catalog';
import { LocalrecError } from '../../../src/shared/errors';
import { scientificItems } from '../load-fixture';

describe('normalizeCatalog', () => {
  it('keeps every row of a real catalog slice unchanged in meaning', () => {
    const items = scientificItems();
    const { items: clean, report } = normalizeCatalog(items);
    expect(report.size).toBe(items.length);
    expect(report.skipped).toEqual({ notAnObject: 0, invalidId: 0, duplicateId: 0, invalidTitle: 0 });
    expect(clean[0]!.id).toBe(items[0]!.id);
    expect(clean[0]!.category).toEqual(items[0]!.category);
  });

  it('skips rows without a usable id or title and counts why', () => {
    const { items, report } = normalizeCatalog([
      { id: 'a', title: 'A' },
      { id: 'a', title: 'dup' },
      { id: 7, title: 'number id' },
      { id: 'x'.repeat(LIMITS.id + 1), title: 'long id' },
      { id: 'b', title: ['not', 'a', 'string'] },
      { id: 'c', title: '   ' },
      42,
      null,
    ]);
    expect(items.map((i) => i.id)).toEqual(['a']);
    expect(report.skipped).toEqual({ notAnObject: 2, invalidId: 2, duplicateId: 1, invalidTitle: 2 });
  });

  it('drops wrongly typed optional fields, cuts huge strings, and repairs invalid UTF-16', () => {
    const { items, report } = normalizeCatalog([
      { id: 'a', title: 'T\uD800 lone', price: Number.NaN, brand: 5, category: 'flat', available: 'yes', description: 'd'.repeat(LIMITS.description * 3) },
      { id: 'b', title: 'ok', price: -1, category: ['Tools', 3, 'Hand Tools'] },
    ]);
    expect(items[0]).toEqual({ id: 'a', title: 'T\uFFFD lone', description: 'd'.repeat(LIMITS.description) });
    expect(items[1]).toEqual({ id: 'b', title: 'ok', category: ['Tools', 'Hand Tools'] });
    expect(report.droppedFields).toBe(6);
    expect(report.truncatedFields).toBe(1);
  });

  it('never copies prototype keys', () => {
    const row = JSON.parse('{"id":"p","title":"t","__proto__":{"evil":1},"constructor":"x"}');
    const { items } = normalizeCatalog([row]);
    expect(Object.keys(items[0]!)).toEqual(['id', 'title']);
    expect(Object.getPrototypeOf(items[0])).toBe(Object.prototype);
    expect((items[0] as unknown as { evil?: number }).evil).toBeUndefined();
  });

  it('fingerprints depend on content', () => {
    const items = scientificItems().slice(0, 10);
    expect(catalogFingerprint(items)).toBe(catalogFingerprint(items.map((i) => ({ ...i }))));
    expect(catalogFingerprint(items)).not.toBe(catalogFingerprint([...items.slice(1), items[0]!]));
  });
});

describe('parseCatalogText', () => {
  it('reads JSON arrays and JSONL, counting unreadable lines as bad rows', () => {
    expect(parseCatalogText('[{"id":"a","title":"A"}]')).toEqual([{ id: 'a', title: 'A' }]);
    const rows = parseCatalogText('{"id":"a","title":"A"}\n{broken\n\n{"id":"b","title":"B"}\n');
    expect(rows).toHaveLength(3);
    expect(normalizeCatalog(rows).report.skipped.notAnObject).toBe(1);
  });

  it('rejects JSON that is not an array with a typed error', () => {
    expect(() => parseCatalogText('[1,')).toThrow(LocalrecError);
    try {
      parseCatalogText('[oops]');
    } catch (error) {
      expect((error as LocalrecError).code).toBe('CATALOG_INVALID');
    }
  });
});

describe('suspect titles', () => {
  it('keeps but counts titles with markup remnants or no word, and titles another row already has', () => {
    const { items, report } = normalizeCatalog([
      { id: 'a', title: 'Industrial & Scientific />' },
      { id: 'b', title: '12 / 34' },
      { id: 'c', title: 'Nitrile Gloves, Medium' },
      { id: 'd', title: 'nitrile gloves,  medium' },
      { id: 'e', title: 'Safety Glasses' },
    ]);
    expect(items).toHaveLength(5);
    expect(report.suspectTitles).toEqual({ junk: 2, duplicate: 1 });
  });
});

describe('loadCatalog from a URL', () => {
  it('caches the catalog once, and on a later start compares its stamp without reading the cached items back', async () => {
    const { loadCatalog } = await import('../../../src/catalog/load-catalog');
    const { MemoryStore } = await import('../../../src/store/memory-store');
    const store = new MemoryStore('stamp-test', 100);
    const calls = { get: 0, put: 0 };
    const get = store.getCatalogCache.bind(store);
    const put = store.putCatalogCache.bind(store);
    store.getCatalogCache = () => (calls.get++, get());
    store.putCatalogCache = (record, stamp) => (calls.put++, put(record, stamp));
    const url = (rows: object[]) => `data:application/jsonl,${encodeURIComponent(rows.map((r) => JSON.stringify(r)).join('\n'))}`;
    const first = url([{ id: 'a', title: 'Alpha pipette' }, { id: 'b', title: 'Beta beaker' }]);
    let issued = 0;
    // An array catalog reads nothing from the store: issued at once.
    await loadCatalog([{ id: 'z', title: 'Zeta flask' }], store, { readsIssued: () => issued++ });
    expect(issued).toBe(1);
    for (let start = 0; start < 2; start++) {
      const loaded = await loadCatalog(first, store, { readsIssued: () => issued++ });
      expect(loaded.report).toMatchObject({ source: 'url', cached: true, size: 2 });
    }
    expect(calls).toEqual({ get: 0, put: 1 });
    // Without validators (a data: URL) no copy is read, and that too counts as issued.
    expect(issued).toBe(3);
    // A changed catalog at the same URL is cached again.
    await loadCatalog(url([{ id: 'a', title: 'Alpha pipette' }, { id: 'c', title: 'Gamma flask' }]), store);
    expect(calls).toEqual({ get: 0, put: 2 });
    expect((await get())?.items.map((item) => item.id)).toEqual(['a', 'c']);
  });
});

describe('loadCatalog: a URL that answers with the same file', () => {
  it('serves the IndexedDB copy without parsing the body again, and parses afresh once the file changes', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { loadCatalog } = await import('../../../src/catalog/load-catalog');
    const { MemoryStore } = await import('../../../src/store/memory-store');
    const { startStaticServer } = await import('../../../tools/browser/static-server');
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    const write = (rows: object[]) => writeFileSync(join(dir, 'items.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    write([{ id: 'a', title: 'Alpha pipette' }, { id: 'b', title: 'Beta beaker', price: 'free' }]);
    const server = await startStaticServer(dir);
    try {
      const store = new MemoryStore('copy-test', 100);
      const url = `${server.url}/items.jsonl`;
      const first = await loadCatalog(url, store);
      expect(first.report).toMatchObject({ source: 'url', cached: true, reusedCopy: false, size: 2, droppedFields: 1 });
      // readsIssued is called once the copy's read has been asked for (a pack's read waits for it).
      const order: string[] = [];
      const getCopy = store.getCatalogCache.bind(store);
      store.getCatalogCache = () => (order.push('copy read'), getCopy());
      const second = await loadCatalog(url, store, { readsIssued: () => order.push('issued') });
      expect(order).toEqual(['copy read', 'issued']);
      store.getCatalogCache = getCopy;
      // The same figures as the first start, from the copy.
      expect(second.report).toEqual({ ...first.report, reusedCopy: true });
      expect(second.items).toEqual(first.items);
      expect(second.fingerprint).toBe(first.fingerprint);
      // A changed file (new size and time) is parsed and cached again.
      await new Promise((resolve) => setTimeout(resolve, 20));
      write([{ id: 'a', title: 'Alpha pipette' }, { id: 'c', title: 'Gamma flask' }, { id: 'd', title: 'Delta funnel' }]);
      const third = await loadCatalog(url, store);
      expect(third.report).toMatchObject({ reusedCopy: false, size: 3 });
      expect((await loadCatalog(url, store)).items.map((item) => item.id)).toEqual(['a', 'c', 'd']);
      // A copy that does not read back whole, or holds something other than items, is not used: the body is parsed.
      const whole = await store.getCatalogCache();
      store.getCatalogCache = async () => ({ ...whole!, items: [null, 7, { id: 'x' }] as never });
      expect((await loadCatalog(url, store)).report).toMatchObject({ reusedCopy: false, size: 3 });
      store.getCatalogCache = async () => undefined;
      expect((await loadCatalog(url, store)).report).toMatchObject({ reusedCopy: false, size: 3 });
    } finally {
      await server.close();
    }
  });

  it('compares files by ETag, or by Last-Modified and length without one', async () => {
    const { sameCatalogFile } = await import('../../../src/catalog/load-catalog');
    const v = (etag: string | null, lastModified: string | null, contentLength: string | null) => ({ etag, lastModified, contentLength });
    expect(sameCatalogFile(v('"1"', null, null), v('"1"', null, null))).toBe(true);
    expect(sameCatalogFile(v('"1"', 'Mon', '10'), v('"2"', 'Mon', '10'))).toBe(false);
    expect(sameCatalogFile(v(null, 'Mon', '10'), v(null, 'Mon', '10'))).toBe(true);
    expect(sameCatalogFile(v(null, 'Mon', '10'), v(null, 'Mon', '11'))).toBe(false);
    // No validator at all: never the same file.
    expect(sameCatalogFile(v(null, null, null), v(null, null, null))).toBe(false);
    expect(sameCatalogFile(undefined, v('"1"', null, null))).toBe(false);
  });
});
