import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReviewText } from '../../src/explain/generator/aspects';

/** Reads `reviews.jsonl` of a dataset directory (user_id, item_id, text). */
export function readReviews(dir: string): ReviewText[] {
  const out: ReviewText[] = [];
  for (const line of readFileSync(join(dir, 'reviews.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { user_id?: unknown; item_id?: unknown; text?: unknown };
    if (typeof row.user_id !== 'string' || typeof row.item_id !== 'string' || typeof row.text !== 'string') continue;
    out.push({ userId: row.user_id, itemId: row.item_id, text: row.text });
  }
  return out;
}
