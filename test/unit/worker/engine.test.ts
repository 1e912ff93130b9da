import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { LocalrecError } from '../../../src/shared/errors';
import type { Item } from '../../../src/shared/types';
import { Engine } from '../../../src/worker/engine';
import { scientificItems } from '../load-fixture';

// The engine runs in Node exactly as in the worker, on tfjs' WASM backend, with the in-memory store.
let engine: Engine;
let items: Item[];

const leaf = (item: Item): string => item.category?.at(-1) ?? '';

beforeAll(async () => {
  items = scientificItems();
  engine = await Engine.create({ catalog: items, backend: 'wasm', dbName: 'unit', maxEvents: 100, persist: false });
});
afterAll(() => engine.dispose());

describe('Engine (Node, wasm backend, memory store)', () => {
  it('reports the backend it got and why', () => {
    const status = engine.status();
    expect(status.backend).toBe('wasm');
    expect(status.backendReason).toMatch(/requested/);
    expect(status.catalogSize).toBe(items.length);
    expect(status.persistent).toBe(false);
  });

  it('recommends items of the category the shopper browsed, leaving out what they saw', async () => {
    const tapes = items.filter((item) => leaf(item).endsWith('Duct Tape')).slice(0, 3);
    for (const item of tapes) await engine.track({ type: 'view', itemId: item.id });
    const recs = await engine.recommend({ k: 12 });
    expect(recs).toHaveLength(12);
    expect(recs.map((r) => r.itemId)).not.toContain(tapes[0]!.id);
    const sameCategory = recs.filter((r) => leaf(r.item) === leaf(tapes[0]!)).length;
    expect(sameCategory).toBeGreaterThanOrEqual(8);
    // Scores come best first.
    for (let i = 1; i < recs.length; i++) expect(recs[i]!.score).toBeLessThanOrEqual(recs[i - 1]!.score);
  });

  it('a search moves recommendations towards the query', async () => {
    await engine.track({ type: 'search', query: '3d printer filament pla' });
    await engine.track({ type: 'search', query: 'pla filament 1.75mm' });
    const recs = await engine.recommend({ k: 12 });
    expect(recs.filter((r) => /filament/i.test(r.item.title)).length).toBeGreaterThan(0);
  });

  it('boughtTogether() leaves out the items and their near-duplicate variants, and checks its input', async () => {
    const filaments = items.filter((item) => /PLA Filament/i.test(item.title));
    const first = filaments[0]!;
    const picks = await engine.boughtTogether([first.id], { k: 6 });
    expect(picks).toHaveLength(6);
    expect(picks.map((p) => p.itemId)).not.toContain(first.id);
    const words = (title: string) => new Set(title.toLowerCase().split(/\W+/).filter(Boolean));
    const jaccard = (a: Set<string>, b: Set<string>) => [...a].filter((w) => b.has(w)).length / new Set([...a, ...b]).size;
    for (const pick of picks) expect(jaccard(words(pick.item.title), words(first.title))).toBeLessThan(0.7);
    // Several items (a cart) work too; repeated ids count once.
    expect(await engine.boughtTogether([first.id, filaments[1]!.id, first.id], { k: 3 })).toHaveLength(3);
    await expect(engine.boughtTogether([])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.boughtTogether('x' as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.boughtTogether([first.id, 'NOPE'])).rejects.toMatchObject({ code: 'UNKNOWN_ITEM' });
    await expect(engine.boughtTogether([first.id], { k: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // A catalog of this size gets both refinements, and status() says so.
    expect(items.length).toBeLessThanOrEqual(5_000);
    expect(engine.status().ranking.relatedItems).toEqual({ titleTrigrams: true, hubness: true });
  });

  it('similar() returns items like the given one, not itself', async () => {
    const printer = items.find((item) => leaf(item).endsWith('3D Printers'))!;
    const alike = await engine.similar(printer.id, { k: 8 });
    expect(alike).toHaveLength(8);
    expect(alike.map((r) => r.itemId)).not.toContain(printer.id);
    expect(alike.filter((r) => leaf(r.item).includes('3D Print')).length).toBeGreaterThanOrEqual(6);
  });

  it('similar() leaves out another listing of the same product (the same title words) and keeps its colour variants', async () => {
    const base = items.find((item) => /PLA Filament/i.test(item.title))!;
    const listedTwice: Item = { ...base, id: `${base.id}-again` };
    const otherColour: Item = { ...base, id: `${base.id}-blue`, title: `${base.title} Blue` };
    const twice = await Engine.create({ catalog: [...items, listedTwice, otherColour], backend: 'wasm', dbName: 'unit-twice', maxEvents: 10, persist: false });
    try {
      const alike = (await twice.similar(base.id, { k: 8 })).map((r) => r.itemId);
      expect(alike).not.toContain(listedTwice.id);
      expect(alike).not.toContain(base.id);
      expect(alike[0]).toBe(otherColour.id);
    } finally {
      twice.dispose();
    }
  });

  it('recommend() leaves out another listing of a product the shopper saw (the same title, case and spacing aside)', async () => {
    const base = items.find((item) => /PLA Filament/i.test(item.title))!;
    const listedTwice: Item = { ...base, id: `${base.id}-again`, title: `  ${base.title.toUpperCase()} ` };
    const twice = await Engine.create({ catalog: [...items, listedTwice], backend: 'wasm', dbName: 'unit-twice-rec', maxEvents: 10, persist: false });
    try {
      // `variants: 'keep'`, so that the near-duplicate spread (which would also push the second
      // listing down) is not what is tested.
      await twice.track({ type: 'view', itemId: base.id });
      const everything = (await twice.recommend({ k: 12, exclude: [], variants: 'keep' })).map((r) => r.itemId);
      expect(everything.slice(0, 2).sort()).toEqual([base.id, listedTwice.id].sort());
      const recs = (await twice.recommend({ k: 12, variants: 'keep' })).map((r) => r.itemId);
      expect(recs).toHaveLength(12);
      expect(recs).not.toContain(base.id);
      expect(recs).not.toContain(listedTwice.id);
      // The product page as context counts the same way.
      await twice.forget();
      const onPage = (await twice.recommend({ k: 12, variants: 'keep', context: { itemId: base.id } })).map((r) => r.itemId);
      expect(onPage).toHaveLength(12);
      expect(onPage).not.toContain(listedTwice.id);
    } finally {
      twice.dispose();
    }
  });

  it('rejects unknown items and bad events with typed errors and stores nothing', async () => {
    const before = engine.status().events;
    await expect(engine.track({ type: 'view', itemId: 'NOPE' })).rejects.toMatchObject({ code: 'UNKNOWN_ITEM' });
    await expect(engine.track({ type: 'bogus' } as never)).rejects.toBeInstanceOf(LocalrecError);
    await expect(engine.track(null as never)).rejects.toMatchObject({ code: 'INVALID_EVENT' });
    await expect(engine.track({ type: 'search', query: '  ' })).rejects.toMatchObject({ code: 'INVALID_EVENT' });
    await expect(engine.similar('NOPE')).rejects.toMatchObject({ code: 'UNKNOWN_ITEM' });
    await expect(engine.recommend({ k: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(engine.status().events).toBe(before);
  });

  it('does not leak tensors across calls', async () => {
    await engine.recommend();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) {
      await engine.recommend({ k: 5 });
      await engine.similar(items[i]!.id, { k: 3 });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps at most maxEvents, dropping the oldest', async () => {
    const small = await Engine.create({ catalog: items.slice(0, 20), backend: 'wasm', dbName: 'u2', maxEvents: 5, persist: false });
    for (let i = 0; i < 8; i++) await small.track({ type: 'view', itemId: items[i]!.id });
    const exported = await small.exportData();
    expect(exported.events.map((e) => e.itemId)).toEqual(items.slice(3, 8).map((i) => i.id));
    small.dispose();
  });

  it('falls back down webgpu → webgl → wasm when a backend cannot start, and says so', async () => {
    // Node has neither WebGPU nor WebGL: both fail for real, and WASM takes over.
    const fallback = await Engine.create({ catalog: items.slice(0, 20), backend: 'webgpu', dbName: 'u3', maxEvents: 5, persist: false });
    const status = fallback.status();
    expect(status.backend).toBe('wasm');
    expect(status.backendFailures.map((f) => f.backend)).toEqual(['webgpu', 'webgl']);
    expect(status.backendReason).toMatch(/'webgpu' was requested.*webgpu failed.*webgl failed.*using wasm/);
    expect(await fallback.recommend({ k: 3 })).toHaveLength(3);
    fallback.dispose();
  });

  it('context: a first-time shopper on a product page gets items like it (nothing stored)', async () => {
    const fresh = await Engine.create({ catalog: items, backend: 'wasm', dbName: 'u4', maxEvents: 10, persist: false });
    const filament = items.find((item) => leaf(item).endsWith('3D Printing Filament'))!;
    const recs = await fresh.recommend({ k: 10, context: { itemId: filament.id } });
    expect(recs.map((r) => r.itemId)).not.toContain(filament.id);
    expect(recs.filter((r) => leaf(r.item) === leaf(filament)).length).toBeGreaterThanOrEqual(7);
    const byQuery = await fresh.recommend({ k: 5, context: { query: 'duct tape' } });
    expect(byQuery.filter((r) => /duct/i.test(r.item.title)).length).toBeGreaterThanOrEqual(3);
    expect(fresh.status().events).toBe(0);
    await expect(fresh.recommend({ context: { itemId: 'nope' } })).rejects.toMatchObject({ code: 'UNKNOWN_ITEM' });
    fresh.dispose();
  });

  it('search(): typo- and prefix-tolerant, personalised by the history, tracked only when asked', async () => {
    const fresh = await Engine.create({ catalog: items, backend: 'wasm', dbName: 'u5', maxEvents: 50, persist: false });
    const typo = await fresh.search('filamnet', { k: 5 });
    expect(typo.every((r) => /filament/i.test(r.item.title))).toBe(true);
    const prefix = await fresh.search('duct ta', { k: 5 });
    expect(prefix.filter((r) => /duct tape/i.test(r.item.title)).length).toBeGreaterThanOrEqual(3);
    // "tape" matches duct tape and other tapes; a shopper who looked at heat-shrink gets a different order.
    const lexical = (await fresh.search('tape', { k: 20 })).map((r) => r.itemId);
    const shrink = items.filter((item) => leaf(item).endsWith('Heat-shrink Tubing')).slice(0, 3);
    for (const item of shrink) await fresh.track({ type: 'view', itemId: item.id });
    const personal = await fresh.search('tape', { k: 20 });
    expect(personal.map((r) => r.itemId)).not.toEqual(lexical);
    expect(personal.some((r) => r.interest > 0)).toBe(true);
    const filtered = await fresh.search('tape', { k: 20, filter: { brand: personal[0]!.item.brand } });
    expect(filtered.every((r) => r.item.brand === personal[0]!.item.brand)).toBe(true);
    expect(fresh.status().events).toBe(3);
    await fresh.search('pla filament', { track: true });
    expect((await fresh.exportData()).events.at(-1)).toMatchObject({ type: 'search', query: 'pla filament' });
    expect(await fresh.search('   ')).toEqual([]);
    await expect(fresh.search(42 as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    fresh.dispose();
  });

  it('forget() empties the history', async () => {
    await engine.forget();
    expect(engine.status().events).toBe(0);
    expect((await engine.exportData()).events).toEqual([]);
  });
});

describe('recommend(): variants', () => {
  it('spreads near-duplicate variants by default; variants: keep gives the model order; a bad value is INVALID_ARGUMENT', async () => {
    const colours = ['Red', 'Yellow', 'Orange', 'Blue', 'Green', 'Black'];
    const catalog = [
      ...colours.map((c, i) => ({ id: `fil-${i}`, title: `HATCHBOX PLA 3D Printer Filament 1.75 mm 1 kg Spool ${c}`, category: ['3D Printing', 'Filament'], brand: 'HATCHBOX' })),
      { id: 'fil-other', title: 'Overture PETG filament 1.75 mm spool', category: ['3D Printing', 'Filament'], brand: 'Overture' },
      { id: 'nozzle', title: 'Brass 3D printer nozzles 0.4 mm for filament printers', category: ['3D Printing', 'Parts'] },
      { id: 'glue', title: 'Glue stick for 3D printer beds and filament', category: ['3D Printing', 'Bed'] },
      { id: 'caliper', title: 'Digital caliper 150 mm stainless', category: ['Measuring'] },
    ];
    const engine = await Engine.create({ catalog, backend: 'cpu', dbName: 'variants', maxEvents: 100, persist: false });
    await engine.track({ type: 'view', itemId: 'fil-0' });
    const spread = (await engine.recommend({ k: 4 })).map((r) => r.itemId);
    const kept = (await engine.recommend({ k: 4, variants: 'keep' })).map((r) => r.itemId);
    expect(kept.filter((id) => id.startsWith('fil-') && id !== 'fil-other').length).toBeGreaterThan(1);
    expect(spread.filter((id) => /^fil-\d$/.test(id))).toHaveLength(1);
    await expect(engine.recommend({ variants: 'all' as 'keep' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    engine.dispose();
  });
});

describe('recommend(): the merchant’s rules', () => {
  it('filters, boosts in standard deviations, caps per category, and refuses malformed rules', async () => {
    const catalog = [
      ...Array.from({ length: 6 }, (_, i) => ({ id: `tape-${i}`, title: `Duct tape roll model ${'abcdef'[i]} ${i * 5} yard`, category: ['Tape', 'Duct Tape'], brand: i < 3 ? 'Duck' : 'Gorilla', price: 5 + i })),
      ...Array.from({ length: 4 }, (_, i) => ({ id: `glue-${i}`, title: `Super glue tube ${'wxyz'[i]} adhesive`, category: ['Glue', 'Super Glue'], brand: 'Loctite', price: 3 + i })),
    ];
    const engine = await Engine.create({ catalog, backend: 'cpu', dbName: 'rules', maxEvents: 100, persist: false });
    await engine.track({ type: 'view', itemId: 'tape-0' });
    const ids = async (options: Parameters<Engine['recommend']>[0]) => (await engine.recommend({ k: 5, variants: 'keep', ...options })).map((r) => r.itemId);
    expect((await ids({ filter: { brand: 'gorilla' } })).every((id) => ['tape-3', 'tape-4', 'tape-5'].includes(id))).toBe(true);
    expect((await ids({ filter: { maxPrice: 4 } })).sort()).toEqual(['glue-0', 'glue-1']);
    expect((await ids({}))[0]).toMatch(/^tape-/);
    expect((await ids({ boost: [{ brand: 'Loctite', by: 5 }] })).slice(0, 4).every((id) => id.startsWith('glue-'))).toBe(true);
    const capped = await ids({ maxPerCategory: 2 });
    expect(capped.filter((id) => id.startsWith('tape-')).length).toBeLessThanOrEqual(2);
    await expect(engine.recommend({ boost: [{ brand: 'x', by: 50 }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.recommend({ maxPerCategory: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.recommend({ filter: { minPrice: 'cheap' as unknown as number } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    engine.dispose();
  });
});

/** The demo store's catalog (4,385 items), for behaviour a shopper sees there. */
function demoCatalog(): Item[] {
  return readFileSync('demo/public/items.jsonl', 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Item);
}

describe('search(): the hits that hold the query come first, whatever the shopper likes', () => {
  it('after browsing Arduino boards, "face shield" lists the face masks before any Arduino shield', async () => {
    const demo = demoCatalog();
    const store = await Engine.create({ catalog: demo, backend: 'wasm', dbName: 'search-first', maxEvents: 20, persist: false });
    try {
      for (const item of demo.filter((i) => /arduino/i.test(i.title) && /shield/i.test(i.title)).slice(0, 3)) await store.track({ type: 'view', itemId: item.id });
      const results = (await store.search('face shield', { k: 12 })).map((r) => r.item);
      const holds = (item: Item) => /\bface\b/i.test(`${item.title} ${item.category?.join(' ')}`) && /\bshields?\b/i.test(`${item.title} ${item.category?.join(' ')}`);
      const wholes = results.filter(holds).length;
      expect(wholes, results.map((i) => `${i.title} / ${i.category?.join(" ")}`).join("\n")).toBeGreaterThanOrEqual(4);
      // Every whole match before the first item that holds one word only.
      expect(results.slice(0, wholes).every(holds), results.map((i) => i.title).join('\n')).toBe(true);
      // The shopper's taste still orders what follows: an Arduino shield leads the one-word matches.
      expect(results.slice(wholes).some((item) => /arduino/i.test(item.title))).toBe(true);
    } finally {
      store.dispose();
    }
  });
});

describe('recommend(): a search leads while the shopper stays on it', () => {
  it('"digital multimeter" comes first, through a click on one of its results, and gives way once they turn to microscopes', async () => {
    const demo = demoCatalog();
    const store = await Engine.create({ catalog: demo, backend: 'wasm', dbName: 'search-gives-way', maxEvents: 50, persist: false });
    const multimeter = (item: Item) => /multimeter/i.test(item.title);
    const microscope = (item: Item) => /microscope/i.test(`${item.title} ${item.category?.join(' ')}`);
    const top = async () => (await store.recommend({ k: 6 })).map((r) => r.item);
    const titles = (items: Item[]) => items.map((i) => i.title).join('\n');
    try {
      await store.track({ type: 'search', query: 'digital multimeter' });
      const searched = await top();
      expect(searched.slice(0, 4).every(multimeter), titles(searched)).toBe(true);
      // A click on one of its results: still on the search.
      const result = (await store.search('digital multimeter', { k: 3 }))[1]!.item;
      await store.track({ type: 'view', itemId: result.id });
      const clicked = await top();
      expect(clicked.slice(0, 4).every(multimeter), titles(clicked)).toBe(true);
      // Then three microscopes: the list follows them.
      for (const item of demo.filter((i) => /^AmScope .*Microscope\b/.test(i.title)).slice(0, 3)) await store.track({ type: 'view', itemId: item.id });
      const turned = await top();
      expect(turned.filter(microscope).length, titles(turned)).toBeGreaterThanOrEqual(4);
      expect(multimeter(turned[0]!), titles(turned)).toBe(false);
    } finally {
      store.dispose();
    }
  });
});
