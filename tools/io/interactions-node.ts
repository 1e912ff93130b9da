import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Item } from '../../src/shared/types';

/** A dataset folder (layout of shared/data/README.md) read into per-user item lists. Node only. */
export interface InteractionData {
  /** Item-id vocabulary: items.jsonl ids in file order where present, then unseen ids in order of appearance. */
  itemIds: string[];
  /** Catalog entries aligned with `itemIds` (title '' and no attributes where items.jsonl has none). */
  items: Item[];
  userIds: string[];
  /** Per user, the distinct item indices in time order (ties: file order). */
  rows: number[][];
  /** Rows in the interactions file. */
  interactions: number;
}

export function readInteractionData(dir: string): InteractionData {
  const itemIds: string[] = [];
  const items: Item[] = [];
  const itemIndex = new Map<string, number>();
  const itemsPath = join(dir, 'items.jsonl');
  if (existsSync(itemsPath)) {
    for (const line of readFileSync(itemsPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const raw = JSON.parse(line) as Record<string, unknown>;
      const id = String(raw.id);
      if (itemIndex.has(id)) continue;
      itemIndex.set(id, itemIds.length);
      itemIds.push(id);
      const item: Item = { id, title: typeof raw.title === 'string' ? raw.title : '' };
      if (Array.isArray(raw.category)) item.category = raw.category.map(String);
      if (typeof raw.brand === 'string' && raw.brand) item.brand = raw.brand;
      if (typeof raw.price === 'number' && Number.isFinite(raw.price)) item.price = raw.price;
      if (typeof raw.description === 'string' && raw.description) item.description = raw.description;
      items.push(item);
    }
  }
  const text = readFileSync(join(dir, 'interactions.csv'), 'utf8');
  const lines = text.split('\n');
  const header = lines[0]!.trim().split(',');
  const ui = header.indexOf('user_id');
  const ii = header.indexOf('item_id');
  const ti = header.indexOf('timestamp');
  if (ui < 0 || ii < 0) throw new Error(`${dir}/interactions.csv: header must have user_id,item_id`);
  const userIndex = new Map<string, number>();
  const userIds: string[] = [];
  const events: { user: number; item: number; time: number; order: number }[] = [];
  for (let l = 1; l < lines.length; l++) {
    const line = lines[l]!.trim();
    if (!line) continue;
    const cells = line.split(',');
    const user = cells[ui]!;
    const item = cells[ii]!;
    let u = userIndex.get(user);
    if (u === undefined) {
      u = userIds.length;
      userIndex.set(user, u);
      userIds.push(user);
    }
    let i = itemIndex.get(item);
    if (i === undefined) {
      i = itemIds.length;
      itemIndex.set(item, i);
      itemIds.push(item);
      items.push({ id: item, title: '' });
    }
    events.push({ user: u, item: i, time: ti >= 0 ? Number(cells[ti]) : 0, order: events.length });
  }
  events.sort((a, b) => a.time - b.time || a.order - b.order);
  const rows: number[][] = userIds.map(() => []);
  const seen: Set<number>[] = userIds.map(() => new Set());
  for (const e of events) {
    if (seen[e.user]!.has(e.item)) continue;
    seen[e.user]!.add(e.item);
    rows[e.user]!.push(e.item);
  }
  return { itemIds, items, userIds, rows, interactions: events.length };
}
