import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Item } from '../../../src/shared/types';
import { Engine } from '../../../src/worker/engine';
import { sriOf } from '../../../src/models/packs/integrity';
import { startStaticServer, type StaticServer } from '../../../tools/browser/static-server';
import { tokenize } from '../../../src/features/tokenize';

// A real pack, built by `npm run train` on the office fixture, served over HTTP like a store would.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/office-slice');
let dir: string;
let server: StaticServer;
let items: Item[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'localrec-pack-'));
  const train = spawnSync(process.execPath, ['--import', 'tsx', 'tools/train.ts', '--data', FIXTURE, '--out', join(dir, 'good'), '--epochs', '3', '--hidden', '64', '--latent', '32'], { cwd: ROOT, encoding: 'utf8' });
  if (train.status !== 0) throw new Error(`train failed: ${train.stderr}`);
  cpSync(join(dir, 'good'), join(dir, 'corrupt'), { recursive: true });
  const weights = readFileSync(join(dir, 'corrupt', 'weights.bin'));
  writeFileSync(join(dir, 'corrupt', 'weights.bin'), weights.subarray(0, weights.length >> 1));
  server = await startStaticServer(dir);
  items = readFileSync(join(FIXTURE, 'items.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Item);
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const create = (models?: string) => Engine.create({ catalog: items, backend: 'wasm', dbName: 'pack', maxEvents: 100, persist: false, ...(models ? { models } : {}) });

describe('related items with a model pack', () => {
  it('similar() and boughtTogether() add the pack\'s fold-in of the item to its exact content score', async () => {
    const engine = await create(`${server.url}/good/`);
    const contentOnly = await create();
    // Bought-together: the pack moves the list away from pure text likeness.
    const ids = items.slice(0, 5).map((item) => item.id);
    let differs = 0;
    for (const id of ids) {
      const withPack = (await engine.boughtTogether([id], { k: 6 })).map((r) => r.itemId);
      const without = (await contentOnly.boughtTogether([id], { k: 6 })).map((r) => r.itemId);
      if (withPack.join() !== without.join()) differs++;
      expect(withPack).not.toContain(id);
    }
    expect(differs).toBeGreaterThan(0);
    const before = tf.memory().numTensors;
    for (const id of ids) await engine.similar(id, { k: 8 });
    expect(tf.memory().numTensors).toBe(before);
    engine.dispose();
    contentOnly.dispose();
  });
});

describe('search() with a model pack', () => {
  it('re-ranks its hits by the interest read at the hits alone, the same order as from every row\'s score', async () => {
    const { personalize, DEFAULT_PERSONALIZE_WEIGHT } = await import('../../../src/search');
    const engine = await create(`${server.url}/good/`);
    for (const item of items.slice(0, 3)) await engine.track({ type: 'view', itemId: item.id });
    // The engine's own state, to score the same history the long way round.
    const state = (engine as unknown as { state: { searchIndex: { search(q: string, o: { k: number }): { row: number; score: number }[] }; scorer: { scoresUpToScale(h: unknown, rows: number[]): Promise<Float32Array | null>; scoreHistoryValues(h: unknown): Promise<Float32Array> } } }).state;
    const history = (engine as unknown as { weigh(events: unknown[]): unknown }).weigh((await engine.exportData()).events);
    let compared = 0;
    // Words of the catalog's own titles, so that each query has hits here.
    const queries = [...new Set(items.slice(10, 60).map((item) => item.title.split(/\s+/).find((w) => /^[a-z]{5,}$/i.test(w))).filter((w): w is string => w !== undefined))].slice(0, 6);
    for (const query of queries) {
      const hits = state.searchIndex.search(query, { k: 200 });
      if (hits.length < 3) continue;
      const fast = await state.scorer.scoresUpToScale(history, hits.map((h) => h.row));
      expect(fast).not.toBeNull();
      const all = await state.scorer.scoreHistoryValues(history);
      const expected = personalize(hits, () => Float32Array.from(hits, (h) => all[h.row]!), DEFAULT_PERSONALIZE_WEIGHT).slice(0, 12).map((h) => items[h.row]!.id);
      const got = (await engine.search(query, { k: 12 })).map((r) => r.itemId);
      expect(got).toEqual(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(1);
    // A history with a search in it takes the full path.
    await engine.track({ type: 'search', query: 'tape' });
    const searched = (engine as unknown as { weigh(events: unknown[]): unknown }).weigh((await engine.exportData()).events);
    expect(await state.scorer.scoresUpToScale(searched, [0, 1, 2])).toBeNull();
    engine.dispose();
  });
});

describe('Engine with a model pack', () => {
  it('loads the pack, scores known items with the VAE, explains with it, and does not leak tensors', async () => {
    const engine = await create(`${server.url}/good/`);
    const status = engine.status();
    expect(status.model).toMatchObject({ source: 'network', coveredItems: 200, error: null });
    expect(status.modelVersion).toMatch(/vae/);
    const contentOnly = await create();
    for (const item of items.slice(0, 4)) {
      await engine.track({ type: 'purchase', itemId: item.id });
      await contentOnly.track({ type: 'purchase', itemId: item.id });
    }
    const withPack = await engine.recommend({ k: 10 });
    const without = await contentOnly.recommend({ k: 10 });
    expect(withPack).toHaveLength(10);
    expect(withPack.map((r) => r.itemId)).not.toEqual(without.map((r) => r.itemId));
    const why = await engine.explain(withPack[0]!.itemId);
    expect(why.score).toBeCloseTo(withPack[0]!.score, 4);
    expect(why.evidence.length).toBeGreaterThan(0);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) await engine.recommend({ k: 5, explain: i % 2 === 0 });
    expect(tf.memory().numTensors).toBe(before);
    engine.dispose();
    contentOnly.dispose();
  });

  it('a corrupted pack is rejected with a typed code in status(), and the content model serves', async () => {
    const engine = await create(`${server.url}/corrupt/`);
    expect(engine.status().model.error?.code).toBe('MODEL_INVALID');
    expect(engine.status().modelVersion).not.toMatch(/vae/);
    await engine.track({ type: 'view', itemId: items[0]!.id });
    expect(await engine.recommend({ k: 3 })).toHaveLength(3);
    engine.dispose();
  });

  it('an unreachable pack gives MODEL_FETCH_FAILED in status()', async () => {
    const engine = await create(`${server.url}/missing/`);
    expect(engine.status().model.error?.code).toBe('MODEL_FETCH_FAILED');
    engine.dispose();
  });

  it('scores new items with the pack’s tuned cold bridge (kernel ridge included), says so in status(), and leaks no tensors', async () => {
    cpSync(join(dir, 'good'), join(dir, 'tuned'), { recursive: true });
    const manifestPath = join(dir, 'tuned', 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    manifest.coldStart = { bridge: { neighbours: 5, cfWeight: 0.5, ridgeWeight: 1, ridgeMu: 1, ridgeNeighbours: 10, priorWeight: 0.2, scale: 1.5, shift: 0.5, popularityWeight: 0.5, carryText: 1, bogus: 3 }, tunedOn: 'test', generator: { weight: 0, validationNDCG20: { 'generator 0': 0.15, 'generator 1': 0.14 }, tunedOn: 'test' }, termWeights: { coherence: 0.25, kappa: 3, weights: { 'w:toner': 1.4, 'w:black': 0.8, 'w:broken': -2 }, tunedOn: 'test' } };
    writeFileSync(manifestPath, JSON.stringify(manifest));
    // A product the pack has never seen: a new edition of a known one (an exact copy of its title
    // would be another listing of the bought item, which recommend() leaves out with it).
    const source = items[1]!;
    const catalog = [...items, { ...source, id: 'NEW-COPY', title: `${source.title} (new edition)` }];
    const engine = await Engine.create({ catalog, backend: 'wasm', dbName: 'pack-tuned', maxEvents: 100, persist: false, models: `${server.url}/tuned/` });
    const defaults = await Engine.create({ catalog, backend: 'wasm', dbName: 'pack-default', maxEvents: 100, persist: false, models: `${server.url}/good/` });
    expect(engine.status().ranking.newItems).toEqual({
      parts: ['content', 'carried-over', 'kernel-ridge', 'popularity'],
      source: 'model pack',
      ignored: ['bogus', 'termWeights: 1 entries out of range'],
      generator: { weight: 0, runs: false, note: 'weight 0 on the store’s pseudo-cold validation (test): not run' },
      termWeights: { features: 2, coherence: 0.25 },
    });
    expect(defaults.status().ranking.newItems.termWeights).toBeNull();
    expect(defaults.status().ranking.newItems.source).toBe('library default');
    expect(defaults.status().ranking.newItems.generator).toEqual({ weight: null, runs: false, note: 'not weighed: the pack’s tuning trained no generator' });
    for (const e of [engine, defaults]) {
      await e.track({ type: 'purchase', itemId: source.id });
      await e.track({ type: 'view', itemId: items[2]!.id });
    }
    const tuned = await engine.recommend({ k: catalog.length });
    const plain = await defaults.recommend({ k: catalog.length });
    const at = (list: { itemId: string }[]) => list.findIndex((r) => r.itemId === 'NEW-COPY');
    // The new copy of a bought item ranks high either way; its score differs with the settings.
    expect(at(tuned)).toBeGreaterThanOrEqual(0);
    expect(at(tuned)).toBeLessThan(20);
    expect(tuned[at(tuned)]!.score).not.toBeCloseTo(plain[at(plain)]!.score, 3);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) await engine.recommend({ k: 5 });
    expect(tf.memory().numTensors).toBe(before);
    engine.dispose();
    defaults.dispose();
  });

  it('takes the pack’s hubness share off a new item’s content score (the setting reaches the bridge)', async () => {
    const bridge = { neighbours: 5, cfWeight: 0.5, ridgeWeight: 1, ridgeMu: 1, ridgeNeighbours: 10, priorWeight: 0, scale: 1, shift: 0, popularityWeight: 0.5, carryText: 0 };
    for (const [name, hubness] of [['hub0', 0], ['hub1', 1]] as const) {
      cpSync(join(dir, 'good'), join(dir, name), { recursive: true });
      const manifestPath = join(dir, name, 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
      manifest.coldStart = { bridge: { ...bridge, hubness }, tunedOn: 'test' };
      writeFileSync(manifestPath, JSON.stringify(manifest));
    }
    const source = items[1]!;
    const catalog = [...items, { ...source, id: 'NEW-COPY', title: `${source.title} (new edition)` }];
    const scores: number[] = [];
    for (const name of ['hub0', 'hub1']) {
      const engine = await Engine.create({ catalog, backend: 'wasm', dbName: `pack-${name}`, maxEvents: 100, persist: false, models: `${server.url}/${name}/` });
      await engine.track({ type: 'purchase', itemId: source.id });
      const list = await engine.recommend({ k: catalog.length });
      scores.push(list.find((r) => r.itemId === 'NEW-COPY')!.score);
      engine.dispose();
    }
    // A new edition of a known item is about as near it as can be: a hubness well above 0, taken off.
    expect(scores[1]!).toBeLessThan(scores[0]! - 0.05);
  });

  it('applies the pack’s term weights to a new item’s content (the table reaches the bridge); a malformed table is named and skipped', async () => {
    const bridge = { neighbours: 5, cfWeight: 0.5, ridgeWeight: 1, ridgeMu: 1, ridgeNeighbours: 10, priorWeight: 0, scale: 1, shift: 0, popularityWeight: 0.5, carryText: 0, hubness: 0 };
    const source = items[1]!;
    const shared = tokenize(source.title).slice(0, 2);
    const tables: Record<string, unknown> = {
      terms0: undefined,
      terms1: { coherence: 0.5, kappa: 3, weights: Object.fromEntries(shared.map((token) => [`w:${token}`, 5])), tunedOn: 'test' },
      termsJunk: 'junk',
    };
    for (const [name, termWeights] of Object.entries(tables)) {
      cpSync(join(dir, 'good'), join(dir, name), { recursive: true });
      const manifestPath = join(dir, name, 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
      manifest.coldStart = { bridge, tunedOn: 'test', ...(termWeights === undefined ? {} : { termWeights }) };
      writeFileSync(manifestPath, JSON.stringify(manifest));
    }
    // A new product sharing two title words with a bought one, and little else.
    const catalog = [...items, { id: 'NEW-PART', title: `${shared.join(' ')} zebra quartz` }];
    const scores: number[] = [];
    for (const name of Object.keys(tables)) {
      const engine = await Engine.create({ catalog, backend: 'wasm', dbName: `pack-${name}`, maxEvents: 100, persist: false, models: `${server.url}/${name}/` });
      const newItems = engine.status().ranking.newItems;
      if (name === 'terms1') expect(newItems.termWeights).toEqual({ features: shared.length, coherence: 0.5 });
      else expect(newItems.termWeights).toBeNull();
      expect(newItems.ignored).toEqual(name === 'termsJunk' ? ['termWeights'] : []);
      await engine.track({ type: 'purchase', itemId: source.id });
      const list = await engine.recommend({ k: catalog.length });
      scores.push(list.find((r) => r.itemId === 'NEW-PART')!.score);
      engine.dispose();
    }
    // The shared words weigh 5× their idf: the new item is nearer the bought one, and scores higher.
    expect(scores[1]!).toBeGreaterThan(scores[0]! + 0.05);
    expect(scores[2]).toBeCloseTo(scores[0]!, 5);
  });

  it('ranks with the pack’s tuned settings (manifest ranking): event weights, search lift, variant wait, half-life reach the scorer and status()', async () => {
    cpSync(join(dir, 'good'), join(dir, 'ranked'), { recursive: true });
    const manifestPath = join(dir, 'ranked', 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    // A store whose validation said: searches change nothing, variants keep the model's order, no decay.
    manifest.ranking = {
      halfLife: 'uniform',
      tunedOn: 'loo test',
      eventWeights: { weights: { search: 0, bogus: 2 }, tunedOn: 'intent test' },
      queryEvidence: { hits: 0, boost: 0, tunedOn: 'intent test' },
      variants: { wait: 0, tunedOn: 'spread test' },
    };
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const engine = await Engine.create({ catalog: items, backend: 'wasm', dbName: 'pack-ranked', maxEvents: 100, persist: false, models: `${server.url}/ranked/` });
    const defaults = await create(`${server.url}/good/`);
    expect(engine.status().ranking).toMatchObject({
      halfLife: 'uniform',
      halfLifeSource: 'model pack',
      eventWeights: { view: 1, cart: 3, purchase: 5, search: 0 },
      eventWeightsSource: { view: 'library default', cart: 'library default', purchase: 'library default', search: 'model pack' },
      queryEvidence: { hits: 0, boost: 0, source: 'model pack' },
      variants: { wait: 0, source: 'model pack' },
      tunedOn: { halfLife: 'loo test', eventWeights: 'intent test', queryEvidence: 'intent test', variants: 'spread test' },
      ignored: ['eventWeights.bogus'],
    });
    expect(defaults.status().ranking).toMatchObject({ halfLifeSource: 'library default', queryEvidence: { source: 'library default' }, variants: { wait: 'all', source: 'library default' } });
    const query = items[7]!.title!.split(/\s+/).slice(0, 2).join(' ');
    for (const e of [engine, defaults]) for (const item of items.slice(0, 3)) await e.track({ type: 'view', itemId: item.id });
    const ids = async (e: Engine, options = {}) => (await e.recommend({ k: 12, ...options })).map((r) => [r.itemId, r.score.toFixed(5)].join(' '));
    const [rankedBefore, defaultsBefore] = [await ids(engine), await ids(defaults)];
    for (const e of [engine, defaults]) await e.track({ type: 'search', query });
    // Search weight 0 and lift 0 from the pack: the search moves nothing; with the defaults it does.
    expect(await ids(engine)).toEqual(rankedBefore);
    expect(await ids(defaults)).not.toEqual(defaultsBefore);
    // Wait 0 from the pack: 'spread' keeps the model's order.
    expect(await ids(engine)).toEqual(await ids(engine, { variants: 'keep' }));
    engine.dispose();
    defaults.dispose();
  });

  it('frees every tensor it holds when disposed, also after a catalog update leaves the pack knowing no item', async () => {
    const before = tf.memory().numTensors;
    const engine = await create(`${server.url}/good/`);
    await engine.track({ type: 'view', itemId: items[0]!.id });
    await engine.recommend({ k: 5 });
    // A catalog of new products only: the pack knows none of them, so its VAE stops serving.
    await engine.updateCatalog({ add: [{ id: 'ONLY-NEW', title: 'A brand new product' }], remove: items.map((item) => item.id) });
    expect(engine.status().model.coveredItems).toBe(0);
    expect(engine.status().modelVersion).not.toMatch(/vae/);
    expect(await engine.recommend({ k: 1 })).toHaveLength(1);
    await engine.updateCatalog({ add: [{ id: 'ANOTHER', title: 'Another new product' }] });
    engine.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('checks every file against the SHA-256 in its manifest: tampered weights are MODEL_INVALID, nothing is cached, content serves', async () => {
    cpSync(join(dir, 'good'), join(dir, 'tampered'), { recursive: true });
    const weights = readFileSync(join(dir, 'tampered', 'weights.bin'));
    weights.writeUInt8(weights.readUInt8(weights.length >> 1) ^ 0x40, weights.length >> 1); // same length, so it would still decode
    writeFileSync(join(dir, 'tampered', 'weights.bin'), weights);
    const tampered = await create(`${server.url}/tampered/`);
    expect(tampered.status().model.error).toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/weights\.bin does not match its SHA-256/) });
    expect(tampered.status().modelVersion).not.toMatch(/vae/);
    expect(await tampered.recommend({ k: 3 })).toHaveLength(3);
    expect((await tampered.exportData()).checkpoints.filter((c) => c.name.startsWith('pack:'))).toEqual([]);
    tampered.dispose();
    const good = await create(`${server.url}/good/`);
    expect(good.status().model).toMatchObject({ error: null, integrity: 'verified' });
    expect((await good.exportData()).checkpoints.filter((c) => c.name.startsWith('pack:'))).toHaveLength(1);
    good.dispose();
  });

  it('pins the manifest with the store’s integrity value: a wrong one is MODEL_INVALID and caches nothing', async () => {
    const manifest = readFileSync(join(dir, 'good', 'manifest.json'));
    const right = await sriOf(manifest);
    const start = (integrity: string) => Engine.create({ catalog: items, backend: 'wasm', dbName: 'pack-sri', maxEvents: 100, persist: false, models: `${server.url}/good/`, modelsIntegrity: integrity });
    const wrong = await start(await sriOf('another manifest'));
    expect(wrong.status().model.error).toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/integrity/) });
    expect((await wrong.exportData()).checkpoints.filter((c) => c.name.startsWith('pack:'))).toEqual([]);
    wrong.dispose();
    const pinned = await start(right);
    expect(pinned.status().model).toMatchObject({ error: null, integrity: 'verified' });
    expect(pinned.status().modelVersion).toMatch(/vae/);
    pinned.dispose();
    await expect(start('md5-abc')).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });
});

describe('memory budget', () => {
  it('a pack larger than what the budget leaves is MODEL_TOO_LARGE, and the content model serves', async () => {
    const { catalogBytes } = await import('../../../src/worker/memory-budget');
    const catalogMB = catalogBytes(items.length) / 2 ** 20;
    const engine = await Engine.create({ catalog: items, backend: 'wasm', dbName: 'budget', maxEvents: 100, persist: false, models: `${server.url}/good/`, memoryBudgetMB: catalogMB + 0.01 });
    const status = engine.status();
    expect(status.model.error?.code).toBe('MODEL_TOO_LARGE');
    expect(status.model.error?.message).toMatch(/memoryBudgetMB/);
    await engine.track({ type: 'view', itemId: items[0]!.id });
    expect((await engine.recommend({ k: 5 })).length).toBe(5);
    engine.dispose();
    // With room for it, the same pack loads.
    const roomy = await Engine.create({ catalog: items, backend: 'wasm', dbName: 'budget2', maxEvents: 100, persist: false, models: `${server.url}/good/`, memoryBudgetMB: catalogMB + 50 });
    expect(roomy.status().model.error).toBeNull();
    roomy.dispose();
  });

  it('a catalog larger than the budget is CATALOG_TOO_LARGE', async () => {
    await expect(Engine.create({ catalog: items, backend: 'wasm', dbName: 'budget3', maxEvents: 100, persist: false, memoryBudgetMB: 0.5 })).rejects.toMatchObject({ code: 'CATALOG_TOO_LARGE' });
  });
});

describe('pack download progress', () => {
  it('reports the weights arriving as a model-download stage, in bytes, with overall only going up', async () => {
    const events: { stage: string; loaded: number; total: number; overall: number }[] = [];
    const engine = await Engine.create({ catalog: items, backend: 'wasm', dbName: 'download', maxEvents: 100, persist: false, models: `${server.url}/good/` }, (e) => events.push(e));
    const download = events.filter((e) => e.stage === 'model-download');
    const bytes = readFileSync(join(dir, 'good', 'weights.bin')).byteLength;
    expect(download.length).toBeGreaterThan(0);
    expect(download.at(-1)).toMatchObject({ loaded: bytes, total: bytes });
    for (let i = 1; i < events.length; i++) expect(events[i]!.overall).toBeGreaterThanOrEqual(events[i - 1]!.overall);
    expect(events.findIndex((e) => e.stage === 'model-download')).toBeLessThan(events.findIndex((e) => e.stage === 'model'));
    engine.dispose();
  });
});
