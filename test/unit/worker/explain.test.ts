import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 as rng } from '../../../src/util/random';
import type { Item } from '../../../src/shared/types';
import { Engine } from '../../../src/worker/engine';
import { scientificItems } from '../load-fixture';

let engine: Engine;
let items: Item[];


beforeAll(async () => {
  items = scientificItems();
  engine = await Engine.create({ catalog: items, backend: 'wasm', dbName: 'explain', maxEvents: 100, persist: false });
});
afterAll(() => engine.dispose());

describe('explain()', () => {
  it('names the history behind a recommendation, with a reason that states only true facts', async () => {
    const tape = items.find((i) => i.category?.[0]?.endsWith('Duct Tape'))!;
    const printer = items.find((i) => i.category?.[0]?.endsWith('3D Printers'))!;
    await engine.track({ type: 'view', itemId: tape.id });
    await engine.track({ type: 'purchase', itemId: printer.id });
    await engine.track({ type: 'search', query: 'pla filament' });
    const [top] = await engine.recommend({ k: 1, explain: true });
    expect(top!.reason).toMatch(/\byou (viewed|bought|searched for) “/i);
    expect(top!.evidence!.length).toBeGreaterThan(0);
    const why = await engine.explain(top!.itemId);
    expect(why.reason).toBe(top!.reason);
    for (let i = 1; i < why.evidence.length; i++) expect(why.evidence[i]!.influence).toBeLessThanOrEqual(why.evidence[i - 1]!.influence);
    // Every fact in the reason is true: the cited item is in the history with that event, the shared attribute holds.
    const first = why.evidence[0]!;
    if (first.kind === 'item') {
      const cited = items.find((i) => i.id === first.itemId)!;
      expect([tape.id, printer.id]).toContain(cited.id);
      expect(first.event).toBe(cited.id === printer.id ? 'purchase' : 'view');
    } else {
      expect(first.query).toBe('pla filament');
    }
    const target = items.find((i) => i.id === why.itemId)!;
    for (const shared of why.shared) {
      const other = items.find((i) => i.id === shared.itemId)!;
      if (shared.attribute === 'brand') expect(other.brand?.toLowerCase()).toBe(target.brand?.toLowerCase());
      if (shared.attribute === 'category') expect(other.category?.at(-1)).toBe(target.category?.at(-1));
    }
    await engine.forget();
  });

  it('a query searched again is one piece of evidence, worded as last typed, and the reason names it once', async () => {
    await engine.forget();
    const tape = items.find((i) => i.category?.[0]?.endsWith('Duct Tape'))!;
    await engine.track({ type: 'view', itemId: tape.id });
    // A shopper searching again to open each result.
    for (const query of ['pla filament', 'PLA filament ', 'pla filament', 'PLA Filament']) await engine.track({ type: 'search', query });
    const recs = await engine.recommend({ k: 5, explain: true });
    const searched = recs.filter((r) => r.evidence!.some((e) => e.kind === 'search'));
    expect(searched.length).toBeGreaterThan(0);
    for (const rec of recs) {
      const searches = rec.evidence!.filter((e) => e.kind === 'search');
      expect(searches.length).toBeLessThanOrEqual(1);
      if (searches[0]?.kind === 'search') expect(searches[0].query).toBe('PLA Filament');
      expect(rec.reason!.match(/searched for/gi)?.length ?? 0).toBeLessThanOrEqual(1);
    }
    await engine.forget();
  });

  it('faithfulness: leaving out the top evidence item lowers the score far more often than a random history item', async () => {
    const r = rng(7);
    let topLowers = 0;
    let randomLowers = 0;
    let cases = 0;
    for (let trial = 0; trial < 40; trial++) {
      await engine.forget();
      const history = Array.from({ length: 5 }, () => items[Math.floor(r() * items.length)]!);
      for (const item of history) await engine.track({ type: 'view', itemId: item.id });
      const recs = await engine.recommend({ k: 3 });
      for (const rec of recs) {
        const why = await engine.explain(rec.itemId);
        const top = why.evidence.find((e) => e.kind === 'item');
        if (!top || top.kind !== 'item') continue;
        const distinct = [...new Set(history.map((h) => h.id))];
        const random = distinct[Math.floor(r() * distinct.length)]!;
        // Re-score with each removal through the engine itself (a fresh fold-in, not the explainer's numbers).
        const without = async (removed: string): Promise<number> => {
          await engine.forget();
          for (const item of history) if (item.id !== removed) await engine.track({ type: 'view', itemId: item.id });
          return (await engine.explain(rec.itemId)).score;
        };
        const full = why.score;
        if ((await without(top.itemId)) < full - 1e-6) topLowers++;
        if ((await without(random)) < full - 1e-6) randomLowers++;
        cases++;
        await engine.forget();
        for (const item of history) await engine.track({ type: 'view', itemId: item.id });
      }
    }
    const topRate = topLowers / cases;
    const randomRate = randomLowers / cases;
    console.log(JSON.stringify({ check: 'explain-faithfulness', cases, topRate, randomRate }));
    expect(cases).toBeGreaterThan(50);
    expect(topRate).toBeGreaterThanOrEqual(0.9);
    expect(topRate).toBeGreaterThan(randomRate);
  }, 120_000);

  it('contrastive: says what favours one item over another', async () => {
    await engine.forget();
    const tapes = items.filter((i) => i.category?.[0]?.endsWith('Duct Tape')).slice(0, 2);
    const filament = items.filter((i) => i.category?.[0]?.endsWith('3D Printing Filament')).slice(0, 2);
    await engine.track({ type: 'view', itemId: tapes[0]!.id });
    await engine.track({ type: 'view', itemId: filament[0]!.id });
    const why = await engine.explain(tapes[1]!.id, { versus: filament[1]!.id });
    expect(why.versus!.itemId).toBe(filament[1]!.id);
    expect(why.versus!.favours[0]).toMatchObject({ kind: 'item', itemId: tapes[0]!.id });
    expect(why.versus!.against[0]).toMatchObject({ kind: 'item', itemId: filament[0]!.id });
    expect(why.versus!.reason).toMatch(/fits your history better, mostly because you viewed/);
    await expect(engine.explain('nope')).rejects.toMatchObject({ code: 'UNKNOWN_ITEM' });
    await engine.forget();
  });
});
