import type { NewItemPart } from '../shared/status';
import { queryFeatures } from '../features/item-features';
import type { ContentModel } from '../models/content/content-model';
import type { SparseTfIdf } from '../features/sparse-tfidf';
import { gaussJordanInverseInPlace } from '../util/spd-inverse';
import { BestK } from '../util/best-k';
import { moments, standardiseBy } from './standardise';
import type { WeightedHistory } from './profile-weights';

/** The cold bridge's settings as status() reports them (src/rank/new-item-bridge.ts). */
export interface BridgeSettings {
  /** Nearest known items per new item. */
  neighbours: number;
  /** Weight of the carried-over collaborative score (nearest known items) next to the content score. */
  cfWeight: number;
  /** Weight of the local kernel-ridge collaborative score (0 = off: nothing is precomputed). */
  ridgeWeight: number;
  /** Ridge μ of the kernel-ridge map. */
  ridgeMu: number;
  /** Nearest known items the kernel-ridge map of a new item is fitted over. */
  ridgeNeighbours: number;
  /** Weight of the new item's predicted popularity (carried over from its nearest known items). */
  priorWeight: number;
  /** A new item's score on the known items' standardised scale: shift + scale · (its combined score). */
  scale: number;
  shift: number;
  /** Weight of the popularity prior when a shopper's history has no item the model knows. */
  popularityWeight: number;
  /**
   * Share of a new item's hubness (the mean cosine of its HUB_NEIGHBOURS nearest known items)
   * taken off its content cosine: an item with generic text is near every history and would win
   * lists it does not belong in (CSLS, Conneau et al. 2018). 0: off.
   */
  hubness: number;
  /**
   * How much of the pack blend's catalog-text part stays in the known items' scores that are
   * carried over to new items (0: only its collaborative parts, the VAE and item–item; 1: the whole
   * blend). A new item gets its own content score, so the text part is counted twice when kept.
   */
  carryText: number;
}

/**
 * The library's defaults, for packs without tuned settings (`npm run train -- --evaluation FILE`
 * writes a store's own, tuned on its pseudo-cold items). They sit between what the development
 * sets chose: the kernel ridge on, the blend carried over without its text part; scale and shift
 * only place new items among known ones. The popularity weight for histories the model does not
 * know is set, not tuned.
 */
export const DEFAULT_NEW_ITEM_BRIDGE: BridgeSettings = {
  neighbours: 5,
  cfWeight: 0.7,
  ridgeWeight: 1,
  ridgeMu: 0.3,
  ridgeNeighbours: 30,
  priorWeight: 0.2,
  scale: 1.5,
  shift: 2,
  popularityWeight: 0.5,
  carryText: 0,
  hubness: 0,
};

/** Nearest known items whose mean cosine is a new item's hubness. */
export const HUB_NEIGHBOURS = 10;

/**
 * Bridge settings from a model pack's manifest over the defaults: finite numbers in range are
 * taken, anything else is left at its default and named in `ignored`.
 */
export function bridgeSettingsFrom(values: Record<string, unknown> | undefined): { settings: BridgeSettings; ignored: string[] } {
  const settings: BridgeSettings = { ...DEFAULT_NEW_ITEM_BRIDGE };
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(values ?? {})) {
    if (!(key in DEFAULT_NEW_ITEM_BRIDGE)) {
      ignored.push(key);
      continue;
    }
    const ok = typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 100 && (key === 'shift' || value >= 0) && ((key !== 'neighbours' && key !== 'ridgeNeighbours') || (Number.isInteger(value) && value >= 1 && value <= 200)) && (key !== 'ridgeMu' || value > 0) && (key !== 'carryText' || value <= 1);
    if (ok) settings[key as keyof BridgeSettings] = value as number;
    else ignored.push(key);
  }
  return { settings, ignored };
}

/**
 * Scores catalog rows the collaborative model does not know (products added after training).
 * Everything here uses the catalog's exact sparse TF-IDF vectors (ContentModel.exactVectors), not
 * the hashed ones: new rows are few, and hashing cost cold-start accuracy (sparse-tfidf.ts). With
 * a pack's term weights (its features' collaborative coherence, tools/recipe/term-weights.ts) each
 * feature's idf is multiplied by its weight: a word counts more when the known items that share
 * it are often bought together, so a new item's nearest known items are more often its peers.
 *
 * Once per catalog, each new row gets its nearest known rows by content and, when the kernel-ridge
 * part is on, local kernel-ridge weights a = (K_NN + μI)⁻¹ k_N over its `ridgeNeighbours` nearest
 * (K the cosine kernel). Per shopper, a new row's parts are: its content similarity to the
 * history; the carried-over score (similarity-weighted mean of the shopper's standardised
 * collaborative scores of its `neighbours` nearest known rows); the kernel-ridge score Σ aᵢ·sᵢ
 * (the cold item's collaborative column regressed on its neighbours' by content: the generator of
 * LinMap / GAR in closed form, locally); and its predicted popularity. No retraining.
 */
export class NewItemBridge {
  private constructor(
    /** The vectors every part compares by (built on first use): the exact TF-IDF vectors, weighted by the pack's term weights if any. */
    private readonly vectors: () => SparseTfIdf,
    /** Rows without a collaborative vector. */
    readonly rows: Int32Array,
    /** rows.length × k: neighbour rows (known ones, best first), -1 where none. */
    private readonly neighbourRows: Int32Array,
    private readonly neighbourSims: Float32Array,
    readonly k: number,
    /** Neighbours used by the carried-over score (≤ k). */
    private readonly carryK: number,
    /** rows.length × k local kernel-ridge weights (over neighbourRows), or null when off. */
    private readonly ridgeWeights: Float32Array | null,
    /** rows.length: each new row's hubness (mean cosine of its HUB_NEIGHBOURS nearest known rows). */
    readonly hubness: Float32Array,
  ) {}

  /** Builds the bridge for `settings` (neighbours, and the ridge when its weight is not 0). */
  static build(
    content: ContentModel,
    knows: (row: number) => boolean,
    settings: Pick<BridgeSettings, 'neighbours' | 'ridgeWeight' | 'ridgeNeighbours' | 'ridgeMu'> = DEFAULT_NEW_ITEM_BRIDGE,
    termWeights: ReadonlyMap<string, number> | null = null,
  ): NewItemBridge {
    const size = content.size;
    const cold: number[] = [];
    for (let row = 0; row < size; row++) if (!knows(row)) cold.push(row);
    const ridgeOn = settings.ridgeWeight !== 0;
    const k = Math.max(settings.neighbours, ridgeOn ? settings.ridgeNeighbours : 0);
    const neighbourRows = new Int32Array(cold.length * k).fill(-1);
    const neighbourSims = new Float32Array(cold.length * k);
    const ridgeWeights = ridgeOn ? new Float32Array(cold.length * k) : null;
    const hubness = new Float32Array(cold.length);
    const exact = cold.length > 0 && cold.length < size ? content.weightedExactVectors(termWeights) : null;
    if (exact) {
      cold.forEach((row, p) => {
        const sims = exact.cosineRow(row);
        const best = new BestK(Math.max(k, HUB_NEIGHBOURS));
        for (let other = 0; other < size; other++) {
          const s = sims[other]!;
          if (s > 0 && knows(other)) best.push(s, other);
        }
        const { ids: all, scores } = best.take();
        let near = 0;
        for (let q = 0; q < Math.min(HUB_NEIGHBOURS, scores.length); q++) near += scores[q]!;
        hubness[p] = near / HUB_NEIGHBOURS;
        const ids = all.subarray(0, k);
        ids.forEach((id, q) => {
          neighbourRows[p * k + q] = id;
          neighbourSims[p * k + q] = scores[q]!;
        });
        if (ridgeWeights) {
          const m = Math.min(ids.length, settings.ridgeNeighbours);
          if (m === 0) return;
          // a = (K_NN + μI)⁻¹ k_N over the m nearest known rows.
          const gram = new Float64Array(m * m);
          for (let i = 0; i < m; i++) {
            gram[i * m + i] = 1 + settings.ridgeMu; // unit vectors: cos(x, x) = 1
            for (let j = i + 1; j < m; j++) gram[i * m + j] = gram[j * m + i] = exact.cosine(ids[i]!, ids[j]!);
          }
          gaussJordanInverseInPlace(gram, m);
          for (let i = 0; i < m; i++) {
            let a = 0;
            for (let j = 0; j < m; j++) a += gram[i * m + j]! * scores[j]!;
            ridgeWeights[p * k + i] = a;
          }
        }
      });
    }
    return new NewItemBridge(() => exact ?? content.weightedExactVectors(termWeights), Int32Array.from(cold), neighbourRows, neighbourSims, k, Math.min(settings.neighbours, k), ridgeWeights, hubness);
  }

  /**
   * The carried-over collaborative score of cold row #p (index into `rows`) from known-row scores,
   * over its `count` nearest known rows (at most the k the bridge was built with).
   */
  carried(p: number, knownScores: Float32Array, count = this.carryK): number {
    let a = 0;
    let s = 0;
    for (let q = 0; q < Math.min(count, this.k); q++) {
      const row = this.neighbourRows[p * this.k + q]!;
      if (row < 0) continue;
      const w = this.neighbourSims[p * this.k + q]!;
      a += w * knownScores[row]!;
      s += w;
    }
    return s > 0 ? a / s : 0;
  }

  /** The local kernel-ridge score of cold row #p, or 0 when the ridge is off. */
  ridge(p: number, knownScores: Float32Array): number {
    if (!this.ridgeWeights) return 0;
    let t = 0;
    for (let q = 0; q < this.k; q++) {
      const row = this.neighbourRows[p * this.k + q]!;
      if (row >= 0) t += this.ridgeWeights[p * this.k + q]! * knownScores[row]!;
    }
    return t;
  }

  /**
   * Content scores of a history, standardised: `reference` holds every row's cosine with the
   * hashed vectors (already computed on the backend); the new rows' entries are replaced by their
   * exact cosines, put on the same scale (the reference's mean and deviation over all rows). Costs
   * (new rows × their features), not a pass over the catalog. `sd`: that deviation (apply()'s textSd).
   */
  contentScores(history: WeightedHistory, reference: Float32Array): { text: Float32Array; sd: number } {
    const { mean, sd } = moments(reference);
    const out = standardiseBy(reference, { mean, sd });
    if (this.rows.length === 0) return { text: out, sd };
    const exact = this.vectors();
    const profile = new Map<number, number>();
    for (const [row, weight] of history.items) exact.addRow(profile, row, weight);
    for (const { query, weight } of history.queries) exact.addBag(profile, queryFeatures(query), weight);
    let norm = 0;
    for (const x of profile.values()) norm += x * x;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (const row of this.rows) out[row] = (exact.dotRow(profile, row) * inv - mean) / sd;
    return { text: out, sd };
  }

  /**
   * Writes the score of every cold row into `scores` (standardised collaborative scores at the
   * known rows): shift + scale · (content z-score − hubness · its hubness / textSd + cfWeight ·
   * carried-over score + ridgeWeight · kernel-ridge score + priorWeight · predicted popularity).
   * The carried-over and ridge scores read the known rows of `carrySource` (standardised too), or
   * of `scores` when none is given. `textSd`: the deviation the content z-scores were divided by
   * (contentScores), so that the hubness comes off the cosine; without it no hubness is taken off.
   */
  apply(
    scores: Float32Array,
    text: Float32Array,
    settings: Pick<BridgeSettings, 'cfWeight' | 'ridgeWeight' | 'priorWeight' | 'scale' | 'shift'> & Partial<Pick<BridgeSettings, 'neighbours' | 'hubness'>> = DEFAULT_NEW_ITEM_BRIDGE,
    prior: Float32Array | null = null,
    carrySource: Float32Array = scores,
    textSd = 0,
  ): void {
    const hub = textSd > 0 && settings.hubness ? settings.hubness / textSd : 0;
    const carried = new Float32Array(this.rows.length);
    const ridge = new Float32Array(this.rows.length);
    for (let p = 0; p < this.rows.length; p++) {
      carried[p] = this.carried(p, carrySource, settings.neighbours ?? this.carryK);
      ridge[p] = this.ridge(p, carrySource);
    }
    this.rows.forEach((row, p) => {
      const raw = text[row]! - hub * this.hubness[p]! + settings.cfWeight * carried[p]! + settings.ridgeWeight * ridge[p]! + (prior ? settings.priorWeight * prior[row]! : 0);
      scores[row] = settings.shift + settings.scale * raw;
    });
  }
}

/** The longest feature name a pack's term-weight table may hold (longer entries are skipped). */
const MAX_TERM_LENGTH = 300;

/**
 * A pack's term weights (manifest `coldStart.termWeights`) as the bridge uses them: entries whose
 * weight is a finite number in (0, 100] are taken, the others skipped and counted. Null when the
 * pack has none.
 */
export function termWeightsFrom(value: unknown): { weights: Map<string, number>; coherence: number; skipped: number } | null {
  if (!value || typeof value !== 'object') return null;
  const { weights, coherence } = value as { weights?: unknown; coherence?: unknown };
  if (!weights || typeof weights !== 'object' || Array.isArray(weights)) return null;
  const map = new Map<string, number>();
  let skipped = 0;
  for (const [feature, weight] of Object.entries(weights as Record<string, unknown>)) {
    if (typeof weight === 'number' && Number.isFinite(weight) && weight > 0 && weight <= 100 && feature.length > 0 && feature.length <= MAX_TERM_LENGTH) map.set(feature, weight);
    else skipped++;
  }
  return { weights: map, coherence: typeof coherence === 'number' && Number.isFinite(coherence) ? coherence : 0, skipped };
}

/**
 * What a pack's manifest says of the GAN generator (research/cold-start/generator-part.ts) as a
 * bridge part, for status(): the weight the store's pseudo-cold validation gave it, or null when
 * the pack's tuning trained none. The worker runs no generator: a pack that weighs it above 0 is
 * named here so that nobody takes its figures for what this worker serves.
 */
export function generatorVerdict(generator: unknown): { weight: number | null; runs: false; note: string } {
  const weight = generator && typeof generator === 'object' ? (generator as { weight?: unknown }).weight : undefined;
  const tunedOn = generator && typeof generator === 'object' ? String((generator as { tunedOn?: unknown }).tunedOn ?? '') : '';
  if (typeof weight !== 'number' || !Number.isFinite(weight)) return { weight: null, runs: false, note: 'not weighed: the pack’s tuning trained no generator' };
  if (weight === 0) return { weight, runs: false, note: `weight 0 on the store’s pseudo-cold validation${tunedOn ? ` (${tunedOn})` : ''}: not run` };
  return { weight, runs: false, note: `the pack gives it weight ${weight}, but this version of the library does not run a generator: not run` };
}

/** The parts of a new item's score that these settings use. */
export function newItemParts(settings: BridgeSettings): NewItemPart[] {
  const parts: NewItemPart[] = ['content'];
  if (settings.cfWeight > 0) parts.push('carried-over');
  if (settings.ridgeWeight > 0) parts.push('kernel-ridge');
  if (settings.priorWeight > 0) parts.push('popularity');
  return parts;
}
