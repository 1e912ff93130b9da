import type { Item, StoredEvent } from '../src/shared/types';
import { tokenize } from '../src/features/tokenize';
import { smoothIdf } from '../src/features/tf-idf';
import { citedEvidence } from '../src/explain/template-reason';
import { EVENT_WEIGHTS, type WeightedHistory } from '../src/rank/profile-weights';
import { SearchIndex } from '../src/search/search-index';
import { BestK } from '../src/util/best-k';
import { columnCounts, csrFromRows } from '../src/util/csr';
import { permutation, rngFor } from '../src/util/random';
import { topK } from '../src/util/ranking-metrics';
import { EngineEvalModel } from './adapters/localrec-eval-model';
import type { Dataset } from './dataset';
import type { EvalRecord } from './run-protocol';
import { catalogQueryMaker, looRanking } from './search-protocol';

/**
 * The `reasons-evidence` protocol of shared/EVALUATION.md: does every piece of evidence a reason
 * cites relate to the recommended item? `loo` split; for each test user (at most MAX_USERS, a
 * seeded sample) recommend({ k: 10, explain: true }) from the training history, as the worker
 * computes it (HybridScorer, Explainer, template reasons); for a seeded half of the users the
 * history ends with a `search` event for the `search` protocol's query.
 *
 * Relatedness is the protocol's own, independent of the library's: a cited history item is
 * related when it is among the recommended item's 50 nearest items by item-kNN (cosine of buyer
 * sets on the training rows) or by exact TF-IDF cosine of title + category + brand; a cited query
 * when the item's text holds a query word or the item is among the query's top 50 lexical hits.
 */
export type ReasonsEvidenceRecord = Omit<EvalRecord, 'protocol'> & { protocol: 'reasons-evidence' };

const NEIGHBOURS = 50;
const K = 10;
const MAX_USERS = 1500;
const round = (x: number): number => Number(x.toFixed(4));

/** Each item's 50 nearest by sparse cosine over `rows` of (column, weight) features. */
function nearestBy(vectors: readonly Map<number, number>[]): Set<number>[] {
  const postings = new Map<number, { row: number; w: number }[]>();
  vectors.forEach((v, row) => {
    for (const [f, w] of v) (postings.get(f) ?? postings.set(f, []).get(f)!).push({ row, w });
  });
  return vectors.map((v, row) => {
    const dot = new Map<number, number>();
    for (const [f, w] of v) for (const p of postings.get(f) ?? []) if (p.row !== row) dot.set(p.row, (dot.get(p.row) ?? 0) + w * p.w);
    const best = new BestK(NEIGHBOURS);
    for (const [r, d] of dot) if (d > 0) best.push(d, r);
    return new Set(best.take().ids);
  });
}

/** Unit-length TF-IDF bags of title + category + brand (raw counts × smooth idf, as content-kNN). */
function textVectors(items: readonly Item[]): Map<number, number>[] {
  const ids = new Map<string, number>();
  const docs = items.map((item) => {
    const counts = new Map<number, number>();
    for (const token of tokenize([item.title, ...(item.category ?? []), item.brand ?? ''].join(' '))) {
      let id = ids.get(token);
      if (id === undefined) ids.set(token, (id = ids.size));
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  });
  const df = new Float64Array(ids.size);
  for (const d of docs) for (const t of d.keys()) df[t]! += 1;
  return docs.map((d) => {
    const v = new Map<number, number>();
    let norm = 0;
    for (const [t, c] of d) {
      const w = c * smoothIdf(docs.length, df[t]!);
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    return v;
  });
}

/** Buyer-set vectors of the items (cosine of buyer sets), from the training rows. */
function buyerVectors(train: readonly number[][], cols: number): Map<number, number>[] {
  const buyers = columnCounts(csrFromRows(train, cols));
  const out = Array.from({ length: cols }, () => new Map<number, number>());
  train.forEach((row, u) => {
    for (const j of row) out[j]!.set(u, 1 / Math.sqrt(buyers[j]! || 1));
  });
  return out;
}

export async function runReasonsEvidenceProtocol(options: { data: Dataset; seed: number }): Promise<ReasonsEvidenceRecord[]> {
  const { data, seed } = options;
  const { split, cols, items, tieRank } = looRanking(data, seed);
  const started = performance.now();
  const model = new EngineEvalModel({ tune: false, name: 'localrec' });
  await model.fit(csrFromRows(split.train, cols), { seed, items, validation: { inputs: csrFromRows(split.validation.inputs, cols), targets: split.validation.targets } });
  const fitSeconds = (performance.now() - started) / 1000;
  const explainer = model.explainer();
  const byText = nearestBy(textVectors(items));
  const byBuyers = nearestBy(buyerVectors(split.train, cols));
  const index = SearchIndex.build(items);
  const rowOf = new Map(items.map((item, row) => [item.id, row]));
  const makeQuery = catalogQueryMaker(items);
  const queryRng = rngFor(seed, 'search-query-test');
  const queries = split.test.targets.map((targets) => makeQuery(items[targets[0]!]!, queryRng)?.query ?? null);
  const pick = rngFor(seed, 'reasons-evidence-users');
  const order = permutation(split.test.inputs.length, pick).slice(0, MAX_USERS);
  const half = rngFor(seed, 'reasons-evidence-search');

  let items_ = 0;
  let itemsRelated = 0;
  let queries_ = 0;
  let queriesRelated = 0;
  let reasons = 0;
  let cites = 0;
  let generic = 0;
  const blocked = new Uint8Array(cols);
  const examples: string[] = [];
  for (const u of order) {
    const input = split.test.inputs[u]!;
    const query = half() < 0.5 ? queries[u] : null;
    const history: WeightedHistory = { items: new Map(input.map((j) => [j, 1])), queries: query ? [{ query, weight: EVENT_WEIGHTS.search }] : [] };
    const events: StoredEvent[] = input.map((j, i) => ({ seq: i + 1, type: 'view', itemId: items[j]!.id, timestamp: i }));
    const [scores] = await model.scoreHistories([history]);
    for (const j of input) blocked[j] = 1;
    const top = Array.from(topK(scores!, 0, cols, K, tieRank, blocked));
    for (const j of input) blocked[j] = 0;
    const explanations = await explainer.explain(history, events, top);
    const hits = query ? new Set(index.search(query, { k: NEIGHBOURS }).map((h) => h.row)) : null;
    explanations.forEach((explanation, p) => {
      const target = top[p]!;
      const cited = citedEvidence(explanation.evidence, explanation.shared);
      reasons++;
      cites += cited.length;
      if (cited.length === 0) generic++;
      if (examples.length < 5 && cited.length > 0 && query) examples.push(`${items[target]!.title} — ${explanation.reason}`);
      for (const e of cited) {
        if (e.kind === 'item') {
          const row = rowOf.get(e.itemId)!;
          items_++;
          if (byText[target]!.has(row) || byBuyers[target]!.has(row)) itemsRelated++;
        } else {
          queries_++;
          const item = items[target]!;
          const words = new Set(tokenize([item.title, ...(item.category ?? []), item.brand ?? ''].join(' ')));
          if (tokenize(e.query).some((w) => words.has(w)) || hits?.has(target)) queriesRelated++;
        }
      }
    });
  }
  model.dispose();
  return [
    {
      dataset: data.name,
      protocol: 'reasons-evidence',
      seed,
      model: 'localrec',
      metrics: {
        cited_related: round(items_ ? itemsRelated / items_ : 1),
        cited_query_related: round(queries_ ? queriesRelated / queries_ : 1),
        cites_per_reason: round(reasons ? cites / reasons : 0),
        generic_share: round(reasons ? generic / reasons : 0),
      },
      train_seconds: round(fitSeconds),
      backend: model.backend(),
      settings: { users: order.length, k: K, neighbours: NEIGHBOURS, cited_items: items_, cited_queries: queries_, reasons, examples, eval_seconds: round((performance.now() - started) / 1000 - fitSeconds) },
    },
  ];
}
