import type { Item } from '../src/shared/types';
import { tokenize } from '../src/features/tokenize';
import type { WeightedHistory } from '../src/rank/profile-weights';
import { DEFAULT_PERSONALIZE_WEIGHT, personalize } from '../src/search/personalize';
import { SearchIndex } from '../src/search/search-index';
import { csrFromRows } from '../src/util/csr';
import { rngFor } from '../src/util/random';
import { hitRateAt, ndcgAt, topK } from '../src/util/ranking-metrics';
import { EngineEvalModel } from './adapters/localrec-eval-model';
import { evidentRows, QUERY_EVIDENCE, type QueryEvidenceSettings } from '../src/rank/query-evidence';
import type { Dataset } from './dataset';
import type { EvalRecord } from './run-protocol';
import { catalogLeaves, catalogQueryMaker, looRanking, SEARCH_CANDIDATES } from './search-protocol';
import type { HeldOut } from './splits';

/**
 * The `intent` protocol of shared/EVALUATION.md: does a search shape what is recommended next?
 * Split and query as in `search` (the `loo` test users; the query from the target, with the same
 * seeded stream). For each test user with a query, three rankings of every item, input masked:
 * - `history-only`: the worker's scorer (HybridScorer over a VAE trained here, library defaults)
 *   on the training history;
 * - `search-only`: the personalised search for the query, as search() ranks it (lexical hits
 *   re-ranked with that interest, then every other item in the seeded tie order);
 * - `localrec`: the worker's scorer on the history plus a `search` event for the query as the
 *   newest event (what "Recommended for you" shows after the shopper searched).
 * Metrics: HR@10 and NDCG@10 of the target, and query_precision@12: the share of the top 12 that
 * match the query (the item's title, category or brand holds a query word after the catalog's
 * tokenisation, or the item is in the leaf category the query names).
 */
export type IntentEvalRecord = Omit<EvalRecord, 'protocol'> & { protocol: 'intent' };

const DEPTH = 10;
const PRECISION_DEPTH = 12;
const BATCH = 128;
/**
 * What is tried on validation (src/rank/query-evidence.ts): the search event's weight (how much its
 * best matches count in the history, next to a viewed item's 1) × the lift of a full match, in
 * standard deviations of the shopper's scores.
 */
export interface IntentCell extends Omit<QueryEvidenceSettings, 'hits'> {
  searchWeight: number;
}
const SEARCH_WEIGHTS = [0, 0.5, 1.5];
/** Lifts in standard deviations of the shopper's scores, and in the spread of their scores over the matches. */
const BOOSTS: Record<QueryEvidenceSettings['lift'], number[]> = { sd: [6, 10, 16, 25], range: [1, 2, 3, 5] };
/** Standard deviations every match gains (0: none). */
const GATES = [0, 4, 8, 16, 32];
const EVIDENCE_GRID: readonly IntentCell[] = SEARCH_WEIGHTS.flatMap((searchWeight) =>
  GATES.flatMap((gate) => (['sd', 'range'] as const).flatMap((lift) => BOOSTS[lift].map((boost) => ({ searchWeight, boost, lift, gate })))),
);
const HITS = QUERY_EVIDENCE.hits;
/** The weight a search had when its words entered the content profile (`localrec-query-words`: how searches counted before query evidence). */
const WORDS_SEARCH_WEIGHT = 1.5;
const cellName = (c: IntentCell): string => `search weight ${c.searchWeight} gate ${c.gate} boost ${c.boost} ${c.lift}`;
const PRECISION_TARGET = 0.8;
const round = (x: number): number => Number(x.toFixed(4));

/** Whether `item` matches `query` in the protocol's sense. */
export function matchesQuery(item: Item, query: string, leafOf: (item: Item) => string | null): boolean {
  const words = new Set(tokenize([item.title, ...(item.category ?? []), item.brand ?? ''].join(' ')));
  if (tokenize(query).some((w) => words.has(w))) return true;
  return leafOf(item)?.toLowerCase() === query.toLowerCase();
}

export async function runIntentProtocol(options: { data: Dataset; seed: number }): Promise<IntentEvalRecord[]> {
  const { data, seed } = options;
  const { split, cols, items, tieRank, tieOrder } = looRanking(data, seed);
  // The same queries as the `search` protocol's test pass.
  const makeQuery = catalogQueryMaker(items);
  const rng = rngFor(seed, 'search-query-test');
  const queries = split.test.targets.map((targets) => makeQuery(items[targets[0]!]!, rng)?.query ?? null);
  const leafOf = catalogLeaves(items);

  let started = performance.now();
  const model = new EngineEvalModel({ tune: false, name: 'localrec' });
  await model.fit(csrFromRows(split.train, cols), {
    seed,
    items,
    validation: { inputs: csrFromRows(split.validation.inputs, cols), targets: split.validation.targets },
  });
  const fitSeconds = (performance.now() - started) / 1000;
  const index = SearchIndex.build(items);

  const names = ['history-only', 'search-only', 'localrec', 'localrec-query-words'] as const;
  /**
   * HR@10, NDCG@10 and query_precision@12 over a pass's users with a query: history-only,
   * search-only, localrec with each of `grid`'s settings, then (with `words`) localrec with the
   * query as words in the content profile (how searches counted before query evidence).
   */
  const evaluatePass = async (heldOut: HeldOut, passQueries: (string | null)[], grid: readonly IntentCell[], words: boolean) => {
    const sums = Array.from({ length: 2 + grid.length + (words ? 1 : 0) }, () => ({ hr: 0, ndcg: 0, precision: 0 }));
    const blocked = new Uint8Array(cols);
    const withQuery = heldOut.inputs.map((_, u) => u).filter((u) => passQueries[u] !== null);
    const weights = [...new Set(grid.map((c) => c.searchWeight))];
    for (let from = 0; from < withQuery.length; from += BATCH) {
      const batch = withQuery.slice(from, from + BATCH);
      const plain: WeightedHistory[] = batch.map((u) => ({ items: new Map(heldOut.inputs[u]!.map((j) => [j, 1])), queries: [] }));
      const searched = (weight: number): WeightedHistory[] => batch.map((u, b) => ({ items: plain[b]!.items, queries: [{ query: passQueries[u]!, weight, recency: 1 }] }));
      const historyScores = await model.scoreHistories(plain);
      // One scoring pass per search weight; every lift comes from it.
      const liftable = new Map<number, ((lift: IntentCell) => Float32Array)[]>();
      for (const weight of weights) liftable.set(weight, await model.liftableScores(searched(weight), HITS));
      const wordScores = words ? await model.scoreHistories(searched(WORDS_SEARCH_WEIGHT), null) : null;
      batch.forEach((u, b) => {
        const query = passQueries[u]!;
        const input = heldOut.inputs[u]!;
        const targets = new Set(heldOut.targets[u]);
        for (const i of input) blocked[i] = 1;
        const history = Array.from(topK(historyScores[b]!, 0, cols, PRECISION_DEPTH, tieRank, blocked));
        // search(): lexical hits (the input masked) re-ranked with the history's interest, then the rest.
        const hits = index.search(query, { k: SEARCH_CANDIDATES, filter: (row) => !blocked[row] });
        const interest = historyScores[b]!;
        const search = personalize(hits, (rows) => rows.map((row) => interest[row]!), DEFAULT_PERSONALIZE_WEIGHT, evidentRows(hits, index)).map((h) => h.row).slice(0, PRECISION_DEPTH);
        const listed = new Set(search);
        for (let i = 0; i < cols && search.length < PRECISION_DEPTH; i++) {
          const row = tieOrder[i]!;
          if (!blocked[row] && !listed.has(row)) search.push(row);
        }
        const intents = grid.map((cell) => Array.from(topK(liftable.get(cell.searchWeight)![b]!(cell), 0, cols, PRECISION_DEPTH, tieRank, blocked)));
        if (wordScores) intents.push(Array.from(topK(wordScores[b]!, 0, cols, PRECISION_DEPTH, tieRank, blocked)));
        for (const i of input) blocked[i] = 0;
        [history, search, ...intents].forEach((list, m) => {
          sums[m]!.hr += hitRateAt(list, targets, DEPTH);
          sums[m]!.ndcg += ndcgAt(list, targets, DEPTH);
          sums[m]!.precision += list.slice(0, PRECISION_DEPTH).filter((row) => matchesQuery(items[row]!, query, leafOf)).length / PRECISION_DEPTH;
        });
      });
    }
    const n = Math.max(withQuery.length, 1);
    return { users: withQuery.length, metrics: sums.map((s) => ({ 'HR@10': round(s.hr / n), 'NDCG@10': round(s.ndcg / n), 'query_precision@12': round(s.precision / n) })) };
  };

  // The search weight and lift, chosen on the validation users: the best NDCG@10 among the
  // settings whose query_precision@12 reaches PRECISION_TARGET (else the most precise).
  started = performance.now();
  const validationRng = rngFor(seed, 'search-query-validation');
  const validationQueries = split.validation.targets.map((targets) => makeQuery(items[targets[0]!]!, validationRng)?.query ?? null);
  const tuning = await evaluatePass(split.validation, validationQueries, EVIDENCE_GRID, false);
  const chosen = chooseIntentCell(EVIDENCE_GRID.map((settings, g) => ({ settings, metrics: tuning.metrics[2 + g]! })));
  const test = await evaluatePass(split.test, queries, [chosen.settings], true);
  const users = test.users;
  const evalSeconds = (performance.now() - started) / 1000;
  const settings = model.settings();
  model.dispose();
  return names.map((name, m) => ({
    dataset: data.name,
    protocol: 'intent',
    seed,
    model: name,
    metrics: test.metrics[m]!,
    train_seconds: round(fitSeconds),
    backend: model.backend(),
    settings: {
      ...(name === 'search-only' ? { personalize_weight: DEFAULT_PERSONALIZE_WEIGHT, candidates: SEARCH_CANDIDATES } : {}),
      ...(name === 'localrec'
        ? {
            search_event_weight: chosen.settings.searchWeight,
            query_evidence: { hits: HITS, boost: chosen.settings.boost, lift: chosen.settings.lift, gate: chosen.settings.gate },
            tuned_on: `intent validation users of ${data.name}, seed ${seed}: the best NDCG@10 with query_precision@12 ≥ ${PRECISION_TARGET}`,
            validation: Object.fromEntries(EVIDENCE_GRID.map((c, g) => [cellName(c), tuning.metrics[2 + g]!])),
            validation_baselines: { 'history-only': tuning.metrics[0]!, 'search-only': tuning.metrics[1]! },
          }
        : {}),
      ...(name === 'localrec-query-words' ? { search_event_weight: WORDS_SEARCH_WEIGHT, query: 'words in the content profile (hashed dimensions), no query evidence: how searches counted before' } : {}),
      scorer: settings,
      eval: { items: cols, test_users: split.test.inputs.length, users_with_query: users, skipped_users: split.test.inputs.length - users, eval_seconds: round(evalSeconds) },
    },
  }));
}

/** The best NDCG@10 among the cells precise enough (query_precision@12 ≥ PRECISION_TARGET), else the most precise; ties: the first. */
export function chooseIntentCell<T>(candidates: readonly { settings: T; metrics: Record<string, number> }[]): { settings: T; metrics: Record<string, number> } {
  const precise = candidates.filter((c) => c.metrics['query_precision@12']! >= PRECISION_TARGET);
  const key = precise.length ? 'NDCG@10' : 'query_precision@12';
  return (precise.length ? precise : candidates).reduce((best, c) => (c.metrics[key]! > best.metrics[key]! ? c : best));
}
