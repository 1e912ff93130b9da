import * as tf from '@tensorflow/tfjs-core';
import type { Csr, EvalModel, FitContext } from '../../eval/eval-model';
import { ContentAutoencoder, DEFAULT_CONTENT_AE, type ContentAeConfig } from '../../src/models/content-ae/content-ae';
import { ContentFeaturizer, type ContentFeatureConfig } from '../../src/models/content-ae/content-features';
import { SeededRandom } from '../../src/models/content-ae/rng';
import { useBackend } from '../../src/backend/use-backend';
import { trainVaeModel, type TrainedVaeModel, type VaeModelConfig } from '../../tools/recipe/vae-recipe';
import { ColdItemScorer, disposeCodes, historyProfiles, type ColdCalibration, type ColdItemCodes, type ColdTowerConfig } from './cold-scorer';
import { VaeSpace } from './collaborative-space';
import { Generator } from './mlp';
import { coldValidation, DEFAULT_GAR, trainGar, type GarConfig, type GarReport, type GarValidation } from './gar-trainer';
import { BestK } from '../../src/util/best-k';
import { csrFromRows, csrRows } from '../../src/util/csr';
import { ndcgAt } from '../../src/util/ranking-metrics';

/**
 * `localrec-cold`: the VAE for items with interactions, the GAR cold-item scorer for items
 * without (cold-scorer.ts), on one scale.
 *
 * fit(train):
 * 1. hold-outs from the training data itself (seeded): 15% of the warm items are "pseudo-cold"
 *    (the generator never trains on them) and, when the protocol gives no validation users, 10%
 *    of the shoppers are held out of the VAE (validation users: a random 20% of their items are
 *    targets);
 * 2. the VAE (src/models/vae, trainVaeModel) on the remaining shoppers, early-stopped and
 *    blended on the validation users;
 * 3. the featurizer and the denoising autoencoder on every catalog row (public text);
 * 4. the generator + content tower against the VAE's real item vectors of the non-pseudo-cold
 *    warm items, early-stopped on the pseudo-cold items' ranking for the validation users;
 *    Then the parts to score with (cosine shortcut, learned tower, GAR term) are chosen on that
 *    same pseudo-cold ranking: a richer combination must beat a simpler one by > 1% relative.
 *    On office and scientific (seed 42) only the cosine shortcut survives: the generated vectors
 *    and the tower rank unseen items worse than plain content similarity does (see the report
 *    in `settings().partsValidationNDCG20`);
 * 5. calibration: cold scores are mapped onto each shopper's warm-score scale,
 *    cold = μ_warm + σ_warm·(scale·z_cold + shift), with (scale, shift) chosen on the validation
 *    users' mixed ranking (targets: their held-out items, warm and pseudo-cold alike).
 * scoreBatch: warm items by the VAE scorer, items without training interactions by the cold scorer.
 */
export interface ColdStartOptions {
  tuneMetric?: string;
  vae?: Partial<VaeModelConfig>;
  features?: Partial<ContentFeatureConfig>;
  ae?: Partial<ContentAeConfig>;
  gar?: Partial<GarConfig>;
  tower?: Partial<ColdTowerConfig>;
  generatorHidden?: number;
  /** Share of warm items held out as pseudo-cold. */
  pseudoCold?: number;
  /** Generator early stopping on 'all' shoppers' pseudo-cold items (default) or the held-out ones only. */
  garValidationUsers?: 'all' | 'held-out';
  /** Share of shoppers held out of the VAE when the protocol has no validation users. */
  heldOutUsers?: number;
  /** 'auto' (default): keep the parts the pseudo-cold validation supports; 'all': keep every trained part. */
  parts?: 'auto' | 'all';
  /** 'fit' (default) or fixed values (an ablation: e.g. { scale: 1, shift: 0 }). */
  calibration?: 'fit' | ColdCalibration;
  /** Dev/ablation runs in one process: reuse a VAE trained on the same data and seed. */
  vaeCache?: Map<string, TrainedVaeModel>;
  name?: string;
}

/** The VAE as trainVaeModel's defaults, with a shorter cap (validation users always exist here). */
export const DEFAULT_COLD_VAE: Partial<VaeModelConfig> = { epochs: 40, patience: 5 };

export const DEFAULT_TOWER: ColdTowerConfig = { towerDims: 64, cosineWeight: 10, cosine: true, gar: true, garBias: true };

const CAL_SCALES = [0.5, 0.75, 1, 1.5, 2, 3];
const CAL_SHIFTS = Array.from({ length: 25 }, (_, i) => -3 + i * 0.25);

const rowsOf = csrRows;
const csr = (rows: readonly (readonly number[])[], cols: number): Csr => csrFromRows(rows, cols);

/** The k best positions of a row (scores[offset..offset+n)), skipping `blocked`, best first. */
function topPositions(scores: Float32Array, offset: number, n: number, k: number, blocked: Set<number>): number[] {
  const best = new BestK(k);
  for (let i = 0; i < n; i++) if (!blocked.has(i)) best.push(scores[offset + i]!, i);
  return Array.from(best.take().ids);
}

const ndcg = ndcgAt;

export class ColdStartEvalModel implements EvalModel {
  readonly name: string;
  private readonly options: ColdStartOptions;
  private vae: TrainedVaeModel | null = null;
  private vaeShared = false;
  private space: VaeSpace | null = null;
  private scorer: ColdItemScorer | null = null;
  private features: Float32Array = new Float32Array(0);
  /** Items without training interactions (scored by the cold scorer) and their codes. */
  private coldItems = new Int32Array(0);
  private coldCodes: ColdItemCodes | null = null;
  private warmMask = new Uint8Array(0);
  private report: Record<string, unknown> = {};
  private garReport: GarReport | null = null;

  constructor(options: ColdStartOptions = {}) {
    this.options = options;
    this.name = options.name ?? 'localrec-cold';
  }

  async fit(train: Csr, context: FitContext): Promise<void> {
    this.dispose();
    await useBackend('wasm');
    const o = this.options;
    const n = train.cols;
    if (context.items.length !== n) throw new Error(`localrec-cold needs catalog items aligned to ${n} columns, got ${context.items.length}`);
    const seconds: Record<string, number> = {};
    let t0 = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      seconds[name] = Math.round((now - t0) / 10) / 100;
      t0 = now;
    };
    const rng = new SeededRandom(context.seed * 7919 + 17);

    // 1. Hold-outs.
    const count = new Int32Array(n);
    for (let k = 0; k < train.indptr[train.rows]!; k++) count[train.indices[k]!]! += 1;
    const warm: number[] = [];
    for (let j = 0; j < n; j++) if (count[j]! > 0) warm.push(j);
    this.warmMask = Uint8Array.from(count, (c) => (c > 0 ? 1 : 0));
    rng.shuffle(warm);
    const nPseudo = Math.floor((o.pseudoCold ?? 0.15) * warm.length);
    const pseudo = new Uint8Array(n);
    for (let k = 0; k < nPseudo; k++) pseudo[warm[k]!] = 1;
    const fitItems = Int32Array.from(warm.slice(nPseudo)).sort();

    const trainRows = rowsOf(train);
    let vaeTrain = train;
    let heldInputs: number[][];
    let heldTargets: number[][];
    if (context.validation && context.validation.inputs.rows > 0) {
      heldInputs = rowsOf(context.validation.inputs);
      heldTargets = context.validation.targets.map((t) => [...t]);
    } else {
      const candidates: number[] = [];
      trainRows.forEach((row, u) => {
        if (row.length >= 3) candidates.push(u);
      });
      rng.shuffle(candidates);
      const held = new Set(candidates.slice(0, Math.floor((o.heldOutUsers ?? 0.1) * candidates.length)));
      heldInputs = [];
      heldTargets = [];
      const kept: number[][] = [];
      trainRows.forEach((row, u) => {
        if (!held.has(u)) {
          kept.push(row);
          return;
        }
        const order = rng.shuffle([...row]);
        const nt = Math.max(1, Math.floor(0.2 * row.length));
        heldTargets.push(order.slice(0, nt));
        heldInputs.push(order.slice(nt));
      });
      vaeTrain = csr(kept, n);
    }
    const vaeValidation = { inputs: csr(heldInputs, n), targets: heldTargets };

    // 2. The VAE.
    const cacheKey = `${train.rows}x${n}:${train.indptr[train.rows]}:${context.seed}:${JSON.stringify(o.vae ?? {})}`;
    const cached = o.vaeCache?.get(cacheKey);
    if (cached) {
      this.vae = cached;
      this.vaeShared = true;
    } else {
      this.vae = await trainVaeModel(
        vaeTrain,
        { seed: context.seed, ...DEFAULT_COLD_VAE, ...(o.tuneMetric ? { validationMetric: o.tuneMetric } : {}), ...o.vae },
        { validation: vaeValidation, onProgress: context.onProgress, items: context.items },
      );
      if (o.vaeCache) {
        o.vaeCache.set(cacheKey, this.vae);
        this.vaeShared = true;
      }
    }
    const space = new VaeSpace(this.vae);
    this.space = space;
    lap('vae');

    // 3. Features and the autoencoder (every catalog row).
    const featurizer = ContentFeaturizer.fit(context.items, o.features);
    const D = featurizer.dims;
    this.features = featurizer.matrix(context.items);
    const aeConfig = { ...DEFAULT_CONTENT_AE, seed: context.seed, ...o.ae };
    const autoencoder = ContentAutoencoder.create(D, aeConfig.embedding, aeConfig.seed);
    const aeLossBefore = await autoencoder.reconstructionLoss(this.features);
    const aeLosses = await autoencoder.fit(this.features, aeConfig, context.onProgress);
    const aeLossAfter = await autoencoder.reconstructionLoss(this.features);
    const codes = await autoencoder.embed(this.features);
    lap('content_ae');

    // 4. Generator + content tower.
    const tower = { ...DEFAULT_TOWER, ...o.tower };
    const generator = new Generator(autoencoder.embedding, o.generatorHidden ?? 256, space.dims + 1, undefined, context.seed + 3);
    const scorer = new ColdItemScorer(featurizer, autoencoder, generator, tower, undefined, context.seed + 5);
    this.scorer = scorer;
    const garValidation: GarValidation = { inputs: csr([], n), targets: [], candidates: Int32Array.from(warm.slice(0, nPseudo)).sort() };
    {
      // Validation shoppers: the held-out ones and (default) every training shopper too, each
      // with their pseudo-cold items as targets and their other warm items as input. The VAE saw
      // the training shoppers' pseudo-cold interactions (never the generator), so this is mildly
      // optimistic for the GAR term; it is used to pick epochs, not to report.
      const inputs: number[][] = [];
      const add = (all: number[]) => {
        const targets = all.filter((j) => pseudo[j]);
        const rest = all.filter((j) => !pseudo[j] && count[j]! > 0);
        if (targets.length > 0 && rest.length > 0) {
          inputs.push(rest);
          garValidation.targets.push(targets);
        }
      };
      heldInputs.forEach((input, u) => add([...input, ...heldTargets[u]!]));
      if ((o.garValidationUsers ?? 'all') === 'all') for (const row of rowsOf(vaeTrain)) add(row);
      garValidation.inputs = csr(inputs, n);
    }
    this.garReport = await trainGar({
      scorer,
      space,
      train: vaeTrain,
      trainItems: fitItems,
      features: this.features,
      codes,
      ...(garValidation.targets.length > 0 && nPseudo > 0 ? { validation: garValidation } : {}),
      config: { seed: context.seed, ...o.gar },
      onProgress: context.onProgress,
    });
    lap('gan');

    // Which trained parts to keep: the pseudo-cold validation decides; a richer variant must
    // beat a simpler one by more than 1% (relative) to be kept.
    const partsValidation: Record<string, number> = {};
    if (this.garReport.bestValidation !== null && (o.parts ?? 'auto') === 'auto') {
      const trained = { ...scorer.parts };
      const variants = [
        { cosine: true, tower: false, gar: false },
        { cosine: true, tower: true, gar: false },
        { cosine: true, tower: false, gar: true },
        { cosine: true, tower: true, gar: true },
      ].filter((v) => (!v.tower || trained.tower) && (!v.gar || trained.gar) && (v.cosine === trained.cosine || !trained.cosine));
      let best: { parts: typeof trained; value: number } | null = null;
      for (const v of variants) {
        scorer.parts = { ...v, cosine: v.cosine && trained.cosine };
        const value = await coldValidation(scorer, space, this.features, garValidation);
        partsValidation[[v.cosine ? 'cosine' : '', v.tower ? 'tower' : '', v.gar ? 'gar' : ''].filter(Boolean).join('+')] = round(value);
        if (!best || value > best.value * 1.01) best = { parts: { ...scorer.parts }, value };
      }
      scorer.parts = best ? best.parts : trained;
    }

    // 5. Calibration on the validation users' mixed ranking.
    const coldList: number[] = [];
    for (let j = 0; j < n; j++) if (count[j] === 0) coldList.push(j);
    this.coldItems = Int32Array.from(coldList);
    let calibration: ColdCalibration = { scale: 1, shift: 0 };
    let calibrationTable: Record<string, number> = {};
    if (o.calibration && o.calibration !== 'fit') calibration = o.calibration;
    else {
      // Fitted even without cold columns (cold-users, strong): the pseudo-cold items stand in
      // for them, and the engine needs the mapping for rows that arrive after training.
      const found = await this.fitCalibration(heldInputs, heldTargets, pseudo);
      calibration = found.best;
      calibrationTable = found.table;
    }
    scorer.calibration = calibration;
    this.coldCodes = this.codesOf(this.coldItems);
    lap('calibration');

    this.report = {
      seconds,
      pseudoColdItems: nPseudo,
      heldOutUsers: heldInputs.length,
      garValidationUsers: garValidation.targets.length,
      vaeWeights: this.vae.report.weights,
      vaeEpochs: this.vae.report.vae.epochs,
      vaeBestEpoch: this.vae.report.vae.bestEpoch,
      vaeValidation: this.vae.report.validation,
      features: featurizer.config,
      ae: { ...aeConfig, lossBefore: round(aeLossBefore), lossAfter: round(aeLossAfter), firstEpoch: round(aeLosses[0] ?? NaN), lastEpoch: round(aeLosses.at(-1) ?? NaN) },
      tower,
      gar: {
        ...DEFAULT_GAR,
        ...o.gar,
        epochs: this.garReport.epochs,
        bestEpoch: this.garReport.bestEpoch,
        validationNDCG20: this.garReport.bestValidation === null ? null : round(this.garReport.bestValidation),
        first: this.garReport.history[0] ? pick(this.garReport.history[0]) : null,
        best: this.garReport.history[this.garReport.bestEpoch - 1] ? pick(this.garReport.history[this.garReport.bestEpoch - 1]!) : null,
      },
      parts: scorer.parts,
      partsValidationNDCG20: partsValidation,
      beta: round((await scorer.tower.get('beta').data())[0]!),
      gamma: round((await scorer.tower.get('gamma').data())[0]!),
      calibration,
      calibrationValidation: calibrationTable,
    };
  }

  private codesOf(items: Int32Array): ColdItemCodes {
    const D = this.scorer!.featurizer.dims;
    const x = new Float32Array(items.length * D);
    items.forEach((j, p) => x.set(this.features.subarray(j * D, (j + 1) * D), p * D));
    return this.scorer!.codesFromFeatures(x, items.length);
  }

  /** Raw cold scores [rows × codes.rows] for rows of `inputs`. */
  private async rawColdScores(inputs: Csr, ids: Int32Array, codes: ColdItemCodes): Promise<Float32Array> {
    const scorer = this.scorer!;
    const D = scorer.featurizer.dims;
    const profile = historyProfiles(inputs, this.features, D, ids);
    const s = tf.tidy(() => scorer.score(this.space!.userTensor(inputs, ids), tf.tensor2d(profile, [ids.length, D]), codes));
    try {
      return (await s.data()) as Float32Array;
    } finally {
      s.dispose();
    }
  }

  /**
   * Writes calibrated cold scores into `out` (rows × cols, holding the warm scores): per row, the
   * cold scores' z-scores over `items` are mapped to μ_warm + σ_warm·(scale·z + shift), with μ, σ
   * over the row's warm items.
   */
  private static place(out: Float32Array, rows: number, cols: number, warmMask: Uint8Array, items: Int32Array, raw: Float32Array, cal: ColdCalibration): void {
    const m = items.length;
    for (let r = 0; r < rows; r++) {
      let sw = 0;
      let sw2 = 0;
      let nw = 0;
      for (let j = 0; j < cols; j++) {
        if (!warmMask[j]) continue;
        const v = out[r * cols + j]!;
        sw += v;
        sw2 += v * v;
        nw++;
      }
      const mw = nw ? sw / nw : 0;
      const sdw = nw ? Math.sqrt(Math.max(0, sw2 / nw - mw * mw)) || 1 : 1;
      let sc = 0;
      let sc2 = 0;
      for (let p = 0; p < m; p++) {
        const v = raw[r * m + p]!;
        sc += v;
        sc2 += v * v;
      }
      const mc = m ? sc / m : 0;
      const sdc = m ? Math.sqrt(Math.max(0, sc2 / m - mc * mc)) || 1 : 1;
      for (let p = 0; p < m; p++) {
        const z = (raw[r * m + p]! - mc) / sdc;
        out[r * cols + items[p]!] = mw + sdw * (cal.scale * z + cal.shift);
      }
    }
  }

  /** Grid search of (scale, shift) on the validation users' mixed NDCG@20 (pseudo-cold items scored cold). */
  private async fitCalibration(
    heldInputs: number[][],
    heldTargets: number[][],
    pseudo: Uint8Array,
  ): Promise<{ best: ColdCalibration; table: Record<string, number> }> {
    const n = this.warmMask.length;
    const inputsRows: number[][] = [];
    const targets: number[][] = [];
    heldInputs.forEach((input, u) => {
      const kept = input.filter((j) => !pseudo[j] && this.warmMask[j]);
      if (kept.length > 0 && heldTargets[u]!.length > 0) {
        inputsRows.push(kept);
        targets.push(heldTargets[u]!);
      }
    });
    if (inputsRows.length === 0) return { best: { scale: 1, shift: 0 }, table: {} };
    // Cold here = pseudo-cold ∪ items without interactions; warm = the rest.
    const coldSet: number[] = [];
    const warmMask = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      if (pseudo[j] || !this.warmMask[j]) coldSet.push(j);
      else warmMask[j] = 1;
    }
    const items = Int32Array.from(coldSet);
    const codes = this.codesOf(items);
    const inputs = csr(inputsRows, n);
    const sums = new Float64Array(CAL_SCALES.length * CAL_SHIFTS.length);
    try {
      const chunk = 128;
      const row = new Float32Array(n);
      for (let from = 0; from < inputs.rows; from += chunk) {
        const ids = Int32Array.from({ length: Math.min(chunk, inputs.rows - from) }, (_, i) => from + i);
        const warmScores = await this.space!.scoreWarm(inputs, ids);
        const raw = await this.rawColdScores(inputs, ids, codes);
        for (let r = 0; r < ids.length; r++) {
          const u = ids[r]!;
          const blocked = new Set(inputsRows[u]!);
          const t = new Set(targets[u]!);
          CAL_SCALES.forEach((scale, a) =>
            CAL_SHIFTS.forEach((shift, b) => {
              row.set(warmScores.subarray(r * n, (r + 1) * n));
              ColdStartEvalModel.place(row, 1, n, warmMask, items, raw.subarray(r * items.length, (r + 1) * items.length), { scale, shift });
              sums[a * CAL_SHIFTS.length + b]! += ndcg(topPositions(row, 0, n, 20, blocked), t, 20);
            }),
          );
        }
      }
    } finally {
      disposeCodes(codes);
    }
    let bestAt = 0;
    sums.forEach((v, i) => {
      if (v > sums[bestAt]!) bestAt = i;
    });
    const best = { scale: CAL_SCALES[Math.floor(bestAt / CAL_SHIFTS.length)]!, shift: CAL_SHIFTS[bestAt % CAL_SHIFTS.length]! };
    const table: Record<string, number> = {};
    for (const scale of CAL_SCALES) {
      const a = CAL_SCALES.indexOf(scale);
      let bestShift = 0;
      for (let b = 1; b < CAL_SHIFTS.length; b++) if (sums[a * CAL_SHIFTS.length + b]! > sums[a * CAL_SHIFTS.length + bestShift]!) bestShift = b;
      table[`scale ${scale} shift ${CAL_SHIFTS[bestShift]}`] = round(sums[a * CAL_SHIFTS.length + bestShift]! / inputs.rows);
    }
    table.none = round(sums[CAL_SCALES.indexOf(1) * CAL_SHIFTS.length + CAL_SHIFTS.indexOf(0)]! / inputs.rows);
    return { best, table };
  }

  async scoreBatch(inputs: Csr): Promise<Float32Array> {
    if (!this.space || !this.scorer) throw new Error('localrec-cold: scoreBatch before fit');
    const out = await this.space.scoreWarm(inputs);
    if (this.coldItems.length === 0 || !this.coldCodes) return out;
    const ids = Int32Array.from({ length: inputs.rows }, (_, r) => r);
    const raw = await this.rawColdScores(inputs, ids, this.coldCodes);
    ColdStartEvalModel.place(out, inputs.rows, inputs.cols, this.warmMask, this.coldItems, raw, this.scorer.calibration);
    return out;
  }

  /** The trained cold-item scorer (featurizer, autoencoder, generator, tower, calibration). */
  get coldScorer(): ColdItemScorer | null {
    return this.scorer;
  }

  settings(): Record<string, unknown> {
    return { warm: 'vae (src/models/vae, trainVaeModel)', ...this.report };
  }

  backend(): string {
    return tf.getBackend();
  }

  dispose(): void {
    if (this.coldCodes) disposeCodes(this.coldCodes);
    this.coldCodes = null;
    this.scorer?.dispose();
    this.scorer = null;
    if (this.vae && !this.vaeShared) this.vae.scorer.network.dispose();
    this.vae = null;
    this.space = null;
  }
}

const round = (x: number): number => Math.round(x * 10000) / 10000;

function pick(e: { gLoss: number; dLoss: number; rankLoss: number; alignLoss: number; advLoss: number; validation: number | null }): Record<string, number | null> {
  return {
    gLoss: round(e.gLoss),
    dLoss: round(e.dLoss),
    rankLoss: round(e.rankLoss),
    alignLoss: round(e.alignLoss),
    advLoss: round(e.advLoss),
    validation: e.validation === null ? null : round(e.validation),
  };
}
