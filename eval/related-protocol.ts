import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContentKnnModel } from './baselines/content-knn';
import { EaseModel } from './baselines/ease';
import { ItemKnnModel } from './baselines/item-knn';
import type { Dataset } from './dataset';
import type { EvalModel, FitContext } from './eval-model';
import type { EvalRecord } from './run-protocol';
import { csrFromRows, type Csr } from '../src/util/csr';
import { ndcgAt, recallAt, topK } from '../src/util/ranking-metrics';
import { permutation, rngFor } from '../src/util/random';
import { BOUGHT_TOGETHER_WEIGHTS, boughtTogetherExclusions, combineRelated, relatedParts, sameTitleLookup, similarExclusions, SIMILAR_WEIGHTS, variantLookup, type RelatedPartScores, type RelatedWeights } from '../src/rank/related-items';
import { titleWords } from '../src/features/title-words';
import { CollaborativeModel } from '../src/models/collaborative-model';
import { ContentModel } from '../src/models/content/content-model';
import { ContentEmbeddings } from '../src/models/content-ae/content-embeddings';
import { trainWarmVae } from '../research/cold-start/bridge-eval-model';
import { initEvalBackend } from '../tools/io/node-backend';

/**
 * The `related` protocol of shared/EVALUATION.md: similar items against the store's own
 * `also_viewed` lists and bought-together against `also_bought` (office). Every model trains on
 * every interaction; each query item (one with a listed item in the catalog) ranks all other
 * items from that item alone. Baselines: item-kNN rows, EASE's item–item row (λ 50, as the
 * reference figures), content-kNN. `localrec` is what similar() and boughtTogether() return
 * (src/rank/related-items.ts, with the library's weights).
 *
 * The library's weights come from the lines `localrec-w…-e…-b…`: the same scorer for a grid of
 * collaborative (w), content-embedding (e) and same-brand (b) weights, on a seeded half of the
 * query items (`validation`); the other half (`test`) shows the choice holds. Their metric keys
 * carry `val_` and `test_` prefixes.
 */
export type RelatedRecord = Omit<EvalRecord, 'protocol'> & { protocol: 'related' };

const K = 10;
const WEIGHT_GRID = [0, 0.35, 0.5, 0.7, 1, 1.5];
const EMBEDDING_GRID = [0, 0.25, 0.5, 1];
const BRAND_GRID = [0, 0.5, 1, 2, 3, 4, 6];
const HUBNESS_GRID = [0, 0.1, 0.15, 0.2, 0.3];
const round = (x: number): number => Number(x.toFixed(4));

interface Lists {
  viewed: Map<number, Set<number>>;
  bought: Map<number, Set<number>>;
}

/** The store's own lists (items.jsonl's also_viewed / also_bought), by column, items in the catalog only. */
export function storeLists(dir: string, data: Dataset): Lists {
  const column = new Map(data.itemIds.map((id, j) => [id, j]));
  const lists: Lists = { viewed: new Map(), bought: new Map() };
  for (const line of readFileSync(join(dir, 'items.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { id: string; also_viewed?: string[]; also_bought?: string[] };
    const j = column.get(row.id);
    if (j === undefined) continue;
    for (const [key, target] of [['also_viewed', lists.viewed], ['also_bought', lists.bought]] as const) {
      const listed = new Set((row[key] ?? []).map((id) => column.get(id)).filter((c): c is number => c !== undefined && c !== j));
      if (listed.size > 0) target.set(j, listed);
    }
  }
  return lists;
}

/** Recall@10 and NDCG@10 of one scorer over query items, their score rows computed in batches. */
async function measure(queries: number[], lists: Map<number, Set<number>>, n: number, score: (rows: number[]) => Promise<Float32Array>): Promise<{ recall: number; ndcg: number }> {
  let recall = 0;
  let ndcg = 0;
  const blocked = new Uint8Array(n);
  for (let start = 0; start < queries.length; start += 256) {
    const batch = queries.slice(start, start + 256);
    const scores = await score(batch);
    batch.forEach((q, b) => {
      blocked[q] = 1;
      const ranked = topK(scores, b * n, n, K, null, blocked);
      blocked[q] = 0;
      recall += recallAt(ranked, lists.get(q)!, K);
      ndcg += ndcgAt(ranked, lists.get(q)!, K);
    });
  }
  return { recall: recall / Math.max(1, queries.length), ndcg: ndcg / Math.max(1, queries.length) };
}

/** A baseline's rows: its scores for one-item histories. */
function baselineScorer(model: EvalModel, n: number) {
  return (rows: number[]) => model.scoreBatch(csrFromRows(rows.map((r) => [r]), n) as Csr);
}

export async function runRelatedProtocol(o: { data: Dataset; dir: string; seed: number; models: string[] }): Promise<RelatedRecord[]> {
  const { data, seed } = o;
  const n = data.itemIds.length;
  const lists = storeLists(o.dir, data);
  if (lists.viewed.size === 0 && lists.bought.size === 0) throw new Error(`${data.name}: items.jsonl has no also_viewed / also_bought lists (the related protocol needs them)`);
  const train = csrFromRows([...data.histories].map((h) => [...h]), n);
  const context: FitContext = { seed, items: data.items };
  const viewedQueries = [...lists.viewed.keys()].sort((a, b) => a - b);
  const boughtQueries = [...lists.bought.keys()].sort((a, b) => a - b);
  const backend = await initEvalBackend();
  const records: RelatedRecord[] = [];
  const record = (model: string, metrics: Record<string, number>, seconds: number, settings: Record<string, unknown>) => {
    const line: RelatedRecord = { dataset: data.name, protocol: 'related', seed, model, metrics, train_seconds: round(seconds), backend, settings };
    records.push(line);
    return line;
  };
  const both = async (score: (rows: number[]) => Promise<Float32Array>, bought = score) => {
    const v = await measure(viewedQueries, lists.viewed, n, score);
    const b = await measure(boughtQueries, lists.bought, n, bought);
    return { 'viewed_Recall@10': round(v.recall), 'viewed_NDCG@10': round(v.ndcg), 'bought_Recall@10': round(b.recall), 'bought_NDCG@10': round(b.ndcg) };
  };

  const baselines: Record<string, () => EvalModel> = {
    itemknn: () => new ItemKnnModel(),
    ease: () => new EaseModel({ defaultLambda: 50 }),
    'content-knn': () => new ContentKnnModel(),
  };
  for (const name of Object.keys(baselines)) {
    if (!o.models.includes(name)) continue;
    const model = baselines[name]!();
    const t0 = performance.now();
    await model.fit(train, context);
    const seconds = (performance.now() - t0) / 1000;
    record(name, await both(baselineScorer(model, n)), seconds, model.settings?.() ?? {});
    model.dispose?.();
  }

  if (o.models.some((m) => m.startsWith('localrec'))) {
    const t0 = performance.now();
    const vae = await trainWarmVae(train, context);
    const rowById = new Map(data.items.map((item, row) => [item.id, row]));
    const collaborative = CollaborativeModel.fromScorer(vae.scorer, data.items.map((item) => item.id), rowById, n, 'eval-vae');
    const content = new ContentModel(data.items);
    // The content autoencoder as the worker's trainContent() trains it (its default epochs).
    const embeddings = await ContentEmbeddings.train(data.items, { seed });
    const seconds = (performance.now() - t0) / 1000;
    const parts = { content, collaborative, embeddings };
    const titles = data.items.map((item) => titleWords(item.title));
    const words = (row: number) => titles[row] ?? null;
    /** What the library's call leaves out, as the engine does: similar() other listings of the item, boughtTogether() its variants. */
    const sameTitle = sameTitleLookup(data.items);
    const variants = variantLookup(n, words);
    const excluded = {
      similar: (_scores: Float32Array, row: number) => similarExclusions(row, sameTitle),
      bought: (_scores: Float32Array, row: number) => boughtTogetherExclusions([row], variants),
    };
    // Every part of a query item's score, computed once: the weight grid only recombines them.
    const partsOf = new Map<number, RelatedPartScores>();
    const cachedParts = async (row: number) => {
      let p = partsOf.get(row);
      if (!p) partsOf.set(row, (p = await relatedParts(parts, [row])));
      return p;
    };
    const scorer = (weights: RelatedWeights, call: keyof typeof excluded) => async (rows: number[]) => {
      const out = new Float32Array(rows.length * n);
      for (const [b, row] of rows.entries()) {
        const scores = combineRelated(await cachedParts(row), weights);
        for (const x of excluded[call](scores, row)) scores[x] = Number.NEGATIVE_INFINITY;
        out.set(scores, b * n);
      }
      return out;
    };
    try {
      if (o.models.includes('localrec')) {
        record('localrec', await both(scorer(SIMILAR_WEIGHTS, 'similar'), scorer(BOUGHT_TOGETHER_WEIGHTS, 'bought')), seconds, {
          similar: SIMILAR_WEIGHTS,
          boughtTogether: BOUGHT_TOGETHER_WEIGHTS,
          parts: 'exact TF-IDF cosine (words + title trigrams) + content-AE embedding cosine + VAE fold-in of the item (pack blend), standardised; + same brand',
          embedding_epochs: embeddings.losses.length,
        });
      }
      if (o.models.includes('localrec-no-ae')) {
        // What similar() returns before trainContent() has run: no embeddings part.
        const similar = { ...SIMILAR_WEIGHTS, embeddings: 0 };
        record('localrec-no-ae', await both(scorer(similar, 'similar'), scorer({ ...BOUGHT_TOGETHER_WEIGHTS, embeddings: 0 }, 'bought')), seconds, { similar, boughtTogether: { ...BOUGHT_TOGETHER_WEIGHTS, embeddings: 0 } });
      }
      if (o.models.includes('localrec-no-brand')) {
        // Without the same-brand part: what it adds.
        const similar = { ...SIMILAR_WEIGHTS, sameBrand: 0 };
        const boughtTogether = { ...BOUGHT_TOGETHER_WEIGHTS, sameBrand: 0 };
        record('localrec-no-brand', await both(scorer(similar, 'similar'), scorer(boughtTogether, 'bought')), seconds, { similar, boughtTogether });
      }
      if (o.models.includes('localrec-no-alike')) {
        // Bought-together without the items a similar() panel beside it would show (its top 8 by
        // text): complements rather than substitutes, at what cost on also_bought.
        const exact = content.alikeVectors();
        const noAlike = async (rows: number[]) => {
          const out = await scorer(BOUGHT_TOGETHER_WEIGHTS, 'bought')(rows);
          rows.forEach((row, b) => {
            const cosine = exact.cosineRow(row);
            cosine[row] = -Infinity;
            for (const r of topK(cosine, 0, n, 8)) out[b * n + r] = Number.NEGATIVE_INFINITY;
          });
          return out;
        };
        const m = await both(scorer(SIMILAR_WEIGHTS, 'similar'), noAlike);
        record('localrec-no-alike', m, seconds, { boughtTogether: 'BOUGHT_TOGETHER_WEIGHTS less the 8 most text-alike items' });
      }
      if (o.models.includes('localrec-weights')) {
        // The grid behind the library's weights: chosen on the validation half, shown on the test half.
        const rng = rngFor(seed, 'related-validation');
        const half = (qs: number[]) => {
          const order = permutation(qs.length, rng);
          const validation = new Set(order.slice(0, Math.floor(qs.length / 2)).map((i) => qs[i]!));
          return { validation: qs.filter((q) => validation.has(q)), test: qs.filter((q) => !validation.has(q)) };
        };
        const v = half(viewedQueries);
        const b = half(boughtQueries);
        /** NDCG@10 of both calls' scorers on each half, under the `val_` / `test_` keys. */
        const halves = async (similar: RelatedWeights, bought: RelatedWeights) => {
          const [vv, vt, bv, bt] = [
            await measure(v.validation, lists.viewed, n, scorer(similar, 'similar')),
            await measure(v.test, lists.viewed, n, scorer(similar, 'similar')),
            await measure(b.validation, lists.bought, n, scorer(bought, 'bought')),
            await measure(b.test, lists.bought, n, scorer(bought, 'bought')),
          ];
          return {
            'val_viewed_NDCG@10': round(vv.ndcg),
            'test_viewed_NDCG@10': round(vt.ndcg),
            'val_bought_NDCG@10': round(bv.ndcg),
            'test_bought_NDCG@10': round(bt.ndcg),
          };
        };
        for (const w of WEIGHT_GRID) for (const e of EMBEDDING_GRID) for (const sb of BRAND_GRID) {
          const weights = { collaborative: w, embeddings: e, sameBrand: sb, hubness: 0 };
          record(`localrec-w${w}-e${e}-b${sb}`, await halves(weights, weights), seconds, weights);
        }
        // Then the hubness correction's share, each call at the library's other weights.
        for (const h of HUBNESS_GRID) {
          const similar = { ...SIMILAR_WEIGHTS, hubness: h };
          const boughtTogether = { ...BOUGHT_TOGETHER_WEIGHTS, hubness: h };
          record(`localrec-h${h}`, await halves(similar, boughtTogether), seconds, { similar, boughtTogether });
        }
      }
    } finally {
      content.dispose();
      collaborative.dispose();
      embeddings.dispose();
    }
  }
  return records;
}
