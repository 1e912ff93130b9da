import { isContentWord, sentences, tokenizeText } from './text';

/**
 * Aspects, defined simply: an **aspect term** is a content word (3+ letters, not a stopword, see
 * text.ts: function words and the usual opinion/use vocabulary) that occurs in at least
 * `minReviews` training reviews of at least `minItems` different items; the lexicon keeps the
 * `size` most frequent ones ("strings", "pedal", "tuner", "sound", "cable", …). An **aspect of an
 * item** is an aspect term that other shoppers' training reviews of that item mention, ranked by
 * how many of those reviews mention it (ties: lexicon order).
 */
export interface LexiconOptions {
  size: number;
  minReviews: number;
  minItems: number;
}

export const DEFAULT_LEXICON: LexiconOptions = { size: 250, minReviews: 10, minItems: 3 };
/** Aspects an item's evidence carries. */
export const ASPECTS_PER_ITEM = 10;

export interface ReviewText {
  userId: string;
  itemId: string;
  text: string;
}

/** The aspect lexicon of a set of training reviews, most frequent first. */
export function mineAspectLexicon(reviews: readonly ReviewText[], options: LexiconOptions = DEFAULT_LEXICON): string[] {
  const df = new Map<string, number>();
  const items = new Map<string, Set<string>>();
  for (const review of reviews) {
    for (const word of new Set(tokenizeText(review.text).filter(isContentWord))) {
      df.set(word, (df.get(word) ?? 0) + 1);
      let set = items.get(word);
      if (!set) items.set(word, (set = new Set()));
      set.add(review.itemId);
    }
  }
  return [...df]
    .filter(([word, n]) => n >= options.minReviews && items.get(word)!.size >= options.minItems)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, options.size)
    .map(([word]) => word);
}

/**
 * Per item, how many training reviews mention each aspect term; gives an item's aspects, optionally
 * without one review's words (a training target must not see its own review in its evidence).
 */
export class AspectIndex {
  private readonly rank: Map<string, number>;
  private readonly counts = new Map<string, Map<string, number>>();

  constructor(
    readonly lexicon: readonly string[],
    reviews: readonly ReviewText[],
  ) {
    this.rank = new Map(lexicon.map((w, i) => [w, i]));
    for (const review of reviews) {
      let c = this.counts.get(review.itemId);
      if (!c) this.counts.set(review.itemId, (c = new Map()));
      for (const word of this.termsOf(review.text)) c.set(word, (c.get(word) ?? 0) + 1);
    }
  }

  /** The distinct aspect terms of a text. */
  termsOf(text: string): Set<string> {
    return new Set(tokenizeText(text).filter((t) => this.rank.has(t)));
  }

  isTerm(word: string): boolean {
    return this.rank.has(word);
  }

  /** The item's aspects, best first; `without` = the text of a review to leave out of the counts. */
  aspectsOf(itemId: string, without?: string, perItem = ASPECTS_PER_ITEM): string[] {
    const c = this.counts.get(itemId);
    if (!c) return [];
    const minus = without === undefined ? new Set<string>() : this.termsOf(without);
    return [...c]
      .map(([w, n]) => [w, n - (minus.has(w) ? 1 : 0)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1] || this.rank.get(a[0])! - this.rank.get(b[0])!)
      .slice(0, perItem)
      .map(([w]) => w);
  }

  /** Every item's aspects (for a pack). */
  allAspects(perItem = ASPECTS_PER_ITEM): Map<string, string[]> {
    return new Map([...this.counts.keys()].map((id) => [id, this.aspectsOf(id, undefined, perItem)]));
  }
}

/**
 * The reference / target sentence of a review (shared/EVALUATION.md, `reasons`): the first
 * sentence that mentions one of the item's aspects, else the first sentence.
 */
export function reviewSentence(text: string, aspects: readonly string[]): string {
  const all = sentences(text);
  const set = new Set(aspects);
  return all.find((s) => tokenizeText(s).some((t) => set.has(t))) ?? all[0] ?? '';
}
