import type { Item } from '../src/shared/types';

/**
 * A dataset in the shared layout (`interactions.csv` + optional `items.jsonl`), reduced to what the
 * protocols need: for each user, the distinct items they interacted with, in time order.
 */
export interface Dataset {
  /** Directory basename, as reported in the JSON lines. */
  name: string;
  /** Item ids by column index: catalog order first, then items found only in interactions. */
  itemIds: string[];
  /** Catalog metadata aligned with `itemIds` (a bare `{id, title: ''}` where the catalog has none). */
  items: Item[];
  userIds: string[];
  /**
   * Each user's distinct items in time order. A repeated user–item pair keeps its first
   * occurrence; equal timestamps keep file order ("users kept by distinct items").
   */
  histories: Int32Array[];
  /**
   * Each user's every interaction in time order, repeats kept (ties: file order). Only the
   * `sessions` protocol reads these: a click stream, where clicking an item again is an event.
   */
  sequences: Int32Array[];
  /** Per user: the 0-based data-row position in interactions.csv of their last row (file order). */
  lastRows: Int32Array;
  /** Rows read from interactions.csv (before de-duplication). */
  interactions: number;
}

export interface InteractionRow {
  user: string;
  item: string;
  timestamp: number;
}

/** Splits one CSV line; handles double-quoted fields, which the shared sets do not use today. */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/**
 * Parses `interactions.csv` text (header `user_id,item_id,timestamp[,rating]`, any column order).
 * @throws Error when a required column is missing or a timestamp is not a number.
 */
export function parseInteractions(text: string): InteractionRow[] {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  const col = (name: string): number => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`interactions.csv: missing column "${name}" (header: ${header.join(',')})`);
    return at;
  };
  const [u, i, t] = [col('user_id'), col('item_id'), col('timestamp')];
  const rows: InteractionRow[] = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n];
    if (!line) continue;
    const f = splitCsvLine(line);
    const timestamp = Number(f[t]);
    if (!Number.isFinite(timestamp)) throw new Error(`interactions.csv line ${n + 1}: bad timestamp "${f[t]}"`);
    rows.push({ user: f[u] ?? '', item: f[i] ?? '', timestamp });
  }
  return rows;
}

interface RawItem {
  id?: unknown;
  title?: unknown;
  category?: unknown;
  brand?: unknown;
  price?: unknown;
  description?: unknown;
}

/** Parses `items.jsonl`; nulls become absent fields. */
export function parseItems(text: string): Item[] {
  const items: Item[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const raw = JSON.parse(line) as RawItem;
    if (raw.id === undefined || raw.id === null) continue;
    const item: Item = { id: String(raw.id), title: typeof raw.title === 'string' ? raw.title : '' };
    if (Array.isArray(raw.category)) item.category = raw.category.map(String);
    if (typeof raw.brand === 'string' && raw.brand) item.brand = raw.brand;
    if (typeof raw.price === 'number') item.price = raw.price;
    if (typeof raw.description === 'string') item.description = raw.description;
    items.push(item);
  }
  return items;
}

/**
 * Builds a Dataset from parsed rows. Columns are the items that occur in the interactions
 * (a catalog item nobody interacted with cannot be a target in any protocol).
 */
export function buildDataset(name: string, rows: InteractionRow[], catalog: Item[] = []): Dataset {
  const seen = new Set(rows.map((r) => r.item));
  const itemIndex = new Map<string, number>();
  const itemIds: string[] = [];
  const items: Item[] = [];
  for (const item of catalog) {
    if (!seen.has(item.id) || itemIndex.has(item.id)) continue;
    itemIndex.set(item.id, itemIds.length);
    itemIds.push(item.id);
    items.push(item);
  }
  for (const r of rows) {
    if (itemIndex.has(r.item)) continue;
    itemIndex.set(r.item, itemIds.length);
    itemIds.push(r.item);
    items.push({ id: r.item, title: '' });
  }

  // Per-user rows in file order; then a stable sort by timestamp keeps file order among ties.
  const userIndex = new Map<string, number>();
  const userIds: string[] = [];
  const perUser: { item: number; timestamp: number }[][] = [];
  const lastRowOf: number[] = [];
  for (let n = 0; n < rows.length; n++) {
    const r = rows[n] as InteractionRow;
    let u = userIndex.get(r.user);
    if (u === undefined) {
      u = userIds.length;
      userIndex.set(r.user, u);
      userIds.push(r.user);
      perUser.push([]);
    }
    lastRowOf[u] = n;
    (perUser[u] as { item: number; timestamp: number }[]).push({ item: itemIndex.get(r.item) as number, timestamp: r.timestamp });
  }
  const sequences: Int32Array[] = [];
  const histories = perUser.map((events) => {
    events.sort((a, b) => a.timestamp - b.timestamp); // Array.prototype.sort is stable
    sequences.push(Int32Array.from(events, (e) => e.item));
    const distinct: number[] = [];
    const has = new Set<number>();
    for (const e of events) {
      if (has.has(e.item)) continue;
      has.add(e.item);
      distinct.push(e.item);
    }
    return Int32Array.from(distinct);
  });
  return { name, itemIds, items, userIds, histories, sequences, lastRows: Int32Array.from(lastRowOf), interactions: rows.length };
}
