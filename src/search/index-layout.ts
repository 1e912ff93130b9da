// The search index's public shapes, BM25+ constants and posting layout (search-index.ts).
import type { SearchField } from './search-text';
import { SEARCH_FIELDS } from './search-text';

/** One search result: a catalog row (position in the items the index was built from) and its score. */
export interface SearchHit {
  row: number;
  /**
   * BM25+ summed over fields (with boosts) and query words, times the number of query words
   * matched (for a need, plus what the item's category neighbours lend: CATEGORY_SHARE).
   */
  score: number;
  /**
   * The share of the query's words the row matched, in (0, 1] (for a need, with what its category
   * neighbours lend counted too): 1 when it matches every word, ½ for one word of two.
   */
  coverage: number;
  /**
   * Whether the row's category path itself holds one of the query's words (an exam glove's "Exam
   * Gloves" for "nitrile gloves"), not only its title, brand or description (a pH meter's
   * "HM Digital" for "digital multimeter"): a shelf the query names (evidentMatches).
   */
  namesShelf: boolean;
  /**
   * Whether the row's shelf is a bare label, with no word of its own ("category 8", or no
   * category at all: SearchIndex.shelfIsBare), so that it cannot name anything.
   */
  bareShelf: boolean;
}

/** One query against the index (the public SearchOptions are the worker's, in shared/types.ts). */
export interface IndexQuery {
  /** How many results at most: a positive integer. */
  k: number;
  /** Rows for which this returns false are left out (e.g. unavailable items, another shelf). */
  filter?: (row: number) => boolean;
}

export interface SearchIndexOptions {
  /** Field weights; by default a word found in the title counts 3× one found in the description. */
  boost?: Partial<Record<SearchField, number>>;
}

/** Default field boosts: title > brand > category > description. */
export const DEFAULT_BOOSTS: Readonly<Record<SearchField, number>> = { title: 3, brand: 2, category: 1.5, description: 1 };

/** BM25+ (Lv & Zhai 2011) parameters: term-frequency saturation k1, length normalisation b, floor δ. */
export const BM25 = { k1: 1.2, b: 0.7, delta: 0.5 };
/** Score weights of a completion of the word being typed and of a typo match, relative to an exact word. */
export const PREFIX_WEIGHT = 0.375;
export const TYPO_WEIGHT = 0.45;
/**
 * Completions of the word being typed that are scored: the most frequent ones (Elasticsearch's
 * `max_expansions` for prefix queries is 50). A one- or two-letter prefix in a 100k-item catalog
 * stands for thousands of words ("3" → every model number starting with 3), each with its own
 * postings, and took ~8 ms a query; the rare ones among them could not reach the top anyway,
 * as completions share the IDF of the most frequent.
 */
export const MAX_COMPLETIONS = 50;
/** Score weight of another form of a query word (same light stem: "eyes" → eye, "protect" → protective), in a query phrased as a need. */
export const STEM_WEIGHT = 0.7;
/** Score weight of a closed compound starting with a query word ("eye" → eyewear), in a query phrased as a need. */
export const COMPOUND_WEIGHT = 0.5;
/**
 * In a query phrased as a need: the share of a query word's best score among an item's category
 * neighbours (same category path) that the item takes when it lacks the word, and the share of a
 * matched word it counts for. 0.5 kept the examples and a held-out list of need queries
 * best (research/need-queries.md); keyword queries never use it.
 */
export const CATEGORY_SHARE = 0.5;

export const NF = SEARCH_FIELDS.length; // 4: a posting key is row * 4 + field
export const FIELD_BITS = 2;
export const FIELD_MASK = (1 << FIELD_BITS) - 1;
export const MAX_TF = 255;

/** `array`, or a copy grown by half (at least to `need`) when it is too short. */
export function grow<T extends Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array>(array: T, need: number): T {
  if (need <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(need, Math.ceil(array.length * 1.5), 16));
  next.set(array);
  return next;
}
