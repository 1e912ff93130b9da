import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/shared/types';
import { EventHistory } from '../../../src/store/event-history';

const event = (seq: number): StoredEvent => ({ seq, type: 'view', itemId: `i${seq}`, timestamp: seq });

describe('EventHistory', () => {
  it('keeps events in seq order, each once, whatever order they arrive in (several tabs)', () => {
    const history = new EventHistory(10);
    for (const seq of [3, 1, 2, 5, 3, 4, 1]) history.add(event(seq));
    expect(history.list().map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('drops the oldest beyond maxEvents and below a pruning floor', () => {
    const history = new EventHistory(3);
    for (let seq = 1; seq <= 5; seq++) history.add(event(seq));
    expect(history.list().map((e) => e.seq)).toEqual([3, 4, 5]);
    history.dropBelow(5);
    expect(history.list().map((e) => e.seq)).toEqual([5]);
    history.add(event(4)); // re-announced after being dropped: it is gone from the store too, but harmless
    history.clear();
    expect(history.size).toBe(0);
  });
});
