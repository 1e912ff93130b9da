import type { Csr, EvalModel, FitContext } from '../eval-model';
import { evaluateUsers } from '../evaluate';
import { tieRanks } from '../metrics';

export interface SknnOptions {
  /** Neighbour counts tried on the validation rows. */
  ks?: number[];
  /** m: only the m most recent training sessions sharing an item with the input are compared. */
  sampleSize?: number;
  /** Validation metric that picks k, e.g. `MRR@20`. */
  tuneMetric?: string;
  /** k used when the protocol has no validation rows. */
  defaultK?: number;
}

export const SKNN_KS = [50, 100, 200, 500];
export const SKNN_SAMPLE_SIZE = 1000;

/** A row's nearest training sessions, best first: row indices and cosine similarities. */
interface Neighbours {
  rows: Int32Array;
  sims: Float32Array;
}

/**
 * Session-based kNN (Jannach & Ludewig 2017, "When recurrent neural networks meet the
 * neighborhood for session-based recommendation"): the input session s and each training session n
 * are sets of items; of the training sessions that share at least one item with s, the m most
 * recent are sampled (recency = training row index: the `sessions` protocol orders rows oldest →
 * newest; other protocols' row order is arbitrary, so there the sample is arbitrary too). Their
 * cosine similarity |s ∩ n| / sqrt(|s|·|n|) picks the k nearest (ties: the more recent), and
 * score(i) = Σ over those k of sim(s, n)·[i ∈ n]. The session's own items are scored like any other
 * (the protocol decides masking). k is tuned on the validation rows; m is fixed.
 */
export class SknnModel implements EvalModel {
  readonly name = 'sknn';
  private readonly ks: number[];
  private readonly sampleSize: number;
  private readonly tuneMetric: string;
  private readonly defaultK: number;
  private k = 0;
  private n = 0;
  /** Training rows as distinct-item sets (CSR). */
  private rowPtr = new Int32Array(1);
  private rowItems = new Int32Array(0);
  /** Inverted index: sessions containing item i, ascending (oldest first). */
  private postPtr = new Int32Array(1);
  private postRows = new Int32Array(0);
  /** Scratch: overlap count per training row. */
  private overlap = new Int32Array(0);
  private tried: Record<string, number> = {};

  constructor(options: SknnOptions = {}) {
    this.ks = [...(options.ks ?? SKNN_KS)].sort((x, y) => x - y);
    this.sampleSize = options.sampleSize ?? SKNN_SAMPLE_SIZE;
    this.tuneMetric = options.tuneMetric ?? 'MRR@20';
    this.defaultK = options.defaultK ?? 100;
  }

  async fit(train: Csr, context: FitContext): Promise<void> {
    const n = train.cols;
    this.n = n;
    // Distinct items per row (a protocol may list an item twice).
    const seen = new Int32Array(n).fill(-1);
    const rowPtr = new Int32Array(train.rows + 1);
    const items: number[] = [];
    for (let r = 0; r < train.rows; r++) {
      for (let a = train.indptr[r] as number; a < (train.indptr[r + 1] as number); a++) {
        const i = train.indices[a] as number;
        if (seen[i] === r) continue;
        seen[i] = r;
        items.push(i);
      }
      rowPtr[r + 1] = items.length;
    }
    const rowItems = Int32Array.from(items);
    const postPtr = new Int32Array(n + 1);
    for (const i of rowItems) postPtr[i + 1]! += 1;
    for (let i = 0; i < n; i++) postPtr[i + 1]! += postPtr[i] as number;
    const fill = postPtr.slice(0, n);
    const postRows = new Int32Array(rowItems.length);
    for (let r = 0; r < train.rows; r++) {
      for (let a = rowPtr[r] as number; a < (rowPtr[r + 1] as number); a++) postRows[fill[rowItems[a] as number]!++] = r;
    }
    Object.assign(this, { rowPtr, rowItems, postPtr, postRows, overlap: new Int32Array(train.rows) });
    this.tried = {};

    const validation = context.validation;
    if (!validation || validation.inputs.rows === 0) {
      this.k = this.defaultK;
      return;
    }
    // Neighbours of every validation row once (at the largest k), then one ranking per k.
    const kMax = this.ks[this.ks.length - 1] as number;
    const neighbours: Neighbours[] = [];
    const inputs: number[][] = [];
    for (let r = 0; r < validation.inputs.rows; r++) {
      const row = Array.from(validation.inputs.indices.subarray(validation.inputs.indptr[r], validation.inputs.indptr[r + 1]));
      inputs.push(row);
      neighbours.push(this.neighbours(row, kMax));
    }
    const tieRank = tieRanks(n, context.seed);
    let best = -Infinity;
    for (const k of this.ks) {
      let next = 0; // evaluateUsers scores the rows in order, batch after batch
      const result = await evaluateUsers({
        score: async (x) => {
          const out = new Float32Array(x.rows * n);
          for (let r = 0; r < x.rows; r++) this.accumulate(out, r * n, neighbours[next + r] as Neighbours, k);
          next += x.rows;
          return out;
        },
        inputs,
        targets: validation.targets,
        cols: n,
        metrics: [this.tuneMetric],
        tieRank,
        maskInputs: context.maskInputs,
      });
      const value = result[this.tuneMetric] as number;
      this.tried[String(k)] = Number(value.toFixed(5));
      context.onProgress?.({ stage: 'sknn-k', loaded: Object.keys(this.tried).length, total: this.ks.length, k, [this.tuneMetric]: value });
      if (value > best) [best, this.k] = [value, k]; // ties keep the smaller k
    }
  }

  /**
   * The k nearest of the m most recent training sessions that share an item with `input`.
   * Input items outside 0..cols-1 are ignored.
   */
  private neighbours(input: readonly number[], k: number): Neighbours {
    const overlap = this.overlap;
    const distinct = [...new Set(input)].filter((i) => i >= 0 && i < this.n);
    const touched: number[] = [];
    for (const i of distinct) {
      for (let p = this.postPtr[i] as number; p < (this.postPtr[i + 1] as number); p++) {
        const r = this.postRows[p] as number;
        if (overlap[r] === 0) touched.push(r);
        overlap[r]! += 1;
      }
    }
    let sample = Int32Array.from(touched).sort(); // ascending row index = oldest first
    if (sample.length > this.sampleSize) sample = sample.subarray(sample.length - this.sampleSize);
    const sims = new Float64Array(sample.length);
    const size = distinct.length;
    sample.forEach((r, at) => {
      const len = (this.rowPtr[r + 1] as number) - (this.rowPtr[r] as number);
      sims[at] = (overlap[r] as number) / Math.sqrt(size * len);
    });
    for (const r of touched) overlap[r] = 0;
    const order = Array.from(sample.keys()).sort((a, b) => (sims[b] as number) - (sims[a] as number) || (sample[b] as number) - (sample[a] as number));
    const top = order.slice(0, k);
    return { rows: Int32Array.from(top, (at) => sample[at] as number), sims: Float32Array.from(top, (at) => sims[at] as number) };
  }

  /** Adds Σ sim·[i ∈ n] over the first k neighbours into out[offset ..]. */
  private accumulate(out: Float32Array, offset: number, nb: Neighbours, k: number): void {
    const upto = Math.min(k, nb.rows.length);
    for (let t = 0; t < upto; t++) {
      const r = nb.rows[t] as number;
      const sim = nb.sims[t] as number;
      for (let a = this.rowPtr[r] as number; a < (this.rowPtr[r + 1] as number); a++) out[offset + (this.rowItems[a] as number)]! += sim;
    }
  }

  async scoreBatch(inputs: Csr): Promise<Float32Array> {
    const n = this.n;
    const out = new Float32Array(inputs.rows * n);
    for (let r = 0; r < inputs.rows; r++) {
      const row = Array.from(inputs.indices.subarray(inputs.indptr[r], inputs.indptr[r + 1]));
      if (row.length > 0) this.accumulate(out, r * n, this.neighbours(row, this.k), this.k);
    }
    return out;
  }

  settings(): Record<string, unknown> {
    const tuned = Object.keys(this.tried).length > 0;
    return {
      k: this.k,
      k_grid: this.ks,
      sample_size: this.sampleSize,
      sample: 'most recent training sessions sharing an item (row order)',
      similarity: 'cosine of item sets',
      ...(tuned ? { tuned_on: `validation ${this.tuneMetric}`, validation: this.tried } : { tuned_on: 'none (no validation rows in this protocol)' }),
    };
  }

  backend(): string {
    return 'js';
  }

  dispose(): void {
    this.rowItems = new Int32Array(0);
    this.postRows = new Int32Array(0);
    this.overlap = new Int32Array(0);
  }
}
