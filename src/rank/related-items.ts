import type { CollaborativeModel } from '../models/collaborative-model';
import type { ContentModel } from '../models/content/content-model';
import { NEAR_DUPLICATE_JACCARD, nearDuplicates } from '../features/title-words';
import { titleKey } from '../catalog/normalize-catalog';
import { moments, standardise, standardiseBy, standardiseKnown } from './standardise';
import { BestK } from '../util/best-k';
import type { ContentEmbeddings } from '../models/content-ae/content-embeddings';

/**
 * Items related to one or more items, from those items alone (no shopper history): what
 * `similar()` (alike: the store's "customers also viewed") and `boughtTogether()` (bought with
 * these: "frequently bought together") rank. Parts, the first three standardised over the catalog:
 * - content: the mean exact TF-IDF cosine (title words and trigrams, category, brand,
 *   description: ContentModel.alikeVectors) to the items;
 * - embeddings: the cosine of the content autoencoder's codes to the items' mean code, when the
 *   catalog has them (trainContent());
 * - collaborative: the model pack's scores with the items as the whole history (the VAE fold-in
 *   and the pack's item–item part), for the items the pack knows; neutral (0) elsewhere;
 * - same brand: the share of the items that are of the row's brand (1 for one item of that brand).
 * score = z(content) + Σ weight · part; then the best RERANKED rows lose hubness · (their
 * hubness / the content cosines' deviation): as if a share of the row's hubness had been taken off
 * its cosine before standardising (ContentModel.alikeHubness). The weights were measured with the
 * `related` protocol (shared/EVALUATION.md) on office's own also_viewed / also_bought lists.
 */
export interface RelatedWeights {
  /** Weight of the collaborative part against the content part (0: content only). */
  collaborative: number;
  /** Weight of the content autoencoder's embedding cosine, when the catalog has embeddings (trainContent()). */
  embeddings: number;
  /** Added, times the share of the items of that brand, to the rows of their brands (0: off). */
  sameBrand: number;
  /** Share of a row's hubness taken off its content cosine, for the best RERANKED rows (0: off). */
  hubness: number;
}

/**
 * Rows the hubness correction reaches: the best by the rest of the score (on office the best 30
 * and the best 100 give the same lists). A merchant filter that removes most of them leaves the
 * rows below uncorrected.
 */
export const RERANKED = 50;

/**
 * similar(): alike items; content leads (substitutes share words and model-number trigrams),
 * co-interest and the content embeddings break ties. Chosen on office's validation half of
 * also_viewed (`npm run eval -- --protocol related --models localrec-weights`, seed 42): NDCG@10
 * .5666 (.5703 on the test half) against .5477 for content alone; then the hubness share, .5686 at
 * 0.15 (.5740 on the test half). No same-brand part: the grid preferred 1 by .0016 on this half,
 * but seed 43 scored it level, and on the demo's store it made 5 of a pipette pump's 8 "Similar
 * items" the same maker's lamp, tongs, stir rod, clamp and scalpel handle (4 without it, with the
 * pipettes first).
 */
export const SIMILAR_WEIGHTS: RelatedWeights = { collaborative: 0.5, embeddings: 1, sameBrand: 0, hubness: 0.15 };
/**
 * boughtTogether(): what is bought with the items; the collaborative part counts for more, and so
 * does the items' own brand (a printer's ink, a labeller's tape): the best of the grid on office's
 * validation half of also_bought, NDCG@10 .3559 (.3595 on the test half), against .3114 for
 * content alone and .3438 for the best without the brand part; then the hubness share, .3573 at
 * 0.1 (.3606 on the test half).
 */
export const BOUGHT_TOGETHER_WEIGHTS: RelatedWeights = { collaborative: 1, embeddings: 0.25, sameBrand: 4, hubness: 0.1 };

export interface RelatedParts {
  content: ContentModel;
  collaborative: CollaborativeModel | null;
  /** Dense content embeddings (the content autoencoder), when trained or shipped. */
  embeddings: ContentEmbeddings | null;
}

/** The parts of the related-items score for the items at `rows`, before weighting (relatedParts). */
export interface RelatedPartScores {
  /** z(mean exact TF-IDF cosine), every row. */
  content: Float32Array;
  /** z(embedding cosine), or null without embeddings. */
  embeddings: Float32Array | null;
  /** z(the pack's scores) at the rows the pack knows, 0 elsewhere; null when it knows none of the items. */
  collaborative: Float32Array | null;
  /** Brand id → share of the items of that brand (ContentModel.brandIds). */
  brands: Map<number, number>;
  brandOf: Int32Array;
  /** The deviation of the content cosines over the catalog (what z(content) divides by). */
  contentSd: number;
  /** A row's hubness, or null where the catalog is too large to have one (ContentModel.alikeHubness). */
  hubness: (row: number) => number | null;
}

const NO_BRANDS = new Int32Array(0);

/** Computes the parts `weights` use (a part whose weight is 0 is left out: null or empty). */
export async function relatedParts(parts: RelatedParts, rows: readonly number[], weights: RelatedWeights = { collaborative: 1, embeddings: 1, sameBrand: 1, hubness: 1 }): Promise<RelatedPartScores> {
  const exact = parts.content.alikeVectors();
  // The mean cosine to the items is the cosine with their mean vector: one pass over the postings.
  const profile = new Map<number, number>();
  for (const row of rows) exact.addRow(profile, row, 1 / rows.length);
  const cosines = exact.dotAll(profile);
  const m = moments(cosines);
  const content = standardiseBy(cosines, m);
  const embeddings = parts.embeddings && weights.embeddings !== 0 ? standardise(parts.embeddings.cosineToMean(rows)) : null;
  let collaborative: Float32Array | null = null;
  const model = parts.collaborative;
  const known = model ? rows.filter((row) => model.knows(row)) : [];
  if (model && known.length > 0 && weights.collaborative !== 0) {
    const [scores] = await model.scoreHistories([new Map(known.map((row) => [row, 1]))]);
    collaborative = standardiseKnown(scores!);
    for (let r = 0; r < collaborative.length; r++) if (Number.isNaN(collaborative[r]!)) collaborative[r] = 0;
  }
  // Built only for a call that weighs brands (a pass over the catalog's brands, once).
  const brandOf = weights.sameBrand !== 0 ? parts.content.brandIds() : NO_BRANDS;
  const brands = new Map<number, number>();
  if (weights.sameBrand !== 0) {
    for (const row of rows) {
      const brand = brandOf[row]!;
      if (brand >= 0) brands.set(brand, (brands.get(brand) ?? 0) + 1 / rows.length);
    }
  }
  return { content, embeddings, collaborative, brands, brandOf, contentSd: m.sd, hubness: (row) => parts.content.alikeHubness(row) };
}

/** The weighted sum of the parts: a fresh array, one score a catalog row. */
export function combineRelated(p: RelatedPartScores, weights: RelatedWeights): Float32Array {
  const out = p.content.slice();
  const n = out.length;
  if (p.embeddings && weights.embeddings !== 0) for (let r = 0; r < n; r++) out[r]! += weights.embeddings * p.embeddings[r]!;
  if (p.collaborative && weights.collaborative !== 0) for (let r = 0; r < n; r++) out[r]! += weights.collaborative * p.collaborative[r]!;
  if (p.brands.size > 0 && weights.sameBrand !== 0) {
    for (let r = 0; r < n; r++) {
      const share = p.brandOf[r]! >= 0 ? p.brands.get(p.brandOf[r]!) : undefined;
      if (share !== undefined) out[r]! += weights.sameBrand * share;
    }
  }
  if (weights.hubness !== 0 && p.contentSd > 0) {
    const best = new BestK(RERANKED);
    for (let r = 0; r < n; r++) if (best.wouldKeep(out[r]!, r)) best.push(out[r]!, r);
    for (const r of best.take().ids) {
      const hub = p.hubness(r);
      if (hub !== null) out[r]! -= (weights.hubness * hub) / p.contentSd;
    }
  }
  return out;
}

/** The related-items score of every catalog row for the items at `rows` (they score too: leave them out). */
export async function relatedScores(parts: RelatedParts, rows: readonly number[], weights: RelatedWeights): Promise<Float32Array> {
  return combineRelated(await relatedParts(parts, rows, weights), weights);
}

/**
 * What similar() leaves out for `row`: the item, and other listings of it (the same title, case
 * and spacing aside: a catalog that lists one product twice). Variants in another colour or size
 * stay, as a shopper comparing products wants them. `sameTitle`: the rows sharing a row's title
 * (the serving state keeps the lookup).
 */
export function similarExclusions(row: number, sameTitle: (row: number) => readonly number[]): number[] {
  return [row, ...sameTitle(row).filter((other) => other !== row)];
}

/** Rows by title key, for similarExclusions: built once per catalog (~30 ms at 100k items). */
export function sameTitleLookup(items: readonly { title: string }[]): (row: number) => readonly number[] {
  const rows = new Map<string, number[]>();
  items.forEach((item, row) => {
    const key = titleKey(item.title);
    const list = rows.get(key);
    if (list) list.push(row);
    else rows.set(key, [row]);
  });
  return (row) => rows.get(titleKey(items[row]!.title)) ?? [];
}

/**
 * A row's near-duplicate variants (title Jaccard ≥ 0.7: the same product in another colour or
 * size), found through an index of title words built once per catalog (~0.3 s at 100k items)
 * instead of comparing every title (~20 ms a call at 100k). A variant B of A shares at least
 * ⌈0.7·|A|⌉ of A's words, so it holds one of any |A| − ⌈0.7·|A|⌉ + 1 of them: only the rows
 * holding A's rarest such words are compared.
 */
export function variantLookup(size: number, words: (row: number) => ReadonlySet<string> | null): (row: number) => number[] {
  // Only the postings are kept, not a word set a row (37 MB at 100k items); `words` is called
  // again for the few rows a lookup compares.
  const building = new Map<string, number[]>();
  for (let row = 0; row < size; row++) {
    for (const word of words(row) ?? []) {
      const list = building.get(word);
      if (list) list.push(row);
      else building.set(word, [row]);
    }
  }
  // A word of one row (a model number) keeps that row as a number: no array for it.
  const rowsOf = new Map<string, number | Int32Array>();
  for (const [word, rows] of building) rowsOf.set(word, rows.length === 1 ? rows[0]! : Int32Array.from(rows));
  building.clear();
  const count = (word: string): number => {
    const rows = rowsOf.get(word);
    return rows === undefined ? 0 : typeof rows === 'number' ? 1 : rows.length;
  };
  return (row) => {
    const own = words(row);
    if (!own || own.size === 0) return [];
    const need = Math.ceil(NEAR_DUPLICATE_JACCARD * own.size - 1e-9);
    const rarest = [...own].sort((a, b) => count(a) - count(b)).slice(0, own.size - need + 1);
    const candidates = new Set<number>();
    for (const word of rarest) {
      const rows = rowsOf.get(word);
      if (typeof rows === 'number') candidates.add(rows);
      else if (rows) for (const other of rows) candidates.add(other);
    }
    const out: number[] = [];
    for (const other of candidates) {
      const w = other === row ? null : words(other);
      if (w && nearDuplicates(w, own)) out.push(other);
    }
    return out.sort((a, b) => a - b);
  };
}

/**
 * What boughtTogether() leaves out for `rows`: the items and their near-duplicate variants (title
 * Jaccard ≥ 0.7), which are substitutes, not complements. `variants`: variantLookup's function.
 */
export function boughtTogetherExclusions(rows: readonly number[], variants: (row: number) => readonly number[]): number[] {
  const given = new Set(rows);
  const out = new Set<number>(rows);
  for (const row of rows) for (const other of variants(row)) if (!given.has(other)) out.add(other);
  return [...out];
}
