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

/** A query reduced to the terms searched for. */
export interface ParsedQuery {
  /** Distinct terms in query order, at most MAX_QUERY_TERMS. */
  terms: string[];
  /** Whether the last term is still being typed (no space or punctuation after it): prefix-match it. */
  lastIsPartial: boolean;
}

/** Splits a (checked, string) query into terms; an empty or stopword-only query gives no terms. */
export function parseQuery(query: string): ParsedQuery {
  const cut = query.toWellFormed().slice(0, MAX_SEARCH_QUERY_LENGTH);
  const terms = [...new Set(tokenize(fold(cut), MAX_QUERY_TERMS * 4))].slice(0, MAX_QUERY_TERMS);
  return { terms, lastIsPartial: /[\p{L}\p{N}]$/u.test(cut) };
}

/** Edit distance allowed for a query word that is not in the catalog's vocabulary (0: none). */
export function typoDistance(term: string): number {
  // Model numbers and sizes ("dw4524", "175mm") are never typo-matched: a near miss is another product.
  if (/\p{N}/u.test(term)) return 0;
  if (term.length >= 8) return 2;
  if (term.length >= 4) return 1;
  return 0;
}
