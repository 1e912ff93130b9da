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
export class SparseTfIdf {
  private readonly ids = new Map<string, number>();
  private readonly idf: Float32Array;
  /** Rows: CSR over feature ids. */
  private readonly ptr: Int32Array;
  private readonly idx: Int32Array;
  private readonly val: Float32Array;
  /** Postings: per feature, the rows holding it and their values. */
  private readonly postPtr: Int32Array;
  private readonly postRow: Int32Array;
  private readonly postVal: Float32Array;

  constructor(bags: readonly FeatureBag[]) {
    const n = bags.length;
    const df: number[] = [];
    for (const bag of bags) {
      for (const feature of bag.keys()) {
        let id = this.ids.get(feature);
        if (id === undefined) this.ids.set(feature, (id = this.ids.size));
        df[id] = (df[id] ?? 0) + 1;
      }
    }
    this.idf = Float32Array.from(df, (count) => smoothIdf(n, count));
    this.ptr = new Int32Array(n + 1);
    bags.forEach((bag, i) => (this.ptr[i + 1] = this.ptr[i]! + bag.size));
    this.idx = new Int32Array(this.ptr[n]!);
    this.val = new Float32Array(this.ptr[n]!);
    bags.forEach((bag, i) => {
      const { idx, val } = this.vectorOf(bag);
      this.idx.set(idx, this.ptr[i]!);
      this.val.set(val, this.ptr[i]!);
    });
    const features = this.ids.size;
    this.postPtr = new Int32Array(features + 1);
    for (const f of this.idx) this.postPtr[f + 1]! += 1;
    for (let f = 0; f < features; f++) this.postPtr[f + 1]! += this.postPtr[f]!;
    this.postRow = new Int32Array(this.idx.length);
    this.postVal = new Float32Array(this.idx.length);
    const fill = this.postPtr.slice(0, features);
    for (let row = 0; row < n; row++) {
      for (let a = this.ptr[row]!; a < this.ptr[row + 1]!; a++) {
        const at = fill[this.idx[a]!]!++;
        this.postRow[at] = row;
        this.postVal[at] = this.val[a]!;
      }
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
