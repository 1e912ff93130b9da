import { fnv1a, FNV_OFFSET } from '../../util/hash';
import { LocalrecError } from '../../shared/errors';
import { csrFromRows, type Csr } from '../../util/csr';

import type { Interaction } from '../../shared/types';

export interface TrainingMatrix {
  /** sessions × vocabulary (vocabulary = catalog items seen in the interactions). */
  matrix: Csr;
  /** Catalog item id of each vocabulary column. */
  itemIds: string[];
  sessions: number;
  /** Interactions dropped: item not in the catalog, or malformed. */
  skipped: number;
  fingerprint: string;
}

/** Parses `interactions.csv` (header with user_id/session_id and item_id) or JSONL rows. */
export function parseInteractions(text: string): Interaction[] {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return [];
  if (lines[0]!.startsWith('{')) {
    return lines.flatMap((line) => {
      try {
        const row = JSON.parse(line) as Record<string, unknown>;
        const sessionId = row.sessionId ?? row.session_id ?? row.user_id;
        return typeof sessionId === 'string' && typeof row.item_id === 'string'
          ? [{ sessionId, itemId: row.item_id }]
          : typeof sessionId === 'string' && typeof row.itemId === 'string'
            ? [{ sessionId, itemId: row.itemId }]
            : [];
      } catch {
        return [];
      }
    });
  }
  const header = lines[0]!.split(',').map((h) => h.trim());
  const sessionCol = header.findIndex((h) => h === 'user_id' || h === 'session_id' || h === 'sessionId');
  const itemCol = header.findIndex((h) => h === 'item_id' || h === 'itemId');
  if (sessionCol < 0 || itemCol < 0) {
    throw new LocalrecError('INVALID_ARGUMENT', 'The interactions CSV needs a header with user_id (or session_id) and item_id.');
  }
  return lines.slice(1).flatMap((line) => {
    const cells = line.split(',');
    const sessionId = cells[sessionCol]?.trim();
    const itemId = cells[itemCol]?.trim();
    return sessionId && itemId ? [{ sessionId, itemId }] : [];
  });
}

/**
 * Groups interactions by session into a binary sessions × items matrix over the catalog items
 * they mention (repeats count once). Rows with unknown items are skipped and counted.
 */
export function buildTrainingMatrix(interactions: readonly Interaction[], isKnownItem: (id: string) => boolean): TrainingMatrix {
  const column = new Map<string, number>();
  const sessions = new Map<string, Set<number>>();
  let skipped = 0;
  let hash = FNV_OFFSET;
  for (const { sessionId, itemId } of interactions) {
    if (typeof sessionId !== 'string' || typeof itemId !== 'string' || !isKnownItem(itemId)) {
      skipped++;
      continue;
    }
    let col = column.get(itemId);
    if (col === undefined) column.set(itemId, (col = column.size));
    let basket = sessions.get(sessionId);
    if (!basket) sessions.set(sessionId, (basket = new Set()));
    basket.add(col);
    hash = fnv1a(itemId, fnv1a(sessionId, hash));
  }
  const rows = [...sessions.values()].map((basket) => [...basket]);
  return {
    matrix: csrFromRows(rows, column.size),
    itemIds: [...column.keys()],
    sessions: rows.length,
    skipped,
    fingerprint: `${interactions.length}-${hash.toString(16)}`,
  };
}
