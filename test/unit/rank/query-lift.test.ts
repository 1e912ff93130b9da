import { describe, expect, it } from 'vitest';
import type { ContentModel } from '../../../src/models/content/content-model';
import { HybridScorer } from '../../../src/rank/hybrid-scorer';
import { DEFAULT_NEW_ITEM_BRIDGE } from '../../../src/rank/new-item-bridge';
import { evidentMatches, expandQueries } from '../../../src/rank/query-evidence';

// combine() reads only the parts it is given.
const scorer = new HybridScorer({} as ContentModel, null);
const settings = { ...DEFAULT_NEW_ITEM_BRIDGE, popularityWeight: 0 };
const text = Float32Array.from([3, 1, 0, -1, 2]);
const zero = new Float32Array(5);

describe('query lift', () => {
  it("'sd' lifts a full match by boost standard deviations; 'range' by boost × the spread of the scores over the matches", () => {
    const queryBoost = new Map([[1, 2], [3, 1]]); // boost × lexical share
    expect(Array.from(scorer.combine({ text, popularity: zero, queryBoost, queryLift: 'sd' }, settings))).toEqual([3, 3, 0, 0, 2]);
    // Matches 1 and 3 score 1 and −1: spread 2.
    expect(Array.from(scorer.combine({ text, popularity: zero, queryBoost, queryLift: 'range' }, settings))).toEqual([3, 5, 0, 1, 2]);
    // A gate: every match gains it in standard deviations, whatever its lexical share.
    const queryGate = new Map([[1, 4], [3, 4]]);
    expect(Array.from(scorer.combine({ text, popularity: zero, queryBoost, queryLift: 'sd', queryGate }, settings))).toEqual([3, 7, 0, 4, 2]);
    // A single match has no spread: one standard deviation.
    expect(Array.from(scorer.combine({ text, popularity: zero, queryBoost: new Map([[2, 1]]), queryLift: 'range' }, settings))).toEqual([3, 1, 1, -1, 2]);
  });

  it("a search's best matches share its weight in the history, and every match is lifted by its lexical share × recency", () => {
    const matches = [{ row: 4, lexical: 1, rank: 0 }, { row: 2, lexical: 0.5, rank: 1 }, { row: 0, lexical: 0.5, rank: 2 }];
    const { history, boost } = expandQueries({ items: new Map([[1, 1]]), queries: [{ query: 'q', weight: 3, recency: 0.5 }] }, { matches: () => matches }, { hits: 2, boost: 10 });
    expect([...history.items]).toEqual([[1, 1], [4, 2], [2, 1]]);
    expect([...boost!]).toEqual([[4, 5], [2, 2.5], [0, 2.5]]);
    const gated = expandQueries({ items: new Map(), queries: [{ query: 'q', weight: 3, recency: 0.5 }] }, { matches: () => matches }, { hits: 2, boost: 10, gate: 8 });
    expect([...gated.gate!]).toEqual([[4, 4], [2, 4], [0, 4]]);
    // Weight 0: nothing joins the history, the lift stays.
    const none = expandQueries({ items: new Map(), queries: [{ query: 'q', weight: 0, recency: 1 }] }, { matches: () => matches }, { hits: 2, boost: 10 });
    expect(none.history.items.size).toBe(0);
    expect(none.boost!.get(4)).toBe(10);
  });

  it('a search gates its matches while every item touched since is among its hits; one that is not ends the gate, the lift stays', () => {
    const matches = [{ row: 4, lexical: 1, rank: 0 }, { row: 2, lexical: 0.5, rank: 1 }];
    const hits = new Set([4, 2, 6]);
    const evidence = { matches: () => matches, reached: (_query: string, row: number) => hits.has(row) };
    const settings = { hits: 2, boost: 10, gate: 8 };
    const gateAfter = (after?: number[]) => expandQueries({ items: new Map(), queries: [{ query: 'q', weight: 1, recency: 1, ...(after ? { after: { rows: after, count: after.length } } : {}) }] }, evidence, settings).gate;
    expect([...gateAfter()!]).toEqual([[4, 8], [2, 8]]);
    expect([...gateAfter([])!]).toEqual([[4, 8], [2, 8]]);
    // Items among its hits (a result clicked, even a one-word hit): still on the search.
    expect([...gateAfter([6, 4])!]).toEqual([[4, 8], [2, 8]]);
    // Only the first `count` of the shared rows came after this search: row 9 came before it.
    expect([...expandQueries({ items: new Map(), queries: [{ query: 'q', weight: 1, recency: 1, after: { rows: [6, 9], count: 1 } }] }, evidence, settings).gate!]).toEqual([[4, 8], [2, 8]]);
    // One item elsewhere since: no gate, the lift as before.
    expect(gateAfter([6, 9])).toBeNull();
    const turned = expandQueries({ items: new Map(), queries: [{ query: 'q', weight: 1, recency: 1, after: { rows: [9], count: 1 } }] }, evidence, settings);
    expect([...turned.boost!]).toEqual([[4, 10], [2, 5]]);
    // Evidence that cannot tell its hits (no `reached`) keeps the gate.
    expect([...expandQueries({ items: new Map(), queries: [{ query: 'q', weight: 1, recency: 1, after: { rows: [9], count: 1 } }] }, { matches: () => matches }, settings).gate!]).toEqual([[4, 8], [2, 8]]);
  });

  it('evidence of a search: the hits that hold most of its words, and those holding some on their shelf when the query names it or it is a bare label; with none that holds it, nothing', () => {
    // Rows 4 and 7 hold both words of a two-word query; 2, 0 and 9 one each. Row 2 sits on row 4's shelf (1), 0 and 9 elsewhere (an Arduino "shield" for "face shield").
    const shelf = new Map([[4, 1], [7, -1], [2, 1], [0, 2], [9, -1], [3, 1]]);
    const hits = [
      { row: 4, score: 8, coverage: 1, namesShelf: true, bareShelf: false },
      { row: 2, score: 4, coverage: 0.5, namesShelf: true, bareShelf: false },
      { row: 0, score: 4, coverage: 0.5, namesShelf: true, bareShelf: false },
      { row: 7, score: 2, coverage: 1, namesShelf: false, bareShelf: false },
      { row: 9, score: 1, coverage: 0.5, namesShelf: false, bareShelf: false },
    ];
    expect(evidentMatches(hits, (row) => shelf.get(row)!)).toEqual([{ row: 4, lexical: 1, rank: 0 }, { row: 2, lexical: 0.5, rank: 1 }, { row: 7, lexical: 0.25, rank: 3 }]);
    // Row 3 is on row 4's shelf too, holding its word in the title only, not in the shelf's name
    // (a "digital" pH meter beside one whose title says "multimeter"): no evidence.
    const onShelf = [hits[0]!, { row: 3, score: 4, coverage: 0.5, namesShelf: false, bareShelf: false }];
    expect(evidentMatches(onShelf, (row) => (row === 3 ? 1 : shelf.get(row)!))).toEqual([{ row: 4, lexical: 1, rank: 0 }]);
    // On a bare shelf ("category 8": no word of its own to name it by), the shelf is all there is to go by: row 3 counts.
    expect(evidentMatches([onShelf[0]!, { ...onShelf[1]!, bareShelf: true }], (row) => (row === 3 ? 1 : shelf.get(row)!)).map((m) => m.row)).toEqual([4, 3]);
    // Two of three words hold the query.
    expect(evidentMatches([{ row: 5, score: 3, coverage: 2 / 3, namesShelf: false, bareShelf: false }, { row: 0, score: 2, coverage: 1 / 3, namesShelf: true, bareShelf: false }], (row) => shelf.get(row) ?? -1)).toEqual([{ row: 5, lexical: 1, rank: 0 }]);
    // No hit holds the query ("safety glasses" in a store without them): nothing is evidence, so nothing joins, gains a gate or a lift.
    const none = evidentMatches(hits.filter((h) => h.coverage < 1), (row) => shelf.get(row)!);
    expect(none).toEqual([]);
    const expanded = expandQueries({ items: new Map([[1, 1]]), queries: [{ query: 'q', weight: 3, recency: 1 }] }, { matches: () => none }, { hits: 2, boost: 10, gate: 8 });
    expect([...expanded.history.items]).toEqual([[1, 1]]);
    expect(expanded.boost).toBeNull();
    expect(expanded.gate).toBeNull();
  });
});
