import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '../../util/random';

/**
 * The reason generator's network: a GRU decoder (Cho et al. 2014) over a word vocabulary,
 * conditioned on a context vector built from the recommended item's embedding, the shopper's
 * interest (mean embedding of the history items behind the recommendation) and the item's aspects
 * (mean aspect embedding). The context sets the first hidden state and is fed at every step.
 * Written in tfjs-core ops only, so the same code trains in Node and runs in the worker.
 */
export interface ReasonNetShape {
  /** Output vocabulary, specials included. */
  vocab: number;
  /** Aspect lexicon size. */
  aspects: number;
  /** Items known to the pack + 1 (row 0: an item the pack does not know). */
  items: number;
  wordDim: number;
  condDim: number;
  ctxDim: number;
  hidden: number;
}

export const REASON_PARAMS = ['word', 'item', 'aspect', 'ctx/w', 'ctx/b', 'h0/w', 'h0/b', 'gru/wx', 'gru/wh', 'gru/b', 'out/w', 'out/b'] as const;
export type ReasonParam = (typeof REASON_PARAMS)[number];
export type ReasonWeights = Record<ReasonParam, Float32Array>;

export function reasonParamShapes(s: ReasonNetShape): Record<ReasonParam, number[]> {
  return {
    word: [s.vocab, s.wordDim],
    item: [s.items, s.condDim],
    aspect: [s.aspects, s.condDim],
    'ctx/w': [3 * s.condDim, s.ctxDim],
    'ctx/b': [s.ctxDim],
    'h0/w': [s.ctxDim, s.hidden],
    'h0/b': [s.hidden],
    'gru/wx': [s.wordDim + s.ctxDim, 3 * s.hidden],
    'gru/wh': [s.hidden, 3 * s.hidden],
    'gru/b': [3 * s.hidden],
    'out/w': [s.hidden, s.vocab],
    'out/b': [s.vocab],
  };
}

/** Seeded initial weights: embeddings N(0, 0.1)-like uniform, matrices Glorot-uniform, biases 0. */
export function initialReasonWeights(shape: ReasonNetShape, seed: number): ReasonWeights {
  const rng = mulberry32(seed);
  const shapes = reasonParamShapes(shape);
  const out = {} as ReasonWeights;
  for (const name of REASON_PARAMS) {
    const dims = shapes[name];
    const size = dims.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (dims.length === 2) {
      const embedding = name === 'word' || name === 'item' || name === 'aspect';
      const limit = embedding ? 0.1 : Math.sqrt(6 / (dims[0]! + dims[1]!));
      for (let i = 0; i < size; i++) values[i] = (rng() * 2 - 1) * limit;
    }
    out[name] = values;
  }
  return out;
}

/** What one reason is conditioned on, as indices into the pack's tables. */
export interface Conditioning {
  /** Pack row of the item (0: unknown to the pack). */
  item: number;
  /** Pack rows of the history items behind the recommendation (unknown ones left out). */
  history: number[];
  /** Lexicon indices of the item's aspects, best first. */
  aspects: number[];
}

let variableCounter = 0;

/** Aspects that shape the context (the slots may use more). */
const CONTEXT_ASPECTS = 5;

export class ReasonNet {
  readonly vars: Record<ReasonParam, tf.Variable>;

  constructor(
    readonly shape: ReasonNetShape,
    weights: ReasonWeights,
    trainable = false,
  ) {
    const shapes = reasonParamShapes(shape);
    this.vars = {} as Record<ReasonParam, tf.Variable>;
    for (const name of REASON_PARAMS) {
      this.vars[name] = tf.variable(tf.tensor(weights[name], shapes[name]), trainable, `reasons/${name}/${++variableCounter}`);
    }
  }

  /** Current weights as plain arrays. */
  async weights(): Promise<ReasonWeights> {
    const out = {} as ReasonWeights;
    for (const name of REASON_PARAMS) out[name] = (await this.vars[name].data()) as Float32Array;
    return out;
  }

  dispose(): void {
    for (const v of Object.values(this.vars)) v.dispose();
  }

  /** Row-normalised bag matrices of the history items and aspects, [B, items] and [B, aspects]. */
  private bags(conds: readonly Conditioning[]): { item: tf.Tensor1D; history: tf.Tensor2D; aspects: tf.Tensor2D } {
    const B = conds.length;
    const history = new Float32Array(B * this.shape.items);
    const aspects = new Float32Array(B * this.shape.aspects);
    conds.forEach((c, b) => {
      for (const row of c.history) history[b * this.shape.items + row]! += 1 / c.history.length;
      const top = c.aspects.slice(0, CONTEXT_ASPECTS);
      for (const a of top) aspects[b * this.shape.aspects + a]! += 1 / top.length;
    });
    return {
      item: tf.tensor1d(Int32Array.from(conds, (c) => c.item), 'int32'),
      history: tf.tensor2d(history, [B, this.shape.items]),
      aspects: tf.tensor2d(aspects, [B, this.shape.aspects]),
    };
  }

  /** Context vectors [B, ctxDim] and first hidden states [B, hidden]. */
  context(conds: readonly Conditioning[]): { ctx: tf.Tensor2D; h0: tf.Tensor2D } {
    return tf.tidy(() => {
      const v = this.vars;
      const bag = this.bags(conds);
      const features = tf.concat([tf.gather(v.item, bag.item), tf.matMul(bag.history, v.item), tf.matMul(bag.aspects, v.aspect)], 1);
      const ctx = tf.tanh(tf.add(tf.matMul(features, v['ctx/w']), v['ctx/b'])) as tf.Tensor2D;
      const h0 = tf.tanh(tf.add(tf.matMul(ctx, v['h0/w']), v['h0/b'])) as tf.Tensor2D;
      return { ctx, h0 };
    });
  }

  /** One GRU step: previous tokens [B] → new hidden state [B, hidden]. */
  step(tokens: tf.Tensor1D, ctx: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    const v = this.vars;
    const x = tf.concat([tf.gather(v.word, tokens), ctx], 1);
    const [xr, xz, xn] = tf.split(tf.add(tf.matMul(x, v['gru/wx']), v['gru/b']), 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const [hr, hz, hn] = tf.split(tf.matMul(h, v['gru/wh']), 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const r = tf.sigmoid(tf.add(xr, hr));
    const z = tf.sigmoid(tf.add(xz, hz));
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
    return tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
  }

  /**
   * Mean cross-entropy per target token (teacher forcing). `inputs`/`targets` are [B, T] token
   * ids, `mask` 1 where a target is real.
   */
  loss(conds: readonly Conditioning[], inputs: Int32Array[], targets: Int32Array[], mask: Float32Array[]): tf.Scalar {
    const B = conds.length;
    const T = inputs[0]!.length;
    const V = this.shape.vocab;
    const steps = Array.from({ length: T }, (_, t) => tf.tensor1d(Int32Array.from(inputs, (row) => row[t]!), 'int32'));
    const onehot = new Float32Array(T * B * V);
    let count = 0;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const m = mask[b]![t]!;
        if (m > 0) {
          onehot[(t * B + b) * V + targets[b]![t]!] = m;
          count += m;
        }
      }
    }
    const target = tf.tensor2d(onehot, [T * B, V]);
    const { ctx, h0 } = this.context(conds);
    let h = h0;
    const hs: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      h = this.step(steps[t]!, ctx, h);
      hs.push(h);
    }
    const logits = tf.add(tf.matMul(tf.concat(hs, 0), this.vars['out/w']), this.vars['out/b']);
    const logp = tf.logSoftmax(logits);
    return tf.mul(tf.sum(tf.mul(logp, target)), -1 / Math.max(count, 1)) as tf.Scalar;
  }

  /** Log-probabilities of the next token [B, vocab] after `h`. */
  nextLogProbs(h: tf.Tensor2D): tf.Tensor2D {
    return tf.logSoftmax(tf.add(tf.matMul(h, this.vars['out/w']), this.vars['out/b'])) as tf.Tensor2D;
  }
}
