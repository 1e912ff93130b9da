import * as tf from '@tensorflow/tfjs-core';
import type { BridgeSettingsReport } from '../api/types';
import type { ContentModel } from '../models/content-model';
import { spdInverseWithRidge } from '../models/spd-inverse';

/** How rows the collaborative model does not know are scored (see ColdRowBridge; fields in api/types). */
export type BridgeSettings = BridgeSettingsReport;

/**
 * The library's defaults, for packs without tuned settings (a pack built with `npm run train --
 * --evaluation FILE` carries its own; status().ranking.coldBridge says which are in use). From the
 * `localrec` cold-items tuning on pseudo-cold warm items (seed 42, never the protocol's cold items;
 * src/models/cold-start/engine-eval-model.ts): office and scientific both chose carried-over weight
 * 1 and no kernel ridge (on office it gained 1.5% validation NDCG@20, under the 2% its cost
 * requires; on scientific nothing); scale / shift were 1 / 1.5 and 1.5 / 1 in a first run without
 * the popularity part, and the default sits between. The popularity weight for histories the
 * model does not know is set, not tuned.
 */
export const ENGINE_BRIDGE: BridgeSettings = {
  neighbours: 5,
  cfWeight: 1,
  ridgeWeight: 0,
  ridgeMu: 1,
  priorWeight: 0,
  scale: 1,
  shift: 1,
  popularityWeight: 0.5,
};

/**
 * Bridge settings from a model pack's manifest over the defaults: finite numbers in range are
 * taken, anything else is left at its default and named in `ignored`.
 */
export function bridgeSettingsFrom(values: Record<string, unknown> | undefined): { settings: BridgeSettings; ignored: string[] } {
  const settings: BridgeSettings = { ...ENGINE_BRIDGE };
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(values ?? {})) {
    if (!(key in ENGINE_BRIDGE)) {
      ignored.push(key);
      continue;
    }
    const ok = typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 100 && (key === 'shift' || value >= 0) && (key !== 'neighbours' || (Number.isInteger(value) && value <= 50)) && (key !== 'ridgeMu' || value > 0);
    if (ok) settings[key as keyof BridgeSettings] = value as number;
    else ignored.push(key);
  }
  return { settings, ignored };
}

/**
 * Scores catalog rows the collaborative model does not know (products added after training):
 * each gets a generated collaborative score, the similarity-weighted mean of the shopper's
 * (standardised) collaborative scores of its nearest known rows by content, added to its content
 * score. The neighbours are found once per catalog on the backend, so adding items costs one
 * [new × dims]·[dims × items] product and no retraining.
 */
export class ColdRowBridge {
  private constructor(
    /** Rows without a collaborative vector. */
    readonly rows: Int32Array,
    /** rows.length × k: neighbour rows (known ones), -1 where none. */
    private readonly neighbourRows: Int32Array,
    private readonly neighbourSims: Float32Array,
    readonly k: number,
    /** Kernel-ridge map, when its weight is not 0 (see ridgeScores). */
    private readonly ridge: { content: ContentModel; inverse: tf.Tensor2D; known: Uint8Array } | null,
  ) {}

  /**
   * @param k nearest known rows per new row
   * @param ridgeMu the kernel-ridge map's ridge, or null for none
   */
  static async build(content: ContentModel, knows: (row: number) => boolean, k = ENGINE_BRIDGE.neighbours, ridgeMu: number | null = null): Promise<ColdRowBridge> {
    const size = content.size;
    const cold: number[] = [];
    for (let row = 0; row < size; row++) if (!knows(row)) cold.push(row);
    const known = size - cold.length;
    const kk = Math.max(0, Math.min(k, known));
    const neighbourRows = new Int32Array(cold.length * kk).fill(-1);
    const neighbourSims = new Float32Array(cold.length * kk);
    if (kk > 0 && cold.length > 0) {
      const penalty = tf.tensor1d(Float32Array.from({ length: size }, (_, row) => (knows(row) ? 0 : -10)));
      try {
        const chunk = 256;
        for (let from = 0; from < cold.length; from += chunk) {
          const ids = cold.slice(from, from + chunk);
          const { values, indices } = tf.tidy(() => {
            const columns = tf.gather(content.itemMatrixT, tf.tensor1d(ids, 'int32'), 1);
            const sims = tf.add(tf.matMul(columns, content.itemMatrixT, true, false), penalty);
            return tf.topk(sims, kk);
          });
          const [v, i] = await Promise.all([values.data(), indices.data()]);
          tf.dispose([values, indices]);
          for (let p = 0; p < ids.length; p++) {
            for (let q = 0; q < kk; q++) {
              const s = v[p * kk + q]!;
              if (s <= 0) continue; // unknown rows (penalised) or no shared feature
              neighbourRows[(from + p) * kk + q] = i[p * kk + q]!;
              neighbourSims[(from + p) * kk + q] = s;
            }
          }
        }
      } finally {
        penalty.dispose();
      }
    }
    let ridge: { content: ContentModel; inverse: tf.Tensor2D; known: Uint8Array } | null = null;
    if (ridgeMu !== null && cold.length > 0 && known > 0) {
      const knownMask = Uint8Array.from({ length: size }, (_, row) => (knows(row) ? 1 : 0));
      ridge = { content, inverse: await ridgeInverse(content, knownMask, ridgeMu), known: knownMask };
    }
    return new ColdRowBridge(Int32Array.from(cold), neighbourRows, neighbourSims, kk, ridge);
  }

  /**
   * Kernel-ridge collaborative scores of every row, standardised over all rows, one array per
   * history: the shopper's known-row scores s regressed on the content kernel K (cosine) among
   * known rows and mapped to every row, k_rᵀ(K_kk + μI)⁻¹ s. In feature space (push-through
   * identity) that is φ_rᵀ (Φ_k Φ_kᵀ + μI)⁻¹ Φ_k s: a [dims × dims] inverse computed once per
   * catalog, then three products per batch, so new rows need no retraining. Null when off.
   */
  async ridgeScores(knownScores: readonly Float32Array[]): Promise<Float32Array[] | null> {
    const ridge = this.ridge;
    if (!ridge || knownScores.length === 0) return null;
    const size = ridge.known.length;
    const s = new Float32Array(knownScores.length * size);
    knownScores.forEach((scores, p) => {
      for (let row = 0; row < size; row++) if (ridge.known[row]) s[p * size + row] = scores[row]!;
    });
    const out = tf.tidy(() => {
      const m = ridge.content.itemMatrixT;
      const v = tf.matMul(tf.tensor2d(s, [knownScores.length, size]), m, false, true);
      return tf.matMul(tf.matMul(v, ridge.inverse), m);
    });
    const flat = (await out.data()) as Float32Array;
    out.dispose();
    return knownScores.map((_, p) => standardiseAll(flat.subarray(p * size, (p + 1) * size)));
  }

  /** The generated collaborative score of cold row #p (index into `rows`) from known-row scores. */
  carried(p: number, knownScores: Float32Array): number {
    let a = 0;
    let s = 0;
    for (let q = 0; q < this.k; q++) {
      const row = this.neighbourRows[p * this.k + q]!;
      if (row < 0) continue;
      const w = this.neighbourSims[p * this.k + q]!;
      a += w * knownScores[row]!;
      s += w;
    }
    return s > 0 ? a / s : 0;
  }

  /**
   * Writes the score of every cold row into `scores` (standardised collaborative scores at the
   * known rows): shift + scale · (content z-score + cfWeight · carried-over score + ridgeWeight ·
   * kernel-ridge score + priorWeight · predicted popularity).
   */
  apply(
    scores: Float32Array,
    text: Float32Array,
    settings: Pick<BridgeSettings, 'cfWeight' | 'ridgeWeight' | 'priorWeight' | 'scale' | 'shift'> = ENGINE_BRIDGE,
    ridge: Float32Array | null = null,
    prior: Float32Array | null = null,
  ): void {
    const generated = new Float32Array(this.rows.length);
    for (let p = 0; p < this.rows.length; p++) generated[p] = this.carried(p, scores);
    this.rows.forEach((row, p) => {
      const raw = text[row]! + settings.cfWeight * generated[p]! + (ridge ? settings.ridgeWeight * ridge[row]! : 0) + (prior ? settings.priorWeight * prior[row]! : 0);
      scores[row] = settings.shift + settings.scale * raw;
    });
  }

  dispose(): void {
    this.ridge?.inverse.dispose();
  }
}

/** (Φ_k Φ_kᵀ + μI)⁻¹ over the known rows' content vectors, on the backend. */
async function ridgeInverse(content: ContentModel, known: Uint8Array, mu: number): Promise<tf.Tensor2D> {
  const gram = tf.tidy(() => {
    const m = tf.mul(content.itemMatrixT, tf.tensor1d(Float32Array.from(known)));
    return tf.matMul(m, m, false, true);
  });
  const g = (await gram.data()) as Float32Array;
  gram.dispose();
  const dims = content.dims;
  return tf.tensor2d(spdInverseWithRidge(g, dims, mu), [dims, dims]);
}

/** (x − mean) / sd over every entry (a copy). */
function standardiseAll(values: Float32Array): Float32Array {
  let sum = 0;
  let squares = 0;
  for (const x of values) {
    sum += x;
    squares += x * x;
  }
  const mean = sum / Math.max(1, values.length);
  const sd = Math.sqrt(Math.max(squares / Math.max(1, values.length) - mean * mean, 1e-12));
  return Float32Array.from(values, (x) => (x - mean) / sd);
}
