import type { Item } from '../../shared/types';
import { addTitleCharGrams, itemFeatures, type FeatureBag } from '../../features/item-features';
import { takeTensor, type NamedTensor } from './tensor-list';
import { fnv1a } from '../../util/hash';
import { smoothIdf, sublinearTf } from '../../features/tf-idf';

/**
 * Item text → a fixed-size vector the autoencoder and the cold-start scorer read. The words are
 * the catalog's own features (src/features/item-features.ts: title words and bigrams, category words
 * and leaf, brand, description, price band) plus character n-grams of title words (partial model
 * numbers, plurals, typos), hashed with a ±1 sign into `dims` slots (a power of two).
 *
 * IDF is kept per slot (document frequency of the slot over the catalog it was fitted on), so the
 * whole state is one Float32Array: a new catalog row gets a vector with no refit, and a shipped
 * pack needs no vocabulary. Vectors are sublinear-tf × idf, L2-normalised (all zero without text).
 */
export interface ContentFeatureConfig {
  dims: number;
  /** Character n-gram length on title words (0 = none). */
  charN: number;
  /** Weight of each character n-gram relative to a title word (1). */
  charWeight: number;
}

export const DEFAULT_CONTENT_FEATURES: ContentFeatureConfig = { dims: 4096, charN: 3, charWeight: 0.2 };


export class ContentFeaturizer {
  private constructor(
    readonly config: ContentFeatureConfig,
    /** idf per slot; `unseenIdf` for slots no fitted item used. */
    readonly idf: Float32Array,
    readonly unseenIdf: number,
  ) {}

  get dims(): number {
    return this.config.dims;
  }

  /** Named features of an item: the catalog's features plus title character n-grams. */
  bag(item: Item): FeatureBag {
    const bag = itemFeatures(item);
    const { charN, charWeight } = this.config;
    return charN > 0 && charWeight > 0 ? addTitleCharGrams(bag, item.title, charN, charWeight) : bag;
  }

  /** Fits the slot IDF on a catalog. */
  static fit(items: readonly Item[], config: Partial<ContentFeatureConfig> = {}): ContentFeaturizer {
    const cfg = { ...DEFAULT_CONTENT_FEATURES, ...config };
    // Stored as float32 in a pack: use the float32 value from the start so a reload is exact.
    cfg.charWeight = Math.fround(cfg.charWeight);
    if (!Number.isInteger(Math.log2(cfg.dims))) throw new RangeError('dims must be a power of two');
    const probe = new ContentFeaturizer(cfg, new Float32Array(cfg.dims), 1);
    const df = new Float64Array(cfg.dims);
    const seen = new Uint8Array(cfg.dims);
    const touched: number[] = [];
    for (const item of items) {
      for (const feature of probe.bag(item).keys()) {
        const slot = fnv1a(feature) & (cfg.dims - 1);
        if (!seen[slot]) {
          seen[slot] = 1;
          touched.push(slot);
        }
      }
      for (const slot of touched) {
        df[slot]! += 1;
        seen[slot] = 0;
      }
      touched.length = 0;
    }
    const n = items.length;
    const unseenIdf = Math.fround(smoothIdf(n, 0));
    const idf = new Float32Array(cfg.dims);
    for (let s = 0; s < cfg.dims; s++) idf[s] = df[s]! > 0 ? smoothIdf(n, df[s]!) : unseenIdf;
    return new ContentFeaturizer(cfg, idf, unseenIdf);
  }

  /** Writes item's unit vector into out[offset .. offset+dims) (overwrites). */
  vector(item: Item, out = new Float32Array(this.dims), offset = 0): Float32Array {
    const dims = this.dims;
    out.fill(0, offset, offset + dims);
    for (const [feature, tf] of this.bag(item)) {
      const hash = fnv1a(feature);
      const slot = hash & (dims - 1);
      const sign = hash & 0x80000000 ? -1 : 1;
      const weight = sublinearTf(tf);
      out[offset + slot]! += sign * weight * this.idf[slot]!;
    }
    let norm = 0;
    for (let s = 0; s < dims; s++) norm += out[offset + s]! ** 2;
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let s = 0; s < dims; s++) out[offset + s]! *= scale;
    }
    return out;
  }

  /** [items × dims] row-major unit vectors. */
  matrix(items: readonly Item[]): Float32Array {
    const out = new Float32Array(items.length * this.dims);
    items.forEach((item, row) => this.vector(item, out, row * this.dims));
    return out;
  }

  toTensors(prefix = 'features'): NamedTensor[] {
    const { dims, charN, charWeight } = this.config;
    return [
      { name: `${prefix}/idf`, shape: [dims], data: Float32Array.from(this.idf) },
      { name: `${prefix}/config`, shape: [4], data: Float32Array.of(dims, charN, charWeight, this.unseenIdf) },
    ];
  }

  static fromTensors(list: readonly NamedTensor[], prefix = 'features'): ContentFeaturizer {
    const c = takeTensor(list, `${prefix}/config`, [4]).data;
    const dims = c[0]!;
    const idf = takeTensor(list, `${prefix}/idf`, [dims]).data;
    return new ContentFeaturizer({ dims, charN: c[1]!, charWeight: c[2]! }, Float32Array.from(idf), c[3]!);
  }
}
