import { describeValue, LocalrecError } from '../shared/errors';
import type { EventType } from '../shared/types';
import type { NewEvent } from '../store/behaviour-store';

export const MAX_QUERY_LENGTH = 500;

const TYPES: readonly EventType[] = ['view', 'cart', 'purchase', 'search'];

/**
 * Checks an untrusted `track()` argument and builds the record to store. Nothing is stored
 * unless this returns.
 * @throws LocalrecError INVALID_EVENT | UNKNOWN_ITEM
 */
export function validateTrackInput(input: unknown, isKnownItem: (id: string) => boolean): NewEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new LocalrecError('INVALID_EVENT', 'track() takes an object like { type: "view", itemId }.');
  }
  const { type, itemId, query, timestamp } = input as Record<string, unknown>;
  if (typeof type !== 'string' || !TYPES.includes(type as EventType)) {
    throw new LocalrecError('INVALID_EVENT', `Event type must be one of ${TYPES.join(', ')}.`, { type: describeValue(type, 50) });
  }
  let time = Date.now();
  if (timestamp !== undefined) {
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp < 0) {
      throw new LocalrecError('INVALID_EVENT', 'timestamp must be a finite number of unix milliseconds.');
    }
    time = timestamp;
  }
  if (type === 'search') {
    if (typeof query !== 'string' || query.trim() === '') {
      throw new LocalrecError('INVALID_EVENT', 'A search event needs a non-empty query string.');
    }
    return { type, query: query.toWellFormed().trim().slice(0, MAX_QUERY_LENGTH), timestamp: time };
  }
  if (typeof itemId !== 'string' || !isKnownItem(itemId)) {
    throw new LocalrecError('UNKNOWN_ITEM', `No catalog item has id ${describeValue(itemId)}.`, { itemId: describeValue(itemId, 256) });
  }
  return { type: type as NewEvent['type'], itemId, timestamp: time };
}
