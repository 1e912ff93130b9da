import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '../../src/models/content-ae/rng';
import { takeTensor, type NamedTensor } from '../../src/models/content-ae/tensor-list';

let counter = 0;

/** A named set of trainable tfjs variables with plain-array export / import. */
export class ParamSet {
  readonly vars: Record<string, tf.Variable> = {};
  private readonly id = counter++;

  constructor(readonly prefix: string) {}

  add(name: string, shape: number[], data: Float32Array): tf.Variable {
    const init = tf.tensor(data, shape, 'float32');
    const v = tf.variable(init, true, `${this.prefix}/${name}/${this.id}`);
    init.dispose();
    this.vars[name] = v;
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.vars[name];
    if (!v) throw new Error(`${this.prefix}: no parameter ${name}`);
    return v;
  }

  /** Variable name → gradient, for optimizer.applyGradients. */
  grads(byName: Record<string, tf.Tensor>): tf.NamedTensorMap {
    const out: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(byName)) out[this.get(name).name] = g;
    return out;
  }

  async toTensors(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [];
    for (const [name, v] of Object.entries(this.vars)) {
      out.push({ name: `${this.prefix}/${name}`, shape: [...v.shape], data: Float32Array.from((await v.data()) as Float32Array) });
    }
    return out;
  }

  /** Copies of the current values (a best-epoch snapshot). */
  snapshot(): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const [name, v] of Object.entries(this.vars)) out[name] = tf.clone(v);
    return out;
  }

  restore(snapshot: Record<string, tf.Tensor>): void {
    for (const [name, t] of Object.entries(snapshot)) this.get(name).assign(t);
  }

  dispose(): void {
    for (const v of Object.values(this.vars)) v.dispose();
  }
}

export function disposeSnapshot(snapshot: Record<string, tf.Tensor> | null): void {
  if (snapshot) for (const t of Object.values(snapshot)) t.dispose();
}

/** a·bᵀ and aᵀ·b with an explicit transpose (XNNPACK's fast path on the WASM backend). */
export const matMulBT = (a: tf.Tensor, b: tf.Tensor): tf.Tensor2D => tf.matMul(a as tf.Tensor2D, tf.transpose(b) as tf.Tensor2D);
export const matMulAT = (a: tf.Tensor, b: tf.Tensor): tf.Tensor2D => tf.matMul(tf.transpose(a) as tf.Tensor2D, b as tf.Tensor2D);

/**
 * The generator G of the GAR framework: content code e (the autoencoder's embedding) →
 * tanh hidden layer → [item vector (d) | bias (1)] in the collaborative model's item space.
 */
export class Generator {
  readonly params: ParamSet;

  constructor(
    readonly inputDims: number,
    readonly hidden: number,
    readonly outputDims: number,
    weights?: readonly NamedTensor[],
    seed = 42,
  ) {
    this.params = new ParamSet('gar-g');
    const rng = new SeededRandom(seed);
    const w = (name: string, shape: number[], init: () => Float32Array) =>
      this.params.add(name, shape, weights ? takeTensor(weights, `gar-g/${name}`, shape).data : init());
    w('w1', [inputDims, hidden], () => rng.glorot(inputDims, hidden));
    w('b1', [hidden], () => new Float32Array(hidden));
    w('w2', [hidden, outputDims], () => rng.glorot(hidden, outputDims));
    w('b2', [outputDims], () => new Float32Array(outputDims));
  }

  /** [rows × outputDims] and the hidden activations (for the backward pass). */
  forward(e: tf.Tensor2D): { out: tf.Tensor2D; hid: tf.Tensor2D } {
    return tf.tidy(() => {
      const p = this.params;
      const hid = tf.tanh(tf.add(tf.matMul(e, p.get('w1')), p.get('b1'))) as tf.Tensor2D;
      const out = tf.add(tf.matMul(hid, p.get('w2')), p.get('b2')) as tf.Tensor2D;
      return { out, hid };
    });
  }

  backward(e: tf.Tensor2D, hid: tf.Tensor2D, dOut: tf.Tensor2D): tf.NamedTensorMap {
    return tf.tidy(() => {
      const dHid = tf.mul(matMulBT(dOut, this.params.get('w2')), tf.sub(1, tf.square(hid)));
      return this.params.grads({ w2: matMulAT(hid, dOut), b2: tf.sum(dOut, 0), w1: matMulAT(e, dHid), b1: tf.sum(dHid, 0) });
    });
  }
}

/**
 * The discriminator D of the GAR framework: a score of a (user, item vector) pair,
 * D(h, o) = ⟨tanh(h·Wh + bh), tanh(o·Wo + bo)⟩, trained to score a warm item's real vector above
 * the generated one for the users who interacted with it (GAR's pairwise form).
 */
export class Discriminator {
  readonly params: ParamSet;

  constructor(
    readonly userDims: number,
    readonly itemDims: number,
    readonly hidden: number,
    seed = 43,
  ) {
    this.params = new ParamSet('gar-d');
    const rng = new SeededRandom(seed);
    this.params.add('wh', [userDims, hidden], rng.glorot(userDims, hidden));
    this.params.add('bh', [hidden], new Float32Array(hidden));
    this.params.add('wo', [itemDims, hidden], rng.glorot(itemDims, hidden));
    this.params.add('bo', [hidden], new Float32Array(hidden));
  }

  /** Scores [pairs] plus the activations the backward pass needs. */
  forward(h: tf.Tensor2D, o: tf.Tensor2D): { s: tf.Tensor1D; a: tf.Tensor2D; c: tf.Tensor2D } {
    return tf.tidy(() => {
      const p = this.params;
      const a = tf.tanh(tf.add(tf.matMul(h, p.get('wh')), p.get('bh'))) as tf.Tensor2D;
      const c = tf.tanh(tf.add(tf.matMul(o, p.get('wo')), p.get('bo'))) as tf.Tensor2D;
      return { s: tf.sum(tf.mul(a, c), 1) as tf.Tensor1D, a, c };
    });
  }

  /**
   * Gradients of Σ g·s over pairs, for D's parameters (`params`) and for the item input `o` (`dO`).
   * `g` [pairs, 1] = dLoss/ds.
   */
  backward(h: tf.Tensor2D, o: tf.Tensor2D, a: tf.Tensor2D, c: tf.Tensor2D, g: tf.Tensor2D): { dA: tf.Tensor2D; dC: tf.Tensor2D; dO: tf.Tensor2D } {
    return tf.tidy(() => {
      const dA = tf.mul(tf.mul(g, c), tf.sub(1, tf.square(a))) as tf.Tensor2D;
      const dC = tf.mul(tf.mul(g, a), tf.sub(1, tf.square(c))) as tf.Tensor2D;
      return { dA, dC, dO: matMulBT(dC, this.params.get('wo')) };
    });
  }

  /** Parameter gradients from the pre-activation gradients of any number of pair sets. */
  paramGrads(parts: { h: tf.Tensor2D; o: tf.Tensor2D; dA: tf.Tensor2D; dC: tf.Tensor2D }[]): tf.NamedTensorMap {
    return tf.tidy(() =>
      this.params.grads({
        wh: tf.addN(parts.map((x) => matMulAT(x.h, x.dA))),
        bh: tf.addN(parts.map((x) => tf.sum(x.dA, 0))),
        wo: tf.addN(parts.map((x) => matMulAT(x.o, x.dC))),
        bo: tf.addN(parts.map((x) => tf.sum(x.dC, 0))),
      }),
    );
  }
}
