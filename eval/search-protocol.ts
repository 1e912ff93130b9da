import type { Item } from '../src/shared/types';
import { catalogLeaves, leafCategory } from '../src/catalog/category-names';

export { catalogLeaves, leafCategory };
import { tokenize } from '../src/features/tokenize';
import { personalize } from '../src/search/personalize';
import { evidentRows } from '../src/rank/query-evidence';
import { DEFAULT_BOOSTS } from '../src/search/index-layout';
import { SearchIndex, type SearchHit } from '../src/search/search-index';
import { csrFromRows } from '../src/util/csr';
import type { Dataset } from './dataset';
import type { EvalModel, FitContext } from './eval-model';
import { hitRateAt, ndcgAt } from '../src/util/ranking-metrics';
import { tieRanks } from './metrics';
import { createModel } from './model-registry';
import { rngFor } from '../src/util/random';
import type { EvalRecord } from './run-protocol';
import { looSplit, type HeldOut } from './splits';

/**
 * The `search` protocol of shared/EVALUATION.md: for each `loo` test user, the query is the leaf
 * category name of the target item (or, where the item has no usable category, two title words);
 * all catalog items are ranked; HR@10 and NDCG@10 of the target, for lexical search alone
 * (`search-lexical`) and re-ranked with the shopper's interest (`search-personalised`).
 *
 * Details, fixed here so that anyone can rerun it:
 * - Users, inputs and targets are those of `loo` (looSplit). A user's input items are masked, as
 *   in every protocol. Users whose target yields no query (no category, no title word) are skipped
 *   and counted (`skipped_users`).
 * - Leaf category: the last level of the item's category path. Where the path is one flattened
 *   string (the Amazon sets: "Industrial & Scientific Tapes, Adhesives & Sealants Adhesive Tapes
 *   Duct Tape"), the leaf is what follows the longest other path of the catalog that is a
 *   word-prefix of it ("Duct Tape"); with no such parent, its last three words. A leaf is cut to
 *   its last three words. Generic labels ("category 6", as in the office set) are not names a
 *   shopper would type: those items use two title words instead.
 * - Title words: two distinct words of ≥ 3 characters with a letter (the catalog tokenizer's
 *   words, so no stopwords), drawn with the seed, kept in title order.
 * - Ranking: lexical hits by score (equal scores in the seeded tie order), at most `candidates` of
 *   them; the personalised list re-ranks the same candidates (nothing outside the query's matches
 *   comes in); below the candidates, every other item follows in the tie order, for both.
 * - Interest: an EvalModel (item-kNN or EASE by name, or any instance, e.g. the VAE) fitted on the
 *   `loo` training rows, scoring each user's input history.
 * - The blend weight is picked on the `loo` validation users (query from the validation target,
 *   input = training items) by NDCG@10 over WEIGHT_GRID (ties: the smaller weight), then applied
 *   unchanged to the test users.
 */

/** The protocol's record: EvalRecord's shape with `protocol: 'search'`. */
export type SearchEvalRecord = Omit<EvalRecord, 'protocol'> & { protocol: 'search' };

export const SEARCH_METRICS = ['HR@10', 'NDCG@10'] as const;
/** Lexical hits re-ranked at most (what the engine should fetch before personalising). */
export const SEARCH_CANDIDATES = 1000;
/** Weights tried on validation: 0 (lexical only) to 0.95 — lexical relevance always keeps a share. */
export const WEIGHT_GRID: readonly number[] = Array.from({ length: 20 }, (_, i) => i / 20);

const DEPTH = 10;
const QUERY_RULE =
  'leaf category (flattened paths: after the longest parent path in the catalog; at most 3 words); "category N" labels or none: 2 seeded title words';

export interface SearchProtocolOptions {
  data: Dataset;
  seed: number;
  /** A model-registry name (`itemknn`, `ease`, …) or a model instance (not disposed here). */
  interestModel: string | EvalModel;
  /** Lexical hits kept per query before re-ranking. Default SEARCH_CANDIDATES. */
  candidates?: number;
  /** Users scored per interest-model call. Default 256. */
  batchSize?: number;
}

/** The query a shopper looking for `item` would type, or null when the item offers none. */
export type QueryMaker = (item: Item, rng: () => number) => { query: string; source: 'category' | 'title' } | null;

/** Two title words (distinct, ≥ 3 characters, with a letter) chosen with `rng`, in title order. */
export function titleWords(title: string, rng: () => number): string | null {
  const words = [...new Set(tokenize(title, 60))].filter((w) => w.length >= 3 && /\p{L}/u.test(w));
  if (words.length === 0) return null;
  if (words.length <= 2) return words.join(' ');
  const a = Math.floor(rng() * words.length);
  let b = Math.floor(rng() * (words.length - 1));
  if (b >= a) b++;
  return [words[Math.min(a, b)], words[Math.max(a, b)]].join(' ');
}

/** The `loo` split with the seeded tie order (rank of each column, and the columns in that order). */
export function looRanking(data: Dataset, seed: number): { split: ReturnType<typeof looSplit>; cols: number; items: Item[]; tieRank: Int32Array; tieOrder: Int32Array } {
  const split = looSplit(data);
  const cols = split.columns.length;
  const tieRank = tieRanks(cols, seed);
  const tieOrder = new Int32Array(cols);
  tieRank.forEach((rank, item) => (tieOrder[rank] = item));
  return { split, cols, items: split.items, tieRank, tieOrder };
}

/** The protocol's query rule over a catalog (see the module comment). */
export function catalogQueryMaker(items: readonly Item[]): QueryMaker {
  const leafOf = catalogLeaves(items);
  return (item, rng) => {
    const leaf = leafOf(item);
    if (leaf && tokenize(leaf).length > 0) return { query: leaf, source: 'category' };
    const words = titleWords(item.title, rng);
    return words ? { query: words, source: 'title' } : null;
  };
}

interface Pass {
  heldOut: HeldOut;
  queries: (string | null)[];
}

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

/**
 * Runs the `search` protocol and returns two records, `search-lexical` then `search-personalised`.
 * Prints nothing.
 * @example
 * const records = await runSearchProtocol({ data: loadDataset('shared/data/scientific'), seed: 42, interestModel: 'itemknn' });
 */
export async function runSearchProtocol(options: SearchProtocolOptions): Promise<SearchEvalRecord[]> {
  const { data, seed } = options;
  const maxCandidates = options.candidates ?? SEARCH_CANDIDATES;
  const batchSize = options.batchSize ?? 256;
  const { split, cols, items, tieRank, tieOrder } = looRanking(data, seed);

  // ── queries ──
  const makeQuery = catalogQueryMaker(items);
  const sources = { category: 0, title: 0 };
  const queriesFor = (heldOut: HeldOut, label: string): (string | null)[] => {
    const rng = rngFor(seed, `search-query-${label}`);
    return heldOut.targets.map((targets) => {
      const made = makeQuery(items[targets[0] as number] as Item, rng);
      if (made && label === 'test') sources[made.source]++;
      return made ? made.query : null;
    });
  };
  const validation: Pass = { heldOut: split.validation, queries: queriesFor(split.validation, 'validation') };
  const test: Pass = { heldOut: split.test, queries: queriesFor(split.test, 'test') };

  // ── lexical index ──
  let started = performance.now();
  const index = SearchIndex.build(items);
  const indexSeconds = (performance.now() - started) / 1000;
  const lexicalCache = new Map<string, SearchHit[]>();
  const lexicalHits = (query: string): SearchHit[] => {
    let hits = lexicalCache.get(query);
    if (!hits) {
      hits = index.search(query, { k: cols });
      hits.sort((a, b) => b.score - a.score || (tieRank[a.row] as number) - (tieRank[b.row] as number));
      lexicalCache.set(query, hits);
    }
    return hits;
  };

  // ── interest model ──
  const owned = typeof options.interestModel === 'string';
  const model: EvalModel =
    typeof options.interestModel === 'string'
      ? createModel(options.interestModel, { protocol: 'loo', seed, tuneMetric: 'NDCG@20' })
      : options.interestModel;
  const context: FitContext = { seed, items, validation: { inputs: csrFromRows(split.validation.inputs, cols), targets: split.validation.targets } };
  started = performance.now();
  await model.fit(csrFromRows(split.train, cols), context);
  const fitSeconds = (performance.now() - started) / 1000;

  /** Top DEPTH of `ranked` (rows), then the tie order, skipping blocked rows and rows already listed. */
  const blocked = new Uint8Array(cols);
  const topWithFill = (ranked: readonly number[]): number[] => {
    const out = ranked.slice(0, DEPTH);
    if (out.length < DEPTH) {
      const listed = new Set(out);
      for (let i = 0; i < cols && out.length < DEPTH; i++) {
        const item = tieOrder[i] as number;
        if (!blocked[item] && !listed.has(item)) out.push(item);
      }
    }
    return out;
  };

  /**
   * Mean HR@10 / NDCG@10 over a pass's users (with a query) for each weight; weight 0 = lexical.
   * Interest scores come in batches of users, so memory stays at batchSize × items floats.
   */
  const evaluate = async (pass: Pass, weights: readonly number[]): Promise<{ users: number; hr: Float64Array; ndcg: Float64Array }> => {
    const hr = new Float64Array(weights.length);
    const ndcg = new Float64Array(weights.length);
    const users: number[] = [];
    pass.queries.forEach((q, u) => {
      if (q !== null) users.push(u);
    });
    for (let start = 0; start < users.length; start += batchSize) {
      const batch = users.slice(start, start + batchSize);
      const scores = await model.scoreBatch(csrFromRows(batch.map((u) => pass.heldOut.inputs[u] as number[]), cols));
      batch.forEach((u, b) => {
        const input = pass.heldOut.inputs[u] as number[];
        for (const i of input) blocked[i] = 1;
        const candidates: SearchHit[] = [];
        for (const hit of lexicalHits(pass.queries[u] as string)) {
          if (blocked[hit.row]) continue;
          candidates.push(hit);
          if (candidates.length >= maxCandidates) break;
        }
        const targets = new Set(pass.heldOut.targets[u]);
        const offset = b * cols;
        const interest = (rows: number[]): number[] => rows.map((r) => scores[offset + r] as number);
        // The hits that hold the query, listed first as search() lists them: once per user, not per weight tried.
        const first = evidentRows(candidates, index);
        weights.forEach((w, wi) => {
          const ranked = w === 0 ? candidates.map((h) => h.row) : personalize(candidates, interest, w, first).map((h) => h.row);
          const top = topWithFill(ranked);
          hr[wi]! += hitRateAt(top, targets, DEPTH);
          ndcg[wi]! += ndcgAt(top, targets, DEPTH);
        });
        for (const i of input) blocked[i] = 0;
      });
    }
    const n = users.length;
    for (let wi = 0; wi < weights.length; wi++) {
      hr[wi] = n ? (hr[wi] as number) / n : 0;
      ndcg[wi] = n ? (ndcg[wi] as number) / n : 0;
    }
    return { users: n, hr, ndcg };
  };

  // ── tune the weight on validation users, then test ──
  const tuning = await evaluate(validation, WEIGHT_GRID);
  let bestAt = 0;
  WEIGHT_GRID.forEach((_, wi) => {
    if ((tuning.ndcg[wi] as number) > (tuning.ndcg[bestAt] as number)) bestAt = wi;
  });
  const weight = WEIGHT_GRID[bestAt] as number;
  const result = await evaluate(test, [0, weight]);

  const facts = {
    items: cols,
    validation_users: tuning.users,
    test_users: result.users,
    skipped_users: test.heldOut.users.length - result.users,
    test_queries_from_category: sources.category,
    test_queries_from_title: sources.title,
    distinct_queries: lexicalCache.size,
  };
  const common = {
    index: 'bm25+ (k1 1.2, b 0.7, delta 0.5), OR of query words, prefix on a word being typed, typo distance 1 (≥4 letters) / 2 (≥8)',
    boosts: { ...DEFAULT_BOOSTS },
    query: QUERY_RULE,
    candidates: maxCandidates,
  };
  const lexical: SearchEvalRecord = {
    dataset: data.name,
    protocol: 'search',
    seed,
    model: 'search-lexical',
    metrics: { 'HR@10': round(result.hr[0] as number), 'NDCG@10': round(result.ndcg[0] as number) },
    train_seconds: round(indexSeconds, 2),
    backend: 'js',
    settings: { ...common, validation_NDCG10: round(tuning.ndcg[0] as number), eval: facts },
  };
  const personalised: SearchEvalRecord = {
    dataset: data.name,
    protocol: 'search',
    seed,
    model: 'search-personalised',
    metrics: { 'HR@10': round(result.hr[1] as number), 'NDCG@10': round(result.ndcg[1] as number) },
    train_seconds: round(indexSeconds + fitSeconds, 2),
    backend: model.backend(),
    settings: {
      ...common,
      interest_model: model.name,
      interest_settings: model.settings(),
      blend: '(1-w)·lexical/max + w·minmax(interest) over the candidates',
      weight,
      weight_tuned_on: 'loo validation users, NDCG@10',
      validation_NDCG10: Object.fromEntries(WEIGHT_GRID.map((w, wi) => [String(w), round(tuning.ndcg[wi] as number)])),
      eval: facts,
    },
  };
  if (owned) model.dispose?.();
  return [lexical, personalised];
}
