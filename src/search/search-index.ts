import { describeValue, LocalrecError } from '../shared/errors';
import type { Item } from '../shared/types';
import { boundedEditDistance } from './edit-distance';
import { fieldTerms, fieldText, lightStem, parseQuery, SEARCH_FIELDS, typoDistance, type SearchField } from './search-text';
import { BestK } from '../util/best-k';
import { BM25, DEFAULT_BOOSTS, FIELD_BITS, FIELD_MASK, grow, MAX_TF, NF, PREFIX_WEIGHT, MAX_COMPLETIONS, STEM_WEIGHT, COMPOUND_WEIGHT, TYPO_WEIGHT, CATEGORY_SHARE, type IndexQuery, type SearchHit, type SearchIndexOptions } from './index-layout';

export type { IndexQuery, SearchHit, SearchIndexOptions };

/** The category path's field (SEARCH_FIELDS): a query word found there names the row's shelf. */
const CATEGORY_FIELD = SEARCH_FIELDS.indexOf('category');

/** One way a query word matches an indexed word: the word's id, a weight and the IDF to score it with. */
interface Expansion {
  term: number;
  weight: number;
  idf: number;
}

/**
 * On-device full-text search over the catalog: BM25+ over title, brand, category path and
 * description with field boosts, prefix matching of the word still being typed, and typo
 * tolerance for words the catalog does not contain (edit distance 1 for words of 4+ letters, 2 for
 * 8+, swaps of neighbouring letters counting 1; never for words with digits, which are model
 * numbers and sizes). A query phrased as a need rather than keywords ("something to measure how
 * hot my oven is": three or more words with a pronoun, question word, article or the like; see
 * parseQuery) loses those words and also matches other forms of its words ("eyes" → eye,
 * "protect" → protective), closed compounds ("eye" → eyewear) and, through each match's category
 * path, the query words its neighbours match; keywords are matched as typed. An inverted index in typed arrays (measured on a busy 2-core machine: 100k
 * items with title, brand and category build in ~1.6 s and hold ~36 MB; with 100-word
 * descriptions ~8 s and ~130 MB; a query takes ~1 ms).
 *
 * Rows are positions: the items given to `build` are rows 0..n-1, `add` appends rows after the
 * last one, so rows stay aligned with the engine's catalog arrays (a changed catalog gets a new index).
 *
 * @example
 * const index = SearchIndex.build(items);
 * index.search('pla filam', { k: 10 });   // [{ row: 12, score: 9.1 }, …]
 * index.search('filamnet', { k: 10, filter: (row) => items[row].available !== false });
 */
export class SearchIndex {
  private readonly boost: Float64Array;
  // ── words ──
  private readonly termIds = new Map<string, number>();
  private terms: string[] = [];
  /** Live items containing the word (any field). */
  private df = new Int32Array(0);
  private postKeys: Int32Array[] = [];
  private postTf: Uint8Array[] = [];
  private postLen = new Int32Array(0);
  private postings = 0;
  /** Word ids sorted by spelling (prefix ranges) and grouped by length (typo scans); rebuilt when words are added. */
  private sorted: Int32Array | null = null;
  private byLength: number[][] = [];
  /** Live word ids by light stem (only stems shared by two or more words); rebuilt with `sorted`. */
  private byStem = new Map<string, number[]>();
  // ── rows ──
  private readonly items: (Item | undefined)[] = [];
  private readonly rowById = new Map<string, number>();
  /** Per row: its category path's id (items sharing the exact path are neighbours), -1 without one. */
  private catOf = new Int32Array(0);
  private readonly catIds = new Map<string, number>();
  private live = new Uint8Array(0);
  private fieldLen = new Uint16Array(0);
  private readonly fieldLenSum = new Float64Array(NF);
  private readonly fieldDocs = new Float64Array(NF);
  // ── per-search scratch, indexed by row (zero between searches) ──
  private total = new Float32Array(0);
  private best = new Float32Array(0);
  private matched = new Uint8Array(0);
  /** Per row: which query words it matched (bit w). */
  private wordMask = new Uint32Array(0);
  /** Per row: query words credited from its category (CATEGORY_SHARE each). */
  private borrowed = new Float32Array(0);
  /** Per row: 1 when a query word matched in its category path (SearchHit.namesShelf). */
  private inCategory = new Uint8Array(0);
  /** Per shelf (category path id): 1 when its path has no word of its own (shelfIsBare), built when first asked, dropped on add. */
  private bareShelves: Uint8Array | null = null;
  /** Per word: the last item that counted it in `df` (while adding). */
  private stamp = new Int32Array(0);
  private stampValue = 0;
  /** Per word: occurrences in the field being added (zero otherwise). */
  private fieldTf = new Int32Array(0);

  private constructor(options: SearchIndexOptions) {
    this.boost = Float64Array.from(SEARCH_FIELDS.map((f) => DEFAULT_BOOSTS[f]));
    SEARCH_FIELDS.forEach((field, f) => {
      const value = options.boost?.[field];
      if (value === undefined) return;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new LocalrecError('INVALID_ARGUMENT', `boost.${field} must be a finite number ≥ 0.`, { boost: describeValue(value) });
      }
      this.boost[f] = value;
    });
  }

  /**
   * Indexes `items` as rows 0..n-1.
   * @throws LocalrecError INVALID_ARGUMENT when `items` is not an array, an entry is not an item, an id repeats or a boost is invalid.
   */
  static build(items: readonly Item[], options: SearchIndexOptions = {}): SearchIndex {
    const index = new SearchIndex(options);
    index.add(items);
    index.trim();
    return index;
  }

  /**
   * The same index as build(), made `slice` items at a time with `yieldNow()` between slices: a
   * worker building it in the background stays free for calls (~1 s at 100k items in one piece).
   */
  static async buildInSlices(items: readonly Item[], yieldNow: () => Promise<void>, slice = 5000, options: SearchIndexOptions = {}): Promise<SearchIndex> {
    const index = new SearchIndex(options);
    for (let from = 0; from < items.length; from += slice) {
      index.add(items.slice(from, from + slice));
      await yieldNow();
    }
    index.trim();
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
   * @throws LocalrecError INVALID_ARGUMENT when an entry has no string id/title or its id is already indexed (nothing is added then).
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
    const first = this.items.length;
    const end = first + items.length;
    this.live = grow(this.live, end);
    this.catOf = grow(this.catOf, end);
    this.fieldLen = grow(this.fieldLen, end * NF);
    const rows: number[] = [];
    const fieldWords: number[] = [];
    for (const item of items) {
      const row = this.items.length;
      this.items.push(item);
      this.rowById.set(item.id, row);
      this.live[row] = 1;
      const path = fieldText(item, 'category').trim().toLowerCase();
      let cat = path ? this.catIds.get(path) : -1;
      if (cat === undefined) this.catIds.set(path, (cat = this.catIds.size));
      this.catOf[row] = cat;
      this.stampValue++;
      for (let f = 0; f < NF; f++) {
        const tokens = fieldTerms(fieldText(item, SEARCH_FIELDS[f] as SearchField), SEARCH_FIELDS[f] as SearchField);
        if (tokens.length === 0) continue;
        this.fieldLen[row * NF + f] = Math.min(tokens.length, 0xffff);
        this.fieldLenSum[f]! += tokens.length;
        this.fieldDocs[f]! += 1;
        // Count each word's occurrences in this field with a per-word counter (faster than a Map).
        fieldWords.length = 0;
        for (const token of tokens) {
          const t = this.termId(token);
          if ((this.fieldTf[t] as number) === 0) fieldWords.push(t);
          this.fieldTf[t]! += 1;
        }
        for (const t of fieldWords) {
          this.push(t, row * NF + f, Math.min(this.fieldTf[t] as number, MAX_TF));
          this.fieldTf[t] = 0;
          if (this.stamp[t] !== this.stampValue) {
            this.stamp[t] = this.stampValue;
            this.df[t]! += 1;
          }
        }
      }
      rows.push(row);
    }
    if (items.length > 0) {
      this.sorted = null; // words may have (re-)entered the vocabulary
      this.bareShelves = null;
    }
    this.ensureScratch();
    return rows;
  }

  private termId(token: string): number {
    let t = this.termIds.get(token);
    if (t !== undefined) return t;
    t = this.terms.length;
    this.termIds.set(token, t);
    this.terms.push(token);
    this.postKeys.push(new Int32Array(4));
    this.postTf.push(new Uint8Array(4));
    this.postLen = grow(this.postLen, t + 1);
    this.df = grow(this.df, t + 1);
    this.stamp = grow(this.stamp, t + 1);
    this.fieldTf = grow(this.fieldTf, t + 1);
    return t;
  }

  private push(t: number, key: number, tf: number): void {
    const at = this.postLen[t] as number;
    let keys = this.postKeys[t] as Int32Array;
    if (at === keys.length) {
      keys = grow(keys, at + 1);
      this.postKeys[t] = keys;
      this.postTf[t] = grow(this.postTf[t] as Uint8Array, keys.length);
    }
    keys[at] = key;
    (this.postTf[t] as Uint8Array)[at] = tf;
    this.postLen[t] = at + 1;
    this.postings++;
  }

  /** Cuts every postings list to its length (growth leaves up to a third unused). */
  private trim(): void {
    for (let t = 0; t < this.terms.length; t++) {
      const n = Math.max(this.postLen[t] as number, 1);
      if ((this.postKeys[t] as Int32Array).length > n) {
        this.postKeys[t] = (this.postKeys[t] as Int32Array).slice(0, n);
        this.postTf[t] = (this.postTf[t] as Uint8Array).slice(0, n);
      }
    }
  }

  private ensureScratch(): void {
    const n = this.items.length;
    if (this.total.length >= n) return;
    this.total = grow(this.total, n);
    this.best = grow(this.best, n);
    this.matched = grow(this.matched, n);
    this.wordMask = grow(this.wordMask, n);
    this.borrowed = grow(this.borrowed, n);
    this.inCategory = grow(this.inCategory, n);
  }

  /** Sorted spelling order and length groups of the live words, for prefix and typo expansion. */
  private refreshVocabulary(): Int32Array {
    if (this.sorted) return this.sorted;
    const ids: number[] = [];
    this.byLength = [];
    const byStem = new Map<string, number[]>();
    for (let t = 0; t < this.terms.length; t++) {
      if ((this.df[t] as number) <= 0) continue;
      ids.push(t);
      const term = this.terms[t] as string;
      (this.byLength[term.length] ??= []).push(t);
      const stem = lightStem(term);
      const family = byStem.get(stem);
      if (family) family.push(t);
      else byStem.set(stem, [t]);
    }
    this.byStem = new Map([...byStem].filter(([, family]) => family.length > 1));
    ids.sort((a, b) => ((this.terms[a] as string) < (this.terms[b] as string) ? -1 : 1));
    this.sorted = Int32Array.from(ids);
    return this.sorted;
  }

  /** The first position in `sorted` (word ids in spelling order) whose word is ≥ `word`. */
  private lowerBound(sorted: Int32Array, word: string): number {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.terms[sorted[mid] as number] as string) < word) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** BM25's inverse document frequency of a word found in `df` of the live items. */
  private idf(df: number): number {
    const n = this.rowById.size;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * The indexed words one query word stands for: itself; while being typed, its completions; and,
   * when the catalog lacks it, its nearest spellings. Completions (and near spellings) share one
   * IDF, that of the most frequent one (as Lucene scores synonyms), so a rare completion
   * ("filamex", 1 item) does not outrank the word the shopper is most likely typing ("filament",
   * 40 items).
   */
  private expand(word: string, partial: boolean, otherWords: ReadonlySet<string>, completionsOnly = false, need = false): Expansion[] {
    const out: Expansion[] = [];
    const exact = this.termIds.get(word);
    const known = exact !== undefined && (this.df[exact] as number) > 0;
    if (known && !completionsOnly) out.push({ term: exact, weight: 1, idf: this.idf(this.df[exact] as number) });
    if (partial) {
      const sorted = this.refreshVocabulary();
      // The completions are the words in [lo, hi) of the spelling order. Only the most frequent
      // count (equal counts: the first in spelling order), picked in one pass over their counts:
      // a one-letter prefix can have thousands. The query's other words are not its completions.
      const lo = this.lowerBound(sorted, word);
      const hi = this.lowerBound(sorted, `${word}\uffff`);
      const frequent = new BestK(MAX_COMPLETIONS + otherWords.size);
      for (let i = lo; i < hi; i++) {
        const t = sorted[i] as number;
        if (t !== exact) frequent.push(this.df[t] as number, i);
      }
      const completions = Array.from(frequent.take().ids, (i) => sorted[i] as number)
        .filter((t) => !otherWords.has(this.terms[t] as string))
        .slice(0, MAX_COMPLETIONS);
      let maxDf = known ? (this.df[exact] as number) : 0;
      for (const t of completions) maxDf = Math.max(maxDf, this.df[t] as number);
      const shared = this.idf(maxDf);
      for (const t of completions) {
        const len = (this.terms[t] as string).length;
        out.push({ term: t, weight: (PREFIX_WEIGHT * len) / (len + 0.3 * (len - word.length)), idf: shared });
      }
    }
    // A query stopword being typed stands only for its completions (no typo matching, no stems).
    if (completionsOnly) return out;
    // A need, phrased as a sentence, rarely uses the catalog's own form of a word: other forms of
    // it ("eyes" → eye, "protect" → protective) and closed compounds starting with it ("eye" →
    // eyewear, when "wear" is a word of the catalog too), sharing the IDF of the most frequent.
    if (need) {
      const sorted = this.refreshVocabulary();
      const stem = lightStem(word);
      const seen = new Set(out.map((e) => e.term));
      if (exact !== undefined) seen.add(exact);
      const forms = (this.byStem.get(stem) ?? []).filter((t) => !seen.has(t) && !otherWords.has(this.terms[t] as string));
      for (const t of forms) seen.add(t);
      const compounds: number[] = [];
      if (stem.length >= 3) {
        for (let i = this.lowerBound(sorted, stem); i < sorted.length; i++) {
          const t = sorted[i] as number;
          const term = this.terms[t] as string;
          if (!term.startsWith(stem)) break;
          const rest = term.slice(stem.length);
          const restId = this.termIds.get(rest);
          if (rest.length >= 3 && restId !== undefined && (this.df[restId] as number) > 0 && !seen.has(t) && !otherWords.has(term)) compounds.push(t);
        }
      }
      for (const [group, weight] of [[forms, STEM_WEIGHT], [compounds, COMPOUND_WEIGHT]] as const) {
        if (group.length === 0) continue;
        let maxDf = 0;
        for (const t of group) maxDf = Math.max(maxDf, this.df[t] as number);
        const shared = this.idf(maxDf);
        for (const t of group) out.push({ term: t, weight, idf: shared });
      }
    }
    // A word being typed that has completions is not a typo.
    const maxTypo = known || out.length > 0 ? 0 : typoDistance(word);
    if (maxTypo > 0) {
      // Only the nearest spellings count (a word 1 edit away beats one 2 edits away), and they
      // share the IDF of the most frequent of them, as completions do.
      this.refreshVocabulary();
      let nearest = maxTypo + 1;
      let near: number[] = [];
      for (let len = Math.max(1, word.length - maxTypo); len <= word.length + maxTypo; len++) {
        for (const t of this.byLength[len] ?? []) {
          const d = boundedEditDistance(word, this.terms[t] as string, Math.min(maxTypo, nearest));
          if (d === 0 || d > maxTypo || d > nearest) continue;
          if (d < nearest) {
            nearest = d;
            near = [];
          }
          near.push(t);
        }
      }
      let maxDf = 0;
      for (const t of near) maxDf = Math.max(maxDf, this.df[t] as number);
      const shared = this.idf(maxDf);
      for (const t of near) {
        const len = (this.terms[t] as string).length;
        out.push({ term: t, weight: (TYPO_WEIGHT * len) / (len + nearest), idf: shared });
      }
    }
    return out;
  }

  /**
   * Whether a shelf's path has no word of its own: every word of it (letters only) is in the paths
   * of more than half the store's shelves, as "category" of office's "category 8". Such a label
   * says nothing of what the shelf holds (evidentMatches).
   */
  shelfIsBare(shelf: number): boolean {
    if (shelf < 0) return true;
    if (!this.bareShelves) {
      const words = new Map<number, string[]>();
      const shelvesWith = new Map<string, number>();
      for (const [path, id] of this.catIds) {
        const own = [...new Set(fieldTerms(path, 'category').filter((w) => /^\p{L}+$/u.test(w)))];
        words.set(id, own);
        for (const w of own) shelvesWith.set(w, (shelvesWith.get(w) ?? 0) + 1);
      }
      const half = this.catIds.size / 2;
      this.bareShelves = new Uint8Array(this.catIds.size);
      for (const [id, own] of words) this.bareShelves[id] = own.every((w) => shelvesWith.get(w)! > half) ? 1 : 0;
    }
    return this.bareShelves[shelf] === 1;
  }

  /** A row's shelf: the id of its exact category path (rows sharing it sit on one shelf), -1 without one or out of range. */
  shelfOf(row: number): number {
    return row >= 0 && row < this.items.length ? (this.catOf[row] as number) : -1;
  }

  /**
   * The best `k` rows for `query`, best first (equal scores: lower row first). Words may match
   * anywhere (OR); items matching more of them rank higher. The last word is prefix-matched unless
   * the query ends with a space or punctuation. Queries are cut to 500 characters and 32 words.
   * An empty query, or one of stopwords/one-letter words only (a need of query stopwords only,
   * such as "something for my", too), gives [].
   * @throws LocalrecError INVALID_ARGUMENT when `query` is not a string, `k` is not a positive integer or `filter` not a function.
   */
  search(query: string, options: IndexQuery): SearchHit[] {
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
    const { terms: words, lastIsPartial, completionsOnly, need } = parseQuery(query);
    if (words.length === 0 || this.rowById.size === 0) return [];

    const avgLen = new Float64Array(NF);
    for (let f = 0; f < NF; f++) avgLen[f] = (this.fieldDocs[f] as number) > 0 ? (this.fieldLenSum[f] as number) / (this.fieldDocs[f] as number) : 1;
    const wordSet = new Set(words);
    const touched: number[] = [];
    const { total, best, matched, wordMask, catOf } = this;
    const categoryBest: Map<number, number>[] = [];
    for (let w = 0; w < words.length; w++) {
      const last = w === words.length - 1;
      const expansions = this.expand(words[w] as string, lastIsPartial && last, wordSet, completionsOnly && last, need);
      const wordRows = this.scoreExpansions(expansions, avgLen);
      const inCategory = new Map<number, number>();
      for (const r of wordRows) {
        if ((matched[r] as number) === 0) touched.push(r);
        total[r]! += best[r] as number;
        matched[r]! += 1;
        wordMask[r]! |= 1 << w;
        const cat = catOf[r] as number;
        if (cat >= 0 && (best[r] as number) > (inCategory.get(cat) ?? 0)) inCategory.set(cat, best[r] as number);
        best[r] = 0;
      }
      categoryBest.push(inCategory);
    }
    if (need && words.length > 1) this.shareWithinCategories(touched, categoryBest);

    const top = this.topRows(touched, k, filter, words.length);
    for (const r of touched) {
      total[r] = 0;
      matched[r] = 0;
      wordMask[r] = 0;
      this.borrowed[r] = 0;
      this.inCategory[r] = 0;
    }
    return top;
  }

  /** Scores one query word's expansions: each row's best expansion goes into `best`; returns the rows. */
  private scoreExpansions(expansions: readonly Expansion[], avgLen: Float64Array): number[] {
    const { best, live, fieldLen, boost, inCategory } = this;
    const { k1, b, delta } = BM25;
    const wordRows: number[] = [];
    for (const { term, weight, idf } of expansions) {
      const keys = this.postKeys[term] as Int32Array;
      const tfs = this.postTf[term] as Uint8Array;
      const n = this.postLen[term] as number;
      // A row's entries are adjacent (one per field): sum them, then keep the best expansion per row.
      let row = -1;
      let sum = 0;
      for (let i = 0; i <= n; i++) {
        const key = i < n ? (keys[i] as number) : -1;
        const r = key >> FIELD_BITS;
        if (r !== row) {
          if (row >= 0 && sum > 0) {
            if ((best[row] as number) === 0) wordRows.push(row);
            if (sum > (best[row] as number)) best[row] = sum;
          }
          row = r;
          sum = 0;
        }
        if (i === n || !live[r]) continue;
        const f = key & FIELD_MASK;
        const tf = tfs[i] as number;
        const norm = 1 - b + (b * (fieldLen[key] as number)) / (avgLen[f] as number);
        sum += weight * idf * (boost[f] as number) * (delta + (tf * (k1 + 1)) / (tf + k1 * norm));
        if (f === CATEGORY_FIELD) inCategory[r] = 1;
      }
    }
    return wordRows;
  }

  /**
   * A need is rarely phrased in one product's words: "measure how hot my oven is" names the oven
   * in one thermometer's title and "measure" in its shelf, while "hot" names a brand of cutting
   * fluid. Each matched item therefore also takes CATEGORY_SHARE of the best score, in its own
   * category path, of each query word it lacks (and counts CATEGORY_SHARE of a word matched), so
   * the neighbours of items that match the whole need rise above items that match one stray word.
   */
  private shareWithinCategories(touched: readonly number[], categoryBest: readonly Map<number, number>[]): void {
    const { total, wordMask, catOf } = this;
    for (const r of touched) {
      const cat = catOf[r] as number;
      if (cat < 0) continue;
      let shared = 0;
      let words = 0;
      for (let w = 0; w < categoryBest.length; w++) {
        if (((wordMask[r] as number) >>> w) & 1) continue;
        const score = categoryBest[w]!.get(cat);
        if (score === undefined) continue;
        shared += score;
        words++;
      }
      if (words === 0) continue;
      total[r]! += CATEGORY_SHARE * shared;
      this.borrowed[r] = CATEGORY_SHARE * words;
    }
  }

  /** Best k of the touched rows by total × words matched (ties: lower row), after the filter; `words`: the query's. */
  private topRows(touched: number[], k: number, filter: ((row: number) => boolean) | undefined, words: number): SearchHit[] {
    const best = new BestK(Math.min(k, touched.length));
    for (const row of touched) {
      const score = (this.total[row] as number) * ((this.matched[row] as number) + (this.borrowed[row] as number));
      // The filter (the host's callback) runs only for rows that would make the cut.
      if (!best.wouldKeep(score, row) || (filter && filter(row) !== true)) continue;
      best.push(score, row);
    }
    const { ids, scores } = best.take();
    return Array.from(ids, (row, i) => ({ row, score: scores[i]!, coverage: Math.min(1, ((this.matched[row] as number) + (this.borrowed[row] as number)) / words), namesShelf: this.inCategory[row] === 1, bareShelf: this.shelfIsBare(this.catOf[row] as number) }));
  }
}
