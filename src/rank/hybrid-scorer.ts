import * as tf from '@tensorflow/tfjs-core';
import type { CollaborativeModel } from '../models/collaborative-model';
import type { ContentModel } from '../models/content-model';
import type { WeightedHistory } from './profile-weights';
import { ColdRowBridge, ENGINE_BRIDGE } from './cold-bridge';

/** Each value minus the mean over `mask`ed entries, over their standard deviation. */
function standardise(values: Float32Array, include: (i: number) => boolean): Float32Array {
  let n = 0;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    if (!include(i)) continue;
    n++;
    sum += values[i]!;
    squares += values[i]! * values[i]!;
  }
  const mean = n > 0 ? sum / n : 0;
  const std = Math.sqrt(Math.max(n > 0 ? squares / n - mean * mean : 0, 1e-12));
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i]! - mean) / std;
  return out;
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
  ) {}

  /** Generated collaborative scores for rows the collaborative model does not know (cold-bridge.ts), built on first use. */
  private bridge: Promise<ColdRowBridge> | null = null;

  private coldBridge(): Promise<ColdRowBridge> {
    const collaborative = this.collaborative!;
    this.bridge ??= ColdRowBridge.build(this.content, (row) => collaborative.knows(row));
    return this.bridge;
  }

  /** Popularity in this catalog: the collaborative model's scores of an empty history (standardised, bridged to new rows). */
  private popularity: Promise<Float32Array> | null = null;

  private popularityScores(): Promise<Float32Array> {
    const collaborative = this.collaborative!;
    this.popularity ??= Promise.all([collaborative.scoreHistories([new Map()]), this.coldBridge()]).then(([[raw], bridge]) => {
      const pop = standardise(raw!, (row) => collaborative.knows(row));
      bridge.apply(pop, new Float32Array(pop.length), 1);
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

  /** The recency half-life the collaborative model was tuned with, if any. */
  get halfLife(): number | undefined {
    return this.collaborative?.halfLife;
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

  /** Scores of every catalog row for one history, on the backend. Caller disposes. */
  async scoreHistory(history: WeightedHistory): Promise<tf.Tensor1D> {
    if (!this.collaborative) return this.contentScores(history);
    const [scores] = await this.scoreHistories([history]);
    return tf.tensor1d(scores!);
  }

  private contentBatch(histories: readonly WeightedHistory[]): tf.Tensor2D {
    const rows = [...new Set(histories.flatMap((h) => [...h.items.keys()]))];
    const queries = [...new Set(histories.flatMap((h) => h.queries.map((q) => q.query)))];
    const weights = histories.map((h) => rows.map((row) => h.items.get(row) ?? 0));
    const queryWeights = histories.map((h) => queries.map((query) => h.queries.filter((q) => q.query === query).reduce((sum, q) => sum + q.weight, 0)));
    return this.content.profileScoresBatch(rows, weights, queries.map((q) => this.content.queryVector(q)), queryWeights);
  }

  /** Scores of every catalog row for each history, in one batch per model. */
  async scoreHistories(histories: readonly WeightedHistory[]): Promise<Float32Array[]> {
    const contentTensor = this.contentBatch(histories);
    let contentFlat: Float32Array;
    try {
      contentFlat = (await contentTensor.data()) as Float32Array;
    } finally {
      contentTensor.dispose();
    }
    const size = this.content.size;
    const content = histories.map((_, p) => contentFlat.subarray(p * size, (p + 1) * size));
    const collaborative = this.collaborative;
    if (!collaborative) return content.map((c) => c.slice());
    const using = histories.map((h) => this.usesCollaborative(h));
    const known = using.some(Boolean) ? await collaborative.scoreHistories(histories.map((h, p) => (using[p] ? h.items : new Map()))) : [];
    // A history the model knows nothing of (a new shopper, a product page or query as context):
    // popularity in this catalog plus content.
    const popularity = using.every(Boolean) ? null : await this.popularityScores();
    const bridge = await this.coldBridge();
    return histories.map((history, p) => {
      const text = standardise(content[p]!, () => true);
      if (!using[p]) {
        const out = new Float32Array(size);
        for (let row = 0; row < size; row++) out[row] = text[row]! + ENGINE_BRIDGE.popularityWeight * popularity![row]!;
        return out;
      }
      const vae = standardise(known[p]!, (row) => collaborative.knows(row));
      bridge.apply(vae, text);
      return vae;
    });
  }

  dispose(): void {
    this.collaborative?.dispose();
  }
}
