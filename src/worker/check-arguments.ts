import { describeValue, LocalrecError } from '../shared/errors';
import type { ExcludeRule, RecommendOptions, StoredEvent } from '../shared/types';
import { SRI_PATTERN } from '../shared/sri';
import { MAX_QUERY_LENGTH } from './validate-event';

/** The most items one call may ask for. */
export const MAX_K = 1000;

/** @throws LocalrecError INVALID_ARGUMENT unless `value` is an integer in [1, MAX_K] (absent → `fallback`). */
export function checkK(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_K) {
    throw new LocalrecError('INVALID_ARGUMENT', `k must be an integer from 1 to ${MAX_K}.`, { k: describeValue(value) });
  }
  return value;
}

const EXCLUDE_TYPES: Record<ExcludeRule, StoredEvent['type']> = { viewed: 'view', carted: 'cart', purchased: 'purchase' };

/**
 * The event types whose items `recommend()` leaves out (default: everything the shopper touched).
 * @throws LocalrecError INVALID_ARGUMENT
 */
export function excludedEventTypes(rules: unknown): Set<StoredEvent['type']> {
  const list = rules ?? ['viewed', 'carted', 'purchased'];
  if (!Array.isArray(list) || list.some((rule) => typeof rule !== 'string' || !Object.hasOwn(EXCLUDE_TYPES, rule))) {
    throw new LocalrecError('INVALID_ARGUMENT', `exclude must list 'viewed', 'carted' or 'purchased'.`);
  }
  return new Set((list as ExcludeRule[]).map((rule) => EXCLUDE_TYPES[rule]));
}

/**
 * The page the shopper is on (`recommend({ context })`), checked: an item id and/or a query.
 * @throws LocalrecError INVALID_ARGUMENT
 */
export function checkContext(context: unknown): { itemId?: unknown; query?: string } {
  if (context === undefined) return {};
  if (typeof context !== 'object' || context === null) throw new LocalrecError('INVALID_ARGUMENT', 'context must be { itemId?, query? }.');
  const { itemId, query } = context as NonNullable<RecommendOptions['context']>;
  if (query !== undefined && typeof query !== 'string') throw new LocalrecError('INVALID_ARGUMENT', 'context.query must be a string.');
  const cleaned = query?.toWellFormed().trim().slice(0, MAX_QUERY_LENGTH);
  return { ...(itemId !== undefined ? { itemId } : {}), ...(cleaned ? { query: cleaned } : {}) };
}

/**
 * An options argument: an object, or absent (→ `{}`).
 * @throws LocalrecError INVALID_ARGUMENT naming the call and the shape it takes
 */
export function checkOptions<T extends object>(options: T | undefined, call: string, shape: string): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null) throw new LocalrecError('INVALID_ARGUMENT', `${call}() takes ${shape}.`);
  return options;
}

/**
 * fineTuneReasons()'s options: at most 50,000 reviews, 1–20 epochs (default 2).
 * @throws LocalrecError INVALID_ARGUMENT
 */
export function checkReasonTuning(options: unknown): { reviews: { itemId: string; text: string }[]; epochs: number } {
  const { reviews, epochs = 2 } = (options ?? {}) as { reviews?: unknown; epochs?: unknown };
  if (typeof options !== 'object' || options === null || !Array.isArray(reviews)) {
    throw new LocalrecError('INVALID_ARGUMENT', 'fineTuneReasons() takes { reviews: [{ itemId, text }], epochs? }.');
  }
  if (reviews.length > 50_000) throw new LocalrecError('INVALID_ARGUMENT', 'At most 50,000 reviews per call.');
  if (typeof epochs !== 'number' || !Number.isInteger(epochs) || epochs < 1 || epochs > 20) throw new LocalrecError('INVALID_ARGUMENT', 'epochs must be an integer from 1 to 20.');
  return { reviews: reviews as { itemId: string; text: string }[], epochs };
}

/**
 * The packs' integrity values, as the page passed them: Subresource-Integrity form (sha256-…).
 * @throws LocalrecError INVALID_OPTIONS
 */
export function checkIntegrityOptions(values: { modelsIntegrity?: string; reasonsIntegrity?: string }): void {
  for (const [key, value] of [['models', values.modelsIntegrity], ['reasons', values.reasonsIntegrity]] as const) {
    if (value !== undefined && !SRI_PATTERN.test(value)) {
      throw new LocalrecError('INVALID_OPTIONS', `options.integrity.${key} must be a Subresource-Integrity value such as 'sha256-…'.`);
    }
  }
}
