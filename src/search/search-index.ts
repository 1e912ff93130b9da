import MiniSearch from 'minisearch';
import { describeValue, LocalrecError } from '../api/errors';
import type { Item } from '../api/types';
import { fieldTerms, fieldText, parseQuery, SEARCH_FIELDS, typoDistance, type SearchField } from './search-text';

/** One search result: a catalog row (position in the items the index was built from) and its score. */
export interface SearchHit {
  row: number;
  /** BM25+ score summed over fields (with boosts), times the number of query words matched. */
  score: number;
}

export interface SearchOptions {
  /** How many results at most: a positive integer. */
  k: number;
  /** Rows for which this returns false are left out (e.g. unavailable items, another shelf). */
  filter?: (row: number) => boolean;
}

export interface SearchIndexOptions {
  /** Field weights; a word found in the title counts 3× one found in the description by default. */
  boost?: Partial<Record<SearchField, number>>;
}

/** Default field boosts: title > brand > category > description. */
export const DEFAULT_BOOSTS: Readonly<Record<SearchField, number>> = { title: 3, brand: 2, category: 1.5, description: 1 };

/** MiniSearch's score weights for a prefix and a typo match relative to an exact match (its defaults). */
const MATCH_WEIGHTS = { prefix: 0.375, fuzzy: 0.45 };

interface IndexedDoc {
  row: number;
  item: Item;
}

/**
 * On-device full-text search over the catalog: BM25+ over title, brand, category path and
 * description with field boosts (MiniSearch's inverted index, a radix tree), prefix matching of
 * the word still being typed, and typo tolerance for words the catalog does not contain (edit
 * distance 1 for words of 4+ letters, 2 for 8+; never for words with digits).
 *
 * Rows are positions: the items given to `build` are rows 0..n-1, `add` appends rows after the
 * last one, and `remove` retires rows without renumbering the others (a row is never reused), so
 * the rows stay aligned with the engine's catalog arrays.
 *
 * @example
 * const index = SearchIndex.build(items);
 * index.search('pla filam', { k: 10 });          // [{ row: 12, score: 9.1 }, …]
 * index.search('filamnet', { k: 10, filter: (row) => items[row].available !== false });
 */
export class SearchIndex {
  private readonly mini: MiniSearch<IndexedDoc>;
  private readonly boost: Record<SearchField, number>;
  /** Items by row; undefined once removed. */
  private readonly items: (Item | undefined)[] = [];
  private readonly rowById = new Map<string, number>();
  /** Term → number of live items containing it (document frequency): which query words are typos, completion IDFs. */
  private readonly vocabulary = new Map<string, number>();

  private constructor(options: SearchIndexOptions) {
    this.boost = { ...DEFAULT_BOOSTS };
    for (const field of SEARCH_FIELDS) {
      const value = options.boost?.[field];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new LocalrecError('INVALID_ARGUMENT', `boost.${field} must be a finite number ≥ 0.`, { boost: describeValue(value) });
      }
      this.boost[field] = value;
    }
    this.mini = new MiniSearch<IndexedDoc>({
      idField: 'row',
      fields: [...SEARCH_FIELDS],
      storeFields: [],
      extractField: (doc, field) => (field === 'row' ? (doc.row as unknown as string) : fieldText(doc.item, field as SearchField)),
      // Each field's own token cap (descriptions are long); searches pass already-parsed terms.
      tokenize: (text, field) => fieldTerms(text, (field ?? 'description') as SearchField),
      processTerm: (term) => term,
      // Vacuuming after removals runs in the background in batches; searches stay correct meanwhile.
      autoVacuum: true,
    });
  }

  /**
   * Indexes `items` as rows 0..n-1 (100k items take a few seconds in one call; see the report).
   * @throws LocalrecError INVALID_ARGUMENT when `items` is not an array, an entry is not an item, or an id repeats.
   */
  static build(items: readonly Item[], options: SearchIndexOptions = {}): SearchIndex {
    const index = new SearchIndex(options);
    index.add(items);
    return index;
  }

  /** Rows ever assigned (removed ones included): the next `add` starts here. */
  get rows(): number {
    return this.items.length;
  }

  /** Items currently searchable. */
  get size(): number {
    return this.rowById.size;
  }

  /** The row of an item id, or undefined when it is not (or no longer) indexed. */
  rowOf(id: string): number | undefined {
    return this.rowById.get(id);
  }

  /**
   * Appends items as new rows (catalog additions); returns their rows.
   * @throws LocalrecError INVALID_ARGUMENT when an entry has no string id/title or its id is already indexed.
   */
  add(items: readonly Item[]): number[] {
    if (!Array.isArray(items)) throw new LocalrecError('INVALID_ARGUMENT', 'items must be an array of catalog items.');
    const seen = new Set<string>();
    for (const item of items) {
      if (typeof item !== 'object' || item === null || typeof item.id !== 'string' || typeof item.title !== 'string') {
        throw new LocalrecError('INVALID_ARGUMENT', 'Every item needs a string id and title.', { item: describeValue(item) });
      }
      if (this.rowById.has(item.id) || seen.has(item.id)) {
        throw new LocalrecError('INVALID_ARGUMENT', `Item id ${describeValue(item.id)} is already indexed.`, { itemId: describeValue(item.id, 256) });
      }
      seen.add(item.id);
    }
    const rows: number[] = [];
    for (const item of items) {
      const row = this.items.length;
      this.items.push(item);
      this.rowById.set(item.id, row);
      this.count(item, 1);
      this.mini.add({ row, item });
      rows.push(row);
    }
    return rows;
  }

  /** Removes items by id (catalog removals); unknown ids are ignored. Returns how many were removed. */
  remove(ids: readonly string[]): number {
    if (!Array.isArray(ids)) throw new LocalrecError('INVALID_ARGUMENT', 'ids must be an array of item ids.');
    let removed = 0;
    for (const id of ids) {
      const row = typeof id === 'string' ? this.rowById.get(id) : undefined;
      if (row === undefined) continue;
      this.count(this.items[row] as Item, -1);
      this.mini.discard(row);
      this.items[row] = undefined;
      this.rowById.delete(id);
      removed++;
    }
    return removed;
  }

  private count(item: Item, delta: 1 | -1): void {
    const terms = new Set<string>();
    for (const field of SEARCH_FIELDS) for (const term of fieldTerms(fieldText(item, field), field)) terms.add(term);
    for (const term of terms) {
      const next = (this.vocabulary.get(term) ?? 0) + delta;
      if (next > 0) this.vocabulary.set(term, next);
      else this.vocabulary.delete(term);
    }
  }

  /** BM25's inverse document frequency of a word found in `df` of the live items. */
  private idf(df: number): number {
    const n = this.rowById.size;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * Score factors for the completions of a word being typed. Each completion would otherwise
   * score with its own IDF, so a rare completion ("filamex", 1 item) outranks the word the
   * shopper is most likely typing ("filament", 40 items). As Lucene does for synonyms, the
   * completions share one IDF, that of the most frequent one: factor = idf(max df) / idf(df).
   */
  private completionFactors(prefix: string, exclude: ReadonlySet<string>): Map<string, number> {
    const dfs = new Map<string, number>();
    let maxDf = this.vocabulary.get(prefix) ?? 0;
    for (const [term, df] of this.vocabulary) {
      if (term.length <= prefix.length || !term.startsWith(prefix) || exclude.has(term)) continue;
      dfs.set(term, df);
      if (df > maxDf) maxDf = df;
    }
    const shared = this.idf(maxDf);
    const factors = new Map<string, number>();
    for (const [term, df] of dfs) factors.set(term, Math.min(1, shared / this.idf(df)));
    return factors;
  }

  /**
   * The best `k` rows for `query`, best first (equal scores: lower row first). Words may match
   * anywhere (OR); items matching more of them rank higher. The last word is prefix-matched unless
   * the query ends with a space or punctuation. Queries are cut to 500 characters and 32 words.
   * An empty query, or one of stopwords/one-letter words only, gives [].
   * @throws LocalrecError INVALID_ARGUMENT when `query` is not a string, `k` is not a positive integer or `filter` not a function.
   */
  search(query: string, options: SearchOptions): SearchHit[] {
    if (typeof query !== 'string') {
      throw new LocalrecError('INVALID_ARGUMENT', `query must be a string, got ${describeValue(query)}.`);
    }
    if (typeof options !== 'object' || options === null) {
      throw new LocalrecError('INVALID_ARGUMENT', 'search() needs options like { k: 10 }.');
    }
    const { k, filter } = options;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) {
      throw new LocalrecError('INVALID_ARGUMENT', 'k must be a positive integer.', { k: describeValue(k) });
    }
    if (filter !== undefined && typeof filter !== 'function') {
      throw new LocalrecError('INVALID_ARGUMENT', 'filter must be a function (row) => boolean.');
    }
    const { terms, lastIsPartial } = parseQuery(query);
    if (terms.length === 0 || this.rowById.size === 0) return [];
    const last = terms.length - 1;
    const completions = lastIsPartial ? this.completionFactors(terms[last] as string, new Set(terms)) : null;
    const results = this.mini.search(terms.join(' '), {
      boost: this.boost,
      weights: MATCH_WEIGHTS,
      combineWith: 'OR',
      tokenize: (text) => text.split(' '),
      processTerm: (term) => term,
      prefix: (_term, i) => lastIsPartial && i === last,
      fuzzy: (term) => (this.vocabulary.has(term) ? false : typoDistance(term) || false),
      ...(completions && completions.size > 0 ? { boostDocument: (_id: unknown, term: string) => completions.get(term) ?? 1 } : {}),
      ...(filter ? { filter: (result: { id: number }) => filter(result.id) === true } : {}),
    });
    // MiniSearch sorts by score only; make ties deterministic (lower row first) around the cut.
    let end = Math.min(k, results.length);
    if (end === 0) return [];
    const cutScore = results[end - 1]!.score;
    while (end < results.length && results[end]!.score === cutScore) end++;
    const top = results.slice(0, end).map((r) => ({ row: r.id as number, score: r.score }));
    top.sort((a, b) => b.score - a.score || a.row - b.row);
    return top.slice(0, k);
  }
}
