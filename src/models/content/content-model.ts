import * as tf from '@tensorflow/tfjs-core';
import type { Item } from '../../shared/types';
import { HashedTfIdf } from '../../features/hashed-tfidf';
import { SparseTfIdf } from '../../features/sparse-tfidf';
import { alikeFeatures, itemFeatures, queryFeatures, type FeatureBag } from '../../features/item-features';
import { BestK } from '../../util/best-k';

/**
 * Hashed dimensions for a catalog size: 1,024 keeps collisions rare for catalogs of tens of
 * thousands; larger catalogs get fewer so the item matrix stays near 100 MB at 100k items.
 */
export function defaultDims(items: number): number {
  if (items <= 16_384) return 1024;
  if (items <= 65_536) return 512;
  return 256;
}

/** The largest catalog whose similar-items vectors carry title trigrams (alikeVectors). */
export const ALIKE_TRIGRAM_MAX_ITEMS = 50_000;

/**
 * The largest catalog whose rows get a hubness (alikeHubness): each costs a pass over the postings
 * of the row's features, ~0.16 ms a row at 4.4k items, ~0.7 ms at 10k (a similar() call meets up
 * to RERANKED new rows, related-items.ts).
 */
export const HUBNESS_MAX_ITEMS = 5_000;
/** Nearest rows whose mean cosine is a row's hubness. */
export const HUBNESS_NEIGHBOURS = 10;

export const CONTENT_MODEL_VERSION = 'content-tfidf-hash@1';

/**
 * The content-based model: every item is an L2-normalised TF-IDF vector of its text and
 * attributes, held as one [items × dims] tensor on the backend. A shopper profile is a weighted
 * sum of item vectors (and query vectors); scores are cosine similarities computed on the backend.
 */
export class ContentModel {
  private readonly dimensions: number;
  private built: { matrix: tf.Tensor2D; vectorizer: HashedTfIdf } | null = null;

  /**
   * Nothing is computed here: the vectors are built on first use. With a model pack that knows
   * every item, a returning shopper's recommendations never need them (hybrid-scorer.ts), and at
   * 100k items they take seconds and 100 MB to build.
   */
  constructor(
    private readonly items: readonly Item[],
    dims = defaultDims(items.length),
  ) {
    this.dimensions = dims;
  }

  /**
   * Each item's features, built afresh for each vector set that needs them (the hashed and the
   * exact vectors, each built once): kept, they are a Map an item — about 100 MB at 100k items,
   * more than the vectors themselves.
   */
  private bags(): FeatureBag[] {
    return this.items.map(itemFeatures);
  }

  /** Whether the hashed vectors have been built (they are on first use). */
  get isBuilt(): boolean {
    return this.built !== null;
  }

  private build(): { matrix: tf.Tensor2D; vectorizer: HashedTfIdf } {
    if (this.built) return this.built;
    const dims = this.dimensions;
    const bags = this.bags();
    const vectorizer = new HashedTfIdf(dims, bags);
    // Unit rows written straight into the [dims, items] layout the scorer multiplies with: one
    // upload, no transpose or division of the whole matrix on the backend (start-up time).
    const n = this.items.length;
    const row = new Float32Array(dims);
    const transposed = new Float32Array(n * dims);
    bags.forEach((bag, i) => {
      row.fill(0);
      vectorizer.accumulate(bag, row);
      let norm = 0;
      for (let d = 0; d < dims; d++) norm += row[d]! * row[d]!;
      const inv = 1 / Math.max(Math.sqrt(norm), 1e-12);
      for (let d = 0; d < dims; d++) if (row[d] !== 0) transposed[d * n + i] = row[d]! * inv;
    });
    // Kept: the first use is often inside a caller's tf.tidy, which would dispose it at its end.
    this.built = { matrix: tf.keep(tf.tensor2d(transposed, [dims, n])), vectorizer };
    return this.built;
  }

  /**
   * [dims, items]: column j is item j's unit-length vector (all-zero without usable text). Kept
   * transposed because a row-vector × [dims, items] product is the fastest scoring form on the
   * WASM backend (measured 5.5 ms vs 24 ms for [items, dims] × vectorᵀ at 10k × 1,024).
   */
  get itemMatrixT(): tf.Tensor2D {
    return this.build().matrix;
  }

  private get vectorizer(): HashedTfIdf {
    return this.build().vectorizer;
  }

  private exact: SparseTfIdf | null = null;

  /**
   * The catalog's exact (unhashed) sparse TF-IDF vectors, built on first use: the cold bridge
   * scores new items with them (sparse-tfidf.ts says why). Not built when every item is known.
   */
  exactVectors(): SparseTfIdf {
    this.exact ??= new SparseTfIdf(this.bags());
    return this.exact;
  }

  private weighted: { weights: ReadonlyMap<string, number>; vectors: SparseTfIdf } | null = null;

  /**
   * The exact vectors with some features' idf multiplied by `termWeights` (a model pack's
   * collaborative coherence, term-weights.ts), built on first use and kept for the last weights
   * asked for; without weights, exactVectors().
   */
  weightedExactVectors(termWeights: ReadonlyMap<string, number> | null | undefined): SparseTfIdf {
    if (!termWeights || termWeights.size === 0) return this.exactVectors();
    if (this.weighted?.weights !== termWeights) this.weighted = { weights: termWeights, vectors: new SparseTfIdf(this.bags(), undefined, termWeights) };
    return this.weighted.vectors;
  }

  private alike: SparseTfIdf | null = null;

  /**
   * Exact TF-IDF vectors over alikeFeatures (the item's features plus title trigrams), built on
   * first use: what similar() and boughtTogether() compare items by. Above ALIKE_TRIGRAM_MAX_ITEMS
   * the trigrams would add ~50 postings per item (about 40 MB at 100k items), so larger catalogs
   * compare by the exact vectors (words only).
   */
  alikeVectors(): SparseTfIdf {
    if (this.items.length > ALIKE_TRIGRAM_MAX_ITEMS) return this.exactVectors();
    this.alike ??= new SparseTfIdf(this.items.map(alikeFeatures));
    return this.alike;
  }

  /**
   * Builds what alikeVectors() returns ahead of its first use, the items' features `slice` at a
   * time and the vectors SparseTfIdf.inSlices, with `yieldNow()` between slices (~1.2 s in one
   * piece at 100k items): a worker preparing it in the background stays free for calls. Stops
   * early when a call has built it meanwhile.
   */
  async prepareAlike(yieldNow: () => Promise<void>, slice = 4000): Promise<void> {
    const trigrams = this.items.length <= ALIKE_TRIGRAM_MAX_ITEMS;
    const built = () => (trigrams ? this.alike : this.exact) !== null;
    const features = trigrams ? alikeFeatures : itemFeatures;
    const bags: FeatureBag[] = [];
    for (let from = 0; from < this.items.length; from += slice) {
      if (built()) return;
      for (let i = from; i < Math.min(from + slice, this.items.length); i++) bags.push(features(this.items[i]!));
      await yieldNow();
    }
    if (built()) return;
    const vectors = await SparseTfIdf.inSlices(bags, yieldNow);
    if (built()) return;
    if (trigrams) this.alike = vectors;
    else this.exact = vectors;
  }

  private hubs: Float32Array | null = null;

  /**
   * A row's hubness: the mean alikeVectors cosine of its HUBNESS_NEIGHBOURS nearest other rows
   * (CSLS, Conneau et al. 2018). A row with generic text is near many rows and wins many
   * nearest-neighbour lists it does not belong in; related-items.ts subtracts a share of it.
   * Computed per row on first use and kept; null above HUBNESS_MAX_ITEMS items.
   */
  alikeHubness(row: number): number | null {
    const n = this.items.length;
    if (n > HUBNESS_MAX_ITEMS) return null;
    this.hubs ??= new Float32Array(n).fill(Number.NaN);
    const known = this.hubs[row]!;
    if (!Number.isNaN(known)) return known;
    const cosines = this.alikeVectors().cosineRow(row);
    cosines[row] = 0;
    const best = new BestK(HUBNESS_NEIGHBOURS);
    for (let other = 0; other < n; other++) if (cosines[other]! > 0 && best.wouldKeep(cosines[other]!, other)) best.push(cosines[other]!, other);
    let sum = 0;
    for (const s of best.take().scores) sum += s;
    // The kept (float32) value, also the first time: scores do not depend on which call came first.
    this.hubs[row] = sum / HUBNESS_NEIGHBOURS;
    return this.hubs[row]!;
  }

  /**
   * Computes every row's hubness ahead of use, `slice` rows a task (catalogs up to
   * HUBNESS_MAX_ITEMS; ~0.16 ms a row at 4.4k items): the first similar() of each item then skips
   * its pass over the postings (~9 ms for the first calls, against ~1.5 ms once known).
   */
  async prepareHubness(yieldNow: () => Promise<void>, slice = 200): Promise<void> {
    const n = this.items.length;
    if (n > HUBNESS_MAX_ITEMS) return;
    for (let from = 0; from < n; from += slice) {
      for (let row = from; row < Math.min(from + slice, n); row++) this.alikeHubness(row);
      await yieldNow();
    }
  }

  private brands: Int32Array | null = null;

  /**
   * Each row's brand as a small integer (the brand lower-cased and trimmed, as the item features
   * key it), −1 for a row without one; built on first use (boughtTogether()'s same-brand part).
   */
  brandIds(): Int32Array {
    if (this.brands) return this.brands;
    const ids = new Map<string, number>();
    this.brands = Int32Array.from(this.items, (item) => {
      const key = typeof item.brand === 'string' ? item.brand.trim().toLowerCase() : '';
      if (key === '') return -1;
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      return id;
    });
    return this.brands;
  }

  get version(): string {
    return CONTENT_MODEL_VERSION;
  }

  get dims(): number {
    return this.dimensions;
  }

  get size(): number {
    return this.items.length;
  }

  /** The vector of a query, in the same space as the items (unnormalised), added into `out`. */
  addQuery(query: string, scale: number, out: Float32Array): void {
    this.vectorizer.accumulate(queryFeatures(query), out, 0, scale, true);
  }

  /**
   * Cosine scores of every item against a profile = Σ weights[i]·item[indices[i]] + extra.
   * Returns a [items] tensor the caller must dispose; all zeros when the profile is empty.
   */
  profileScores(indices: readonly number[], weights: readonly number[], extra: Float32Array | null): tf.Tensor1D {
    return tf.tidy(() => {
      let profile: tf.Tensor2D = tf.zeros([1, this.dims]);
      if (indices.length > 0) {
        const columns = tf.gather(this.itemMatrixT, tf.tensor1d(indices as number[], 'int32'), 1);
        profile = tf.matMul(tf.tensor2d(weights as number[], [1, weights.length]), columns, false, true);
      }
      if (extra) profile = tf.add(profile, tf.tensor2d(extra, [1, this.dims]));
      const unit = tf.div(profile, tf.maximum(tf.norm(profile), 1e-12));
      return tf.reshape(tf.matMul(unit, this.itemMatrixT), [this.size]) as tf.Tensor1D;
    });
  }

  /**
   * Cosine scores of every item under several profiles at once: profile p is
   * Σ weights[p][i]·item[rows[i]] + Σ queryWeights[p][j]·queries[j]. Used to score a history and
   * each history minus one piece of evidence in a single batch. Returns [profiles, items]; caller
   * disposes.
   */
  profileScoresBatch(
    rows: readonly number[],
    weights: readonly (readonly number[])[],
    queries: readonly Float32Array[],
    queryWeights: readonly (readonly number[])[],
  ): tf.Tensor2D {
    const profiles = weights.length;
    return tf.tidy(() => {
      let profile: tf.Tensor2D = tf.zeros([profiles, this.dims]);
      if (rows.length > 0) {
        const columns = tf.gather(this.itemMatrixT, tf.tensor1d(rows as number[], 'int32'), 1);
        profile = tf.matMul(tf.tensor2d(weights.flat(), [profiles, rows.length]), columns, false, true);
      }
      if (queries.length > 0) {
        const queryMatrix = tf.tensor2d(queries.flatMap((q) => Array.from(q)), [queries.length, this.dims]);
        profile = tf.add(profile, tf.matMul(tf.tensor2d(queryWeights.flat(), [profiles, queries.length]), queryMatrix));
      }
      const unit = tf.div(profile, tf.maximum(tf.norm(profile, 2, 1, true), 1e-12));
      return tf.matMul(unit, this.itemMatrixT);
    });
  }

  /** The vector of a query alone (unit weight), in the item space. */
  queryVector(query: string): Float32Array {
    const vector = new Float32Array(this.dims);
    this.addQuery(query, 1, vector);
    return vector;
  }

  /** Cosine scores of every item against item `index`. Caller disposes. */
  similarityTo(index: number): tf.Tensor1D {
    return tf.tidy(() => {
      // gather, not slice: slicing one column of [dims, items] took 54 ms on WASM, gather 0.6 ms.
      const row = tf.reshape(tf.gather(this.itemMatrixT, tf.tensor1d([index], 'int32'), 1), [1, this.dims]);
      return tf.reshape(tf.matMul(row, this.itemMatrixT), [this.size]) as tf.Tensor1D;
    });
  }

  dispose(): void {
    this.built?.matrix.dispose();
    this.built = null;
  }
}
