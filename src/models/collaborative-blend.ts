import * as tf from '@tensorflow/tfjs-core';
import type { ItemNeighbours } from './item-item/item-item';
import { csrFromRows, densifyRows, type Csr } from '../util/csr';
import { sumAndSquares } from '../util/sums';
import type { VaeNetwork } from './vae/vae-network';

const l2Normalised = (value: number, norm: number): number => (norm > 0 ? value / norm : 0);

/**
 * Adds weight · standardise(row) of one item–item part to `into[o .. o + items)`, for the history
 * of input row `u`, touching only the columns the part reaches (a history's neighbours: hundreds of
 * a catalog's thousands). The part's row is x = Σ_i w_i · B[i]; its mean and deviation over all
 * columns come from the touched ones (the rest are 0), and the −mean·scale every column gets is
 * returned for the caller to add once for all parts. `scratch` (items floats) and `mark` (items
 * bytes) are zero on entry and on return.
 */
function addStandardisedPart(nb: ItemNeighbours, inputs: Csr, u: number, weight: number, into: Float32Array, o: number, scratch: Float32Array, mark: Uint8Array, rowBuffers: { indices: Int32Array; values: Float32Array; touched: Int32Array }): number {
  const { items, k } = nb;
  const span = (inputs.indptr[u + 1]! - inputs.indptr[u]!) * k;
  if (rowBuffers.touched.length < span) rowBuffers.touched = new Int32Array(span);
  const touched = rowBuffers.touched;
  let count = 0;
  // A coded part is read a row at a time (its `indices`/`values` getters would decode it whole).
  const coded = nb.readRow !== undefined;
  const indices = coded ? rowBuffers.indices : nb.indices;
  const values = coded ? rowBuffers.values : nb.values;
  for (let e = inputs.indptr[u]!; e < inputs.indptr[u + 1]!; e++) {
    const i = inputs.indices[e]!;
    const w = inputs.values[e]!;
    let off = i * k;
    if (coded) {
      nb.readRow!(i, rowBuffers.indices, rowBuffers.values);
      off = 0;
    }
    for (let t = 0; t < k; t++) {
      const j = indices[off + t]!;
      if (!mark[j]) {
        mark[j] = 1;
        touched[count++] = j;
      }
      scratch[j]! += w * values[off + t]!;
    }
  }
  let sum = 0;
  let squares = 0;
  for (let c = 0; c < count; c++) {
    const x = scratch[touched[c]!]!;
    sum += x;
    squares += x * x;
  }
  const mean = sum / items;
  const scale = weight / Math.sqrt(Math.max(squares / items - mean * mean, 0) + 1e-12);
  for (let c = 0; c < count; c++) {
    const j = touched[c]!;
    into[o + j]! += scratch[j]! * scale;
    scratch[j] = 0;
    mark[j] = 0;
  }
  return -mean * scale;
}

/** target[i] += values[i] · scale + offset over [from, to). */
function addScaled(target: Float32Array, values: Float32Array, from: number, to: number, scale: number, offset: number): void {
  for (let i = from; i < to; i++) target[i] = target[i]! + values[i]! * scale + offset;
}

/**
 * A batch of sparse rows as (mix [rows × nnz], cols [nnz]) for VaeNetwork.scoreSparse: each
 * row's values L2-normalised, in the columns of the batch's nonzeros.
 */
function batchNonzeros(inputs: Csr, ids: ArrayLike<number>, from: number, to: number): number {
  let nnz = 0;
  for (let r = from; r < to; r++) nnz += inputs.indptr[ids[r]! + 1]! - inputs.indptr[ids[r]!]!;
  return nnz;
}

function sparseBatch(inputs: Csr, ids: ArrayLike<number>, from: number, to: number, nnz: number): { mix: Float32Array; cols: Int32Array } {
  const cols = new Int32Array(nnz);
  const mix = new Float32Array((to - from) * nnz);
  let at = 0;
  for (let r = from; r < to; r++) {
    const u = ids[r]!;
    let norm = 0;
    for (let e = inputs.indptr[u]!; e < inputs.indptr[u + 1]!; e++) norm += inputs.values[e]! ** 2;
    norm = Math.sqrt(norm);
    for (let e = inputs.indptr[u]!; e < inputs.indptr[u + 1]!; e++) {
      cols[at] = inputs.indices[e]!;
      mix[(r - from) * nnz + at] = l2Normalised(inputs.values[e]!, norm);
      at++;
    }
  }
  return { mix, cols };
}

/** Blend weight of each item–item part (by position); the VAE gets 1 − Σ. */
export type PartWeights = readonly number[];

/**
 * Fold-in scoring. A history (item indices + weights) is L2-normalised, encoded to the mean of
 * q(z | x) and decoded in one forward pass (no sampling, no dropout): the decoder's logits rank
 * items as the multinomial probabilities do. With item–item parts (EASE, item-kNN, content
 * neighbours), each part scores x·S from the raw history; every score row is standardised per
 * user and the rows are blended: (1 − Σw)·z(vae) + Σ w_p·z(x·S_p).
 */
export class CollaborativeBlend {
  readonly weights: PartWeights;

  constructor(
    readonly network: VaeNetwork,
    readonly parts: readonly ItemNeighbours[] = [],
    weights: PartWeights = [],
    readonly batchSize = 256,
  ) {
    for (const part of parts) {
      if (part.items !== network.arch.items) throw new RangeError(`${part.kind} part has ${part.items} items, network ${network.arch.items}`);
    }
    if (weights.length !== parts.length) throw new RangeError(`${weights.length} blend weights for ${parts.length} parts`);
    this.weights = [...weights];
  }

  get items(): number {
    return this.network.arch.items;
  }

  /** Weight of the VAE in the blend. */
  get vaeWeight(): number {
    return Math.max(0, 1 - this.weights.reduce((a, b) => a + b, 0));
  }

  /** The same network and parts with other blend weights. */
  withWeights(weights: PartWeights): CollaborativeBlend {
    return new CollaborativeBlend(this.network, this.parts, weights, this.batchSize);
  }

  /** Scores of every item for one history. */
  async scoreHistory(indices: readonly number[], weights?: readonly number[]): Promise<Float32Array> {
    for (const i of indices) if (!(Number.isInteger(i) && i >= 0 && i < this.items)) throw new RangeError(`item index ${i} out of range [0, ${this.items})`);
    // Repeated items add up, as in a weighted history.
    const merged = new Map<number, number>();
    indices.forEach((i, k) => merged.set(i, (merged.get(i) ?? 0) + (weights ? weights[k]! : 1)));
    const row = csrFromRows([[...merged.keys()]], this.items, [[...merged.values()]]);
    return this.scoreRows(row);
  }

  /** Scores of every item for each row of `inputs` (or rows `rowIds`): [rows × items], row-major. */
  async scoreRows(inputs: Csr, rowIds?: ArrayLike<number>): Promise<Float32Array> {
    return this.score(inputs, rowIds, this.weights);
  }

  /**
   * The blend's scores at columns `cols` for the one history in `inputs`, up to a shift that every
   * column shares: what scoreRows() gives there, less its constant terms. For callers that only
   * compare a few columns (search() re-ranks its hits by their min–max scaled interest): the VAE's
   * logits are standardised with moments taken on the backend and only `cols` are read back, and
   * the item–item parts add their standardised values at the columns they reach.
   */
  async scoreAt(inputs: Csr, cols: Int32Array): Promise<Float32Array> {
    const items = this.items;
    if (inputs.rows !== 1 || inputs.cols !== items) throw new RangeError(`scoreAt takes one history over ${items} items`);
    for (const c of cols) if (!(c >= 0 && c < items)) throw new RangeError(`column ${c} out of range [0, ${items})`);
    const out = new Float32Array(cols.length);
    const vaeWeight = this.vaeWeight;
    if (vaeWeight > 0) {
      const ids = [0];
      const nnz = batchNonzeros(inputs, ids, 0, 1);
      const dense = nnz >= items ? new Float32Array(items) : null;
      if (dense) densifyRows(inputs, ids, 0, 1, dense, l2Normalised);
      const sparse = dense ? null : sparseBatch(inputs, ids, 0, 1, nnz);
      const [moments, picked] = tf.tidy(() => {
        const logits = sparse ? this.network.scoreSparse(tf.tensor2d(sparse.mix, [1, sparse.cols.length]), sparse.cols) : this.network.score(tf.tensor2d(dense!, [1, items]));
        const { mean, variance } = tf.moments(logits);
        return [tf.stack([mean, variance]), tf.gather(tf.reshape(logits, [items]), tf.tensor1d(cols, 'int32'))];
      });
      try {
        const [mean, variance] = (await moments.data()) as Float32Array;
        const values = (await picked.data()) as Float32Array;
        // As score(): with parts, (x − mean) / √(variance + 1e-12) times the VAE's
        // weight (less the shift); without, the logits as they are.
        const blended = this.weights.some((w) => w > 0);
        const scale = blended ? vaeWeight / Math.sqrt(variance! + 1e-12) : 1;
        for (let i = 0; i < cols.length; i++) out[i] = blended ? (values[i]! - mean!) * scale : values[i]!;
      } finally {
        moments.dispose();
        picked.dispose();
      }
    }
    if (this.weights.some((w) => w > 0)) {
      const { partSum, scratch, mark } = this.buffers();
      partSum.fill(0, 0, items);
      const maxK = Math.max(1, ...this.parts.map((part) => part.k));
      const rowBuffers = { indices: new Int32Array(maxK), values: new Float32Array(maxK), touched: new Int32Array(0) };
      // Each part's −mean·scale shift is the same at every column: left out.
      for (let p = 0; p < this.parts.length; p++) {
        if (this.weights[p]! > 0) addStandardisedPart(this.parts[p]!, inputs, 0, this.weights[p]!, partSum, 0, scratch, mark, rowBuffers);
      }
      for (let i = 0; i < cols.length; i++) out[i]! += partSum[cols[i]!]!;
    }
    return out;
  }

  /**
   * The weight of the first part of this kind in the blend and its standardised scores
   * ([rows × items]), or null when the blend has no such part with a weight above 0. Costs the
   * part's sparse neighbour pass only, not the network.
   */
  async partScores(inputs: Csr, kind: string): Promise<{ weight: number; scores: Float32Array } | null> {
    const p = this.parts.findIndex((part) => part.kind === kind);
    if (p < 0 || !(this.weights[p]! > 0)) return null;
    const scores = await this.score(inputs, undefined, this.parts.map((_, q) => (q === p ? 1 : 0)), true);
    return { weight: this.weights[p]!, scores };
  }

  /**
   * The standardised score rows of each component ([vae, ...parts], each [rows × items]), for
   * tuning blend weights without rescoring.
   */
  async componentScores(inputs: Csr, rowIds?: ArrayLike<number>): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    out.push(await this.score(inputs, rowIds, this.parts.map(() => 0), true));
    for (let p = 0; p < this.parts.length; p++) {
      out.push(await this.score(inputs, rowIds, this.parts.map((_, q) => (q === p ? 1 : 0)), true));
    }
    return out;
  }

  /**
   * Working arrays of the item–item parts, kept between calls (serving allocated ~1 MB a
   * recommendation at 100k items, and the garbage collector ran inside later calls): `scratch`
   * and `mark` (zero between uses) for one history at a time, and `partSum` (scoreAt's one row).
   */
  private kept: { partSum: Float32Array; scratch: Float32Array; mark: Uint8Array } | null = null;

  private buffers(): { partSum: Float32Array; scratch: Float32Array; mark: Uint8Array } {
    const items = this.items;
    this.kept ??= { partSum: new Float32Array(items), scratch: new Float32Array(items), mark: new Uint8Array(items) };
    return this.kept;
  }

  private async score(inputs: Csr, rowIds: ArrayLike<number> | undefined, weights: PartWeights, standardise = false): Promise<Float32Array> {
    const items = this.items;
    if (inputs.cols !== items) throw new RangeError(`inputs have ${inputs.cols} columns, model has ${items} items`);
    const ids = rowIds ?? Int32Array.from({ length: inputs.rows }, (_, r) => r);
    const out = new Float32Array(ids.length * items);
    const vaeWeight = Math.max(0, 1 - weights.reduce((a, b) => a + b, 0));
    const used = this.parts.map((_, p) => weights[p]! > 0);
    const blended = standardise || used.some(Boolean);
    const anyPart = used.some(Boolean);
    const { scratch, mark } = this.buffers();
    const maxK = Math.max(1, ...this.parts.map((part) => part.k));
    const rowBuffers = { indices: new Int32Array(maxK), values: new Float32Array(maxK), touched: new Int32Array(0) };
    for (let from = 0; from < ids.length; from += this.batchSize) {
      const to = Math.min(ids.length, from + this.batchSize);
      const n = to - from;
      const target = out.subarray(from * items, to * items);
      let logits: Float32Array | null = null;
      if (vaeWeight > 0) {
        // Histories are sparse (a few items of thousands): the first layer reads only their rows;
        // a batch with more nonzeros than items (dense data, long histories) takes the dense product.
        const nnz = batchNonzeros(inputs, ids, from, to);
        // (An empty batch takes the sparse path too: its first layer is zero, nothing to read.)
        const dense = nnz >= items ? new Float32Array(n * items) : null;
        if (dense) densifyRows(inputs, ids, from, to, dense, l2Normalised);
        const sparse = dense ? null : sparseBatch(inputs, ids, from, to, nnz);
        const product = tf.tidy(() =>
          sparse ? this.network.scoreSparse(tf.tensor2d(sparse.mix, [n, sparse.cols.length]), sparse.cols) : this.network.score(tf.tensor2d(dense!, [n, items])),
        );
        try {
          logits = (await product.data()) as Float32Array;
        } finally {
          product.dispose();
        }
        if (!blended) {
          target.set(logits);
          continue;
        }
      }
      // The standardising and blending run here, not as kernels: read back once, they are a few
      // passes over each row, where the backend took ten kernels and an upload of the parts
      // (0.15 ms of a 1 ms recommend() at 10k items on WASM). Each part is a sparse sum over the
      // history's neighbour lists, standardised and weighted (addStandardisedPart): it is added
      // where it is not zero, and its constant term with the VAE's row.
      if (!logits && !anyPart) throw new Error('CollaborativeBlend: nothing to score with (all weights zero)');
      for (let r = 0; r < n; r++) {
        const o = r * items;
        let shift = 0;
        for (let p = 0; p < this.parts.length; p++) {
          if (used[p]) shift += addStandardisedPart(this.parts[p]!, inputs, ids[from + r]!, weights[p]!, target, o, scratch, mark, rowBuffers);
        }
        if (!logits) {
          if (shift !== 0) for (let j = o; j < o + items; j++) target[j]! += shift;
          continue;
        }
        // The VAE's row standardised ((x − mean) / √(variance + 1e-12), as tf.moments) times its weight.
        const { sum, squares } = sumAndSquares(logits, o, o + items);
        const mean = sum / items;
        const scale = vaeWeight / Math.sqrt(Math.max(squares / items - mean * mean, 0) + 1e-12);
        addScaled(target, logits, o, o + items, scale, shift - mean * scale);
      }
    }
    return out;
  }
}
