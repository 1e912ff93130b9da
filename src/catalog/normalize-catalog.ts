import { fnv1a, FNV_OFFSET } from '../util/hash';
import type { CatalogReport, Item } from '../shared/types';

/** Length limits: longer strings are cut (and counted), so one bad row cannot bloat storage. */
export const LIMITS = {
  id: 256,
  title: 500,
  brand: 200,
  categoryLevel: 200,
  categoryLevels: 12,
  description: 5000,
  url: 2048,
} as const;

export interface NormalizedCatalog {
  items: Item[];
  report: Omit<CatalogReport, 'source' | 'cached' | 'reusedCopy'>;
}

type Counters = { droppedFields: number; truncatedFields: number };

const hasOwn = (row: object, key: string): boolean => Object.prototype.hasOwnProperty.call(row, key);

/** Well-formed UTF-16, trimmed, cut to `max`; anything but a string gives undefined. */
function cleanString(value: unknown, max: number, counters: Counters): string | undefined {
  if (typeof value !== 'string') return undefined;
  let text = value.toWellFormed().trim();
  if (text.length > max) {
    // Do not cut a surrogate pair in half.
    text = text.slice(0, max).toWellFormed().replace(/\uFFFD$/, '');
    counters.truncatedFields++;
  }
  return text;
}

function cleanCategory(value: unknown, counters: Counters): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const levels: string[] = [];
  for (const level of value.slice(0, LIMITS.categoryLevels)) {
    const text = cleanString(level, LIMITS.categoryLevel, counters);
    if (text) levels.push(text);
    else counters.droppedFields++;
  }
  if (value.length > LIMITS.categoryLevels) counters.truncatedFields++;
  return levels;
}

/** Markup remnants, or no word of three letters: a title a shopper could not read as a product. */
function isJunkTitle(title: string): boolean {
  return /[<>]|\/>/.test(title) || !/\p{L}{3,}/u.test(title);
}

/** Two rows with the same title key list the same product twice (case and spacing aside). */
export function titleKey(title: string): string {
  return title.toLowerCase().replace(/\s+/g, ' ');
}

/**
 * Turns untrusted rows into clean Items. Rows without a usable id or title are skipped and
 * counted; optional fields with a wrong type or value are dropped and counted. Only known fields
 * are copied, so prototype keys (`__proto__`, `constructor`) never reach the engine or storage.
 */
export function normalizeCatalog(rows: readonly unknown[]): NormalizedCatalog {
  const items: Item[] = [];
  const seen = new Set<string>();
  const skipped = { notAnObject: 0, invalidId: 0, duplicateId: 0, invalidTitle: 0 };
  const counters: Counters = { droppedFields: 0, truncatedFields: 0 };
  const titles = { junk: 0, duplicate: 0 };
  const titleSeen = new Set<string>();

  for (const row of rows) {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      skipped.notAnObject++;
      continue;
    }
    const rawId = hasOwn(row, 'id') ? (row as { id: unknown }).id : undefined;
    if (typeof rawId !== 'string' || rawId.trim() === '' || rawId.length > LIMITS.id) {
      skipped.invalidId++;
      continue;
    }
    const id = rawId.toWellFormed().trim();
    if (seen.has(id)) {
      skipped.duplicateId++;
      continue;
    }
    const fields = row as Record<string, unknown>;
    const title = hasOwn(row, 'title') ? cleanString(fields.title, LIMITS.title, counters) : undefined;
    if (!title) {
      skipped.invalidTitle++;
      continue;
    }
    seen.add(id);
    const item: Item = { id, title };
    // Kept, but counted: a title that names nothing ("Industrial & Scientific />"), or another row's title.
    if (isJunkTitle(title)) titles.junk++;
    const key = titleKey(title);
    if (titleSeen.has(key)) titles.duplicate++;
    else titleSeen.add(key);

    const optional = <T>(key: string, clean: (v: unknown) => T | undefined, assign: (v: T) => void): void => {
      if (!hasOwn(row, key) || fields[key] === null || fields[key] === undefined) return;
      const value = clean(fields[key]);
      if (value === undefined) counters.droppedFields++;
      else assign(value);
    };
    optional('category', (v) => cleanCategory(v, counters), (v) => (item.category = v));
    optional('brand', (v) => cleanString(v, LIMITS.brand, counters) || undefined, (v) => (item.brand = v));
    optional('description', (v) => cleanString(v, LIMITS.description, counters), (v) => (item.description = v));
    optional('price', (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined), (v) => (item.price = v));
    // Availability under the names feeds use: `available`, `inStock`, or a schema.org / Google
    // Merchant `availability` value; the first one present decides; none = unknown = available.
    const availabilityKey = AVAILABILITY_KEYS.find((key) => hasOwn(row, key) && fields[key] !== null && fields[key] !== undefined);
    if (availabilityKey) optional(availabilityKey, availabilityOf, (v) => (item.available = v));
    optional('url', (v) => cleanString(v, LIMITS.url, counters), (v) => (item.url = v));
    optional('image', (v) => cleanString(v, LIMITS.url, counters), (v) => (item.image = v));
    items.push(item);
  }
  return {
    items,
    report: { rows: rows.length, size: items.length, skipped, ...counters, suspectTitles: titles },
  };
}

const AVAILABILITY_KEYS = ['available', 'inStock', 'availability'] as const;
const UNAVAILABLE = new Set(['outofstock', 'soldout', 'discontinued']);
const AVAILABLE = new Set(['instock', 'limitedavailability', 'onlineonly', 'instoreonly', 'preorder', 'presale', 'backorder']);

/** `true` / `false` from a boolean or an availability value ('in_stock', 'OutOfStock', 'https://schema.org/SoldOut'…); undefined if unknown. */
export function availabilityOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const key = value.trim().replace(/^https?:\/\/schema\.org\//i, '').replace(/[\s_-]+/g, '').toLowerCase();
  return UNAVAILABLE.has(key) ? false : AVAILABLE.has(key) ? true : undefined;
}

/** A cheap, stable fingerprint of the catalog content (FNV-1a over ids, titles and categories). */
export function catalogFingerprint(items: readonly Item[]): string {
  let hash = FNV_OFFSET;
  for (const item of items) {
    for (const text of [item.id, item.title, item.category?.join('>') ?? '', item.brand ?? '']) hash = fnv1a(text, hash);
  }
  return `${items.length}-${hash.toString(16)}`;
}
