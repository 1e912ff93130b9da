import type { Item } from '../../shared/types';
import { permutation, rngFor } from '../../util/random';
import { ContentAutoencoder, DEFAULT_CONTENT_AE, type ContentAeProgress, type RowSource } from './content-ae';
import { ContentFeaturizer } from './content-features';
import type { NamedTensor } from './tensor-list';

export const CONTENT_EMBEDDINGS_VERSION = 'content-ae@1';

/** The most catalog rows one training epoch visits: text is alike across a catalog, and time stays bounded. */
export const CONTENT_AE_MAX_TRAINING_ROWS = 8_192;

export interface ContentEmbeddingsOptions {
  /** Passes over the (sampled) catalog; default 20. */
  epochs?: number;
  /** Embedding size; default 128. */
  dims?: number;
  seed?: number;
  onProgress?: (event: ContentAeProgress) => void;
}

/**
 * Dense content embeddings of the catalog: the denoising content autoencoder (content-ae.ts) over
 * each item's words, title character trigrams, category path, brand and price band
 * (content-features.ts), trained on the catalog itself (public text, so it may run on the
 * shopper's device or ship in a pack). Every row's code is kept unit-length in JS memory
 * (items × dims floats: 2.2 MB at 4.4k items and 128 dims); a changed catalog is embedded with the
 * same weights, no retraining, so an item added at run time has a code at once.
 */
export class ContentEmbeddings {
  private constructor(
    private readonly featurizer: ContentFeaturizer,
    /** Shared by the instances forCatalog makes: the serving state frees it once, with the last state holding it. */
    readonly autoencoder: ContentAutoencoder,
    /** Unit codes, row-major [items × dims] (all zero for an item without text). */
    readonly codes: Float32Array,
    readonly dims: number,
    readonly size: number,
    /** Mean training loss of each epoch. */
    readonly losses: readonly number[],
  ) {}

  /** Trains the autoencoder on `items` (at most CONTENT_AE_MAX_TRAINING_ROWS of them, a seeded sample) and embeds them all. */
  static async train(items: readonly Item[], options: ContentEmbeddingsOptions = {}): Promise<ContentEmbeddings> {
    const seed = options.seed ?? DEFAULT_CONTENT_AE.seed;
    const featurizer = ContentFeaturizer.fit(items);
    const dims = options.dims ?? DEFAULT_CONTENT_AE.embedding;
    const autoencoder = ContentAutoencoder.create(featurizer.dims, dims, seed);
    try {
      const sample = items.length <= CONTENT_AE_MAX_TRAINING_ROWS ? null : permutation(items.length, rngFor(seed, 'content-ae-sample')).slice(0, CONTENT_AE_MAX_TRAINING_ROWS);
      const source: RowSource = {
        rows: sample ? sample.length : items.length,
        write: (row, out, offset) => void featurizer.vector(items[sample ? sample[row]! : row]!, out, offset),
      };
      const losses = await autoencoder.fit(source, { epochs: options.epochs ?? 20, seed }, options.onProgress);
      const codes = await embedAll(featurizer, autoencoder, items);
      return new ContentEmbeddings(featurizer, autoencoder, codes, dims, items.length, losses);
    } catch (error) {
      autoencoder.dispose();
      throw error;
    }
  }

  /** The featurizer and autoencoder weights as plain arrays (what the worker saves in IndexedDB). */
  async toTensors(): Promise<NamedTensor[]> {
    return [...this.featurizer.toTensors(), ...(await this.autoencoder.toTensors())];
  }

  /**
   * Embeddings of `items` from saved weights (toTensors), no training.
   * @throws Error when the tensors are missing or mis-shaped
   */
  static async fromTensors(items: readonly Item[], tensors: readonly NamedTensor[], losses: readonly number[]): Promise<ContentEmbeddings> {
    const featurizer = ContentFeaturizer.fromTensors(tensors);
    const autoencoder = ContentAutoencoder.fromTensors(tensors);
    try {
      if (autoencoder.inputDims !== featurizer.dims) throw new Error(`autoencoder input ${autoencoder.inputDims} ≠ ${featurizer.dims} features`);
      const codes = await embedAll(featurizer, autoencoder, items);
      return new ContentEmbeddings(featurizer, autoencoder, codes, autoencoder.embedding, items.length, [...losses]);
    } catch (error) {
      autoencoder.dispose();
      throw error;
    }
  }

  /** The same weights over another catalog (a catalog update): shares the autoencoder. */
  async forCatalog(items: readonly Item[]): Promise<ContentEmbeddings> {
    const codes = await embedAll(this.featurizer, this.autoencoder, items);
    return new ContentEmbeddings(this.featurizer, this.autoencoder, codes, this.dims, items.length, this.losses);
  }

  /** Cosine of every row with the mean code of `rows` (zeros when they have no text). */
  cosineToMean(rows: readonly number[]): Float32Array {
    const d = this.dims;
    const mean = new Float32Array(d);
    for (const row of rows) for (let k = 0; k < d; k++) mean[k]! += this.codes[row * d + k]!;
    let norm = 0;
    for (let k = 0; k < d; k++) norm += mean[k]! * mean[k]!;
    const out = new Float32Array(this.size);
    if (norm === 0) return out;
    const inv = 1 / Math.sqrt(norm);
    for (let k = 0; k < d; k++) mean[k]! *= inv;
    for (let r = 0; r < this.size; r++) {
      let t = 0;
      const at = r * d;
      for (let k = 0; k < d; k++) t += mean[k]! * this.codes[at + k]!;
      out[r] = t;
    }
    return out;
  }

  /** Frees the autoencoder's weights (shared by the instances forCatalog made). */
  dispose(): void {
    this.autoencoder.dispose();
  }
}


/** Unit codes of every item, embedded 512 rows at a time (the dense feature rows are never all held). */
async function embedAll(featurizer: ContentFeaturizer, autoencoder: ContentAutoencoder, items: readonly Item[]): Promise<Float32Array> {
  const d = autoencoder.embedding;
  const codes = new Float32Array(items.length * d);
  const chunk = 512;
  const f = featurizer.dims;
  const x = new Float32Array(chunk * f);
  const hasText = new Uint8Array(items.length);
  for (let from = 0; from < items.length; from += chunk) {
    const to = Math.min(items.length, from + chunk);
    for (let r = from; r < to; r++) {
      featurizer.vector(items[r]!, x, (r - from) * f);
      for (let k = (r - from) * f; k < (r - from + 1) * f && !hasText[r]; k++) if (x[k] !== 0) hasText[r] = 1;
    }
    codes.set(await autoencoder.embed(x.subarray(0, (to - from) * f), to - from), from * d);
  }
  for (let r = 0; r < items.length; r++) {
    let norm = 0;
    for (let k = 0; k < d; k++) norm += codes[r * d + k]! ** 2;
    // An item without text embeds to tanh(b1), the same code for all of them: not a likeness.
    const inv = hasText[r] && norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < d; k++) codes[r * d + k]! *= inv;
  }
  return codes;
}
