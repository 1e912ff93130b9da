import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackgroundPreparation } from '../../../src/worker/background-preparation';
import { SparseTfIdf } from '../../../src/features/sparse-tfidf';
import { itemFeatures } from '../../../src/features/item-features';
import { SearchIndex } from '../../../src/search/search-index';
import { ContentModel } from '../../../src/models/content/content-model';
import { Engine } from '../../../src/worker/engine';
import { nextTask } from '../../../src/util/next-task';
import { scientificItems } from '../load-fixture';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until `done()` holds (checked every 5 ms, up to 10 s): no fixed delay for a loaded machine to overrun. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 10_000; waited += 5) await sleep(5);
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('BackgroundPreparation', () => {
  it('starts once the page is quiet, runs its steps in order a slice a task, and lets a call wait for the running step', async () => {
    const log: string[] = [];
    const prep = new BackgroundPreparation(
      [
        ['alike', async (yieldNow) => { log.push('alike 1'); await yieldNow(); log.push('alike 2'); }],
        ['search', async () => void log.push('search')],
      ],
      40,
    );
    // The quiet time on a fake clock (the steps' slices run on real message-channel tasks).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    prep.touch();
    vi.advanceTimersByTime(20);
    prep.touch(); // a call: the quiet time starts again
    vi.advanceTimersByTime(30);
    expect(prep.isStarted).toBe(false);
    vi.advanceTimersByTime(10);
    expect(prep.isStarted).toBe(true);
    vi.useRealTimers();
    // A part not yet being built: nothing to wait for (a call builds it itself).
    await prep.whenReady('search');
    await prep.whenReady('alike');
    expect(log.slice(0, 2)).toEqual(['alike 1', 'alike 2']);
    await until(() => log.length === 3);
    expect(log).toEqual(['alike 1', 'alike 2', 'search']);
  });

  it('a failed step leaves the next ones to run; stop() ends it at the next slice', async () => {
    const log: string[] = [];
    const prep: BackgroundPreparation = new BackgroundPreparation([
      ['alike', async () => { throw new Error('no room'); }],
      ['lookups', async (yieldNow) => {
        log.push('lookups 1');
        prep.stop(); // the engine is disposed meanwhile
        await yieldNow();
        log.push('lookups 2');
      }],
      ['search', async () => void log.push('search')],
    ]);
    prep.start();
    await until(() => log.length > 0);
    await prep.whenReady('lookups');
    // The search step would start a task or two later: give it time to show up if it (wrongly) did.
    await sleep(30);
    expect(log).toEqual(['lookups 1']);
  });
});

describe('what is built in slices equals what is built at once', () => {
  const items = scientificItems();

  it('SparseTfIdf.inSlices: the same vectors', async () => {
    const bags = items.map(itemFeatures);
    const whole = new SparseTfIdf(bags);
    let yields = 0;
    const sliced = await SparseTfIdf.inSlices(bags, async () => void yields++, 1000);
    expect(yields).toBeGreaterThanOrEqual(3 * Math.floor(items.length / 1000));
    for (const row of [0, 17, items.length - 1]) {
      const profile = new Map<number, number>();
      whole.addRow(profile, row, 1);
      expect(Array.from(sliced.dotAll(profile))).toEqual(Array.from(whole.dotAll(profile)));
    }
  });

  it('SearchIndex.buildInSlices: the same hits', async () => {
    const whole = SearchIndex.build(items);
    const sliced = await SearchIndex.buildInSlices(items, async () => undefined, 500);
    for (const query of ['nitrile gloves', 'pipette', 'digital caliper', 'tape']) expect(sliced.search(query, { k: 30 })).toEqual(whole.search(query, { k: 30 }));
  });

  it('ContentModel.prepareAlike: the vectors alikeVectors() would build, and none built twice', async () => {
    const prepared = new ContentModel(items);
    await prepared.prepareAlike(async () => undefined, 700);
    const fresh = new ContentModel(items);
    const profile = new Map<number, number>();
    fresh.alikeVectors().addRow(profile, 3, 1);
    expect(Array.from(prepared.alikeVectors().dotAll(profile))).toEqual(Array.from(fresh.alikeVectors().dotAll(profile)));
    // Every row's hubness, as computed on first use.
    await prepared.prepareHubness(async () => undefined, 500);
    for (const row of [0, 3, 1000, items.length - 1]) expect(prepared.alikeHubness(row)).toBe(fresh.alikeHubness(row));
    // Already built: preparing again builds nothing.
    const spy = vi.spyOn(SparseTfIdf, 'inSlices');
    await prepared.prepareAlike(async () => undefined);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('Engine', () => {
  it('prepares what similar(), boughtTogether() and search() need once idle, and answers them as before', async () => {
    const items = scientificItems();
    const alike = vi.spyOn(ContentModel.prototype, 'prepareAlike');
    const index = vi.spyOn(SearchIndex, 'buildInSlices');
    const engine = await Engine.create({ catalog: items, backend: 'wasm', dbName: 'prep', maxEvents: 100, persist: false });
    const unprepared = await Engine.create({ catalog: items, backend: 'wasm', dbName: 'no-prep', maxEvents: 100, persist: false });
    try {
      await engine.recommend({ k: 6 });
      // Calls made before it starts build what they need themselves.
      const before = await unprepared.similar(items[5]!.id, { k: 8 });
      const searched = await unprepared.search('pipette', { k: 8 });
      await sleep(600);
      expect(alike).toHaveBeenCalled();
      expect(index).toHaveBeenCalled();
      await vi.waitFor(async () => expect(await index.mock.results[0]!.value).toBeInstanceOf(SearchIndex), { timeout: 5000 });
      expect((await engine.similar(items[5]!.id, { k: 8 })).map((r) => r.itemId)).toEqual(before.map((r) => r.itemId));
      expect((await engine.search('pipette', { k: 8 })).map((r) => r.itemId)).toEqual(searched.map((r) => r.itemId));
    } finally {
      engine.dispose();
      unprepared.dispose();
    }
  }, 60_000);
});
