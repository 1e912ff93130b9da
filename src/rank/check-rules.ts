import { describeValue, LocalrecError } from '../shared/errors';
import type { Boost, ItemFilter, MerchantRules } from '../shared/types';
import type { ItemCondition } from '../catalog/item-match';

/** Bounds of a boost, in standard deviations of the call's scores. */
export const MAX_BOOST = 5;
/** The most boost rules, and the most pins, one call may carry. */
export const MAX_RULES = 50;
/** The farthest position a pin may ask for (the most items one call returns, less one). */
const MAX_POSITION = 999;

/** The merchant's rules of one call, checked and resolved to catalog rows. */
export interface CheckedRules {
  /** What a returned item must satisfy (availability included: `true` unless the call says otherwise). */
  filter: ItemCondition & { available: boolean | 'any' };
  /** Rows never to return (`filter.excludeIds` and recommend()'s `excludeIds`, those in the catalog). */
  excludedRows: number[];
  boost: Boost[];
  maxPerCategory: number | undefined;
  spread: boolean;
  /** The call asked for 'spread' itself: every variant waits until the distinct items are placed, whatever the pack chose. */
  spreadAsked: boolean;
  /** Pinned rows, by position (0 = first). */
  pins: { row: number; position: number }[];
}

const FILTER_KEYS = new Set(['brand', 'category', 'minPrice', 'maxPrice', 'available', 'excludeIds']);
const BOOST_KEYS = new Set(['brand', 'category', 'itemIds', 'by']);
const PIN_KEYS = new Set(['itemId', 'position']);

function bad(what: string, value: unknown): never {
  throw new LocalrecError('INVALID_ARGUMENT', what, { value: describeValue(value) });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A typo (`brnad`) would otherwise be a rule silently not applied. */
function onlyKeys(value: Record<string, unknown>, keys: ReadonlySet<string>, what: string): void {
  const unknown = Object.keys(value).find((key) => !keys.has(key));
  if (unknown !== undefined) bad(`${what} has no field \`${unknown}\` (it takes ${[...keys].join(', ')}).`, value);
}

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((id) => typeof id === 'string');
}

function checkFilter(filter: unknown): ItemFilter {
  if (filter === undefined) return {};
  if (!isRecord(filter)) bad('filter must be { brand?, category?, minPrice?, maxPrice?, available?, excludeIds? }.', filter);
  onlyKeys(filter, FILTER_KEYS, 'filter');
  for (const key of ['brand', 'category'] as const) if (filter[key] !== undefined && typeof filter[key] !== 'string') bad(`filter.${key} must be a string.`, filter[key]);
  for (const key of ['minPrice', 'maxPrice'] as const) if (filter[key] !== undefined && !Number.isFinite(filter[key])) bad(`filter.${key} must be a number.`, filter[key]);
  const { minPrice, maxPrice, available, excludeIds } = filter as ItemFilter;
  if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) bad('filter.minPrice is above filter.maxPrice: no item could pass.', filter);
  if (available !== undefined && available !== true && available !== false && available !== 'any') bad(`filter.available must be true, false or 'any'.`, available);
  if (excludeIds !== undefined && !isIdList(excludeIds)) bad('filter.excludeIds must be item ids.', excludeIds);
  return filter as ItemFilter;
}

function checkBoost(boost: unknown): Boost[] {
  if (boost === undefined) return [];
  if (!Array.isArray(boost) || boost.length > MAX_RULES) bad(`boost must be an array of at most ${MAX_RULES} { brand?, category?, itemIds?, by } rules.`, boost);
  for (const rule of boost as unknown[]) {
    if (!isRecord(rule)) bad('each boost must be { brand?, category?, itemIds?, by }.', rule);
    onlyKeys(rule, BOOST_KEYS, 'a boost');
    if (typeof rule.by !== 'number' || !Number.isFinite(rule.by) || Math.abs(rule.by) > MAX_BOOST) bad(`each boost needs a number \`by\` from -${MAX_BOOST} to ${MAX_BOOST}.`, rule);
    if (rule.brand === undefined && rule.category === undefined && rule.itemIds === undefined) bad('a boost must name a brand, a category or itemIds (a boost of everything changes nothing).', rule);
    for (const key of ['brand', 'category'] as const) if (rule[key] !== undefined && typeof rule[key] !== 'string') bad(`boost.${key} must be a string.`, rule[key]);
    if (rule.itemIds !== undefined && !isIdList(rule.itemIds)) bad('boost.itemIds must be item ids.', rule.itemIds);
  }
  return boost as Boost[];
}

/** @throws LocalrecError INVALID_ARGUMENT (malformed) | UNKNOWN_ITEM (an id not in the catalog) */
function checkPins(pin: unknown, rowOf: (id: string) => number | undefined): CheckedRules['pins'] {
  if (pin === undefined) return [];
  if (!Array.isArray(pin) || pin.length > MAX_RULES) bad(`pin must be an array of at most ${MAX_RULES} { itemId, position }.`, pin);
  const rows = new Set<number>();
  const positions = new Set<number>();
  const out: CheckedRules['pins'] = [];
  for (const p of pin as unknown[]) {
    if (!isRecord(p)) bad('each pin must be { itemId, position }.', p);
    onlyKeys(p, PIN_KEYS, 'a pin');
    const { itemId, position } = p;
    if (typeof itemId !== 'string') bad('pin.itemId must be an item id.', itemId);
    if (typeof position !== 'number' || !Number.isInteger(position) || position < 0 || position > MAX_POSITION) bad(`pin.position must be an integer from 0 (first) to ${MAX_POSITION}.`, position);
    const row = rowOf(itemId);
    if (row === undefined) throw new LocalrecError('UNKNOWN_ITEM', `pin: no catalog item has id ${describeValue(itemId)}.`, { itemId: describeValue(itemId, 256) });
    if (rows.has(row)) bad(`pin: ${describeValue(itemId)} is pinned twice.`, pin);
    if (positions.has(position)) bad(`pin: two items are pinned at position ${position}.`, pin);
    rows.add(row);
    positions.add(position);
    out.push({ row, position });
  }
  return out.sort((a, b) => a.position - b.position);
}

/**
 * The merchant's rules of one call (filter, boost, maxPerCategory, variants, pin), checked and
 * resolved: recommend(), similar() and search() all take them through here.
 * @param defaultVariants what `variants` is when the call does not say
 * @param extraExcludeIds recommend()'s own `excludeIds` (the same as `filter.excludeIds`)
 * @throws LocalrecError INVALID_ARGUMENT | UNKNOWN_ITEM
 */
export function checkMerchantRules(
  rules: MerchantRules,
  defaultVariants: 'spread' | 'keep',
  rowOf: (id: string) => number | undefined,
  extraExcludeIds?: unknown,
): CheckedRules {
  const filter = checkFilter(rules.filter);
  if (extraExcludeIds !== undefined && !isIdList(extraExcludeIds)) bad('excludeIds must be item ids.', extraExcludeIds);
  const { maxPerCategory, variants = defaultVariants } = rules;
  if (maxPerCategory !== undefined && (!Number.isInteger(maxPerCategory) || maxPerCategory < 1)) bad('maxPerCategory must be a positive integer.', maxPerCategory);
  if (variants !== 'spread' && variants !== 'keep') bad(`variants must be 'spread' or 'keep'.`, variants);
  const excludedRows: number[] = [];
  for (const id of [...(filter.excludeIds ?? []), ...((extraExcludeIds as string[] | undefined) ?? [])]) {
    const row = rowOf(id);
    if (row !== undefined) excludedRows.push(row);
  }
  const { excludeIds: _ids, available = true, ...conditions } = filter;
  return {
    filter: { ...conditions, available },
    excludedRows,
    boost: checkBoost(rules.boost),
    maxPerCategory,
    spread: variants === 'spread',
    spreadAsked: rules.variants === 'spread',
    pins: checkPins(rules.pin, rowOf),
  };
}
