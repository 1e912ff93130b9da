import type { Item } from '../src/shared/types';
import { nearDuplicates, titleWords } from '../src/features/title-words';

/** List quality of shared/EVALUATION.md, reported with `strong` and `loo`: how a top 12 reads to a shopper. */
export const LIST_DEPTH = 12;

/** Each column's title word set (the catalog's tokenisation), or null when the catalog has no titles. */
export function titleWordSets(items: readonly Item[]): (ReadonlySet<string> | null)[] | null {
  const sets = items.map((item) => (item.title ? titleWords(item.title) : null));
  return sets.some((s) => s !== null && s.size > 0) ? sets : null;
}

/** Whether a list (its first LIST_DEPTH entries) holds a near-duplicate pair. */
export function hasNearDuplicate(ranked: ArrayLike<number>, words: readonly (ReadonlySet<string> | null)[]): boolean {
  const n = Math.min(LIST_DEPTH, ranked.length);
  for (let a = 0; a < n; a++) {
    const wa = words[ranked[a]!];
    if (!wa) continue;
    for (let b = a + 1; b < n; b++) {
      const wb = words[ranked[b]!];
      if (wb && nearDuplicates(wa, wb)) return true;
    }
  }
  return false;
}

/** Accumulates `dup@12` and `coverage@12` over the test users' lists. */
export class ListQuality {
  private users = 0;
  private withDuplicate = 0;
  private readonly shown: Uint8Array;

  constructor(private readonly words: readonly (ReadonlySet<string> | null)[]) {
    this.shown = new Uint8Array(words.length);
  }

  add(ranked: ArrayLike<number>): void {
    this.users++;
    if (hasNearDuplicate(ranked, this.words)) this.withDuplicate++;
    for (let r = 0; r < Math.min(LIST_DEPTH, ranked.length); r++) this.shown[ranked[r]!] = 1;
  }

  metrics(): Record<string, number> {
    let covered = 0;
    for (const s of this.shown) covered += s;
    return { [`dup@${LIST_DEPTH}`]: this.users ? this.withDuplicate / this.users : 0, [`coverage@${LIST_DEPTH}`]: this.shown.length ? covered / this.shown.length : 0 };
  }
}
