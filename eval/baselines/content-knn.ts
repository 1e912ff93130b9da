import type { Item } from '../../src/shared/types';
import { tokenize } from '../../src/features/tokenize';
import type { Csr, EvalModel, FitContext } from '../eval-model';
import { smoothIdf } from '../../src/features/tf-idf';

/** The catalog text content-kNN reads: title, category path and brand. */
export function itemText(item: Item): string {
  return [item.title, ...(item.category ?? []), item.brand ?? ''].join(' ');
}

/**
 * Content-kNN for items nobody has bought yet: TF-IDF vectors of title + category + brand
 * (raw term counts × smooth idf ln((1+N)/(1+df)) + 1, L2-normalised, as scikit-learn's default),
 * a shopper's profile = mean of their input items' vectors, score = cosine(profile, item).
 * Uses no interactions at all, so cold items score like warm ones.
 */
export class ContentKnnModel implements EvalModel {
  readonly name = 'content-knn';
  /** Inverted index: for term t, items postItems[postPtr[t]..postPtr[t+1]) with weights postW. */
  private postPtr = new Int32Array(0);
  private postItems = new Int32Array(0);
  private postW = new Float32Array(0);
  /** Item vectors as CSR over terms. */
  private itemPtr = new Int32Array(0);
  private itemTerms = new Int32Array(0);
  private itemW = new Float32Array(0);
  private vocab = 0;
  private n = 0;

  async fit(train: Csr, context: FitContext): Promise<void> {
    const n = train.cols;
    if (context.items.length !== n) throw new Error(`content-knn needs catalog items aligned to ${n} columns, got ${context.items.length}`);
    const termIndex = new Map<string, number>();
    const docs: Map<number, number>[] = context.items.map((item) => {
      const tf = new Map<number, number>();
      for (const token of tokenize(itemText(item))) {
        let t = termIndex.get(token);
        if (t === undefined) termIndex.set(token, (t = termIndex.size));
        tf.set(t, (tf.get(t) ?? 0) + 1);
      }
      return tf;
    });
    const vocab = termIndex.size;
    const df = new Float64Array(vocab);
    for (const doc of docs) for (const t of doc.keys()) df[t]! += 1;
    const idf = df.map((d) => smoothIdf(n, d));

    const itemPtr = new Int32Array(n + 1);
    docs.forEach((doc, i) => (itemPtr[i + 1] = (itemPtr[i] as number) + doc.size));
    const itemTerms = new Int32Array(itemPtr[n] as number);
    const itemW = new Float32Array(itemPtr[n] as number);
    const postCount = new Int32Array(vocab + 1);
    docs.forEach((doc, i) => {
      let norm = 0;
      for (const [t, c] of doc) norm += (c * (idf[t] as number)) ** 2;
      norm = Math.sqrt(norm);
      let at = itemPtr[i] as number;
      for (const [t, c] of doc) {
        itemTerms[at] = t;
        itemW[at++] = (c * (idf[t] as number)) / norm;
        postCount[t + 1]! += 1;
      }
    });
    for (let t = 0; t < vocab; t++) postCount[t + 1]! += postCount[t] as number;
    const postPtr = Int32Array.from(postCount);
    const fill = Int32Array.from(postCount);
    const postItems = new Int32Array(itemTerms.length);
    const postW = new Float32Array(itemTerms.length);
    for (let i = 0; i < n; i++) {
      for (let a = itemPtr[i] as number; a < (itemPtr[i + 1] as number); a++) {
        const t = itemTerms[a] as number;
        const at = fill[t]!++;
        postItems[at] = i;
        postW[at] = itemW[a] as number;
      }
    }
    Object.assign(this, { postPtr, postItems, postW, itemPtr, itemTerms, itemW, vocab, n });
  }

  async scoreBatch(inputs: Csr): Promise<Float32Array> {
    const n = this.n;
    const out = new Float32Array(inputs.rows * n);
    const profile = new Float64Array(this.vocab);
    const touched: number[] = [];
    for (let r = 0; r < inputs.rows; r++) {
      const start = inputs.indptr[r] as number;
      const end = inputs.indptr[r + 1] as number;
      if (end === start) continue;
      // Profile = mean of the input item vectors; cosine only needs its direction.
      for (let a = start; a < end; a++) {
        const i = inputs.indices[a] as number;
        for (let b = this.itemPtr[i] as number; b < (this.itemPtr[i + 1] as number); b++) {
          const t = this.itemTerms[b] as number;
          if (profile[t] === 0) touched.push(t);
          profile[t]! += (this.itemW[b] as number) * (inputs.values[a] as number);
        }
      }
      let norm = 0;
      for (const t of touched) norm += (profile[t] as number) ** 2;
      norm = Math.sqrt(norm) || 1;
      const o = r * n;
      for (const t of touched) {
        const w = (profile[t] as number) / norm;
        for (let p = this.postPtr[t] as number; p < (this.postPtr[t + 1] as number); p++) {
          out[o + (this.postItems[p] as number)]! += w * (this.postW[p] as number);
        }
        profile[t] = 0;
      }
      touched.length = 0;
    }
    return out;
  }

  settings(): Record<string, unknown> {
    return { text: 'title + category + brand', weighting: 'tf-idf (smooth idf, l2)', profile: 'mean of input item vectors', vocabulary: this.vocab };
  }

  backend(): string {
    return 'js';
  }
}
