import * as tf from '@tensorflow/tfjs-core';
import type { CollaborativeModel } from '../models/collaborative-model';
import type { ContentModel } from '../models/content/content-model';
import type { WeightedHistory } from './profile-weights';
import { NewItemBridge, DEFAULT_NEW_ITEM_BRIDGE, type BridgeSettings } from './new-item-bridge';
import { standardise, standardiseKnown } from './standardise';
import { expandQueries, QUERY_EVIDENCE, type QueryEvidence } from './query-evidence';

/** The pieces a history's scores are combined from (HybridScorer.scoreParts). */
export interface ScoreParts {
  /** Standardised content scores (raw cosine when `raw`: no collaborative model at all). */
  text: Float32Array;
  raw?: boolean;
  /** For a history the collaborative model knows nothing of: popularity in this catalog. */
  popularity?: Float32Array;
  /** Standardised collaborative scores (NaN at rows the model does not know). */
  collaborative?: Float32Array;
  /** Popularity in this catalog (new rows: predicted from their nearest known rows), when the bridge uses it. */
  prior?: Float32Array | null;
  bridge?: NewItemBridge;
  /** The deviation the new rows' content z-scores were divided by (NewItemBridge.apply's textSd). */
  textSd?: number;
  /**
   * When there are new rows and the pack's blend has a catalog-text part: the raw blend and that
   * part (its weight included), to carry over scores without it (BridgeSettings.carryText); the
   * standardised result per carryText value is cached.
   */
  carry?: { raw: Float32Array; textPart: Float32Array; known: (row: number) => boolean; byCarryText: Map<number, Float32Array> };
  /** Rows the history's searches matched, and how far each is lifted (query-evidence.ts), in `queryLift` units. */
  queryBoost?: Map<number, number> | null;
  queryLift?: 'sd' | 'range';
  /** What every matched row gains whatever its lexical share, in standard deviations (query-evidence.ts `gate`). */
  queryGate?: Map<number, number> | null;
}

/**
 * Scores catalog rows for weighted histories with every model the engine has: the collaborative
 * model (the pack's VAE) for the items it knows, once the history contains one of them; the
 * content model for everything else. Both are put on one scale (standardised per history) so
 * known and new products can be ranked together. Without a collaborative model, or a history it
 * knows nothing of, the content model's cosine scores are used as they are.
 */
export class HybridScorer {
  constructor(
    private readonly content: ContentModel,
    private readonly collaborative: CollaborativeModel | null,
    /** How rows the collaborative model does not know are scored: given, else the pack's, else the defaults. */
    readonly bridgeSettings: BridgeSettings = collaborative?.coldStart?.settings ?? DEFAULT_NEW_ITEM_BRIDGE,
    /** Search events as evidence through the catalog's search index; without it, queries enter the content profile as words. */
    private readonly queryEvidence: QueryEvidence | null = null,
    /** The bridge's term weights (new-item-bridge.ts): given, else the pack's, else none. */
    private readonly termWeights: ReadonlyMap<string, number> | null = collaborative?.coldStart?.termWeights ?? null,
  ) {}

  /** Where the bridge settings came from. */
  get bridgeSource(): 'model pack' | 'library default' | 'given' {
    if (this.bridgeSettings === DEFAULT_NEW_ITEM_BRIDGE) return 'library default';
    return this.bridgeSettings === this.collaborative?.coldStart?.settings ? 'model pack' : 'given';
  }

  /** Generated collaborative scores for rows the collaborative model does not know (new-item-bridge.ts), built on first use. */
  private bridge: NewItemBridge | null = null;

  private newItemBridge(): NewItemBridge {
    const collaborative = this.collaborative!;
    this.bridge ??= NewItemBridge.build(this.content, (row) => collaborative.knows(row), this.bridgeSettings, this.termWeights);
    return this.bridge;
  }

  /** Popularity in this catalog: the collaborative model's scores of an empty history (standardised, bridged to new rows). */
  private popularity: Promise<Float32Array> | null = null;

  private popularityScores(): Promise<Float32Array> {
    const collaborative = this.collaborative!;
    this.popularity ??= collaborative.scoreHistories([new Map()]).then(([raw]) => {
      const bridge = this.newItemBridge();
      const pop = standardise(raw!, (row) => collaborative.knows(row));
      bridge.apply(pop, new Float32Array(pop.length), { cfWeight: 1, ridgeWeight: 0, priorWeight: 0, scale: 1, shift: 0 });
      return pop;
    });
    return this.popularity;
  }

  get version(): string {
    return this.collaborative ? `${this.collaborative.version} + ${this.content.version}` : this.content.version;
  }

  /** The collaborative model (the VAE), if any. */
  get collaborativeModel(): CollaborativeModel | null {
    return this.collaborative;
  }

  /** Whether the collaborative model has anything to say about this history. */
  usesCollaborative(history: WeightedHistory): boolean {
    if (!this.collaborative) return false;
    for (const row of history.items.keys()) if (this.collaborative.knows(row)) return true;
    return false;
  }

  /** Content scores of one history, on the backend (the fast path). Caller disposes. */
  contentScores(history: WeightedHistory): tf.Tensor1D {
    const batch = this.contentBatch([history]);
    const scores = tf.reshape(batch, [this.content.size]) as tf.Tensor1D;
    batch.dispose(); // reshape shares the data; it lives on in `scores`
    return scores;
  }

  /**
   * This history's scores at `rows` up to a positive scale and a shift common to every row, when
   * that costs less than scoring the catalog; else null (use scoreHistoryValues). It does for a
   * history the collaborative model knows, without searches, in a catalog without new items: the
   * scores are then the standardised blend, whose standardisation only scales and shifts. search()
   * min–max scales its hits' interest, so it reads the same ranking from these.
   */
  async scoresUpToScale(history: WeightedHistory, rows: readonly number[]): Promise<Float32Array | null> {
    const collaborative = this.collaborative;
    if (!collaborative || history.queries.length > 0 || !this.usesCollaborative(history) || this.newItemBridge().rows.length > 0) return null;
    const scores = await collaborative.scoreAt(history.items, rows);
    // Every row is known here (no new items), so no NaN: anything else takes the full path.
    return scores.every(Number.isFinite) ? scores : null;
  }

  /** Scores of every catalog row for one history (recommend() ranks them; search() reads its hits'). */
  async scoreHistoryValues(history: WeightedHistory): Promise<Float32Array> {
    if (!this.collaborative && !(this.queryEvidence && history.queries.length > 0)) {
      const scores = this.contentScores(history);
      try {
        return (await scores.data()) as Float32Array;
      } finally {
        scores.dispose();
      }
    }
    return (await this.scoreHistories([history]))[0]!;
  }

  private contentBatch(histories: readonly WeightedHistory[]): tf.Tensor2D {
    const rows = [...new Set(histories.flatMap((h) => [...h.items.keys()]))];
    const queries = [...new Set(histories.flatMap((h) => h.queries.map((q) => q.query)))];
    const weights = histories.map((h) => rows.map((row) => h.items.get(row) ?? 0));
    const queryWeights = histories.map((h) => queries.map((query) => h.queries.filter((q) => q.query === query).reduce((sum, q) => sum + q.weight, 0)));
    return this.content.profileScoresBatch(rows, weights, queries.map((q) => this.content.queryVector(q)), queryWeights);
  }

  /** The bridge's settings, for reports. */
  newItemBridgeSettings(): string {
    return JSON.stringify(this.bridgeSettings);
  }

  /** Scores of every catalog row for each history, in one batch per model. */
  async scoreHistories(histories: readonly WeightedHistory[]): Promise<Float32Array[]> {
    const parts = await this.scoreParts(histories);
    return parts.map((part) => this.combine(part, this.bridgeSettings, true));
  }

  /**
   * What scoreHistories combines, per history: the standardised content scores, and where the
   * collaborative model knows the history its standardised scores (NaN at rows it does not know)
   * and the cold bridge, or else popularity in this catalog. combine() turns them into scores;
   * the evaluation tunes the bridge settings on them without scoring twice.
   */
  async scoreParts(searched: readonly WeightedHistory[]): Promise<ScoreParts[]> {
    const expanded = this.queryEvidence ? searched.map((h) => expandQueries(h, this.queryEvidence!)) : null;
    const histories = expanded ? expanded.map((e) => e.history) : searched;
    const parts = await this.scorePartsOf(histories);
    const lift = this.queryEvidence?.settings?.lift ?? QUERY_EVIDENCE.lift;
    if (expanded) parts.forEach((part, p) => Object.assign(part, { queryBoost: expanded[p]!.boost, queryLift: lift, queryGate: expanded[p]!.gate }));
    return parts;
  }

  private async scorePartsOf(histories: readonly WeightedHistory[]): Promise<ScoreParts[]> {
    const size = this.content.size;
    const collaborative = this.collaborative;
    const using = collaborative ? histories.map((h) => this.usesCollaborative(h)) : [];
    // With a pack that knows every catalog item, content scores count nowhere for a known history:
    // skip the catalog-wide text product (about half of recommend() at 10k items).
    // Nor for histories with nothing in them (a new shopper): their text scores are all zero, and
    // building the catalog's vectors for them would take 100 MB at 100k items.
    const nothing = histories.every((h) => h.items.size === 0 && h.queries.length === 0);
    const contentUnused = nothing || (collaborative !== null && using.every(Boolean) && this.newItemBridge().rows.length === 0);
    let content: Float32Array[];
    if (contentUnused) {
      // Zero text scores: one shared zero row, not 400 KB a call at 100k.
      this.noText ??= new Float32Array(size);
      content = histories.map(() => this.noText!);
    } else {
      const contentTensor = this.contentBatch(histories);
      let contentFlat: Float32Array;
      try {
        contentFlat = (await contentTensor.data()) as Float32Array;
      } finally {
        contentTensor.dispose();
      }
      content = histories.map((_, p) => contentFlat.subarray(p * size, (p + 1) * size));
    }
    if (!collaborative) return content.map((c) => ({ text: c.slice(), raw: true }));
    const known = using.some(Boolean) ? await collaborative.scoreHistories(histories.map((h, p) => (using[p] ? h.items : new Map()))) : [];
    // A history the model knows nothing of (a new shopper, a product page or query as context):
    // popularity in this catalog plus content.
    const popularity = using.every(Boolean) && this.bridgeSettings.priorWeight === 0 ? null : await this.popularityScores();
    const bridge = this.newItemBridge();
    const knows = (row: number) => collaborative.knows(row);
    // Only needed to carry scores over to new rows without the text part: otherwise no extra pass.
    const textParts = bridge.rows.length > 0 && this.bridgeSettings.carryText !== 1 && using.some(Boolean) ? await collaborative.textPartScores(histories.map((h, p) => (using[p] ? h.items : new Map()))) : null;
    return histories.map((history, p) => {
      if (!using[p]) return { text: standardise(content[p]!), popularity: popularity! };
      // Known rows are exactly the scored ones (toRows leaves NaN at the others).
      const vae = standardiseKnown(known[p]!);
      // Content only matters at the new rows here: scored with the exact vectors (new-item-bridge.ts).
      const { text, sd: textSd } = contentUnused ? { text: content[p]!, sd: 0 } : bridge.contentScores(history, content[p]!);
      const carry = textParts ? { raw: known[p]!, textPart: textParts[p]!, known: knows, byCarryText: new Map<number, Float32Array>() } : undefined;
      return { text, collaborative: vae, prior: popularity, bridge, textSd, ...(carry ? { carry } : {}) };
    });
  }

  private noText: Float32Array | null = null;

  /**
   * One history's scores from its parts (see scoreParts). `consume`: the parts are not used
   * again, so the scores are written over the collaborative part's array instead of a copy (a
   * catalog-sized pass and allocation less per recommend(); the evaluation combines one set of
   * parts under many settings and keeps them).
   */
  combine(part: ScoreParts, settings: BridgeSettings, consume = false): Float32Array {
    let out: Float32Array;
    if (part.raw) out = part.text.slice();
    else if (part.popularity) {
      out = new Float32Array(part.text.length);
      for (let row = 0; row < out.length; row++) out[row] = part.text[row]! + settings.popularityWeight * part.popularity[row]!;
    } else {
      out = consume ? part.collaborative! : part.collaborative!.slice();
      part.bridge!.apply(out, part.text, settings, part.prior ?? null, carrySource(part, settings.carryText), part.textSd ?? 0);
    }
    if (part.queryBoost) {
      const lift = part.queryLift ?? 'sd';
      const sd = part.queryGate || lift === 'sd' ? liftScale(out, part.queryBoost, 'sd', part.raw === true) : 0;
      const scale = lift === 'sd' ? sd : liftScale(out, part.queryBoost, lift, part.raw === true);
      for (const [row, lift] of part.queryBoost) out[row]! += lift * scale;
      if (part.queryGate) for (const [row, gate] of part.queryGate) out[row]! += gate * sd;
    }
    return out;
  }

  dispose(): void {
    this.collaborative?.dispose();
  }
}

/**
 * What one unit of query lift is worth in these scores: 'range', the spread of the scores over the
 * matched rows; 'sd', one standard deviation (standardised scores) or the best raw cosine (no
 * collaborative model; 1 when every score is 0). A flat or single match falls back to 'sd'.
 */
function liftScale(scores: Float32Array, matched: ReadonlyMap<number, number>, lift: 'sd' | 'range', raw: boolean): number {
  if (lift === 'range') {
    let lo = Infinity;
    let hi = -Infinity;
    for (const row of matched.keys()) {
      const v = scores[row]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi > lo) return hi - lo;
  }
  if (!raw) return 1;
  let best = 0;
  for (const v of scores) if (v > best) best = v;
  // A history that scores nothing (a first visit, a search as the page's context): cosines lie in
  // [0, 1], so a unit of 1 still puts the matches first, ordered by their lexical share.
  return best > 0 ? best : 1;
}

/** The standardised known-row scores the bridge carries over: the blend with (1 − carryText) of its text part taken out. */
function carrySource(part: ScoreParts, carryText: number): Float32Array | undefined {
  const carry = part.carry;
  if (!carry || carryText === 1) return undefined;
  let out = carry.byCarryText.get(carryText);
  if (!out) {
    const raw = carry.raw.slice();
    for (let row = 0; row < raw.length; row++) raw[row]! -= (1 - carryText) * carry.textPart[row]!;
    out = standardise(raw, carry.known);
    carry.byCarryText.set(carryText, out);
  }
  return out;
}
