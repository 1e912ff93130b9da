import * as tf from '@tensorflow/tfjs-core';
import type { Csr } from '../../eval/eval-model';
import { SeededRandom } from '../../src/models/content-ae/rng';
import { disposeCodes, historyProfiles, type ColdItemScorer } from './cold-scorer';
import type { CollaborativeSpace } from './collaborative-space';
import { Discriminator, disposeSnapshot, matMulAT, matMulBT } from './mlp';
import { ndcgAt, topK } from '../../src/util/ranking-metrics';

/**
 * Trains the cold-item scorer (cold-scorer.ts) against the real item vectors of warm items, in the
 * GAR framework (Chen et al., SIGIR 2022):
 *
 * - ranking term: for a batch of shoppers, a random `keep` share of their items is the input
 *   (h_u, p̄_u) and the rest are targets; the scorer's logits over all training items
 *   (generated vectors + content terms) are a softmax, and the loss is the targets' negative
 *   log-likelihood (the VAE's own multinomial form) — what the generated vectors are for;
 * - alignment term: ‖G(x_j) − [W_j | b_j]‖² over the training items, relative to the real
 *   vectors' variance (so the weight is scale-free);
 * - adversarial term (GAR's pairwise form): the discriminator D(h, o) learns to score a
 *   shopper's real item vector above the generated one, softplus(D(h, ĝ) − D(h, real)); the
 *   generator learns the reverse, softplus(D(h, real) − D(h, ĝ)), so generated vectors are
 *   ranked like real ones by whoever consumes them.
 *
 * Early stopping: after each epoch the scorer ranks held-out "pseudo-cold" warm items (never
 * trained on) for validation shoppers; the best epoch's weights are kept.
 */
export interface GarConfig {
  epochs: number;
  patience: number;
  batchSize: number;
  learningRate: number;
  discriminatorLearningRate: number;
  /** Share of a shopper's items used as input in the ranking term. */
  keep: number;
  rankWeight: number;
  alignWeight: number;
  advWeight: number;
  discriminatorHidden: number;
  /** Let the ranking term train the generator (false: only γ sees it; G learns from alignment + adversarial). */
  rankToGenerator: boolean;
  /** L2 on the content tower's A and B. */
  towerL2: number;
  seed: number;
}

export const DEFAULT_GAR: GarConfig = {
  epochs: 20,
  patience: 4,
  batchSize: 256,
  learningRate: 3e-3,
  discriminatorLearningRate: 1e-3,
  keep: 0.7,
  rankWeight: 1,
  alignWeight: 1,
  advWeight: 0.1,
  discriminatorHidden: 64,
  rankToGenerator: true,
  towerL2: 1e-4,
  seed: 42,
};

export interface GarProgress {
  stage: 'gan';
  epoch: number;
  /** Generator objective: rank + alignWeight·align + advWeight·adversarial. */
  gLoss: number;
  /** Discriminator loss: mean softplus(D(h, generated) − D(h, real)). */
  dLoss: number;
  rankLoss: number;
  alignLoss: number;
  advLoss: number;
  /** Validation NDCG@20 of the pseudo-cold items (null without them). */
  validation: number | null;
  loaded: number;
  total: number;
  [key: string]: unknown;
}

export interface GarValidation {
  /** Histories (columns = all items; only training items in them). */
  inputs: Csr;
  /** Each row's pseudo-cold items (candidates = `candidates`). */
  targets: number[][];
  candidates: Int32Array;
}

export interface GarReport {
  epochs: number;
  bestEpoch: number;
  bestValidation: number | null;
  seconds: number;
  history: GarProgress[];
}

/** NDCG@k of a score row over candidate positions, targets given as a set of positions. */
function ndcgOfRow(scores: Float32Array, offset: number, m: number, targets: Set<number>, k: number): number {
  return ndcgAt(topK(scores, offset, m, k), targets, k);
}

/** Mean NDCG@20 of the scorer on a pseudo-cold validation set. */
export async function coldValidation(
  scorer: ColdItemScorer,
  space: CollaborativeSpace,
  features: Float32Array,
  validation: GarValidation,
): Promise<number> {
  const D = scorer.featurizer.dims;
  const cands = validation.candidates;
  const pos = new Map<number, number>();
  cands.forEach((j, p) => pos.set(j, p));
  const x = new Float32Array(cands.length * D);
  cands.forEach((j, p) => x.set(features.subarray(j * D, (j + 1) * D), p * D));
  const codes = scorer.codesFromFeatures(x, cands.length);
  let sum = 0;
  let n = 0;
  try {
    const chunk = 256;
    for (let from = 0; from < validation.inputs.rows; from += chunk) {
      const ids = Int32Array.from({ length: Math.min(chunk, validation.inputs.rows - from) }, (_, i) => from + i);
      const profile = historyProfiles(validation.inputs, features, D, ids);
      const s = tf.tidy(() => {
        const h = space.userTensor(validation.inputs, ids);
        return scorer.score(h, tf.tensor2d(profile, [ids.length, D]), codes);
      });
      const scores = (await s.data()) as Float32Array;
      s.dispose();
      for (let r = 0; r < ids.length; r++) {
        const t = new Set<number>();
        for (const j of validation.targets[ids[r]!]!) if (pos.has(j)) t.add(pos.get(j)!);
        if (t.size === 0) continue;
        sum += ndcgOfRow(scores, r * cands.length, cands.length, t, 20);
        n++;
      }
    }
  } finally {
    disposeCodes(codes);
  }
  return n > 0 ? sum / n : 0;
}

/**
 * Trains `scorer`'s generator and content tower in place. `train` rows are the shoppers to learn
 * from (columns = all items); `trainItems` the items whose real vectors are the targets
 * (interactions with other items are ignored); `features` the unit feature vectors of all items
 * [items × D]; `codes` the autoencoder codes of all items [items × E].
 */
export async function trainGar(args: {
  scorer: ColdItemScorer;
  space: CollaborativeSpace;
  train: Csr;
  trainItems: Int32Array;
  features: Float32Array;
  codes: Float32Array;
  validation?: GarValidation;
  config?: Partial<GarConfig>;
  onProgress?: (e: GarProgress) => void;
}): Promise<GarReport> {
  const cfg = { ...DEFAULT_GAR, ...args.config };
  const { scorer, space, train, trainItems, features } = args;
  const started = performance.now();
  const D = scorer.featurizer.dims;
  const E = scorer.autoencoder.embedding;
  const d = space.dims;
  const m = trainItems.length;
  const useTower = scorer.config.towerDims > 0;
  const pos = new Int32Array(train.cols).fill(-1);
  trainItems.forEach((j, p) => (pos[j] = p));

  // Each shopper's training items.
  const userItems: number[][] = [];
  for (let u = 0; u < train.rows; u++) {
    const items: number[] = [];
    for (let k = train.indptr[u]!; k < train.indptr[u + 1]!; k++) if (pos[train.indices[k]!]! >= 0) items.push(train.indices[k]!);
    if (items.length >= 2) userItems.push(items);
  }
  if (userItems.length === 0 || m === 0) throw new Error('cold-start: no shopper has two training items');

  const xFit = new Float32Array(m * D);
  const eFit = new Float32Array(m * E);
  trainItems.forEach((j, p) => {
    xFit.set(features.subarray(j * D, (j + 1) * D), p * D);
    eFit.set(args.codes.subarray(j * E, (j + 1) * E), p * E);
  });
  const real = await space.itemVectors();
  const realFit = new Float32Array(m * (d + 1));
  trainItems.forEach((j, p) => {
    realFit.set(real.vectors.subarray(j * d, (j + 1) * d), p * (d + 1));
    realFit[p * (d + 1) + d] = real.bias[j]!;
  });
  const X = tf.tensor2d(xFit, [m, D]);
  const XT = tf.transpose(X);
  const Efit = tf.tensor2d(eFit, [m, E]);
  const Real = tf.tensor2d(realFit, [m, d + 1]);
  const realVar = tf.tidy(() => tf.sum(tf.square(tf.sub(Real, tf.mean(Real, 0)))));
  const totalVar = Math.max(1e-9, (await realVar.data())[0]!);
  realVar.dispose();

  // Start G at the real vectors' mean with a small output layer, so early steps are not spent
  // shrinking a Glorot-sized output onto the (much smaller) scale of the real vectors.
  tf.tidy(() => {
    const g = scorer.generator.params;
    g.get('b2').assign(tf.mean(Real, 0));
    g.get('w2').assign(tf.mul(g.get('w2'), 0.1));
  });
  const discriminator = new Discriminator(d, d + 1, cfg.discriminatorHidden, cfg.seed + 1);
  const gOpt: tf.Optimizer = tf.train.adam(cfg.learningRate);
  const dOpt: tf.Optimizer = tf.train.adam(cfg.discriminatorLearningRate);
  const rng = new SeededRandom(cfg.seed);
  const order = Int32Array.from({ length: userItems.length }, (_, i) => i);
  const B = Math.min(cfg.batchSize, userItems.length);
  const inMask = new Float32Array(B * m);
  const target = new Float32Array(B * m);
  const history: GarProgress[] = [];
  let best: { g: Record<string, tf.Tensor>; t: Record<string, tf.Tensor> } | null = null;
  let bestValue = -1;
  let bestEpoch = 0;
  let epoch = 0;
  try {
    for (epoch = 1; epoch <= cfg.epochs; epoch++) {
      rng.shuffle(order);
      const sums = { g: 0, d: 0, rank: 0, align: 0, adv: 0, steps: 0 };
      for (let from = 0; from < order.length; from += B) {
        const rows = Math.min(B, order.length - from);
        inMask.fill(0, 0, rows * m);
        target.fill(0, 0, rows * m);
        const inputRows: number[][] = [];
        const pairUser: number[] = [];
        const pairItem: number[] = [];
        for (let r = 0; r < rows; r++) {
          const items = userItems[order[from + r]!]!;
          const kept: number[] = [];
          const held: number[] = [];
          for (const j of items) (rng.next() < cfg.keep ? kept : held).push(j);
          if (kept.length === 0) kept.push(held.pop()!);
          if (held.length === 0) held.push(kept.pop()!);
          for (const j of kept) inMask[r * m + pos[j]!] = 1;
          for (const j of held) target[r * m + pos[j]!] = 1;
          inputRows.push(kept);
          pairUser.push(r);
          pairItem.push(pos[held[Math.floor(rng.next() * held.length)]!]!);
        }
        const indptr = new Int32Array(rows + 1);
        inputRows.forEach((row, r) => (indptr[r + 1] = indptr[r]! + row.length));
        const inputs: Csr = { rows, cols: train.cols, indptr, indices: Int32Array.from(inputRows.flat()), values: new Float32Array(indptr[rows]!).fill(1) };
        const profile = historyProfiles(inputs, features, D);
        const losses = tf.tidy(() => {
          const h = space.userTensor(inputs);
          const P = tf.tensor2d(profile, [rows, D]);
          const mask = tf.tensor2d(inMask.subarray(0, rows * m), [rows, m]);
          const t = tf.tensor2d(target.subarray(0, rows * m), [rows, m]);
          const { out, hid } = scorer.generator.forward(Efit);
          const vhat = tf.slice(out, [0, 0], [m, d]);
          const bhat = tf.reshape(tf.slice(out, [0, d], [m, 1]), [m]);
          const beta = scorer.tower.get('beta');
          const gamma = scorer.tower.get('gamma');
          const useBias = scorer.config.garBias;
          const garRaw = scorer.config.gar ? (useBias ? tf.add(matMulBT(h, vhat), bhat) : matMulBT(h, vhat)) : null;
          let logits: tf.Tensor2D = garRaw ? (tf.mul(garRaw, gamma) as tf.Tensor2D) : (tf.zeros([rows, m]) as tf.Tensor2D);
          const C = scorer.config.cosine ? tf.matMul(P, XT) : null;
          if (C) logits = tf.add(logits, tf.mul(C, beta));
          const PA = useTower ? tf.matMul(P, scorer.tower.get('a')) : null;
          const XB = useTower ? tf.matMul(X, scorer.tower.get('b')) : null;
          if (PA && XB) logits = tf.add(logits, matMulBT(PA, XB));
          logits = tf.sub(logits, tf.mul(mask, 1e9));
          const logp = tf.logSoftmax(logits);
          const nt = tf.sum(t, 1, true);
          const rank = tf.div(tf.neg(tf.sum(tf.mul(t, logp))), rows);
          const dL = tf.mul(tf.div(tf.sub(tf.mul(tf.exp(logp), nt), t), rows), cfg.rankWeight);

          // Generator output gradient: ranking, alignment, adversarial.
          let dOut: tf.Tensor2D = tf.zeros([m, d + 1]);
          if (garRaw && cfg.rankToGenerator) {
            const dG = tf.mul(dL, gamma);
            const db = useBias ? tf.reshape(tf.sum(dG, 0), [m, 1]) : tf.zeros([m, 1]);
            dOut = tf.concat([matMulAT(dG, h), db], 1) as tf.Tensor2D;
          }
          const diff = tf.sub(out, Real);
          const align = tf.div(tf.sum(tf.square(diff)), totalVar);
          dOut = tf.add(dOut, tf.mul(diff, (2 * cfg.alignWeight) / totalVar)) as tf.Tensor2D;

          const pu = tf.tensor1d(Int32Array.from(pairUser), 'int32');
          const pi = tf.tensor1d(Int32Array.from(pairItem), 'int32');
          const hP = tf.gather(h, pu) as tf.Tensor2D;
          const realP = tf.gather(Real, pi) as tf.Tensor2D;
          const fakeP = tf.gather(out, pi) as tf.Tensor2D;
          const r = discriminator.forward(hP, realP);
          const f = discriminator.forward(hP, fakeP);
          const gap = tf.sub(f.s, r.s);
          const nP = pairUser.length;
          const dLoss = tf.mean(tf.softplus(gap));
          const advLoss = tf.mean(tf.softplus(tf.neg(gap)));
          // Discriminator step: d/dgap softplus(gap) = σ(gap).
          const gD = tf.reshape(tf.div(tf.sigmoid(gap), nP), [nP, 1]) as tf.Tensor2D;
          const dr = discriminator.backward(hP, realP, r.a, r.c, tf.neg(gD) as tf.Tensor2D);
          const df = discriminator.backward(hP, fakeP, f.a, f.c, gD);
          const dGrads = discriminator.paramGrads([
            { h: hP, o: realP, dA: dr.dA, dC: dr.dC },
            { h: hP, o: fakeP, dA: df.dA, dC: df.dC },
          ]);
          // Generator's adversarial gradient through the fake pairs: d/dgap softplus(−gap) = −σ(−gap).
          if (cfg.advWeight > 0) {
            const gG = tf.reshape(tf.mul(tf.div(tf.neg(tf.sigmoid(tf.neg(gap))), nP), cfg.advWeight), [nP, 1]) as tf.Tensor2D;
            const dFake = discriminator.backward(hP, fakeP, f.a, f.c, gG).dO;
            // Scatter-add onto the pairs' items (one-hot product: no segment-sum kernel on WASM).
            dOut = tf.add(dOut, matMulAT(tf.oneHot(pi, m, 1, 0, 'float32'), dFake)) as tf.Tensor2D;
          }
          const grads: tf.NamedTensorMap = { ...scorer.generator.backward(Efit, hid, dOut) };
          const tower = scorer.tower;
          if (C && scorer.config.cosine) grads[tower.get('beta').name] = tf.reshape(tf.sum(tf.mul(dL, C)), [1]);
          if (garRaw) grads[tower.get('gamma').name] = tf.reshape(tf.sum(tf.mul(dL, garRaw)), [1]);
          if (PA && XB) {
            grads[tower.get('a').name] = tf.add(matMulAT(P, tf.matMul(dL, XB)), tf.mul(tower.get('a'), cfg.towerL2));
            grads[tower.get('b').name] = tf.add(tf.matMul(XT, matMulAT(dL, PA)), tf.mul(tower.get('b'), cfg.towerL2));
          }
          gOpt.applyGradients(grads);
          dOpt.applyGradients(dGrads);
          const gLoss = tf.addN([tf.mul(rank, cfg.rankWeight), tf.mul(align, cfg.alignWeight), tf.mul(advLoss, cfg.advWeight)]);
          return tf.stack([gLoss, dLoss, rank, align, advLoss]);
        });
        const v = (await losses.data()) as Float32Array;
        losses.dispose();
        sums.g += v[0]!;
        sums.d += v[1]!;
        sums.rank += v[2]!;
        sums.align += v[3]!;
        sums.adv += v[4]!;
        sums.steps++;
      }
      const validation = args.validation ? await coldValidation(scorer, space, features, args.validation) : null;
      const s = Math.max(1, sums.steps);
      const event: GarProgress = {
        stage: 'gan',
        epoch,
        gLoss: sums.g / s,
        dLoss: sums.d / s,
        rankLoss: sums.rank / s,
        alignLoss: sums.align / s,
        advLoss: sums.adv / s,
        validation,
        loaded: epoch,
        total: cfg.epochs,
      };
      history.push(event);
      args.onProgress?.(event);
      if (validation === null) continue;
      if (validation > bestValue) {
        bestValue = validation;
        bestEpoch = epoch;
        if (best) {
          disposeSnapshot(best.g);
          disposeSnapshot(best.t);
        }
        best = { g: scorer.generator.params.snapshot(), t: scorer.tower.snapshot() };
      } else if (epoch - bestEpoch >= cfg.patience) {
        break;
      }
    }
    if (best) {
      scorer.generator.params.restore(best.g);
      scorer.tower.restore(best.t);
    } else {
      bestEpoch = Math.min(epoch, cfg.epochs);
    }
  } finally {
    if (best) {
      disposeSnapshot(best.g);
      disposeSnapshot(best.t);
    }
    gOpt.dispose();
    dOpt.dispose();
    discriminator.params.dispose();
    for (const t of [X, XT, Efit, Real]) t.dispose();
  }
  return {
    epochs: Math.min(epoch, cfg.epochs),
    bestEpoch,
    bestValidation: args.validation ? bestValue : null,
    seconds: (performance.now() - started) / 1000,
    history,
  };
}
