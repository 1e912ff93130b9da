import type { Evidence, Item, SharedAttribute } from '../../shared/types';
import { priceBandLabel } from '../shared-attributes';
import { shortTitle } from '../template-reason';
import { FUNCTION_WORDS, tokenizeText } from './text';

/**
 * The facts a reason may state, all true of the recommended item and of the shopper's own
 * history: what the generator is conditioned on, and what the checker holds a reason to.
 */
export interface ReasonEvidence {
  /** The recommended item. */
  item: Item;
  /** Aspects of the item (from its reviews, or its title where it has none). */
  aspects: string[];
  /** The history behind the recommendation, most influential first. */
  evidence: Evidence[];
  /** Attributes the item really shares with history items. */
  shared: SharedAttribute[];
  /** Catalog rows of the evidence items (brand, category, title), by id. */
  historyItems: Item[];
}

/**
 * Words that state a fact about a product when they appear in a reason: the aspect lexicon of the
 * reasons pack, and every brand and category word of the catalog but its function words. "The" of
 * "The Hillman Group" or "and" of a category name states nothing: counted as facts, they failed
 * nearly every generated sentence on a real catalog, so the generator never reached the shopper.
 */
export class FactWords {
  private readonly words: Set<string>;
  constructor(aspectLexicon: Iterable<string>, catalog: readonly Item[] = []) {
    this.words = new Set(aspectLexicon);
    const add = (text: string | undefined): void => {
      for (const w of tokenizeText(text ?? '')) if (!FUNCTION_WORDS.has(w)) this.words.add(w);
    };
    for (const item of catalog) {
      add(item.brand);
      add(item.category?.at(-1));
    }
  }
  has(word: string): boolean {
    return this.words.has(word);
  }
}

export interface CheckResult {
  ok: boolean;
  /** Each unsupported claim, in words. */
  violations: string[];
}

const EVENT_OF: Record<string, 'view' | 'cart' | 'purchase'> = { viewed: 'view', added: 'cart', bought: 'purchase' };
/** A quoted name and the verb before it; "You viewed" at the start of a sentence is read as "you viewed". */
const QUOTE = /(?:\b[Yy]ou (viewed|added|bought|searched for) )?[“"]([^”"]*)[”"]/g;
const ALWAYS_TRUE = /^[.,!?;:]$|^[0-9]+$/;

/**
 * Checks every fact a reason states against the evidence:
 * - a quoted name (“…”) must be the item's or an evidence item's title (as the reasons cut it) or
 *   a search from the history; "you viewed/added/bought/searched for “X”" must match the event;
 * - a price ($…) must be the item's price band;
 * - every fact word (aspect term, brand or category word) outside quotes must be true of the
 *   item: one of its aspects, or a word of its title, brand or category, or of an attribute it
 *   shares with the history.
 */
export function checkReason(text: string, ev: ReasonEvidence, facts: FactWords): CheckResult {
  const violations: string[] = [];
  const titles = new Map<string, 'view' | 'cart' | 'purchase' | 'item'>();
  titles.set(shortTitle(ev.item.title), 'item');
  const searches = new Set<string>();
  for (const e of ev.evidence) {
    if (e.kind === 'item') titles.set(shortTitle(e.title), e.event);
    else searches.add(shortTitle(e.query));
  }
  const rest = text.replace(QUOTE, (_match, verb: string | undefined, quoted: string) => {
    if (verb === 'searched for') {
      if (!searches.has(quoted)) violations.push(`search “${quoted}” is not in the history`);
    } else {
      const event = titles.get(quoted);
      if (event === undefined) violations.push(`“${quoted}” is neither the item nor in the evidence`);
      else if (verb && event !== EVENT_OF[verb]) violations.push(`the history does not say you ${verb} “${quoted}”`);
    }
    return ' ';
  });

  const prices = new Set<string>();
  if (ev.item.price !== undefined) prices.add(priceBandLabel(ev.item.price));
  for (const s of ev.shared) if (s.attribute === 'price band') prices.add(s.value);
  for (const match of rest.matchAll(/\$[0-9][0-9.,]*(?:–\$[0-9][0-9.,]*)?/g)) {
    const stated = match[0].replace(/[.,]$/, '');
    if (![...prices].some((p) => p === stated || p.split('–').includes(stated))) violations.push(`price ${stated} is not the item's price band`);
  }

  const allowed = new Set<string>(ev.aspects);
  const addWords = (s: string | undefined): void => {
    for (const w of tokenizeText(s ?? '')) allowed.add(w);
  };
  addWords(ev.item.title);
  addWords(ev.item.brand);
  for (const c of ev.item.category ?? []) addWords(c);
  for (const s of ev.shared) addWords(s.value);
  for (const token of tokenizeText(rest.replace(/\$[0-9][0-9.,–$]*/g, ' '))) {
    if (ALWAYS_TRUE.test(token) || !facts.has(token) || allowed.has(token)) continue;
    violations.push(`"${token}" is not true of this item`);
  }
  return { ok: violations.length === 0, violations };
}
