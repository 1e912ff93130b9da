import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/shared/types';
import { csrFromRows } from '../../../src/util/csr';
import type { Csr, EvalModel } from '../../../eval/eval-model';
import { createModel, isKnownModel } from '../../../eval/model-registry';
import { RecencyModel, withRecency } from '../../../eval/adapters/recency-model';
import { EVENT_WEIGHTS, rowsAfter, weightHistory } from '../../../src/rank/profile-weights';
import { recencyWeight } from '../../../src/rank/recency';

const event = (seq: number, type: StoredEvent['type'], itemId?: string, query?: string): StoredEvent =>
  ({ seq, type, timestamp: seq, ...(itemId ? { itemId } : {}), ...(query ? { query } : {}) }) as StoredEvent;

describe('recency weights', () => {
  it('halve every half-life and are uniform for Infinity', () => {
    expect(recencyWeight(0, 2)).toBe(1);
    expect(recencyWeight(2, 2)).toBeCloseTo(0.5);
    expect(recencyWeight(6, 2)).toBeCloseTo(0.125);
    expect(recencyWeight(50, Infinity)).toBe(1);
  });

  it('decay each row of a history from its last (newest) column', () => {
    const x = withRecency(csrFromRows([[4, 2, 7], [1]], 8), 1);
    expect(Array.from(x.values)).toEqual([0.25, 0.5, 1, 1]);
    expect(Array.from(x.indices)).toEqual([4, 2, 7, 1]);
  });

  it('age a shopper event by the distinct other items, and the distinct searches, seen after it', () => {
    const rows = new Map([['a', 0], ['b', 1], ['c', 2]]);
    // a, b, a, c, then a search: the newer a has c and the search after it (age 2); b has a, c and
    // the search (age 3); the first a has b, c and the search (age 3: a itself does not count).
    const events = [event(1, 'view', 'a'), event(2, 'view', 'b'), event(3, 'cart', 'a'), event(4, 'view', 'c'), event(5, 'search', undefined, 'drill')];
    const h = weightHistory(events, (id) => rows.get(id), 1);
    expect(h.items.get(2)).toBeCloseTo(EVENT_WEIGHTS.view * 0.5);
    expect(h.items.get(0)).toBeCloseTo(EVENT_WEIGHTS.cart * 0.25 + EVENT_WEIGHTS.view * 0.125);
    expect(h.items.get(1)).toBeCloseTo(EVENT_WEIGHTS.view * 0.125);
    expect(h.queries.map(({ after, ...q }) => ({ ...q, after: rowsAfter(after!) }))).toEqual([{ query: 'drill', weight: EVENT_WEIGHTS.search, recency: 1, after: [] }]);
    // A search lists the rows of the distinct items touched after it, newest first (an item that left the catalog has none).
    const later = weightHistory([event(1, 'search', undefined, 'drill'), event(2, 'view', 'b'), event(3, 'view', 'gone'), event(4, 'cart', 'c'), event(5, 'view', 'b')], (id) => rows.get(id), 1);
    expect(rowsAfter(later.queries[0]!.after!)).toEqual([1, 2]);
    // Two searches: each sees only the items after it.
    const two = weightHistory([event(1, 'search', undefined, 'drill'), event(2, 'view', 'b'), event(3, 'search', undefined, 'bits'), event(4, 'view', 'c')], (id) => rows.get(id), 1);
    expect(two.queries.map((q) => rowsAfter(q.after!))).toEqual([[2, 1], [2]]);
    // A newer search ages the one before it; repeating a query does not age it again.
    const searches = weightHistory([event(1, 'search', undefined, 'gloves'), event(2, 'search', undefined, 'glasses'), event(3, 'search', undefined, 'Glasses')], (id) => rows.get(id), 1);
    expect(searches.queries.map((q) => [q.query, q.weight])).toEqual([['gloves', EVENT_WEIGHTS.search * 0.5], ['glasses', EVENT_WEIGHTS.search], ['Glasses', EVENT_WEIGHTS.search]]);
    const uniform = weightHistory(events, (id) => rows.get(id), Infinity);
    expect(uniform.items.get(1)).toBe(EVENT_WEIGHTS.view);
  });
});

/** Scores every item by the input weight of its predecessor column: only the newest item predicts. */
class NextItemModel implements EvalModel {
  readonly name = 'next-item';
  async fit(): Promise<void> {}
  async scoreBatch(inputs: Csr): Promise<Float32Array> {
    const out = new Float32Array(inputs.rows * inputs.cols);
    for (let r = 0; r < inputs.rows; r++) {
      for (let a = inputs.indptr[r]!; a < inputs.indptr[r + 1]!; a++) {
        const next = (inputs.indices[a]! + 1) % inputs.cols;
        out[r * inputs.cols + next]! += inputs.values[a]!;
      }
    }
    return out;
  }
  settings() {
    return {};
  }
  backend() {
    return 'js';
  }
}

describe('RecencyModel', () => {
  it('is registered for every model as NAME+recency', () => {
    expect(isKnownModel('itemknn+recency')).toBe(true);
    expect(isKnownModel('nope+recency')).toBe(false);
    expect(createModel('ease+recency', { protocol: 'loo', seed: 1, tuneMetric: 'NDCG@20' }).name).toBe('ease+recency');
  });

  it('picks a sharp decay when the newest item predicts the target, and uniform when the oldest does', async () => {
    const cols = 20;
    // Sequences 0→1→2…: the target follows the newest input item.
    const sequential = Array.from({ length: 30 }, (_, u) => [u % 10, (u % 10) + 3, (u % 10) + 6]);
    const newestTargets = sequential.map((row) => [(row[2]! + 1) % cols]);
    const sharp = new RecencyModel(new NextItemModel(), 'HR@1');
    await sharp.fit(csrFromRows([], cols), { seed: 1, items: [], validation: { inputs: csrFromRows(sequential, cols), targets: newestTargets } });
    expect(sharp.settings().halfLife).toBe(1);

    // The oldest item predicts: every decay ranks its successor last of three; uniform ties the
    // three (the seeded tie order decides), so uniform hits some and wins outright.
    const oldestTargets = sequential.map((row) => [(row[0]! + 1) % cols]);
    const flat = new RecencyModel(new NextItemModel(), 'HR@1');
    await flat.fit(csrFromRows([], cols), { seed: 1, items: [], validation: { inputs: csrFromRows(sequential, cols), targets: oldestTargets } });
    expect(flat.settings().halfLife).toBe('uniform');
  });
});
