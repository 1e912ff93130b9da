import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../util/random';
import { nextTask } from '../../util/next-task';

/** Shape of the network: items → hidden → latent (mean, log-variance) → hidden → items. */
export interface VaeArchitecture {
  items: number;
  hidden: number;
  latent: number;
}

let variableCounter = 0;

/** Histories a product may take before dec/w2 is decoded and packed (serving's calls; training and evaluation batches are larger). */
const EARLY_MAX_ROWS = 4;
/** Such products before it is done at once (a caller that never lets the scheduled tasks run). */
const EARLY_MAX_PRODUCTS = 4;

/**
 * The first encoder layer kept outside the backend, its rows decoded when read (a compact pack's
 * NormalFloatMatrix): serving gathers only the rows of a history's items. It becomes a variable
 * the first time something needs the whole matrix (a dense input, fine-tuning, `weights()`).
 */
export interface CodedRows {
  readonly rows: number;
  readonly cols: number;
  gatherRows(indices: ArrayLike<number>): Float32Array;
  decodeAll(): Float32Array;
}

/**
 * The decoder's item layer kept coded at start (a compact pack's NormalFloatMatrix): the first
 * products are taken from the codes (h · M without decoding M) while the layer is decoded, handed
 * to the backend and packed in the tasks after them (see VaeNetwork.decoderProduct).
 */
export interface CodedProduct {
  readonly rows: number;
  readonly cols: number;
  leftProduct(h: Float32Array, n: number): Float32Array;
  decodeAll(): Float32Array;
}

function isCoded(w: unknown): w is { decodeAll(): Float32Array } {
  return typeof w === 'object' && w !== null && typeof (w as CodedRows).decodeAll === 'function';
}

function isCodedRows(w: unknown): w is CodedRows {
  return isCoded(w) && typeof (w as CodedRows).gatherRows === 'function';
}

function isCodedProduct(w: unknown): w is CodedProduct {
  return isCoded(w) && typeof (w as CodedProduct).leftProduct === 'function';
}

/** Weights a VaeNetwork is built from: arrays or tensors, with enc/w1 and dec/w2 possibly coded. */
export type VaeNetworkWeights = Omit<Record<VaeParamName, Float32Array | tf.Tensor>, 'enc/w1' | 'dec/w2'> & {
  'enc/w1': Float32Array | tf.Tensor | CodedRows;
  'dec/w2': Float32Array | tf.Tensor | CodedProduct;
};

/** Parameter names in the order they are stored in a pack. */
export const VAE_PARAM_NAMES = ['enc/w1', 'enc/b1', 'enc/w2', 'enc/b2', 'dec/w1', 'dec/b1', 'dec/w2', 'dec/b2'] as const;
export type VaeParamName = (typeof VAE_PARAM_NAMES)[number];
export type VaeWeights = Record<VaeParamName, Float32Array>;

const MATRICES = ['enc/w1', 'enc/w2', 'dec/w1', 'dec/w2'] as const;

export function vaeParamShapes(arch: VaeArchitecture): Record<VaeParamName, [number] | [number, number]> {
  const { items, hidden, latent } = arch;
  return {
    'enc/w1': [items, hidden],
    'enc/b1': [hidden],
    'enc/w2': [hidden, 2 * latent],
    'enc/b2': [2 * latent],
    'dec/w1': [latent, hidden],
    'dec/b1': [hidden],
    'dec/w2': [hidden, items],
    'dec/b2': [items],
  };
}

export interface TrainStepResult {
  /** nll + Σ_u klWeight_u·kl_u + l2·Σw² (batch mean for the first two). */
  loss: tf.Scalar;
  nll: tf.Scalar;
  kl: tf.Scalar;
  /** Gradients of `loss` keyed by variable name, for `optimizer.applyGradients`. */
  grads: tf.NamedTensorMap;
}

/**
 * A batch of input rows in coordinate form, for histories whose entries share one value per row
 * (binary histories, L2-normalised and scaled by 1/keep): entry k is row `rowIds[k]`
 * (non-decreasing), column (item) `cols[k]`, value `rowScale[rowIds[k]]`; rows without entries
 * are zero.
 */
export interface SparseRows {
  rows: number;
  rowIds: Int32Array;
  cols: Int32Array;
  rowScale: Float32Array;
}

interface SparseTensors {
  rows: number;
  nnz: number;
  /** Last row with an entry (−1 when none). */
  lastRow: number;
  /** [nnz] int32, non-decreasing. */
  rowIds: tf.Tensor1D;
  /** [nnz] int32. */
  cols: tf.Tensor1D;
  /** [rows × 1]. */
  scale: tf.Tensor2D;
}

function sparseTensors(s: SparseRows): SparseTensors {
  const nnz = s.rowIds.length;
  if (s.cols.length !== nnz) throw new RangeError('SparseRows: rowIds and cols differ in length');
  for (let k = 1; k < nnz; k++) if (s.rowIds[k]! < s.rowIds[k - 1]!) throw new RangeError('SparseRows: rowIds must be non-decreasing');
  return {
    rows: s.rows,
    nnz,
    lastRow: nnz > 0 ? s.rowIds[nnz - 1]! : -1,
    rowIds: tf.tensor1d(s.rowIds, 'int32'),
    cols: tf.tensor1d(s.cols, 'int32'),
    scale: tf.tensor2d(s.rowScale.subarray(0, s.rows), [s.rows, 1], 'float32'),
  };
}

/**
 * tanh(x) as 2·σ(2x) − 1: tfjs-wasm's Tanh is a scalar loop (0.56 ms on [100 × 300]), its Sigmoid
 * an XNNPACK kernel (the four ops 0.17 ms); they differ by at most 2e-7. Training only: serving
 * keeps tf.tanh.
 */
function tanhFast(x: tf.Tensor): tf.Tensor2D {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1) as tf.Tensor2D;
}

/** a·b with optional transposes done explicitly (fast path of every backend, WASM included). */
function matMulT(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor2D {
  return tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b) as tf.Tensor2D;
}

/** Seeded Glorot-uniform weights and small normal biases (as in Liang et al.'s code). */
export function initialVaeWeights(arch: VaeArchitecture, seed: number): VaeWeights {
  const rng = new Rng(seed);
  const shapes = vaeParamShapes(arch);
  const out = {} as VaeWeights;
  for (const name of VAE_PARAM_NAMES) {
    const shape = shapes[name];
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (shape.length === 2) {
      const limit = Math.sqrt(6 / (shape[0] + shape[1]!));
      for (let i = 0; i < size; i++) values[i] = (rng.next() * 2 - 1) * limit;
    } else {
      for (let i = 0; i < size; i++) values[i] = rng.normal() * 0.001;
    }
    out[name] = values;
  }
  return out;
}

/**
 * The Mult-VAE network (Liang et al. 2018) as tfjs-core variables: tanh layers, a Gaussian
 * latent with a standard-normal prior, and a softmax over all items.
 *
 * Gradients are written out analytically (`trainStep`) instead of taken from tfjs' autodiff:
 * tfjs-core's Node bundle registers no gradient functions (they live in an ESM-only side-effect
 * module that would also add every op's gradient to the worker bundle), and the analytic form
 * keeps every product an untransposed matmul (tfjs-wasm runs transposed matmuls ~20× slower
 * than an explicit transpose followed by XNNPACK's matmul). `test/unit/models/vae-network.test.ts` checks them against finite differences.
 */
export class VaeNetwork {
  readonly arch: VaeArchitecture;
  readonly params: Record<VaeParamName, tf.Variable>;
  /** enc/w1 and dec/w2 while they are still coded (not yet variables): see CodedRows, CodedProduct. */
  private readonly coded = new Map<VaeParamName, { decodeAll(): Float32Array }>();
  private disposed = false;

  constructor(arch: VaeArchitecture, weights: VaeNetworkWeights, trainable = true) {
    this.arch = { items: arch.items, hidden: arch.hidden, latent: arch.latent };
    const shapes = vaeParamShapes(arch);
    const params = {} as Record<VaeParamName, tf.Variable>;
    for (const name of VAE_PARAM_NAMES) {
      const w = weights[name];
      if (!w) throw new Error(`VaeNetwork: missing weight ${name}`);
      if (isCoded(w)) {
        const fits = name === 'enc/w1' ? isCodedRows(w) && w.rows === arch.items && w.cols === arch.hidden : name === 'dec/w2' && isCodedProduct(w) && w.rows === arch.hidden && w.cols === arch.items;
        if (!fits) throw new Error(`VaeNetwork: coded weights only for enc/w1 [${arch.items} × ${arch.hidden}] and dec/w2 [${arch.hidden} × ${arch.items}], not ${name}`);
        this.coded.set(name, w);
        let variable: tf.Variable | null = null;
        // Made a variable on first use of the whole matrix; the codes are dropped then.
        Object.defineProperty(params, name, {
          enumerable: true,
          get: () => {
            if (!variable) {
              const init = tf.tensor(this.coded.get(name)!.decodeAll(), shapes[name], 'float32');
              variable = tf.variable(init, trainable, `vae/${name}/${variableCounter++}`);
              init.dispose();
              this.coded.delete(name);
            }
            return variable;
          },
        });
        continue;
      }
      const init = w instanceof tf.Tensor ? tf.reshape(w, shapes[name]) : tf.tensor(w, shapes[name], 'float32');
      params[name] = tf.variable(init, trainable, `vae/${name}/${variableCounter++}`);
      if (init !== w) init.dispose();
    }
    this.params = params;
  }

  /** Whether enc/w1 is still held coded, off the backend (a compact pack being served). */
  get firstLayerCoded(): boolean {
    return this.coded.has('enc/w1');
  }

  /** Whether dec/w2 is still held coded (a compact pack before its first products' follow-up tasks ran). */
  get decoderCoded(): boolean {
    return this.coded.has('dec/w2');
  }

  /** Rows `cols` of enc/w1: decoded from the codes while coded, else gathered on the backend. */
  private firstLayerRows(cols: tf.Tensor1D | Int32Array): tf.Tensor2D {
    if ((cols instanceof Int32Array ? cols.length : cols.shape[0]) === 0) return tf.zeros([0, this.arch.hidden]);
    const coded = this.coded.get('enc/w1') as CodedRows | undefined;
    if (coded) {
      const ids = cols instanceof Int32Array ? cols : (cols.dataSync() as Int32Array);
      return tf.tensor2d(coded.gatherRows(ids), [ids.length, this.arch.hidden]);
    }
    return tf.gather(this.params['enc/w1'], cols instanceof Int32Array ? tf.tensor1d(cols, 'int32') : cols) as tf.Tensor2D;
  }

  static create(arch: VaeArchitecture, seed: number): VaeNetwork {
    return new VaeNetwork(arch, initialVaeWeights(arch, seed));
  }

  get variables(): tf.Variable[] {
    return VAE_PARAM_NAMES.map((name) => this.params[name]);
  }

  /** Mean and log-variance of q(z | x) for dense normalised inputs [batch × items]. */
  encode(input: tf.Tensor2D): { mu: tf.Tensor2D; logvar: tf.Tensor2D } {
    return tf.tidy(() => {
      const p = this.params;
      const h = tf.tanh(tf.add(tf.matMul(input, p['enc/w1']), p['enc/b1']));
      const out = tf.add(tf.matMul(h, p['enc/w2']), p['enc/b2']) as tf.Tensor2D;
      const [mu, logvar] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      return { mu, logvar };
    }) as { mu: tf.Tensor2D; logvar: tf.Tensor2D };
  }

  /** The mean of q(z | x) only (what serving uses). */
  encodeMean(input: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const p = this.params;
      const h = tf.tanh(tf.add(tf.matMul(input, p['enc/w1']), p['enc/b1'])) as tf.Tensor2D;
      return this.meanOf(h);
    });
  }

  /**
   * The mean of q(z | x) from the encoder's hidden layer: the whole second layer's product, then
   * its mean half. Slicing enc/w2 instead made a new matrix every call, which tfjs' WASM backend
   * packs for XNNPACK on every product (0.15 ms of a 1.1 ms recommend() at 10k items, Node);
   * enc/w2 itself is packed once, and the product of the log-variance half costs microseconds.
   */
  private meanOf(h: tf.Tensor2D): tf.Tensor2D {
    const p = this.params;
    const o = tf.add(tf.matMul(h, p['enc/w2']), p['enc/b2']) as tf.Tensor2D;
    return tf.slice(o, [0, 0], [-1, this.arch.latent]);
  }

  /** Unnormalised log-probabilities (logits) of every item for latent codes [batch × latent]. */
  decode(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const p = this.params;
      const h = tf.tanh(tf.add(tf.matMul(z, p['dec/w1']), p['dec/b1'])) as tf.Tensor2D;
      return tf.add(this.decoderProduct(h), p['dec/b2']) as tf.Tensor2D;
    });
  }

  /** The dec/w2 whose XNNPACK operator is packed (its dataId), or null. */
  private packedDecoder: object | null = null;
  /** Whether the follow-up tasks (decode dec/w2, then pack it) are scheduled. */
  private decoderTasks = false;
  /** Products taken before them since they were scheduled. */
  private earlyProducts = 0;

  /**
   * h · dec/w2. At start a compact pack's dec/w2 is still coded, and tfjs' WASM backend packs a
   * weight matrix into an XNNPACK operator on its first untransposed product: decoding, handing
   * to the backend and packing the 300 × 100k layer of a 100k-item pack took ~0.5 s, inside the
   * first recommendation. So a few histories' first products are taken without them: from the
   * codes on the WASM and CPU backends (CodedProduct.leftProduct, the same sums up to float
   * rounding), else through the backend's unpacked path (transposeA); and the decoding and packing
   * run in the next tasks, once the first answer is on its way. Batches, GPU backends, and calls
   * that come before those tasks could run (a loop that never yields) do it all at once, as before.
   */
  private decoderProduct(h: tf.Tensor2D): tf.Tensor2D {
    const backend = tf.getBackend();
    const early = h.shape[0] <= EARLY_MAX_ROWS && (!this.decoderTasks || this.earlyProducts < EARLY_MAX_PRODUCTS);
    const coded = this.coded.get('dec/w2') as CodedProduct | undefined;
    if (coded && early && (backend === 'wasm' || backend === 'cpu')) {
      this.scheduleDecoderTasks();
      this.earlyProducts++;
      return tf.tensor2d(coded.leftProduct(h.dataSync() as Float32Array, h.shape[0]), [h.shape[0], this.arch.items]);
    }
    const w = this.params['dec/w2'];
    if (this.packedDecoder === w.dataId || backend !== 'wasm') return tf.matMul(h, w);
    if (!early) {
      this.packedDecoder = w.dataId;
      return tf.matMul(h, w);
    }
    this.scheduleDecoderTasks();
    this.earlyProducts++;
    return tf.matMul(tf.transpose(h), w, true, false);
  }

  /** Decodes dec/w2 onto the backend (if coded), then packs it (on WASM), one task each. */
  private scheduleDecoderTasks(): void {
    if (this.decoderTasks) return;
    this.decoderTasks = true;
    this.earlyProducts = 0;
    const step = (): void => {
      if (this.disposed) return;
      if (this.coded.has('dec/w2')) {
        void this.params['dec/w2']; // decoded and made a variable
        void nextTask().then(step);
        return;
      }
      const w = this.params['dec/w2'];
      if (tf.getBackend() === 'wasm' && this.packedDecoder !== w.dataId) {
        tf.tidy(() => tf.matMul(tf.zeros([1, this.arch.hidden]), w)).dispose();
        this.packedDecoder = w.dataId;
      }
      this.decoderTasks = false;
    };
    void nextTask().then(step);
  }

  /** Scores for serving: decode(mean of q(z|x)), no noise, no dropout. */
  score(input: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.decode(this.encodeMean(input)));
  }

  /**
   * The same scores for sparse inputs: `mix` [rows × nnz] holds each row's (normalised) weights
   * over the `cols` [nnz] items it touches, so input·enc/w1 = mix·enc/w1[cols] — a gather of
   * nnz rows instead of a product over every item (serving at 100k items: a history of 5 items
   * reads 5 rows of enc/w1, not 100k). Every backend has gather and matMul.
   */
  scoreSparse(mix: tf.Tensor2D, cols: tf.Tensor1D | Int32Array): tf.Tensor2D {
    return tf.tidy(() => {
      const p = this.params;
      // No history at all (a new shopper): the first layer's product is zero.
      const first = mix.shape[1] === 0 ? tf.zeros([mix.shape[0], this.arch.hidden]) : tf.matMul(mix, this.firstLayerRows(cols));
      const h = tf.tanh(tf.add(first, p['enc/b1'])) as tf.Tensor2D;
      const z = this.meanOf(h);
      return this.decode(z);
    });
  }

  /**
   * Loss and analytic gradients for one batch. `input` is the normalised, dropped-out history:
   * dense [rows × items], or the same rows in coordinate form (`SparseRows`, see `sparseFirstLayer`);
   * `target` [rows × items] holds the raw histories the multinomial likelihood is evaluated on;
   * `klWeights` [rows] the KL weight of each user (β, or β scaled per user); z is sampled with
   * `noiseSeed`.
   */
  trainStep(input: tf.Tensor2D | SparseRows, target: tf.Tensor2D, klWeights: Float32Array, l2: number, noiseSeed: number): TrainStepResult {
    return tf.tidy(() => {
      const p = this.params;
      const B = target.shape[0];
      const sparse = input instanceof tf.Tensor ? null : sparseTensors(input);
      const a1 = sparse ? this.sparseFirstLayer(sparse) : tf.matMul(input as tf.Tensor2D, p['enc/w1']);
      const h1 = tanhFast(tf.add(a1, p['enc/b1']));
      const o = tf.add(tf.matMul(h1, p['enc/w2']), p['enc/b2']) as tf.Tensor2D;
      const [mu, logvar] = tf.split(o, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const std = tf.exp(tf.mul(logvar, 0.5));
      const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', noiseSeed);
      const z = tf.add(mu, tf.mul(std, eps)) as tf.Tensor2D;
      const h2 = tanhFast(tf.add(tf.matMul(z, p['dec/w1']), p['dec/b1']));
      // (dec/w2ᵀ·h2ᵀ)ᵀ rather than h2·dec/w2: XNNPACK streams the packed right-hand side once per
      // 4-row tile of the left, and h2ᵀ [hidden × rows] stays in cache where dec/w2 [hidden × items]
      // does not (tools/training-speed/README.md).
      const logits = tf.add(tf.transpose(tf.matMul(tf.transpose(p['dec/w2']), tf.transpose(h2))), p['dec/b2']) as tf.Tensor2D;
      // Softmax (one fused kernel) instead of logSoftmax + exp: Σ_i T_ri·log p_ri =
      // Σ_i T_ri·logits_ri − n_r·lse_r, and lse_r = max_r − log(max_i p_ri) (the largest
      // probability is ≥ 1/items, so its log is well conditioned).
      const prob = tf.softmax(logits);
      const n = tf.sum(target, 1, true);
      const lse = tf.sub(tf.max(logits, 1, true), tf.log(tf.max(prob, 1, true)));
      const nll = tf.div(tf.sub(tf.sum(tf.mul(lse, n)), tf.sum(tf.mul(logits, target))), B) as tf.Scalar;
      const c = tf.tensor2d(klWeights.subarray(0, B), [B, 1]);
      const expLv = tf.exp(logvar);
      const klRows = tf.mul(tf.sum(tf.sub(tf.add(tf.sub(expLv, logvar), tf.square(mu)), 1), 1, true), 0.5);
      const klMean = tf.div(tf.sum(klRows), B) as tf.Scalar;
      const klTerm = tf.div(tf.sum(tf.mul(klRows, c)), B);
      let loss = tf.add(nll, klTerm) as tf.Scalar;
      if (l2 > 0) loss = tf.add(loss, tf.mul(tf.addN(MATRICES.map((n) => tf.sum(tf.square(p[n])))), l2)) as tf.Scalar;

      // Backward.
      const decay = (name: VaeParamName, g: tf.Tensor): tf.Tensor => (l2 > 0 ? tf.add(g, tf.mul(p[name], 2 * l2)) : g);
      const dLogits = tf.div(tf.sub(tf.mul(prob, n), target), B) as tf.Tensor2D;
      const dW4 = decay('dec/w2', matMulT(h2, dLogits, true, false));
      // dLogits·dec/w2ᵀ as (dec/w2·dLogitsᵀ)ᵀ: transposes [rows × items] and [hidden × rows]
      // instead of the [hidden × items] weight matrix; db4 sums dLogitsᵀ along its last axis (a sum
      // over the first axis transposes first on WASM).
      const dLogitsT = tf.transpose(dLogits);
      const db4 = tf.sum(dLogitsT, 1);
      const dA2 = tf.mul(tf.transpose(tf.matMul(p['dec/w2'], dLogitsT)), tf.sub(1, tf.square(h2))) as tf.Tensor2D;
      const dW3 = decay('dec/w1', matMulT(z, dA2, true, false));
      const db3 = tf.sum(dA2, 0);
      const dz = matMulT(dA2, p['dec/w1'], false, true);
      const cB = tf.div(c, B);
      const dMu = tf.add(dz, tf.mul(cB, mu));
      const dLv = tf.add(tf.mul(tf.mul(dz, tf.mul(eps, std)), 0.5), tf.mul(tf.mul(cB, 0.5), tf.sub(expLv, 1)));
      const dO = tf.concat([dMu, dLv], 1) as tf.Tensor2D;
      const dW2 = decay('enc/w2', matMulT(h1, dO, true, false));
      const db2 = tf.sum(dO, 0);
      const dA1 = tf.mul(matMulT(dO, p['enc/w2'], false, true), tf.sub(1, tf.square(h1))) as tf.Tensor2D;
      const db1 = tf.sum(dA1, 0);
      const dW1 = decay('enc/w1', sparse ? this.sparseFirstLayerGrad(sparse, dA1) : matMulT(input as tf.Tensor2D, dA1, true, false));
      const grads: tf.NamedTensorMap = {
        [p['enc/w1'].name]: dW1,
        [p['enc/b1'].name]: db1,
        [p['enc/w2'].name]: dW2,
        [p['enc/b2'].name]: db2,
        [p['dec/w1'].name]: dW3,
        [p['dec/b1'].name]: db3,
        [p['dec/w2'].name]: dW4,
        [p['dec/b2'].name]: db4,
      };
      return { loss, nll, kl: klMean, grads };
    }) as TrainStepResult;
  }

  /**
   * input·enc/w1 for coordinate-form rows: the enc/w1 rows of each row's items summed (one
   * sparse segment sum), times the row's value — nnz·hidden work instead of rows·items·hidden
   * for the dense product.
   */
  private sparseFirstLayer(s: SparseTensors): tf.Tensor2D {
    const { hidden } = this.arch;
    if (s.nnz === 0) return tf.zeros([s.rows, hidden]);
    let sums = tf.sparse.sparseSegmentSum(this.params['enc/w1'], s.cols, s.rowIds) as tf.Tensor2D;
    // The segment sum ends at the last row with an entry.
    if (s.lastRow + 1 < s.rows) sums = tf.concat([sums, tf.zeros([s.rows - s.lastRow - 1, hidden])], 0);
    return tf.mul(sums, s.scale);
  }

  /** inputᵀ·dA1 for coordinate-form rows: each entry's row of dA1·value, added into its item's row (gather + scatter-add). */
  private sparseFirstLayerGrad(s: SparseTensors, dA1: tf.Tensor2D): tf.Tensor2D {
    const { items, hidden } = this.arch;
    if (s.nnz === 0) return tf.zeros([items, hidden]);
    const rows = tf.gatherND(tf.mul(dA1, s.scale), tf.reshape(s.rowIds, [s.nnz, 1]));
    return tf.scatterND(tf.reshape(s.cols, [s.nnz, 1]), rows, [items, hidden]);
  }

  /** Current weights copied to the CPU. */
  async weights(): Promise<VaeWeights> {
    const out = {} as VaeWeights;
    // Still-coded weights are decoded on the CPU, not made variables of this (serving) network.
    for (const name of VAE_PARAM_NAMES) out[name] = this.coded.get(name)?.decodeAll() ?? ((await this.params[name].data()) as Float32Array);
    return out;
  }

  /** Overwrites the weights (e.g. restoring the best epoch). */
  assign(weights: VaeWeights): void {
    const shapes = vaeParamShapes(this.arch);
    for (const name of VAE_PARAM_NAMES) {
      tf.tidy(() => this.params[name].assign(tf.tensor(weights[name], shapes[name], 'float32')));
    }
  }

  dispose(): void {
    this.disposed = true;
    // Still-coded weights are no variables: reading them here would decode and upload them.
    for (const name of VAE_PARAM_NAMES) if (!this.coded.has(name)) this.params[name].dispose();
    this.coded.clear();
  }
}
