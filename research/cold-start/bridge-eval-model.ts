import type { Csr, EvalModel, FitContext } from '../../eval/eval-model';
import { csrFromRows } from '../../src/util/csr';
import { gramMatrix } from '../../src/util/csr';
import { easeWeights } from '../../eval/baselines/ease';
import { rngFor, shuffle } from '../../src/util/random';
import { initEvalBackend } from '../../tools/io/node-backend';
import { useBackend } from '../../src/backend/use-backend';
import { trainVaeModel, type TrainedVaeModel, type VaeModelConfig } from '../../tools/recipe/vae-recipe';
import { DEFAULT_COLD_VAE } from './cold-eval-model';
import { ColdBridge, DEFAULT_BRIDGE, type BridgeConfig, type BridgeFieldWeights } from './content-bridge';
import { BestK } from '../../src/util/best-k';
import { csrRows } from '../../src/util/csr';
import { ndcgAt } from '../../src/util/ranking-metrics';

/** Field weights tried: the bridge's default, and content-kNN's (title, category words, brand alike). */
export const FIELD_VARIANTS: BridgeFieldWeights[] = [
  DEFAULT_BRIDGE.fields,
  { title: 1, bigram: 0, category: 0, categoryWords: 1, brand: 1 },
];

/**
 * `localrec-bridge`: a research bridge, in the evaluation only (the worker runs `localrec`,
 * engine-eval-model.ts). Warm items (with training interactions) are
 * scored by the VAE (src/models/vae: Mult-VAE blended with EASE / item-kNN / text parts); items
 * without interactions by the content bridge (content-bridge.ts): content similarity to the
 * shopper's history + the shopper's collaborative scores carried over from the cold item's
 * nearest warm items + a popularity prior predicted from content. Cold scores are placed on each
 * shopper's warm-score scale (calibration), so one ranking holds both.
 *
 * Tuning (never on the protocol's cold items): a seeded 20% of the warm items become
 * pseudo-cold (all their interactions are dropped), and a seeded 20% of the warm items of every
 * shopper with pseudo-cold items are held out as warm targets. EASE (λ = easeLambda) is fitted on
 * what remains. On those shoppers:
 * - the bridge's lift exponent, neighbours, collaborative and prior weights are chosen by NDCG@20
 *   over the pseudo-cold candidates (targets: their pseudo-cold items), the protocol's cold view;
 * - the calibration (scale, shift) by NDCG@20 of the mixed ranking (warm items by EASE, pseudo-cold
 *   items by the bridge; targets: their pseudo-cold and held-out warm items).
 * The cold scorer at test time uses EASE fitted on all training data for s_u (the collaborative
 * scores carried over); the warm items are ranked by the VAE.
 */
export interface BridgeEvalOptions {
  tuneMetric?: string;
  vae?: Partial<VaeModelConfig>;
  /** false: warm items by EASE instead of the VAE (faster; an ablation). */
  useVae?: boolean;
  easeLambda?: number;
  pseudoCold?: number;
  /** Shoppers used for tuning at most (seeded sample). */
  maxTuneUsers?: number;
  grid?: { fields?: BridgeFieldWeights[]; liftPower?: number[]; neighbours?: number[]; cfWeight?: number[]; popWeight?: number[]; maxWeight?: number[]; krrWeight?: number[] };
  /**
   * Sources of the carried-over collaborative scores tried on validation. Default EASE only: a VAE
   * trained on the validation split lost to EASE there on office (.1332 vs .1370 NDCG@20) and
   * scientific (.1519 vs .1547), and costs a second VAE training ('vae' needs useVae).
   */
  cfSources?: ('ease' | 'vae')[];
  name?: string;
}

interface Calibration {
  scale: number;
  shift: number;
}

const CAL_SCALES = [0.5, 0.75, 1, 1.5, 2];
const CAL_SHIFTS = Array.from({ length: 21 }, (_, i) => -4 + i * 0.25);

/** NDCG@20 of the positions of `scores` (position p is item ids[p]), items in `blocked` left out. */
export function ndcgAt20(scores: Float32Array | Float64Array, ids: ArrayLike<number>, targets: ReadonlySet<number>, blocked?: ReadonlySet<number>): number {
  const best = new BestK(20);
  for (let p = 0; p < scores.length; p++) if (!blocked?.has(ids[p]!)) best.push(scores[p]!, p);
  return ndcgAt(Array.from(best.take().ids, (p) => ids[p]!), targets, 20);
}

/** Each row's columns (the one helper, re-exported for the research models). */
export const rowsOf = csrRows;

/**
 * The VAE that scores warm items in `localrec`: trained on `train`, early-stopped on the protocol's
 * validation users, or (when it has none) on a seeded 10% of the shoppers held out with a random
 * 20% of their items as targets.
 */
export async function trainWarmVae(train: Csr, context: FitContext, o: { tuneMetric?: string; vae?: Partial<VaeModelConfig> } = {}): Promise<TrainedVaeModel> {
  await useBackend('wasm');
  const n = train.cols;
  const rows = rowsOf(train);
  let vaeTrain = train;
  let validation = context.validation && context.validation.inputs.rows > 0 ? context.validation : null;
  if (!validation) {
    const vRng = rngFor(context.seed, 'localrec-vae-validation');
    const candidates = rows.map((_, u) => u).filter((u) => rows[u]!.length >= 3);
    shuffle(candidates, vRng);
    const held = new Set(candidates.slice(0, Math.floor(0.1 * candidates.length)));
    const inputs: number[][] = [];
    const targets: number[][] = [];
    const kept: number[][] = [];
    rows.forEach((r, u) => {
      if (!held.has(u)) return void kept.push(r);
      const s = shuffle([...r], vRng);
      const nt = Math.max(1, Math.floor(0.2 * r.length));
      targets.push(s.slice(0, nt));
      inputs.push(s.slice(nt));
    });
    vaeTrain = csrFromRows(kept, n);
    validation = { inputs: csrFromRows(inputs, n), targets };
  }
  return trainVaeModel(
    vaeTrain,
    { seed: context.seed, ...DEFAULT_COLD_VAE, ...(o.tuneMetric ? { validationMetric: o.tuneMetric } : {}), ...o.vae },
    { validation, ...(context.onProgress ? { onProgress: context.onProgress } : {}), items: context.items },
  );
}

/** Σ_h B[h, :] for a history (EASE scores). */
function easeScores(b: Float32Array, n: number, history: readonly number[], out: Float32Array): Float32Array {
  out.fill(0);
  for (const h of history) {
    const o = h * n;
    for (let j = 0; j < n; j++) out[j]! += b[o + j]!;
  }
  return out;
}

/** Writes cold scores into `row` (warm scores at warm items): μ_warm + σ_warm·(scale·z + shift). */
export function placeCold(row: Float32Array, warm: Uint8Array, cold: ArrayLike<number>, raw: Float32Array | Float64Array, cal: Calibration): void {
  let sw = 0;
  let sw2 = 0;
  let nw = 0;
  for (let j = 0; j < row.length; j++) {
    if (!warm[j]) continue;
    sw += row[j]!;
    sw2 += row[j]! * row[j]!;
    nw++;
  }
  const mw = nw ? sw / nw : 0;
  const sdw = nw ? Math.sqrt(Math.max(0, sw2 / nw - mw * mw)) || 1 : 1;
  let sc = 0;
  let sc2 = 0;
  for (let p = 0; p < raw.length; p++) {
    sc += raw[p]!;
    sc2 += raw[p]! * raw[p]!;
  }
  const mc = raw.length ? sc / raw.length : 0;
  const sdc = raw.length ? Math.sqrt(Math.max(0, sc2 / raw.length - mc * mc)) || 1 : 1;
  for (let p = 0; p < raw.length; p++) row[cold[p]!] = mw + sdw * (cal.scale * ((raw[p]! - mc) / sdc) + cal.shift);
}

export class BridgeEvalModel implements EvalModel {
  readonly name: string;
  private readonly o: BridgeEvalOptions;
  private vae: TrainedVaeModel | null = null;
  private b: Float32Array = new Float32Array(0);
  private n = 0;
  private warm = new Uint8Array(0);
  private bridge: ColdBridge | null = null;
  private chosen: BridgeConfig = DEFAULT_BRIDGE;
  private calibration: Calibration = { scale: 1, shift: 0 };
  private report: Record<string, unknown> = {};
  private backendName = 'wasm';
  /** Where the collaborative scores carried over to cold items come from (chosen on validation). */
  private cfSource: 'ease' | 'vae' = 'ease';

  constructor(options: BridgeEvalOptions = {}) {
    this.o = options;
    this.name = options.name ?? 'localrec-bridge';
  }

  async fit(train: Csr, context: FitContext): Promise<void> {
    const o = this.o;
    const n = train.cols;
    this.n = n;
    if (context.items.length !== n) throw new Error(`localrec needs catalog items aligned to ${n} columns, got ${context.items.length}`);
    this.backendName = await initEvalBackend();
    const seconds: Record<string, number> = {};
    let t0 = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      seconds[name] = Math.round((now - t0) / 10) / 100;
      t0 = now;
    };
    const lambda = o.easeLambda ?? 200;
    const rows = rowsOf(train);
    const count = new Int32Array(n);
    for (const r of rows) for (const j of r) count[j]! += 1;
    this.warm = Uint8Array.from(count, (c) => (c > 0 ? 1 : 0));
    const warmList: number[] = [];
    for (let j = 0; j < n; j++) if (count[j]! > 0) warmList.push(j);

    const coldList: number[] = [];
    for (let j = 0; j < n; j++) if (!this.warm[j]) coldList.push(j);
    if (coldList.length > 0) await this.fitBridge(rows, warmList, context, lap, lambda);
    else this.report = { warm: 'vae', cold: 'none (every item has training interactions)' };
    this.bridge = null;
    if (coldList.length > 0) {
      this.b = easeWeights(Float32Array.from(gramMatrix(train)), n, lambda);
      this.bridge = ColdBridge.fit(context.items, rows, this.warm, Int32Array.from(coldList), this.chosen);
      if (this.chosen.krrWeight !== 0) this.bridge.kernelRidge(this.chosen.krrMu);
      lap('bridge');
    }
    if (o.useVae !== false) {
      this.vae = await trainWarmVae(train, context, { ...(o.tuneMetric ? { tuneMetric: o.tuneMetric } : {}), ...(o.vae ? { vae: o.vae } : {}) });
      lap('vae');
    }
    this.report.seconds = seconds;
  }

  /** Tunes the bridge and the calibration on pseudo-cold warm items (see the class comment). */
  private async fitBridge(rows: number[][], warmList: number[], context: FitContext, lap: (name: string) => void, lambda: number): Promise<void> {
    const o = this.o;
    const n = this.n;
    // 1. Hold-outs: pseudo-cold items, and held-out warm targets of the tuning shoppers.
    const rng = rngFor(context.seed, 'localrec-pseudo-cold');
    const order = shuffle([...warmList], rng);
    const nPseudo = Math.floor((o.pseudoCold ?? 0.2) * order.length);
    const pseudo = new Uint8Array(n);
    for (let k = 0; k < nPseudo; k++) pseudo[order[k]!] = 1;
    const fitWarm = Uint8Array.from(this.warm, (w, j) => (w && !pseudo[j] ? 1 : 0));
    const tune: { input: number[]; cold: Set<number>; warm: Set<number> }[] = [];
    const valRows: number[][] = [];
    const userOrder = shuffle(rows.map((_, u) => u), rng);
    const tuneUsers = new Set<number>();
    for (const u of userOrder) {
      const r = rows[u]!;
      if (tuneUsers.size < (o.maxTuneUsers ?? 2500) && r.some((j) => pseudo[j]) && r.some((j) => !pseudo[j])) tuneUsers.add(u);
    }
    rows.forEach((r, u) => {
      const kept = r.filter((j) => !pseudo[j]);
      if (!tuneUsers.has(u)) {
        valRows.push(kept);
        return;
      }
      const shuffled = shuffle([...kept], rng);
      const nw = kept.length >= 3 ? Math.max(1, Math.floor(0.2 * kept.length)) : 0;
      const warmTargets = shuffled.slice(0, nw);
      const input = shuffled.slice(nw);
      valRows.push(input);
      tune.push({ input, cold: new Set(r.filter((j) => pseudo[j])), warm: new Set(warmTargets) });
    });
    const bVal = easeWeights(Float32Array.from(gramMatrix(csrFromRows(valRows, n))), n, lambda);
    lap('validation_ease');
    // The VAE on the same reduced data, early-stopped on the tuning shoppers' held-out warm items:
    // the collaborative scores carried over to cold items may come from it instead of EASE.
    const sources: ('ease' | 'vae')[] = ['ease'];
    let vaeVal: Float32Array | null = null;
    const withWarm = tune.filter((t) => t.warm.size > 0);
    if (o.useVae !== false && (o.cfSources ?? ['ease']).includes('vae') && withWarm.length > 0) {
      await useBackend('wasm');
      const model = await trainVaeModel(
        csrFromRows(valRows, n),
        { seed: context.seed, ...DEFAULT_COLD_VAE, ...(o.tuneMetric ? { validationMetric: o.tuneMetric } : {}), ...o.vae },
        { validation: { inputs: csrFromRows(withWarm.map((t) => t.input), n), targets: withWarm.map((t) => [...t.warm]) }, items: context.items },
      );
      vaeVal = await model.scorer.scoreRows(csrFromRows(tune.map((t) => t.input), n));
      model.scorer.network.dispose();
      sources.push('vae');
      lap('validation_vae');
    }
    const warmScoresOf = (source: 'ease' | 'vae', u: number, su: Float32Array): Float32Array =>
      source === 'vae' ? vaeVal!.subarray(u * n, (u + 1) * n) : easeScores(bVal, n, tune[u]!.input, su);

    // 2. Bridge settings on the pseudo-cold view.
    const pseudoList = Int32Array.from(order.slice(0, nPseudo)).sort();
    const grid = {
      fields: o.grid?.fields ?? FIELD_VARIANTS,
      liftPower: o.grid?.liftPower ?? [0, 0.5],
      neighbours: o.grid?.neighbours ?? [5, 10, 30],
      cfWeight: o.grid?.cfWeight ?? [0, 0.4, 0.7, 1, 1.5],
      popWeight: o.grid?.popWeight ?? [0, 0.1, 0.2, 0.3],
      maxWeight: o.grid?.maxWeight ?? [0, 0.5],
      krrWeight: o.grid?.krrWeight ?? [0, 0.5, 1, 1.5, 2.5],
    };
    const cells = grid.neighbours.length * grid.cfWeight.length * grid.popWeight.length * grid.maxWeight.length * grid.krrWeight.length;
    const cell = (a: number, b: number, c: number, d: number, e: number) =>
      (((a * grid.cfWeight.length + b) * grid.popWeight.length + c) * grid.maxWeight.length + d) * grid.krrWeight.length + e;
    const table: Record<string, number> = {};
    let best: { config: BridgeConfig; value: number; source: 'ease' | 'vae' } | null = null;
    const su = new Float32Array(n);
    let bridgeAt = '';
    for (const [f, fields] of grid.fields.entries())
    for (const liftPower of grid.liftPower) {
      const config = { ...DEFAULT_BRIDGE, fields, liftPower, neighbours: Math.max(...grid.neighbours) };
      const bridge = ColdBridge.fit(context.items, valRows, fitWarm, pseudoList, config);
      if (grid.krrWeight.some((x) => x !== 0)) bridge.kernelRidge(config.krrMu);
      for (const source of sources) {
      const sums = new Float64Array(cells);
      const out = new Float64Array(pseudoList.length);
      for (const [u, t] of tune.entries()) {
        const scores = warmScoresOf(source, u, su);
        const krr = bridge.krrPart(scores);
        grid.neighbours.forEach((k, a) => {
          const { content, best: top, cf } = bridge.parts(t.input, scores, k);
          grid.cfWeight.forEach((cw, b) =>
            grid.popWeight.forEach((pw, c) =>
              grid.maxWeight.forEach((mw, d) =>
                grid.krrWeight.forEach((kw, e) => {
                  if (kw !== 0 && !krr) return;
                  for (let p = 0; p < out.length; p++) out[p] = content[p]! + mw * top[p]! + cw * cf![p]! + pw * bridge.prior[p]! + (kw !== 0 ? kw * krr![p]! : 0);
                  sums[cell(a, b, c, d, e)]! += ndcgAt20(out, pseudoList, t.cold);
                }),
              ),
            ),
          );
        });
      }
      grid.neighbours.forEach((neighbours, a) =>
        grid.cfWeight.forEach((cfWeight, b) =>
          grid.popWeight.forEach((popWeight, c) =>
            grid.maxWeight.forEach((maxWeight, d) =>
              grid.krrWeight.forEach((krrWeight, e) => {
                const value = sums[cell(a, b, c, d, e)]! / Math.max(1, tune.length);
                if (cfWeight === 0 && popWeight === 0 && maxWeight === 0 && krrWeight === 0 && a === 0) table[`fields ${f} lift ${liftPower} content only`] = round(value);
                if (!best || value > best.value) best = { config: { ...config, neighbours, cfWeight, popWeight, maxWeight, krrWeight }, value, source };
              }),
            ),
          ),
        ),
      );
      let sourceBest = 0;
      sums.forEach((v) => (sourceBest = Math.max(sourceBest, v / Math.max(1, tune.length))));
      table[`fields ${f} lift ${liftPower} best with ${source}`] = round(sourceBest);
      }
      if (bridgeAt !== JSON.stringify([best!.config.fields, best!.config.liftPower])) {
        bridgeAt = JSON.stringify([best!.config.fields, best!.config.liftPower]);
        this.bridge = bridge;
      }
    }
    const chosen = best!;
    table.chosen = round(chosen.value);
    this.cfSource = chosen.source;
    lap('tune_bridge');

    // 3. Calibration on the mixed ranking of the tuning shoppers (warm by EASE, pseudo-cold by the bridge).
    const tuneBridge = this.bridge!;
    const calSums = new Float64Array(CAL_SCALES.length * CAL_SHIFTS.length);
    const row = new Float32Array(n);
    const raw = new Float32Array(pseudoList.length);
    const ids = Int32Array.from({ length: n }, (_, j) => j);
    // Items not in the tuning ranking: the protocol's own cold items.
    let calUsers = 0;
    const calMask = Uint8Array.from(fitWarm);
    for (const [u, t] of tune.entries()) {
      if (t.warm.size === 0) continue;
      calUsers++;
      const scores = warmScoresOf(this.cfSource, u, su);
      tuneBridge.score(t.input, scores, raw, chosen.config);
      // The mixed ranking's warm scores: the VAE's where trained (as at test time), else EASE's.
      const warmRow = vaeVal ? vaeVal.subarray(u * n, (u + 1) * n) : easeScores(bVal, n, t.input, su);
      const targets = new Set([...t.cold, ...t.warm]);
      const blocked = new Set<number>(t.input);
      for (let j = 0; j < n; j++) if (!this.warm[j]) blocked.add(j);
      CAL_SCALES.forEach((scale, a) =>
        CAL_SHIFTS.forEach((shift, b) => {
          row.set(warmRow);
          placeCold(row, calMask, pseudoList, raw, { scale, shift });
          calSums[a * CAL_SHIFTS.length + b]! += ndcgAt20(row, ids, targets, blocked);
        }),
      );
    }
    let at = 0;
    calSums.forEach((v, i) => {
      if (v > calSums[at]!) at = i;
    });
    this.calibration = { scale: CAL_SCALES[Math.floor(at / CAL_SHIFTS.length)]!, shift: CAL_SHIFTS[at % CAL_SHIFTS.length]! };
    lap('calibration');

    this.chosen = chosen.config;
    this.report = {
      warm: o.useVae === false ? `ease (lambda ${lambda})` : 'vae (src/models/vae, trainVaeModel; 10% of shoppers held out for its validation)',
      cold: 'content bridge (research/cold-start/content-bridge.ts)',
      collaborativeScoresForCold: this.cfSource === 'vae' ? 'vae (the warm model)' : `ease (lambda ${lambda})`,
      bridge: this.chosen,
      tuning: {
        pseudoColdItems: nPseudo,
        tuneUsers: tune.length,
        calibrationUsers: calUsers,
        metric: 'NDCG@20 on pseudo-cold candidates',
        grid,
        validationNDCG20: table,
      },
      calibration: this.calibration,
      calibrationValidationNDCG20: round(calSums[at]! / Math.max(1, calUsers)),
    };
  }

  async scoreBatch(inputs: Csr): Promise<Float32Array> {
    const n = this.n;
    const rows = rowsOf(inputs);
    let out: Float32Array;
    if (this.vae) out = await this.vae.scorer.scoreRows(inputs);
    else {
      out = new Float32Array(inputs.rows * n);
      const su = new Float32Array(n);
      rows.forEach((r, u) => out.set(easeScores(this.b, n, r, su), u * n));
    }
    const bridge = this.bridge;
    if (!bridge) return out;
    const su = new Float32Array(n);
    const raw = new Float32Array(bridge.candidates.length);
    rows.forEach((r, u) => {
      const scores = this.cfSource === 'vae' && this.vae ? out.slice(u * n, (u + 1) * n) : easeScores(this.b, n, r, su);
      bridge.score(r, scores, raw, this.chosen);
      placeCold(out.subarray(u * n, (u + 1) * n), this.warm, bridge.candidates, raw, this.calibration);
    });
    return out;
  }

  settings(): Record<string, unknown> {
    return this.report;
  }

  backend(): string {
    return this.backendName;
  }

  dispose(): void {
    this.vae?.scorer.network.dispose();
    this.vae = null;
    this.b = new Float32Array(0);
    this.bridge = null;
  }
}

const round = (x: number): number => Math.round(x * 10000) / 10000;
