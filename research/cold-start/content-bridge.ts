import * as tf from '@tensorflow/tfjs-core';
import type { Item } from '../../src/shared/types';
import { spdInverseWithRidge } from '../../src/util/spd-inverse';
import { tokenize } from '../../src/features/tokenize';
import { smoothIdf } from '../../src/features/tf-idf';

/**
 * The content bridge: how items without interactions ("cold") are scored next to warm ones.
 *
 * A cold item c gets three signals for a shopper u, each standardised over the candidates:
 * 1. content: Σ_{h ∈ history} cos(h, c) over field-weighted TF-IDF vectors of the catalog text
 *    (title words, title bigrams, category path, brand), optionally re-weighted per feature by
 *    its co-purchase lift among warm items ("learned IDF": features whose sharing predicts
 *    co-purchase count more);
 * 2. collaborative, through content: Σ_{w ∈ N_K(c)} cos(c, w)·s_u(w), where N_K(c) are c's K
 *    nearest warm items by content and s_u the shopper's collaborative scores of warm items
 *    (EASE in the evaluation, the model pack's VAE blend in the engine). This is the cold item's
 *    generated collaborative vector: a content-weighted mix of real warm items' columns (the
 *    generator of GAR / DropoutNet / LinMap, in closed form);
 * 3. prior: the predicted popularity of c = similarity-weighted mean of log(1 + count) over its
 *    nearest warm items.
 * score = z(content) + cfWeight·z(collaborative) + popWeight·z(prior); the weights are tuned on
 * pseudo-cold warm items (see bridge-eval-model.ts), never on the test's cold items.
 */
export interface BridgeFieldWeights {
  title: number;
  bigram: number;
  category: number;
  /** The words of the category path (as content-kNN reads them). */
  categoryWords: number;
  brand: number;
}

export interface BridgeConfig {
  fields: BridgeFieldWeights;
  /** Exponent of the per-feature co-purchase lift in the feature weight (0 = plain TF-IDF). */
  liftPower: number;
  /** Pseudo-count pulling each feature's lift towards 1. */
  liftShrink: number;
  /** Nearest warm items per cold item (collaborative part). */
  neighbours: number;
  cfWeight: number;
  popWeight: number;
  /** Weight of the best single history match (max cosine) next to the summed content score. */
  maxWeight: number;
  /**
   * Weight of the kernel-ridge collaborative part: the shopper's warm scores mapped to a cold item
   * through (K_ww + μI)⁻¹ k_wc, K the content kernel among warm items (0 = off).
   */
  krrWeight: number;
  krrMu: number;
  /** Nearest warm items for the popularity prior. */
  popNeighbours: number;
}

export const DEFAULT_BRIDGE: BridgeConfig = {
  fields: { title: 1, bigram: 0.5, category: 1, categoryWords: 0.5, brand: 2 },
  liftPower: 0.5,
  liftShrink: 1,
  neighbours: 30,
  cfWeight: 0.5,
  popWeight: 0.1,
  maxWeight: 0,
  krrWeight: 0,
  krrMu: 1,
  popNeighbours: 5,
};

/** The sparse features of one item's text, keyed by field. */
export function bridgeFeatures(item: Item, w: BridgeFieldWeights): Map<string, number> {
  const v = new Map<string, number>();
  const add = (k: string, x: number) => {
    if (x > 0) v.set(k, (v.get(k) ?? 0) + x);
  };
  const words = tokenize(item.title ?? '');
  for (const t of words) add(`t:${t}`, w.title);
  for (let i = 1; i < words.length; i++) add(`b:${words[i - 1]}_${words[i]}`, w.bigram);
  (item.category ?? []).forEach((c, level) => {
    add(`c${level}:${c.toLowerCase()}`, w.category);
    for (const t of tokenize(c)) add(`cw:${t}`, w.categoryWords);
  });
  if (item.brand) add(`br:${item.brand.toLowerCase()}`, w.brand);
  return v;
}

/** Unit-length sparse vectors, one per item (rows of a CSR over feature ids). */
export interface SparseVectors {
  ptr: Int32Array;
  idx: Int32Array;
  val: Float32Array;
  features: number;
}

/**
 * Co-purchase lift of each feature among warm items: P(two warm items sharing the feature were
 * bought by one shopper) / P(any two warm items were), shrunk towards 1 by `shrink` pairs.
 */
export function featureLift(bags: readonly Map<string, number>[], histories: readonly (readonly number[])[], warm: Uint8Array, shrink: number): Map<string, number> {
  const n = bags.length;
  const holders = new Map<string, number>();
  let warmCount = 0;
  bags.forEach((bag, i) => {
    if (!warm[i]) return;
    warmCount++;
    for (const k of bag.keys()) holders.set(k, (holders.get(k) ?? 0) + 1);
  });
  const pairs: Set<number>[] = Array.from({ length: n }, () => new Set());
  for (const h of histories) for (const i of h) if (warm[i]) for (const j of h) if (j > i && warm[j]) pairs[i]!.add(j);
  const together = new Map<string, number>();
  let total = 0;
  pairs.forEach((set, i) => {
    const a = bags[i]!;
    for (const j of set) {
      total++;
      const b = bags[j]!;
      const [small, large] = a.size <= b.size ? [a, b] : [b, a];
      for (const k of small.keys()) if (large.has(k)) together.set(k, (together.get(k) ?? 0) + 1);
    }
  });
  const p0 = total / Math.max(1, (warmCount * (warmCount - 1)) / 2);
  const lift = new Map<string, number>();
  if (p0 <= 0) return lift;
  for (const [k, m] of holders) {
    const pairsK = (m * (m - 1)) / 2;
    lift.set(k, ((together.get(k) ?? 0) + shrink * p0) / (pairsK + shrink) / p0);
  }
  return lift;
}

/** TF-IDF (smooth idf, as content-knn) × lift^power, L2-normalised. */
export function sparseVectors(bags: readonly Map<string, number>[], lift: Map<string, number> | null, liftPower: number): SparseVectors {
  const n = bags.length;
  const df = new Map<string, number>();
  for (const bag of bags) for (const k of bag.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const ids = new Map<string, number>();
  const ptr = new Int32Array(n + 1);
  bags.forEach((bag, i) => (ptr[i + 1] = ptr[i]! + bag.size));
  const idx = new Int32Array(ptr[n]!);
  const val = new Float32Array(ptr[n]!);
  bags.forEach((bag, i) => {
    let at = ptr[i]!;
    let norm = 0;
    for (const [k, x] of bag) {
      let id = ids.get(k);
      if (id === undefined) ids.set(k, (id = ids.size));
      const idf = smoothIdf(n, df.get(k)!);
      const w = x * idf * (lift && liftPower !== 0 ? (lift.get(k) ?? 1) ** liftPower : 1);
      idx[at] = id;
      val[at++] = w;
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (let a = ptr[i]!; a < ptr[i + 1]!; a++) val[a]! /= norm;
  });
  return { ptr, idx, val, features: ids.size };
}

/** Dense cosine rows: out[r·n + j] = cos(rows[r], j) for every item j. */
export function cosineRows(v: SparseVectors, rows: ArrayLike<number>): Float32Array {
  const n = v.ptr.length - 1;
  // Inverted index over features.
  const count = new Int32Array(v.features + 1);
  for (let a = 0; a < v.idx.length; a++) count[v.idx[a]! + 1]! += 1;
  for (let f = 0; f < v.features; f++) count[f + 1]! += count[f]!;
  const postItem = new Int32Array(v.idx.length);
  const postVal = new Float32Array(v.idx.length);
  const fill = Int32Array.from(count);
  for (let i = 0; i < n; i++) {
    for (let a = v.ptr[i]!; a < v.ptr[i + 1]!; a++) {
      const at = fill[v.idx[a]!]!++;
      postItem[at] = i;
      postVal[at] = v.val[a]!;
    }
  }
  const out = new Float32Array(rows.length * n);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    const o = r * n;
    for (let a = v.ptr[i]!; a < v.ptr[i + 1]!; a++) {
      const f = v.idx[a]!;
      const x = v.val[a]!;
      for (let p = count[f]!; p < count[f + 1]!; p++) out[o + postItem[p]!]! += x * postVal[p]!;
    }
  }
  return out;
}

/** The K best warm items of one dense similarity row (excluding `self`), best first. */
export function nearestWarm(row: Float32Array, offset: number, n: number, warm: Uint8Array, k: number, self: number): { items: Int32Array; sims: Float32Array } {
  const items: number[] = [];
  const sims: number[] = [];
  for (let j = 0; j < n; j++) {
    if (!warm[j] || j === self) continue;
    const s = row[offset + j]!;
    if (s <= 0) continue;
    if (items.length < k || s > sims[sims.length - 1]!) {
      let at = sims.length;
      while (at > 0 && sims[at - 1]! < s) at--;
      items.splice(at, 0, j);
      sims.splice(at, 0, s);
      if (items.length > k) {
        items.pop();
        sims.pop();
      }
    }
  }
  return { items: Int32Array.from(items), sims: Float32Array.from(sims) };
}

/** Standardises values in place (mean 0, sd 1; constant → 0). */
export function standardiseInPlace(values: Float32Array | Float64Array): void {
  const m = values.length;
  if (m === 0) return;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < m; i++) {
    s += values[i]!;
    s2 += values[i]! * values[i]!;
  }
  const mean = s / m;
  const sd = Math.sqrt(Math.max(0, s2 / m - mean * mean));
  for (let i = 0; i < m; i++) values[i] = sd > 1e-12 ? (values[i]! - mean) / sd : 0;
}

/**
 * The fitted bridge for a set of cold candidates: their content similarity to every item, their
 * nearest warm items and their popularity prior.
 */
export class ColdBridge {
  private constructor(
    readonly config: BridgeConfig,
    readonly n: number,
    /** Cold candidates (item indices). */
    readonly candidates: Int32Array,
    /** [candidates × n] cosine to every item. */
    private readonly sims: Float32Array,
    private readonly neighbours: { items: Int32Array; sims: Float32Array }[],
    /** Standardised popularity prior per candidate. */
    readonly prior: Float32Array,
    private readonly vectors: SparseVectors,
    private readonly warm: Uint8Array,
  ) {}

  /** Kernel-ridge map [warm × candidates] and its warm items, once computed. */
  private krr: { warm: Int32Array; a: Float32Array } | null = null;

  /**
   * Computes A = (K_ww + μI)⁻¹ K_wc over the warm items (tfjs: one inverse and one product), so
   * that a shopper's kernel-ridge score of cold item c is Σ_w s_u(w)·A[w, c]. Needs a tfjs backend.
   */
  kernelRidge(mu: number): void {
    const n = this.n;
    const warm: number[] = [];
    for (let j = 0; j < n; j++) if (this.warm[j]) warm.push(j);
    const w = warm.length;
    const m = this.candidates.length;
    const rows = cosineRows(this.vectors, warm);
    const kww = new Float32Array(w * w);
    for (let i = 0; i < w; i++) for (let j = 0; j < w; j++) kww[i * w + j] = rows[i * n + warm[j]!]!;
    const inv = spdInverseWithRidge(kww, w, mu);
    const kwc = new Float32Array(w * m);
    for (let p = 0; p < m; p++) for (let i = 0; i < w; i++) kwc[i * m + p] = this.sims[p * n + warm[i]!]!;
    const a = tf.tidy(() => tf.matMul(tf.tensor2d(inv, [w, w]), tf.tensor2d(kwc, [w, m])));
    this.krr = { warm: Int32Array.from(warm), a: Float32Array.from(a.dataSync()) };
    a.dispose();
  }

  /** The standardised kernel-ridge part for one shopper's warm scores (null before kernelRidge()). */
  krrPart(warmScores: Float32Array): Float64Array | null {
    if (!this.krr) return null;
    const { warm, a } = this.krr;
    const m = this.candidates.length;
    const out = new Float64Array(m);
    for (let i = 0; i < warm.length; i++) {
      const x = warmScores[warm[i]!]!;
      if (x === 0) continue;
      const o = i * m;
      for (let p = 0; p < m; p++) out[p]! += x * a[o + p]!;
    }
    standardiseInPlace(out);
    return out;
  }

  /**
   * @param histories training histories (item indices), warm items only
   * @param warm 1 = the item has training interactions (and may be a neighbour)
   * @param candidates the items scored cold
   */
  static fit(items: readonly Item[], histories: readonly (readonly number[])[], warm: Uint8Array, candidates: Int32Array, config: BridgeConfig, bags?: Map<string, number>[]): ColdBridge {
    const n = items.length;
    const b = bags ?? items.map((item) => bridgeFeatures(item, config.fields));
    const lift = config.liftPower !== 0 ? featureLift(b, histories, warm, config.liftShrink) : null;
    const vectors = sparseVectors(b, lift, config.liftPower);
    const sims = cosineRows(vectors, candidates);
    const count = new Float64Array(n);
    for (const h of histories) for (const j of h) count[j]! += 1;
    const kMax = Math.max(config.neighbours, config.popNeighbours);
    const neighbours: { items: Int32Array; sims: Float32Array }[] = [];
    const prior = new Float32Array(candidates.length);
    candidates.forEach((c, p) => {
      const nb = nearestWarm(sims, p * n, n, warm, kMax, c);
      neighbours.push(nb);
      let a = 0;
      let s = 0;
      for (let q = 0; q < Math.min(config.popNeighbours, nb.items.length); q++) {
        a += nb.sims[q]! * Math.log1p(count[nb.items[q]!]!);
        s += nb.sims[q]!;
      }
      prior[p] = s > 0 ? a / s : 0;
    });
    standardiseInPlace(prior);
    return new ColdBridge(config, n, candidates, sims, neighbours, prior, vectors, warm);
  }

  /**
   * The standardised content and collaborative parts for one shopper: `history` item indices,
   * `warmScores` the shopper's collaborative scores of every item (only warm entries are read),
   * or null (no collaborative part).
   */
  parts(history: readonly number[], warmScores: Float32Array | null, neighbours = this.config.neighbours): { content: Float64Array; best: Float64Array; cf: Float64Array | null } {
    const m = this.candidates.length;
    const n = this.n;
    const content = new Float64Array(m);
    const best = new Float64Array(m);
    for (let p = 0; p < m; p++) {
      let t = 0;
      let b = 0;
      const o = p * n;
      for (const h of history) {
        const v = this.sims[o + h]!;
        t += v;
        if (v > b) b = v;
      }
      content[p] = t;
      best[p] = b;
    }
    standardiseInPlace(content);
    standardiseInPlace(best);
    if (!warmScores) return { content, best, cf: null };
    const cf = new Float64Array(m);
    for (let p = 0; p < m; p++) {
      const nb = this.neighbours[p]!;
      let t = 0;
      for (let q = 0; q < Math.min(neighbours, nb.items.length); q++) t += nb.sims[q]! * warmScores[nb.items[q]!]!;
      cf[p] = t;
    }
    standardiseInPlace(cf);
    return { content, best, cf };
  }

  /** Combined raw cold scores of the candidates for one shopper, into out[0..candidates). */
  score(
    history: readonly number[],
    warmScores: Float32Array | null,
    out: Float32Array,
    weights: { cfWeight: number; popWeight: number; neighbours: number; maxWeight?: number; krrWeight?: number } = this.config,
  ): void {
    const { content, best, cf } = this.parts(history, weights.cfWeight !== 0 ? warmScores : null, weights.neighbours);
    const mw = weights.maxWeight ?? 0;
    const kw = weights.krrWeight ?? 0;
    const krr = kw !== 0 && warmScores ? this.krrPart(warmScores) : null;
    for (let p = 0; p < content.length; p++) {
      out[p] = content[p]! + mw * best[p]! + (cf ? weights.cfWeight * cf[p]! : 0) + weights.popWeight * this.prior[p]! + (krr ? kw * krr[p]! : 0);
    }
  }
}
