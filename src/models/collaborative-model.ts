import { BestK, clearOfBoundaryTie } from '../util/best-k';
import { LocalrecError } from '../shared/errors';
import { bridgeSettingsFrom, generatorVerdict, termWeightsFrom, type BridgeSettings } from '../rank/new-item-bridge';
import { csrFromRows } from '../util/csr';
import { DEFAULT_RANKING, rankingSettingsFrom, type RankingSettings } from '../rank/ranking-settings';
import type { ModelPack } from './packs/vae-pack';
import { vaeScorerFromPack } from './packs/vae-pack';
import { CollaborativeBlend } from './collaborative-blend';
import { fineTuneVae, type FineTuneOptions, type FineTuneResult } from './vae/fine-tune';
import { VaeNetwork, type VaeArchitecture, type VaeWeights } from './vae/vae-network';

/** How new items are bridged to a pack's model (its manifest's `coldStart`), as the worker reads it. */
export interface ColdStartSettings {
  settings: BridgeSettings;
  tunedOn: string;
  /** Pack values out of range, left at their defaults. */
  ignored: string[];
  /** The GAN generator's weight in the pack and whether it runs (see generatorVerdict). */
  generator?: ReturnType<typeof generatorVerdict>;
  /** Feature → idf multiplier of the bridge's vectors (the pack's term weights; termWeightsFrom). */
  termWeights?: ReadonlyMap<string, number>;
  /** The exponent those weights were computed at. */
  termCoherence?: number;
}

/**
 * The trained collaborative model (the VAE of a model pack) seen from the catalog: the pack's
 * item vocabulary is mapped onto catalog rows, so histories of catalog rows go in and scores of
 * catalog rows come out. Catalog items the pack has never seen are not scored here (NaN): new
 * products are the cold-start models' job.
 */
export class CollaborativeModel {
  private constructor(
    private readonly scorer: CollaborativeBlend,
    readonly version: string,
    /** Vocabulary index of each catalog row, or -1. */
    private readonly vocabOfRow: Int32Array,
    /** Catalog row of each vocabulary index, or -1 (item no longer in the catalog). */
    private readonly rowOfVocab: Int32Array,
    readonly covered: number,
    /** How the worker ranks with this model: the pack's tuned settings (manifest `ranking`), else the defaults. */
    readonly ranking: RankingSettings = DEFAULT_RANKING,
    /** How new items are bridged to this model (from the pack's manifest), if it says. */
    readonly coldStart: ColdStartSettings | undefined = undefined,
  ) {}

  /**
   * @throws LocalrecError MODEL_INVALID when the pack cannot be turned into a model, or shares no
   *   item with the catalog.
   */
  static fromPack(pack: ModelPack, rowById: ReadonlyMap<string, number>, catalogSize: number): CollaborativeModel {
    let scorer: CollaborativeBlend;
    try {
      scorer = vaeScorerFromPack(pack);
    } catch (error) {
      throw new LocalrecError('MODEL_INVALID', `The model pack is unusable: ${(error as Error).message}`);
    }
    const version = `${pack.manifest.model}@${pack.manifest.modelVersion} (${pack.manifest.createdAt})`;
    const ranking = rankingSettingsFrom(pack.manifest.ranking);
    const cold = pack.manifest.coldStart;
    let coldStart: ColdStartSettings | undefined;
    if (cold && typeof cold === 'object') {
      const { settings, ignored } = bridgeSettingsFrom(cold.bridge);
      const terms = termWeightsFrom(cold.termWeights);
      if (terms && terms.skipped > 0) ignored.push(`termWeights: ${terms.skipped} entries out of range`);
      if (!terms && cold.termWeights !== undefined) ignored.push('termWeights');
      coldStart = {
        settings,
        ignored,
        tunedOn: String(cold.tunedOn ?? ''),
        generator: generatorVerdict(cold.generator),
        ...(terms && terms.weights.size > 0 ? { termWeights: terms.weights, termCoherence: terms.coherence } : {}),
      };
    }
    return CollaborativeModel.fromScorer(scorer, pack.items, rowById, catalogSize, version, ranking, coldStart);
  }

  /** A scorer over `itemIds` (its columns), mapped onto the catalog. Takes ownership of the scorer. */
  static fromScorer(
    scorer: CollaborativeBlend,
    itemIds: readonly string[],
    rowById: ReadonlyMap<string, number>,
    catalogSize: number,
    version: string,
    ranking: RankingSettings = DEFAULT_RANKING,
    coldStart?: ColdStartSettings,
  ): CollaborativeModel {
    const vocabOfRow = new Int32Array(catalogSize).fill(-1);
    const rowOfVocab = new Int32Array(itemIds.length).fill(-1);
    let covered = 0;
    itemIds.forEach((id, v) => {
      const row = rowById.get(id);
      if (row === undefined) return;
      vocabOfRow[row] = v;
      rowOfVocab[v] = row;
      covered++;
    });
    if (covered === 0) {
      scorer.network.dispose();
      throw new LocalrecError('MODEL_INVALID', 'The model shares no item with the catalog.');
    }
    return new CollaborativeModel(scorer, version, vocabOfRow, rowOfVocab, covered, ranking, coldStart);
  }

  /** The network's shape (what a personal checkpoint must match). */
  /** The VAE's weights on the backend: shared by remapped() and withWeights() copies, disposed once. */
  get network(): { dispose(): void } {
    return this.scorer.network;
  }

  get architecture(): VaeArchitecture {
    return this.scorer.network.arch;
  }

  /** The trained weights every fine-tuning starts from (copied from the backend once). */
  private baseWeights: Promise<VaeWeights> | null = null;

  /** The weights as trained (before any fine-tuning), copied to the CPU once. */
  trainedWeights(): Promise<VaeWeights> {
    this.baseWeights ??= this.scorer.network.weights();
    return this.baseWeights;
  }

  /**
   * A copy of this model whose VAE is fine-tuned on one history (catalog row → weight); the
   * item–item parts, blend and vocabulary stay. Always starts from this model's own weights, so
   * repeated fine-tuning does not drift.
   */
  async fineTuned(
    history: ReadonlyMap<number, number>,
    options: Partial<FineTuneOptions>,
    onStep?: (step: number, loss: number) => Promise<void> | void,
  ): Promise<{ model: CollaborativeModel; result: FineTuneResult }> {
    const known = [...history.entries()].filter(([row]) => this.knows(row));
    const result = await fineTuneVae(
      await this.trainedWeights(),
      this.architecture,
      { indices: known.map(([row]) => this.vocabOfRow[row]!), weights: known.map(([, w]) => w) },
      options,
      onStep,
    );
    return { model: this.withWeights(result.weights, `${this.version} + fine-tuned on this device`), result };
  }

  /** The same model with other VAE weights (e.g. a personal checkpoint); shares the base weights. */
  withWeights(weights: VaeWeights, version: string): CollaborativeModel {
    const scorer = new CollaborativeBlend(new VaeNetwork(this.architecture, weights, false), this.scorer.parts, this.scorer.weights);
    const copy = new CollaborativeModel(scorer, version, this.vocabOfRow, this.rowOfVocab, this.covered, this.ranking, this.coldStart);
    copy.baseWeights = this.trainedWeights();
    return copy;
  }

  /**
   * The same network over a changed catalog (items added or removed), sharing the weights: the
   * new instance owns them (do not dispose this one). `oldItems` are this model's catalog rows.
   * Returns null when the model knows no item of the new catalog.
   */
  remapped(oldItems: readonly { id: string }[], rowById: ReadonlyMap<string, number>, catalogSize: number): CollaborativeModel | null {
    const vocabOfRow = new Int32Array(catalogSize).fill(-1);
    const rowOfVocab = new Int32Array(this.rowOfVocab.length).fill(-1);
    let covered = 0;
    this.rowOfVocab.forEach((oldRow, v) => {
      const row = oldRow >= 0 ? rowById.get(oldItems[oldRow]!.id) : undefined;
      if (row === undefined) return;
      vocabOfRow[row] = v;
      rowOfVocab[v] = row;
      covered++;
    });
    return covered === 0 ? null : new CollaborativeModel(this.scorer, this.version, vocabOfRow, rowOfVocab, covered, this.ranking, this.coldStart);
  }

  /**
   * The catalog rows in `row`'s co-purchase neighbour list (the pack's item-kNN part: cosine of
   * buyer sets, its top neighbours), empty for a row the model does not know or a pack without one.
   */
  neighboursOf(row: number): Set<number> {
    const out = new Set<number>();
    const v = this.vocabOfRow[row] ?? -1;
    if (v < 0) return out;
    if (!this.scorer.parts.some((part) => part.kind === 'knn')) return this.embeddingNeighbours(v);
    for (const part of this.scorer.parts) {
      if (part.kind !== 'knn') continue;
      // The list holds exactly k: entries tied with the last one may have taken the place of an
      // unlisted tie, so they are not claimed.
      let indices: Int32Array;
      let values: Float32Array;
      if (part.readRow) {
        // A coded part: read this row alone.
        indices = new Int32Array(part.k);
        values = new Float32Array(part.k);
        part.readRow(v, indices, values);
      } else {
        indices = part.indices.subarray(v * part.k, (v + 1) * part.k);
        values = part.values.subarray(v * part.k, (v + 1) * part.k);
      }
      // Packed rows are in index order (delta-varint needs it): best first again, so the boundary
      // is the weakest kept entry.
      const order = Array.from({ length: part.k }, (_, t) => t).sort((a, b) => values[b]! - values[a]! || indices[a]! - indices[b]!);
      const kept = clearOfBoundaryTie(order.map((t) => indices[t]!), order.map((t) => values[t]!), part.k);
      for (const index of kept) {
        const r = this.rowOfVocab[index] ?? -1;
        if (r >= 0) out.add(r);
      }
    }
    return out;
  }

  /** Item vectors of the VAE's decoder (unit length, [vocabulary × hidden]), for models without a co-purchase list. */
  private decoderVectors: { vectors: Float32Array; dims: number } | null = null;
  private readonly nearCache = new Map<number, Set<number>>();

  /** Loads what neighboursOf() needs (the decoder's item vectors, when the model has no co-purchase list). */
  async prepareNeighbours(): Promise<void> {
    if (this.decoderVectors || this.scorer.parts.some((part) => part.kind === 'knn')) return;
    const w = (await this.trainedWeights())['dec/w2']; // [hidden × vocabulary], row-major
    const vocab = this.rowOfVocab.length;
    const dims = w.length / vocab;
    const vectors = new Float32Array(vocab * dims);
    for (let v = 0; v < vocab; v++) {
      let norm = 0;
      for (let h = 0; h < dims; h++) norm += w[h * vocab + v]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let h = 0; h < dims; h++) vectors[v * dims + h] = w[h * vocab + v]! / norm;
    }
    this.decoderVectors = { vectors, dims };
  }

  /** The 50 rows whose decoder vectors are nearest (cosine) to vocabulary item `v`'s. */
  private embeddingNeighbours(v: number): Set<number> {
    const cached = this.nearCache.get(v);
    if (cached) return cached;
    const out = new Set<number>();
    const d = this.decoderVectors;
    if (!d) return out;
    const best = new BestK(50);
    for (let u = 0; u < this.rowOfVocab.length; u++) {
      if (u === v || (this.rowOfVocab[u] ?? -1) < 0) continue;
      let dot = 0;
      for (let h = 0; h < d.dims; h++) dot += d.vectors[v * d.dims + h]! * d.vectors[u * d.dims + h]!;
      best.push(dot, u);
    }
    for (const u of best.take().ids) out.add(this.rowOfVocab[u]!);
    if (this.nearCache.size > 1024) this.nearCache.clear();
    this.nearCache.set(v, out);
    return out;
  }

  /** Whether the model knows this catalog row. */
  knows(row: number): boolean {
    return (this.vocabOfRow[row] ?? -1) >= 0;
  }

  /**
   * Scores of every catalog row for each history (catalog row → weight), in one batch:
   * one Float32Array per history, NaN where the model does not know the row.
   */
  async scoreHistories(histories: readonly ReadonlyMap<number, number>[]): Promise<Float32Array[]> {
    const csr = this.csrOf(histories);
    return this.toRows(await this.scorer.scoreRows(csr), histories.length);
  }

  /**
   * The blend's scores of one history at catalog `rows`, up to a shift every row shares (NaN at
   * rows the model does not know): see CollaborativeBlend.scoreAt.
   */
  async scoreAt(history: ReadonlyMap<number, number>, rows: readonly number[]): Promise<Float32Array> {
    const out = new Float32Array(rows.length).fill(Number.NaN);
    const at: number[] = [];
    const cols: number[] = [];
    rows.forEach((row, i) => {
      const v = this.vocabOfRow[row] ?? -1;
      if (v >= 0) {
        at.push(i);
        cols.push(v);
      }
    });
    if (cols.length === 0) return out;
    const values = await this.scorer.scoreAt(this.csrOf([history]), Int32Array.from(cols));
    at.forEach((i, k) => (out[i] = values[k]!));
    return out;
  }

  /**
   * The blend's catalog-text part for each history, times its blend weight (standardised, NaN
   * where the model does not know the row), or null when the pack's blend has no such part.
   * Subtracted from scoreHistories() this leaves the blend's purely collaborative parts: what the
   * cold bridge carries over to new items, which get their own content score.
   */
  async textPartScores(histories: readonly ReadonlyMap<number, number>[]): Promise<Float32Array[] | null> {
    const part = await this.scorer.partScores(this.csrOf(histories), 'content');
    if (!part) return null;
    const rows = this.toRows(part.scores, histories.length);
    for (const row of rows) for (let r = 0; r < row.length; r++) row[r]! *= part.weight;
    return rows;
  }

  private csrOf(histories: readonly ReadonlyMap<number, number>[]) {
    const rows = histories.map((h) => [...h.keys()].filter((r) => this.knows(r)));
    return csrFromRows(
      rows.map((r) => r.map((row) => this.vocabOfRow[row]!)),
      this.rowOfVocab.length,
      histories.map((h, i) => rows[i]!.map((row) => h.get(row)!)),
    );
  }

  /** Whether vocabulary entry v is catalog row v for every row (computed on first use). */
  private identity: boolean | undefined;

  /** [histories × vocabulary] scores mapped onto catalog rows (NaN at rows the model does not know); views of `flat` when they are the same. */
  private toRows(flat: Float32Array, count: number): Float32Array[] {
    const vocab = this.rowOfVocab.length;
    const catalogSize = this.vocabOfRow.length;
    // A pack built from this very catalog knows every row, in catalog order: nothing to move.
    this.identity ??= vocab === catalogSize && this.rowOfVocab.every((row, v) => row === v);
    if (this.identity) return Array.from({ length: count }, (_, p) => flat.subarray(p * vocab, (p + 1) * vocab));
    return Array.from({ length: count }, (_, p) => {
      const out = new Float32Array(catalogSize).fill(Number.NaN);
      for (let v = 0; v < vocab; v++) {
        const row = this.rowOfVocab[v]!;
        if (row >= 0) out[row] = flat[p * vocab + v]!;
      }
      return out;
    });
  }

  dispose(): void {
    this.scorer.network.dispose();
  }
}
