import { tokenize } from './tokenize';

/** Two titles whose word sets overlap this much (Jaccard) are one product in another colour, size or pack. */
export const NEAR_DUPLICATE_JACCARD = 0.7;

/** A title's word set (the catalog's tokenisation, lower-cased). */
export function titleWords(title: string): ReadonlySet<string> {
  return new Set(tokenize(title));
}

/** Whether two title word sets name near-duplicate products (shared/EVALUATION.md `dup@12`). */
export function nearDuplicates(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / (a.size + b.size - shared) >= NEAR_DUPLICATE_JACCARD;
}
