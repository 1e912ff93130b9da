import type { Item } from '../shared/types';
import { tokenize } from '../features/tokenize';
import { MAX_QUERY_LENGTH } from '../worker/validate-event';

/** The item fields search reads, in the order they are indexed. */
export const SEARCH_FIELDS = ['title', 'brand', 'category', 'description'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

/** Longest query read (the same cut as a tracked search event); longer queries are cut, not refused. */
export const MAX_SEARCH_QUERY_LENGTH = MAX_QUERY_LENGTH;
/** Distinct query words used at most (after the cut): bounds the work of one search. */
export const MAX_QUERY_TERMS = 32;

/** Tokens kept per field: long descriptions must not make the index huge. */
const FIELD_TOKENS: Record<SearchField, number> = { title: 100, brand: 20, category: 60, description: 100 };
/** Characters read per field before tokenizing (≈ 10 per token kept): the rest could not add a token. */
const FIELD_CHARS: Record<SearchField, number> = { title: 1000, brand: 200, category: 600, description: 1200 };

/** Accents folded ("Café" → "cafe"), so a shopper need not type diacritics. ASCII text is returned as is. */
function fold(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u007f]/.test(text) ? text.normalize('NFKD').replace(/\p{M}+/gu, '') : text;
}

/**
 * The search terms of one field: the catalog's tokenizer (letters/digits, no stopwords, no
 * one-letter words) over accent-folded text, so search and the content model see the same words.
 */
export function fieldTerms(text: string, field: SearchField): string[] {
  return tokenize(fold(text.slice(0, FIELD_CHARS[field])), FIELD_TOKENS[field]);
}

/** The text of one field of an item ('' when absent). Category levels are joined broad → narrow. */
export function fieldText(item: Item, field: SearchField): string {
  switch (field) {
    case 'title':
      return item.title;
    case 'brand':
      return item.brand ?? '';
    case 'category':
      return item.category?.join(' ') ?? '';
    case 'description':
      return item.description ?? '';
  }
}

/**
 * Words that carry no weight in a query, beyond the catalog's stopwords: how a shopper phrases a
 * need ("something to measure how hot my oven is", "protect my eyes when soldering") rather than
 * what they need: pronouns, question words, auxiliaries, conjunctions, and the words of asking
 * ("need", "want", "looking", "something"). Not the prepositions and quantifiers that name
 * products ("all-purpose", "cut-off wheel", "pull-up bar", "over-ear", "each"). Only queries drop them: the
 * catalog's own text is indexed as the content model sees it (features/tokenize.ts), so a product
 * named "My Sign Center" is still found by its name's other words.
 */
export const QUERY_STOPWORDS: ReadonlySet<string> = new Set(
  (
    'i me my mine myself we us our ours he him his she her hers they them their theirs its it itself yourself ' +
    'what which who whom whose when where why how whether if than then so such too very just also ' +
    'do does did doing done was were been being have has had having could would should will shall might must ' +
    'need needs needed want wants wanted wanting looking look trying try like ' +
    'something anything everything nothing someone thing things stuff some any kind sort while there here'
  ).split(' '),
);

/** A query reduced to the terms searched for. */
export interface ParsedQuery {
  /** Distinct terms in query order, at most MAX_QUERY_TERMS. */
  terms: string[];
  /** Whether the last term is still being typed (no space or punctuation after it): prefix-match it. */
  lastIsPartial: boolean;
  /**
   * In a need, the last term is a query stopword still being typed ("… a need" on the way to
   * "needle"): only its completions count, not the word itself. A need of stopwords alone
   * ("something for my …") searches for nothing.
   */
  completionsOnly: boolean;
  /**
   * The query is phrased as a need, a sentence rather than keywords: three or more words, one of
   * them a query stopword or an article ("something to measure how hot my oven is", "measure the
   * thickness of a wire"). Its query stopwords are dropped, and it also matches other forms of its
   * words, closed compounds and its matches' category neighbours (SearchIndex); keywords
   * ("infrared thermometers", "duct tape", "my sign") match as typed.
   */
  need: boolean;
}

/** Articles: with the query stopwords, what tells a sentence from keywords. */
const ARTICLES = new Set(['the', 'a', 'an']);

/** Words a query needs, at least, to be read as a sentence rather than keywords. */
const SENTENCE_WORDS = 3;

/**
 * Splits a (checked, string) query into terms. A query phrased as a need (three or more words,
 * one of them a query stopword or an article) loses its query stopwords; one of keywords keeps
 * them ("my sign" finds My Sign Center). An empty query, or one of stopwords only, gives no terms.
 */
export function parseQuery(query: string): ParsedQuery {
  const cut = query.toWellFormed().slice(0, MAX_SEARCH_QUERY_LENGTH);
  const folded = fold(cut);
  const typing = /[\p{L}\p{N}]$/u.test(cut);
  const words = tokenize(folded, MAX_QUERY_TERMS * 4);
  const all = folded.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  // Whole words only: a stopword still being typed may be the start of a product word ("need" → needle).
  const whole = typing ? all.slice(0, -1) : all;
  const need = all.length >= SENTENCE_WORDS && whole.some((w) => QUERY_STOPWORDS.has(w) || ARTICLES.has(w));
  if (!need) return { terms: [...new Set(words)].slice(0, MAX_QUERY_TERMS), lastIsPartial: typing, completionsOnly: false, need };
  const content = words.filter((w) => !QUERY_STOPWORDS.has(w));
  if (content.length === 0) return { terms: [], lastIsPartial: false, completionsOnly: false, need };
  // The word being typed, when tokenize kept it (not a one-letter word or a catalog stopword).
  const last = typing && words.length > 0 && all.at(-1) === words.at(-1) ? words.at(-1)! : null;
  const completionsOnly = last !== null && QUERY_STOPWORDS.has(last);
  const terms = [...new Set(completionsOnly ? [...content.filter((w) => w !== last), last] : content)].slice(0, MAX_QUERY_TERMS);
  // The last term is prefix-matched only when it is the word being typed ("… my oven is": not "oven").
  return { terms, lastIsPartial: last !== null && terms.at(-1) === last, completionsOnly: completionsOnly && terms.at(-1) === last, need };
}

/** Edit distance allowed for a query word that is not in the catalog's vocabulary (0: none). */
export function typoDistance(term: string): number {
  // Model numbers and sizes ("dw4524", "175mm") are never typo-matched: a near miss is another product.
  if (/\p{N}/u.test(term)) return 0;
  if (term.length >= 8) return 2;
  if (term.length >= 4) return 1;
  return 0;
}

/** Words whose final s is not a plural. */
const UNSTEMMED = new Set(['lens', 'series', 'species', 'news', 'gauss', 'chassis']);

/**
 * A light English stem, for matching a query word to other forms of it in the catalog
 * ("eyes" → eye, "protective"/"protection" → protect, "soldering"/"soldered" → solder,
 * "measuring"/"measures" → measur). Plurals, -ing, -ed, -ment, -ctive, -ction/-ssion, and a final
 * e; never "-er" (solder, meter and holder are words of their own), never below four letters, and
 * never for words with digits (model numbers and sizes). Conservative on purpose: a stem only
 * widens the words a query word matches, at a lower weight than the word itself.
 */
export function lightStem(word: string): string {
  if (word.length < 4 || /\p{N}/u.test(word) || UNSTEMMED.has(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (/(?:x|z|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  const strip = (suffix: string, keep = 0): boolean => {
    if (!w.endsWith(suffix) || w.length - suffix.length + keep < 4) return false;
    w = w.slice(0, w.length - suffix.length + keep);
    return true;
  };
  if (strip('ing') || strip('ed')) {
    // cutting → cut, but pressed → press, rolled → roll
    if (/([^aeiouslzf])\1$/.test(w)) w = w.slice(0, -1);
  } else if (!strip('ment') && !strip('ctive', 2)) {
    if (/(?:ction|ssion)$/.test(w)) w = w.slice(0, -3);
  }
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}
