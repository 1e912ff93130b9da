import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildDataset, parseInteractions } from '../../../eval/dataset';
import { loadDataset } from '../../../tools/io/dataset-node';
import { coldItemsSplit, coldUsersHeldOut, looSplit, shareOf, strongSplit } from '../../../eval/splits';

const FIXTURE = fileURLToPath(new URL('../../fixtures/office-slice', import.meta.url));
const data = loadDataset(FIXTURE);

describe('dataset', () => {
  it('loads the fixture: name, catalog alignment, distinct items per user', () => {
    expect(data.name).toBe('office-slice');
    expect(data.itemIds.length).toBe(200);
    data.items.forEach((item, i) => expect(item.id).toBe(data.itemIds[i]));
    expect(data.items.every((item) => item.title.length > 0)).toBe(true);
    for (const h of data.histories) expect(new Set(h).size).toBe(h.length);
  });

  it('orders by time, breaks ties by file order and keeps the first of repeated pairs', () => {
    const csv = ['item_id,user_id,timestamp,rating', 'b,u1,5,1', 'a,u1,3,1', 'c,u1,5,1', 'a,u1,9,1', 'z,u2,1,1'].join('\n');
    const d = buildDataset('t', parseInteractions(csv), [{ id: 'c', title: 'C' }]);
    expect(d.itemIds).toEqual(['c', 'b', 'a', 'z']); // catalog first, then file order
    expect(Array.from(d.histories[0] as Int32Array).map((i) => d.itemIds[i])).toEqual(['a', 'b', 'c']);
    expect(d.items[1]).toEqual({ id: 'b', title: '' });
  });

  it('rejects a file without the required columns', () => {
    expect(() => parseInteractions('user,item\nu,i')).toThrow(/user_id/);
  });
});

describe('strong', () => {
  const split = strongSplit(data, 42);
  const eligible = data.histories.filter((h) => h.length >= 5).length;
  // The reference's rounding, written out: max(1, int(share · n)).
  const h = Math.max(1, Math.floor(0.1 * eligible));

  it('rounds shares down, with at least one', () => {
    expect([shareOf(14, 0.2), shareOf(9, 0.2), shareOf(4, 0.1), shareOf(599, 0.1)]).toEqual([2, 1, 1, 59]);
  });

  it('holds out max(1, int(0.1·n)) validation and test users, disjoint from training', () => {
    expect(split.trainUsers.length).toBe(eligible - 2 * h);
    expect(split.validation.users.length).toBe(h);
    expect(split.test.users.length).toBe(h);
    const all = [...split.trainUsers, ...split.validation.users, ...split.test.users];
    expect(new Set(all).size).toBe(all.length);
  });

  it('splits each held-out user into input and max(1, int(0.2·n)) targets, with no overlap', () => {
    for (const part of [split.validation, split.test]) {
      part.users.forEach((_, k) => {
        const input = part.inputs[k] as number[];
        const targets = part.targets[k] as number[];
        expect(targets.length).toBe(Math.max(1, Math.floor(0.2 * (input.length + targets.length))));
        expect(targets.some((t) => input.includes(t))).toBe(false);
      });
    }
  });

  it('uses only items seen in training as columns', () => {
    const seen = new Set(split.train.flat());
    expect(seen.size).toBe(split.columns.length);
    for (const row of [...split.test.inputs, ...split.test.targets, ...split.validation.targets]) for (const c of row) expect(seen.has(c)).toBe(true);
  });

  it('is reproducible for a seed and changes with it', () => {
    const again = strongSplit(data, 42);
    expect(again.test).toEqual(split.test);
    expect(again.validation).toEqual(split.validation);
    expect(strongSplit(data, 43).test.users).not.toEqual(split.test.users);
  });
});

describe('cold-users', () => {
  const split = strongSplit(data, 42);
  it.each([1, 3, 5])('k=%i: input is the first k items by time, targets all the rest', (k) => {
    const held = coldUsersHeldOut(split, k);
    expect(held.users.length).toBe(split.testHistories.filter((items) => items.length > k).length);
    held.users.forEach((u, n) => {
      const history = split.testHistories[split.test.users.indexOf(u)] as number[];
      expect(held.inputs[n]).toEqual(history.slice(0, k));
      expect(held.targets[n]).toEqual(history.slice(k));
    });
  });
});

describe('loo', () => {
  const split = looSplit(data);
  it('targets the last item, validates on the one before, trains on the rest', () => {
    expect(split.test.users.length).toBe(data.histories.filter((hist) => hist.length >= 3).length);
    split.test.users.forEach((u, k) => {
      const items = Array.from(data.histories[u] as Int32Array);
      expect(split.test.targets[k]).toEqual([items[items.length - 1]]);
      expect(split.validation.targets[k]).toEqual([items[items.length - 2]]);
      expect(split.train[u]).toEqual(items.slice(0, -2));
      expect(split.test.inputs[k]).toEqual(items.slice(0, -1));
    });
  });
});

describe('cold-items', () => {
  const split = coldItemsSplit(data, 42);
  it('makes int(0.2·n) items cold and removes them from training', () => {
    expect(split.cold.reduce((s, c) => s + c, 0)).toBe(Math.floor(0.2 * data.itemIds.length));
    for (const row of split.train) for (const i of row) expect(split.cold[i]).toBe(0);
  });

  it('tests users with warm input and cold targets only', () => {
    expect(split.test.users.length).toBeGreaterThan(50);
    split.test.users.forEach((_, k) => {
      expect((split.test.inputs[k] as number[]).every((i) => split.cold[i] === 0)).toBe(true);
      expect((split.test.targets[k] as number[]).every((i) => split.cold[i] === 1)).toBe(true);
      expect((split.test.inputs[k] as number[]).length).toBeGreaterThan(0);
      expect((split.test.targets[k] as number[]).length).toBeGreaterThan(0);
    });
  });

  it('is reproducible for a seed and changes with it', () => {
    expect(coldItemsSplit(data, 42).cold).toEqual(split.cold);
    expect(coldItemsSplit(data, 43).cold).not.toEqual(split.cold);
  });
});
