import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../../src/shared/types';
import { SearchIndex } from '../../../src/search';
import { lightStem, parseQuery, QUERY_STOPWORDS } from '../../../src/search/search-text';
import { expandQueries, searchIndexEvidence } from '../../../src/rank/query-evidence';
import { scientificItems } from '../load-fixture';

// Search that understands a need (issue #18): a query phrased as a sentence drops the words of
// asking, matches other forms of its words, and its matches' category neighbours.
const items = scientificItems();
const index = SearchIndex.build(items);
const top = (query: string, k = 5): Item[] => index.search(query, { k }).map((h) => items[h.row] as Item);

describe('a query of stopwords only', () => {
  const queries = ['something for my', 'how do I', 'what do you have', 'something that I need', 'is there anything like this?'];

  it('matches nothing', () => {
    for (const query of queries) {
      expect(parseQuery(query).terms, query).toEqual([]);
      expect(index.search(query, { k: 10 }), query).toEqual([]);
    }
  });

  it('adds no evidence: a search event of it leaves the history as it was, lifts and gates nothing', () => {
    const evidence = searchIndexEvidence(() => index, () => true);
    for (const query of queries) {
      const history = { items: new Map([[3, 1], [17, 5]]), queries: [{ query, weight: 0.5, recency: 1 }] };
      const expanded = expandQueries(history, evidence);
      expect(expanded.history.items, query).toEqual(new Map([[3, 1], [17, 5]]));
      expect(expanded.history.queries).toEqual([]);
      expect(expanded.boost, query).toBeNull();
      expect(expanded.gate, query).toBeNull();
    }
  });
});

describe('coverage: the share of the query words a hit holds', () => {
  // The demo's catalog (4,385 items): its face masks sit under "Face Masks & Shields", its Arduino shields elsewhere.
  const demo = readFileSync('demo/public/items.jsonl', 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Item);
  const demoIndex = SearchIndex.build(demo);

  it('is 1 for a hit of every word and ½ for one word of two; one word of "face shield" is no evidence', () => {
    const items = demo;
    const index = demoIndex;
    const hits = index.search('face shield', { k: 1000 });
    const whole = hits.filter((h) => h.coverage === 1).map((h) => items[h.row]!);
    expect(whole.length).toBeGreaterThan(0);
    for (const item of whole) expect(`${item.title} ${item.category?.join(' ')}`).toMatch(/face/i);
    for (const item of whole) expect(`${item.title} ${item.category?.join(' ')}`).toMatch(/shield/i);
    const halves = hits.filter((h) => h.coverage === 0.5).map((h) => items[h.row]!);
    expect(halves.some((item) => /arduino/i.test(item.title))).toBe(true);
    for (const h of hits) expect(h.coverage === 1 || h.coverage === 0.5).toBe(true);
    // Evidence of the search: the hits that hold both words, and one-word hits on their shelves (none here: the masks' shelves name both words).
    const evidence = searchIndexEvidence(() => index, () => true);
    const { gate } = expandQueries({ items: new Map(), queries: [{ query: 'face shield', weight: 0.5, recency: 1 }] }, evidence);
    const evident = [...gate!.keys()].map((row) => items[row]!);
    expect(evident.length).toBeGreaterThanOrEqual(whole.length);
    expect(evident.filter((item) => /arduino/i.test(item.title))).toEqual([]);
    expect(evident.every((item) => /face masks/i.test(item.category?.join(' ') ?? ''))).toBe(true);
    // "safety glasses": no item holds both words, so the search is no evidence at all.
    expect(expandQueries({ items: new Map(), queries: [{ query: 'safety glasses', weight: 0.5, recency: 1 }] }, evidence).gate).toBeNull();
  });

  it('a one-word hit is evidence on a shelf the query names ("Exam Gloves"), not on one that only holds a whole match ("pH Meters")', () => {
    const evidence = searchIndexEvidence(() => demoIndex, () => true);
    const evident = (query: string) => evidence.matches(query).map((m) => demo[m.row]!);
    // Latex and vinyl exam gloves, under "… Exam Gloves", for "nitrile gloves".
    const gloves = evident('nitrile gloves');
    expect(gloves.filter((item) => !/nitrile/i.test(item.title)).some((item) => /latex|vinyl/i.test(item.title))).toBe(true);
    for (const item of gloves) expect(item.category?.join(' ')).toMatch(/gloves/i);
    // One pH meter's title says "Multimeter Tester"; the other pH meters hold only "digital" and
    // are no evidence of "digital multimeter": every evident match holds both words.
    const meters = evident('digital multimeter');
    expect(meters.length).toBeGreaterThan(0);
    for (const item of meters) expect(item.title).toMatch(/digital/i);
    for (const item of meters) expect(item.title).toMatch(/multimeter/i);
    expect(demoIndex.search('digital multimeter', { k: 1000 }).filter((h) => /pH Meters/.test(demo[h.row]!.category?.join(' ') ?? '')).length).toBeGreaterThan(meters.filter((item) => /pH/.test(item.title)).length);
  });
});

describe('parseQuery: a need or keywords', () => {
  it('drops the words of asking from a sentence, and keeps keywords as typed', () => {
    expect(parseQuery('protect my eyes when soldering')).toMatchObject({ terms: ['protect', 'eyes', 'soldering'], need: true });
    expect(parseQuery('something to measure how hot my oven is')).toMatchObject({ terms: ['measure', 'hot', 'oven'], need: true, lastIsPartial: false });
    // An article makes a sentence too.
    expect(parseQuery('measure the thickness of a wire')).toMatchObject({ terms: ['measure', 'thickness', 'wire'], need: true });
    // One or two words are keywords: a brand ("My Sign Center") or a title's words are searched as typed.
    expect(parseQuery('my sign')).toMatchObject({ terms: ['my', 'sign'], need: false });
    expect(parseQuery('infrared thermometers')).toMatchObject({ terms: ['infrared', 'thermometers'], need: false });
    expect(parseQuery('screw-in hooks')).toMatchObject({ terms: ['screw', 'hooks'], need: false });
  });

  it('a stopword still being typed stands for its completions ("… from any" → Anycubic), not for itself', () => {
    expect(parseQuery('a nozzle for my printer from any')).toMatchObject({ terms: ['nozzle', 'printer', 'any'], lastIsPartial: true, completionsOnly: true, need: true });
    expect(top('a nozzle for my printer from any', 1)[0]!.title).toMatch(/^Anycubic .*Nozzle/);
    // Finished (a space after it), the stopword is dropped.
    expect(parseQuery('a nozzle for my printer from any ')).toMatchObject({ terms: ['nozzle', 'printer'], completionsOnly: false });
    expect(top('a nozzle for my printer from any ', 6).filter((item) => /anycubic/i.test(item.title))).toHaveLength(1);
  });

  it('the query stopwords are words of asking, not words that name products', () => {
    for (const word of ['all', 'off', 'up', 'out', 'can', 'way', 'two', 'hot', 'safe', 'keep', 'protect', 'measure']) expect(QUERY_STOPWORDS.has(word), word).toBe(false);
    for (const word of ['my', 'something', 'how', 'when', 'need', 'want']) expect(QUERY_STOPWORDS.has(word), word).toBe(true);
  });
});

describe('lightStem', () => {
  it('joins the forms of a word and leaves words of their own alone', () => {
    const same = [['eyes', 'eye'], ['protective', 'protect'], ['protection', 'protect'], ['soldering', 'solder'], ['soldered', 'solder'],
      ['measuring', 'measure'], ['measurement', 'measure'], ['cutting', 'cut'], ['batteries', 'battery'], ['inches', 'inch'], ['gloves', 'glove']];
    for (const [a, b] of same) expect(lightStem(a!), `${a} ~ ${b}`).toBe(lightStem(b!));
    const apart = [['solder', 'sold'], ['meter', 'met'], ['holder', 'hold'], ['station', 'state'], ['lens', 'len'], ['speed', 'spe'], ['string', 'str'], ['tube', 'tub']];
    for (const [a, b] of apart) expect(lightStem(a!), `${a} ≁ ${b}`).not.toBe(lightStem(b!));
    // Model numbers and sizes are never stemmed.
    expect(lightStem('m6s')).toBe('m6s');
    expect(lightStem('175mm')).toBe('175mm');
  });
});

describe('a need-style query on the catalog slice', () => {
  it('"what can I use to stick plastic parts" finds adhesives, not non-stick lubricant or a printer kit', () => {
    const found = top('what can I use to stick plastic parts');
    expect(found).toHaveLength(5);
    for (const item of found) expect(item.category?.join(' '), item.title).toMatch(/Adhesives/);
    expect(found.some((item) => /plastic/i.test(item.title))).toBe(true);
  });

  it('"I need to connect two pipes" finds pipe fittings, not glue sold as "Two" tubes', () => {
    const found = top('I need to connect two pipes');
    expect(found.filter((item) => /Pipe Fittings/.test(item.category?.join(' ') ?? '')).length).toBeGreaterThanOrEqual(4);
    expect(found.filter((item) => /Gorilla Super Glue/.test(item.title))).toEqual([]);
  });

});
