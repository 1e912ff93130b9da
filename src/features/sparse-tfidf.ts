import type { FeatureBag } from './item-features';
import { smoothIdf, sublinearTf } from './tf-idf';
import { BestK } from '../util/best-k';

/**
 * Exact (unhashed) TF-IDF vectors of the catalog, sparse, with an inverted index. The hashed
 * vectors on the backend (hashed-tfidf.ts) are what scoring uses at scale, but hashing 5–10k
 * features into 1,024 slots costs accuracy (about 8% of content-kNN Recall@20 on pseudo-cold
 * validation), so the new-item bridge (src/rank/new-item-bridge.ts) scores new items, a few rows,
 * with these. Same weighting as the hashed ones: sublinear tf × smooth idf (tf-idf.ts), unit length.
 */
/** The arrays a SparseTfIdf holds. */
export interface TfIdfArrays {
  ids: Map<string, number>;
  idf: Float32Array;
  ptr: Int32Array;
  idx: Int32Array;
  val: Float32Array;
  postPtr: Int32Array;
  postRow: Int32Array;
  postVal: Float32Array;
}

/** Rows handled between two yields of buildSteps (~10–20 ms at 100k items). */
const SLICE_ROWS = 10_000;

/**
 * Builds the arrays in passes over the rows, yielding every `slice` rows: drained at once by the
 * constructor, or a slice a task by SparseTfIdf.inSlices.
 */
function* buildSteps(bags: readonly FeatureBag[], slice = SLICE_ROWS, termWeights?: ReadonlyMap<string, number>): Generator<void, TfIdfArrays> {
  const n = bags.length;
  const ids = new Map<string, number>();
  const ptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) ptr[i + 1] = ptr[i]! + bags[i]!.size;
  // One pass over the bags: each feature's id (looked up once), its tf, and its document frequency.
  const idx = new Int32Array(ptr[n]!);
  const val = new Float32Array(ptr[n]!);
  // Weights in double precision until each row is normalised, as vectorOf computes them.
  const weights = new Float64Array(ptr[n]!);
  const df: number[] = [];
  let a = 0;
  for (let row = 0; row < n; row++) {
    for (const [feature, tf] of bags[row]!) {
      let id = ids.get(feature);
      if (id === undefined) ids.set(feature, (id = ids.size));
      df[id] = (df[id] ?? 0) + 1;
      idx[a] = id;
      weights[a++] = tf;
    }
    if (row % slice === slice - 1) yield;
  }
  const idf = Float32Array.from(df, (count) => smoothIdf(n, count));
  // A feature's weight beside its idf (the new-item bridge's collaborative coherence, term-weights.ts).
  if (termWeights) for (const [feature, id] of ids) idf[id]! *= termWeights.get(feature) ?? 1;
  // Then each row's weights, to unit length (a feature without a positive tf weighs 0, as in vectorOf).
  for (let row = 0; row < n; row++) {
    let norm = 0;
    for (let b = ptr[row]!; b < ptr[row + 1]!; b++) {
      const tf = weights[b]!;
      const w = tf > 0 ? sublinearTf(tf) * idf[idx[b]!]! : 0;
      weights[b] = w;
      norm += w * w;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let b = ptr[row]!; b < ptr[row + 1]!; b++) val[b] = weights[b]! * inv;
    if (row % slice === slice - 1) yield;
  }
  const features = ids.size;
  const postPtr = new Int32Array(features + 1);
  for (const f of idx) postPtr[f + 1]! += 1;
  for (let f = 0; f < features; f++) postPtr[f + 1]! += postPtr[f]!;
  const postRow = new Int32Array(idx.length);
  const postVal = new Float32Array(idx.length);
  const fill = postPtr.slice(0, features);
  for (let row = 0; row < n; row++) {
    for (let b = ptr[row]!; b < ptr[row + 1]!; b++) {
      const at = fill[idx[b]!]!++;
      postRow[at] = row;
      postVal[at] = val[b]!;
    }
    if (row % slice === slice - 1) yield;
  }
  return { ids, idf, ptr, idx, val, postPtr, postRow, postVal };
}

export class SparseTfIdf {
  private readonly ids: Map<string, number>;
  private readonly idf: Float32Array;
  /** Rows: CSR over feature ids. */
  private readonly ptr: Int32Array;
  private readonly idx: Int32Array;
  private readonly val: Float32Array;
  /** Postings: per feature, the rows holding it and their values. */
  private readonly postPtr: Int32Array;
  private readonly postRow: Int32Array;
  private readonly postVal: Float32Array;

  /** @param termWeights multipliers of some features' idf (absent: 1). */
  constructor(bags: readonly FeatureBag[], built?: TfIdfArrays, termWeights?: ReadonlyMap<string, number>) {
    let arrays = built;
    if (!arrays) {
      const steps = buildSteps(bags, SLICE_ROWS, termWeights);
      for (let step = steps.next(); ; step = steps.next()) {
        if (step.done) {
          arrays = step.value;
          break;
        }
      }
    }
    ({ ids: this.ids, idf: this.idf, ptr: this.ptr, idx: this.idx, val: this.val, postPtr: this.postPtr, postRow: this.postRow, postVal: this.postVal } = arrays);
  }

  /** The same vectors as the constructor, built `slice` rows at a time with `yieldNow()` between slices. */
  static async inSlices(bags: readonly FeatureBag[], yieldNow: () => Promise<void>, slice = SLICE_ROWS): Promise<SparseTfIdf> {
    const steps = buildSteps(bags, slice);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return new SparseTfIdf(bags, step.value);
      await yieldNow();
    }
  }

  get size(): number {
    return this.ptr.length - 1;
  }

  /** The unit vector of a bag over the catalog's features (features the catalog lacks are dropped). */
  vectorOf(bag: FeatureBag): { idx: Int32Array; val: Float32Array } {
    const idx: number[] = [];
    const val: number[] = [];
    let norm = 0;
    for (const [feature, tf] of bag) {
      const id = this.ids.get(feature);
      if (id === undefined || !(tf > 0)) continue;
      const w = sublinearTf(tf) * this.idf[id]!;
      idx.push(id);
      val.push(w);
      norm += w * w;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    return { idx: Int32Array.from(idx), val: Float32Array.from(val, (w) => w * inv) };
  }

  /** Adds `weight` × row's unit vector into a sparse profile (feature id → value). */
  addRow(profile: Map<number, number>, row: number, weight: number): void {
    for (let a = this.ptr[row]!; a < this.ptr[row + 1]!; a++) profile.set(this.idx[a]!, (profile.get(this.idx[a]!) ?? 0) + weight * this.val[a]!);
  }

  /** Adds `weight` × a bag's unit vector into a sparse profile. */
  addBag(profile: Map<number, number>, bag: FeatureBag, weight: number): void {
    const { idx, val } = this.vectorOf(bag);
    idx.forEach((f, a) => profile.set(f, (profile.get(f) ?? 0) + weight * val[a]!));
  }

  /** Dot products of a sparse profile with every row (cosines when the profile has unit length). */
  dotAll(profile: ReadonlyMap<number, number>): Float32Array {
    const out = new Float32Array(this.size);
    for (const [f, x] of profile) for (let p = this.postPtr[f]!; p < this.postPtr[f + 1]!; p++) out[this.postRow[p]!]! += x * this.postVal[p]!;
    return out;
  }

  /** Dot product of a sparse profile with one row. */
  dotRow(profile: ReadonlyMap<number, number>, row: number): number {
    let t = 0;
    for (let a = this.ptr[row]!; a < this.ptr[row + 1]!; a++) t += (profile.get(this.idx[a]!) ?? 0) * this.val[a]!;
    return t;
  }

  /** Cosine of two rows. */
  cosine(a: number, b: number): number {
    let i = this.ptr[a]!;
    let t = 0;
    const endA = this.ptr[a + 1]!;
    // Rows are short (a title's features): a small map is simplest.
    const of = new Map<number, number>();
    for (; i < endA; i++) of.set(this.idx[i]!, this.val[i]!);
    for (let j = this.ptr[b]!; j < this.ptr[b + 1]!; j++) t += (of.get(this.idx[j]!) ?? 0) * this.val[j]!;
    return t;
  }

  private scratch: Float32Array | null = null;

  /**
   * The `k` rows nearest to `row` by cosine (itself excluded), best first, visiting only rows that
   * share a feature with it. Features held by more than `maxPostings` rows are skipped: on a
   * 100k-item catalog a feature every tenth item has carries little idf weight and would make this
   * all-pairs. Ties go to the lower row.
   */
  nearestRows(row: number, k: number, maxPostings = Infinity): { ids: Int32Array; scores: Float64Array } {
    const n = this.size;
    const acc = (this.scratch ??= new Float32Array(n));
    const touched: number[] = [];
    for (let a = this.ptr[row]!; a < this.ptr[row + 1]!; a++) {
      const f = this.idx[a]!;
      const from = this.postPtr[f]!;
      const to = this.postPtr[f + 1]!;
      if (to - from > maxPostings) continue;
      const x = this.val[a]!;
      for (let p = from; p < to; p++) {
        const r = this.postRow[p]!;
        if (acc[r] === 0) touched.push(r);
        acc[r]! += x * this.postVal[p]!;
      }
    }
    const best = new BestK(k);
    for (const r of touched) {
      if (r !== row && acc[r]! > 0) best.push(acc[r]!, r);
      acc[r] = 0;
    }
    return best.take();
  }

  /** Cosines of row `row` with every row. */
  cosineRow(row: number): Float32Array {
    const profile = new Map<number, number>();
    this.addRow(profile, row, 1);
    return this.dotAll(profile);
  }
}
